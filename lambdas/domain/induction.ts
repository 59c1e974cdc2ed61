/** Induction rules (DESIGN §3): an attended induction opens a 14-day window to start. */
import { addDaysIso, compareIso, formatLongDate, type IsoDate } from './dates.ts';
import type { Violation } from './errors.ts';

export const INDUCTION_WINDOW_DAYS = 14;

export const checkAttendedOn = (attendedOn: IsoDate, today: IsoDate): Violation[] =>
  compareIso(attendedOn, today) > 0
    ? [
        {
          path: 'attendedOn',
          message: `The induction date cannot be in the future: use ${formatLongDate(today)} or earlier`,
        },
      ]
    : [];

/** The last start date the induction allows (inclusive). */
export const lastStartDate = (attendedOn: IsoDate): IsoDate => addDaysIso(attendedOn, INDUCTION_WINDOW_DAYS);

/** True once the window has closed: the whole of the last start date still counts as inside it. */
export const inductionExpired = (attendedOn: IsoDate, today: IsoDate): boolean =>
  compareIso(today, lastStartDate(attendedOn)) > 0;
