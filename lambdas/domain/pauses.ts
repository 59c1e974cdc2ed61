/**
 * An active therapist's pause (issue 11 §2, DESIGN §5 `POST /applications/{id}/pauses`): a period of London dates,
 * both inclusive, when they take no new patients (holidays). The capacity report leaves them out on its days
 * (domain/capacity.ts).
 */
import type { Pause } from './capacity.ts';
import { addDaysIso, compareIso, daysBetween, formatLongDate, type IsoDate } from './dates.ts';
import type { Violation } from './errors.ts';

export const PAUSE_POLICY = {
  /** Policy: the longest pause, in days counted from its first day to its last, both included (six weeks). */
  maxDays: 42,
} as const;

/** Every rule broken by a pause asked for on `today`: it starts today or later, ends on or after its start, and
 *  lasts at most 42 days. */
export const checkPause = (
  input: { from: IsoDate; to: IsoDate },
  context: { today: IsoDate },
): Violation[] => {
  const violations: Violation[] = [];
  if (compareIso(input.from, context.today) < 0) {
    violations.push({
      path: 'from',
      message: `Start the pause today (${formatLongDate(context.today)}) or later`,
    });
  }
  if (compareIso(input.to, input.from) < 0) {
    violations.push({ path: 'to', message: 'The last day of the pause must be on or after its first day' });
  } else if (daysBetween(input.from, input.to) + 1 > PAUSE_POLICY.maxDays) {
    violations.push({
      path: 'to',
      message: `A pause lasts at most ${PAUSE_POLICY.maxDays} days: from ${formatLongDate(input.from)}, end it on ${formatLongDate(addDaysIso(input.from, PAUSE_POLICY.maxDays - 1))} at the latest`,
    });
  }
  return violations;
};

/** The first existing pause sharing a day with `input`, if any. */
export const overlappingPause = (
  pauses: readonly Pause[] | undefined,
  input: { from: IsoDate; to: IsoDate },
): Pause | undefined =>
  (pauses ?? []).find(
    (pause) => compareIso(pause.from, input.to) <= 0 && compareIso(input.from, pause.to) <= 0,
  );

/** Pauses not yet over on `today` (the status page lists them), first first. */
export const currentAndComingPauses = (pauses: readonly Pause[] | undefined, today: IsoDate): Pause[] =>
  (pauses ?? [])
    .filter((pause) => compareIso(pause.to, today) >= 0)
    .sort((a, b) => compareIso(a.from, b.from));
