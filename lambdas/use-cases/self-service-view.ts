/**
 * What the applicant's view shows of an active therapist's own changes (issue 11 §2): the availability in effect
 * today (the read-time rule: a change whose effectiveFrom has come is the current one), the change still to come,
 * the pauses not over yet and the renewals waiting for staff to verify.
 */
import type { Application } from '../domain/application.ts';
import { commitmentOn, pendingChange } from '../domain/availability.ts';
import { currentAndComingPauses } from '../domain/pauses.ts';
import { DOCUMENT_KINDS } from '../domain/stages.ts';
import type { ApplicationView } from '../shared/schemas.ts';

type SelfServiceView = Pick<ApplicationView, 'availability' | 'pendingAvailability' | 'pauses' | 'renewals'>;

/** The current availability (read-time rule) and, for an active therapist, what is pending and waiting. */
export const selfServiceView = (app: Application, today: string): SelfServiceView => {
  if (!app.availability) return {};
  const current = commitmentOn(app.availability, app.availabilityChanges, today);
  const slots = (list: { day: string; start: string; end: string }[]) =>
    list.map(({ day, start, end }) => ({ day, start, end }));
  const pending = pendingChange(app.availabilityChanges, today);
  const pauses = currentAndComingPauses(app.pauses, today).map(({ from, to }) => ({ from, to }));
  const renewals = DOCUMENT_KINDS.flatMap((document) => {
    const stored = app.renewals?.[document];
    return stored ? [{ document, receivedAt: stored.receivedAt }] : [];
  });
  return {
    availability: {
      patientsPerWeek: current.patientsPerWeek,
      startDate: app.availability.startDate,
      weeklySlots: slots(current.weeklySlots),
    },
    ...(pending
      ? {
          pendingAvailability: {
            patientsPerWeek: pending.patientsPerWeek,
            effectiveFrom: pending.effectiveFrom,
            weeklySlots: slots(pending.weeklySlots),
          },
        }
      : {}),
    ...(pauses.length > 0 ? { pauses } : {}),
    ...(renewals.length > 0 ? { renewals } : {}),
  };
};
