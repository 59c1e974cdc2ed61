/**
 * Induction rules (DESIGN §3): an attended induction opens a window to start that ends 14 days later, inclusive.
 * Staff may extend a window (the seed: the therapist "may be asked" to redo the induction — a decision), before or
 * after it closes, to a new last day at most 14 days from the decision, with a reason.
 */
import { addDaysIso, compareIso, formatLongDate, type IsoDate } from './dates.ts';
import type { Violation } from './errors.ts';

export const INDUCTION_WINDOW_DAYS = 14;
/** An extension's new last start date is at most this many days from the day staff decide it. */
export const INDUCTION_EXTENSION_MAX_DAYS = 14;

export interface InductionExtension {
  lastStartDate: IsoDate;
  reason: string;
  recordedAt: string;
  recordedBy: string;
}

export interface InductionRecord {
  attendedOn: IsoDate;
  recordedAt: string;
  recordedBy: string;
  /** The latest extension (each one replaces the previous). */
  extension?: InductionExtension;
}

/** The last start date an induction attended on `attendedOn` allows, without an extension (inclusive). */
export const lastStartDate = (attendedOn: IsoDate): IsoDate => addDaysIso(attendedOn, INDUCTION_WINDOW_DAYS);

/** The window's last start date (inclusive): the extension's when staff extended it. */
export const windowLastDay = (induction: Pick<InductionRecord, 'attendedOn' | 'extension'>): IsoDate =>
  induction.extension?.lastStartDate ?? lastStartDate(induction.attendedOn);

/** True once the window has closed: the whole of its last day still counts as inside it. */
export const inductionExpired = (
  induction: Pick<InductionRecord, 'attendedOn' | 'extension'>,
  today: IsoDate,
): boolean => compareIso(today, windowLastDay(induction)) > 0;

/** `attendedOn` is not in the future and not more than 14 days ago (its window must still be open today). */
export const checkAttendedOn = (attendedOn: IsoDate, today: IsoDate): Violation[] => {
  if (compareIso(attendedOn, today) > 0) {
    return [
      {
        path: 'attendedOn',
        message: `The induction date cannot be in the future: use ${formatLongDate(today)} or earlier`,
      },
    ];
  }
  const closedOn = lastStartDate(attendedOn);
  if (compareIso(closedOn, today) < 0) {
    return [
      {
        path: 'attendedOn',
        message: `An induction on ${formatLongDate(attendedOn)} was more than ${INDUCTION_WINDOW_DAYS} days ago: its window to start closed on ${formatLongDate(closedOn)}. Invite the therapist to a new induction, or extend the window of an induction recorded in time`,
      },
    ];
  }
  return [];
};

/**
 * An extension's new last start date: today or later, at most 14 days from today, and later than the window's
 * current last day (an extension never shortens a window).
 */
export const checkExtension = (newLastDay: IsoDate, currentLastDay: IsoDate, today: IsoDate): Violation[] => {
  const latest = addDaysIso(today, INDUCTION_EXTENSION_MAX_DAYS);
  if (compareIso(newLastDay, today) < 0) {
    return [
      {
        path: 'lastStartDate',
        message: `The new last start date cannot be in the past: use ${formatLongDate(today)} to ${formatLongDate(latest)}`,
      },
    ];
  }
  if (compareIso(newLastDay, latest) > 0) {
    return [
      {
        path: 'lastStartDate',
        message: `An extension gives at most ${INDUCTION_EXTENSION_MAX_DAYS} days from today: use ${formatLongDate(latest)} or earlier`,
      },
    ];
  }
  if (compareIso(newLastDay, currentLastDay) <= 0) {
    return [
      {
        path: 'lastStartDate',
        message: `The window already runs to ${formatLongDate(currentLastDay)}: choose a later last start date, up to ${formatLongDate(latest)}`,
      },
    ];
  }
  return [];
};
