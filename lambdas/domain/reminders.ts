/**
 * Reminder cadences (DESIGN §3), the one place they are configured. Every step that waits on the applicant counts
 * days from the date its stage was entered (day 0; the next London date is day 1): reminders to the applicant, then
 * an alert to staff, and for missing documents a lapse. Documents may arrive until the end of day `lapseDays` (the
 * "upload by" date people read); the application lapses at 00:00 London on the day after.
 */
import { addDaysIso, daysBetween, type IsoDate } from './dates.ts';

export const REMINDER_CADENCE = {
  reminderDays: [3, 7],
  staffAlertDays: 14,
  lapseDays: 30,
} as const;

export type ReminderAction =
  | `reminder-${(typeof REMINDER_CADENCE.reminderDays)[number]}`
  | `staff-alert-${typeof REMINDER_CADENCE.staffAlertDays}`
  | `lapse-${typeof REMINDER_CADENCE.lapseDays}`;

export interface ScheduledAction {
  action: ReminderAction;
  /** Days after the stage was entered: due from the start of that London day. */
  afterDays: number;
}

/** The cadence as one timeline, earliest first. */
export const REMINDER_SCHEDULE: readonly ScheduledAction[] = (
  [
    ...REMINDER_CADENCE.reminderDays.map((days) => ({
      action: `reminder-${days}` as const,
      afterDays: days,
    })),
    { action: `staff-alert-${REMINDER_CADENCE.staffAlertDays}`, afterDays: REMINDER_CADENCE.staffAlertDays },
    { action: `lapse-${REMINDER_CADENCE.lapseDays}`, afterDays: REMINDER_CADENCE.lapseDays + 1 },
  ] satisfies ScheduledAction[]
).sort((a, b) => a.afterDays - b.afterDays);

/** The last day documents are accepted: the "upload by" date on the status page and in emails. */
export const documentsDueBy = (stageEnteredOn: IsoDate): IsoDate =>
  addDaysIso(stageEnteredOn, REMINDER_CADENCE.lapseDays);

/** The day the application lapses (at its first moment, 00:00 London) when documents are still missing. */
export const lapsesOn = (stageEnteredOn: IsoDate): IsoDate => addDaysIso(documentsDueBy(stageEnteredOn), 1);

export interface CadenceOptions {
  /**
   * Whether the step can lapse. Only missing documents lapse an application (DESIGN §2); the caller knows the
   * stage, so it decides. Default true.
   */
  includeLapse?: boolean;
}

const applicable = ({ includeLapse = true }: CadenceOptions): readonly ScheduledAction[] =>
  includeLapse ? REMINDER_SCHEDULE : REMINDER_SCHEDULE.filter(({ action }) => !action.startsWith('lapse-'));

/**
 * The actions due on `today` or earlier that are not in `alreadySent`, earliest first. A sweep that missed days
 * catches up with every overdue action; recording what it sent makes a rerun send nothing twice.
 */
export const dueActions = (
  stageEnteredOn: IsoDate,
  today: IsoDate,
  alreadySent: readonly string[],
  options: CadenceOptions = {},
): ReminderAction[] => {
  const elapsed = daysBetween(stageEnteredOn, today);
  return applicable(options)
    .filter(({ action, afterDays }) => afterDays <= elapsed && !alreadySent.includes(action))
    .map(({ action }) => action);
};

/**
 * The date of the earliest action not yet sent (possibly already past), or undefined when nothing is left: the
 * key of the sparse "due" index, so a sweep reads only what is due.
 */
export const nextDueDate = (
  stageEnteredOn: IsoDate,
  alreadySent: readonly string[],
  options: CadenceOptions = {},
): IsoDate | undefined => {
  const next = applicable(options).find(({ action }) => !alreadySent.includes(action));
  return next && addDaysIso(stageEnteredOn, next.afterDays);
};
