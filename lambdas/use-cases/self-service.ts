/**
 * An active therapist keeps their own details current from the status page (issue 11 §2), each through their own
 * access token (404 for anyone else's), each change in the history and emailed to them as a receipt.
 *
 * changeAvailability (PUT /applications/{id}/availability with `effectiveFrom`)
 *  1. Only for an active therapist (409 otherwise); the weekly commitment's rules, shared with the onboarding
 *     questionnaire, and effectiveFrom today or later in Europe/London (422 naming what would pass).
 *  2. The change is stored in order of effectiveFrom, replacing a pending one (at most one waits); it becomes the
 *     current availability on its day with no further write (the read-time rule of domain/availability.ts). The
 *     capacity aggregate changes in the same transaction (the store derives it from the item).
 *  3. `availability-changed` in the history; the receipt emailed.
 * addPause (POST /applications/{id}/pauses)
 *  1. Only for an active therapist (409); from today or later, at most 42 days (422); no day shared with a pause
 *     already recorded (409 naming it).
 *  2. The pause is stored (the capacity aggregate leaves the therapist out on its days, same transaction).
 *  3. `therapist-paused` in the history; the receipt emailed.
 */
import type { Application } from '../domain/application.ts';
import { type AvailabilityChange, changesKept, checkAvailabilityChange } from '../domain/availability.ts';
import { compareIso, formatLongDate, londonToday } from '../domain/dates.ts';
import { RuleViolation } from '../domain/errors.ts';
import { stageInSentence } from '../domain/labels.ts';
import { checkPause, overlappingPause } from '../domain/pauses.ts';
import { availabilityChangedReceipt, type Links, pauseReceipt } from '../emails/templates.ts';
import type { Ports } from '../ports/index.ts';
import { Conflict } from '../shared/errors.ts';
import type { AvailabilityChangeInput, PauseInput } from '../shared/schemas.ts';
import { act, type Caller } from './applicant-actions.ts';
import { event, outboxEntry } from './support.ts';

const requireActive = (app: Application, what: string): void => {
  if (app.stage !== 'active') {
    throw new Conflict(`${what} is for active therapists; this application is ${stageInSentence(app.stage)}`);
  }
};

export const changeAvailability = (
  caller: Caller,
  input: AvailabilityChangeInput,
  ports: Ports,
  links: Links,
) =>
  act(ports, caller, (app, now) => {
    requireActive(app, 'Changing your availability');
    const today = londonToday(now);
    const violations = checkAvailabilityChange(input, { today });
    if (violations.length > 0) throw new RuleViolation(violations);
    const change: AvailabilityChange = {
      patientsPerWeek: input.patientsPerWeek,
      weeklySlots: input.weeklySlots.map(({ day, start, end }) => ({ day, start, end })),
      effectiveFrom: input.effectiveFrom,
      givenAt: now.toISOString(),
    };
    const next: Application = {
      ...app,
      availabilityChanges: [
        ...changesKept(app.availabilityChanges ?? [], input.effectiveFrom, today),
        change,
      ],
    };
    next.outbox = [
      ...next.outbox,
      outboxEntry({ kind: 'email', email: availabilityChangedReceipt(next, change, links) }),
    ];
    return {
      next,
      events: [
        event(
          app.id,
          now,
          'availability-changed',
          { patientsPerWeek: change.patientsPerWeek, effectiveFrom: change.effectiveFrom },
          'applicant',
        ),
      ],
    };
  });

export const addPause = (caller: Caller, input: PauseInput, ports: Ports, links: Links) =>
  act(ports, caller, (app, now) => {
    requireActive(app, 'Pausing');
    const violations = checkPause(input, { today: londonToday(now) });
    if (violations.length > 0) throw new RuleViolation(violations);
    const overlap = overlappingPause(app.pauses, input);
    if (overlap) {
      throw new Conflict(
        `You already have a pause from ${formatLongDate(overlap.from)} to ${formatLongDate(overlap.to)}: choose days outside it`,
      );
    }
    const pause = { from: input.from, to: input.to, ...(input.reason ? { reason: input.reason } : {}) };
    const next: Application = {
      ...app,
      pauses: [...(app.pauses ?? []), pause].sort((a, b) => compareIso(a.from, b.from)),
    };
    next.outbox = [...next.outbox, outboxEntry({ kind: 'email', email: pauseReceipt(next, pause, links) })];
    return {
      next,
      events: [
        event(
          app.id,
          now,
          'therapist-paused',
          // The reason stays on the item for staff; the history says only whether one was given.
          { firstDay: pause.from, lastDay: pause.to, reasonGiven: Boolean(input.reason) },
          'applicant',
        ),
      ],
    };
  });
