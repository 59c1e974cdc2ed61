/**
 * Compliance of active therapists (issue 4): DBS and insurance deadlines, the reminders before them, the flags once
 * they pass, and how long closed applications and DBS certificate images are kept. Pure: `today` is an argument.
 */

import type { ComplianceFlag } from './application.ts';
import { addDaysIso, addMonthsIso, addYearsIso, compareIso, type IsoDate } from './dates.ts';
import { insuranceEndedBy, insuranceExpiresOn } from './insurance.ts';

export const COMPLIANCE_CONFIG = {
  dbsRecheckYears: 3,
  dbsReminderDays: [60, 30, 14, 7, 0],
  insuranceReminderDays: [30, 14, 7, 0],
  retentionMonths: 6,
} as const;

export type ComplianceAction =
  | `dbs-reminder-${(typeof COMPLIANCE_CONFIG.dbsReminderDays)[number]}`
  | 'dbs-overdue'
  | `insurance-reminder-${(typeof COMPLIANCE_CONFIG.insuranceReminderDays)[number]}`
  | 'insurance-expired';

export type { ComplianceFlag };

export interface ComplianceFacts {
  /** `issueDate` is undefined when the therapist holds no certificate. */
  dbs: { issueDate?: IsoDate };
  /**
   * Set for a renewal-after-start certificate (start date + 6 months), and by the caller for a new certificate the
   * provider applies for on the applicant's behalf: both are chased the same way.
   */
  dbsRenewalDueBy?: IsoDate;
  insuranceEndDate: IsoDate;
}

export type DbsDeadlineKind = 'dbs-renewal' | 'dbs-recheck';

export interface ComplianceDeadline {
  kind: DbsDeadlineKind | 'insurance-end';
  dueDate: IsoDate;
}

export interface DbsDeadline extends ComplianceDeadline {
  kind: DbsDeadlineKind;
}

export interface DueAction {
  action: ComplianceAction;
  /** What to record as sent: `${action}@${dueDate}`. */
  key: string;
  deadline: ComplianceDeadline;
  /** The day the action became due (on or before today). */
  dueOn: IsoDate;
  /** For a reminder: how many days before the deadline it is meant to go. */
  daysBefore?: number;
}

export interface ComplianceActionsDue {
  /** To carry out today (send, flag, alert), then record by `key`. */
  actions: DueAction[];
  /**
   * Reminders passed over because a later action of the same deadline is due (a missed run): the caller records
   * them as sent so they never go out late.
   */
  skippedKeys: string[];
}

/** The deadline is part of the key, so a new deadline (after a renewal or a new policy) gets fresh reminders. */
export const actionKey = (action: ComplianceAction, dueDate: IsoDate): string => `${action}@${dueDate}`;

/** Every DBS deadline that applies: the renewal one when set, and the periodic re-check of the held certificate. */
export const dbsDeadlines = (facts: ComplianceFacts): DbsDeadline[] => {
  const deadlines: DbsDeadline[] = [];
  if (facts.dbsRenewalDueBy !== undefined) {
    deadlines.push({ kind: 'dbs-renewal', dueDate: facts.dbsRenewalDueBy });
  }
  if (facts.dbs.issueDate !== undefined) {
    deadlines.push({
      kind: 'dbs-recheck',
      dueDate: addYearsIso(facts.dbs.issueDate, COMPLIANCE_CONFIG.dbsRecheckYears),
    });
  }
  return deadlines;
};

/** The deadline the therapist must meet: whichever comes first. */
export const dbsDeadline = (facts: ComplianceFacts): DbsDeadline | undefined =>
  dbsDeadlines(facts).reduce<DbsDeadline | undefined>(
    (earliest, d) => (earliest === undefined || compareIso(d.dueDate, earliest.dueDate) < 0 ? d : earliest),
    undefined,
  );

interface Step {
  action: ComplianceAction;
  deadline: ComplianceDeadline;
  dueOn: IsoDate;
  daysBefore?: number;
}

// One deadline's actions, earliest first: the reminders, then the flag the day after the deadline.
const stepsOf = <Days extends number>(
  deadline: ComplianceDeadline,
  reminderDays: readonly Days[],
  reminder: (days: Days) => ComplianceAction,
  pastDue: ComplianceAction,
  pastDueOn: IsoDate = addDaysIso(deadline.dueDate, 1),
): Step[] => [
  ...[...reminderDays]
    .sort((a, b) => b - a)
    .map((days) => ({
      action: reminder(days),
      deadline,
      dueOn: addDaysIso(deadline.dueDate, -days),
      daysBefore: days,
    })),
  { action: pastDue, deadline, dueOn: pastDueOn },
];

// Only the current deadlines are chased: a DBS deadline superseded by an earlier one, or an old policy's end date,
// no longer produces anything.
const timelines = (facts: ComplianceFacts): Step[][] => {
  const dbs = dbsDeadline(facts);
  const insurance: ComplianceDeadline = { kind: 'insurance-end', dueDate: facts.insuranceEndDate };
  return [
    ...(dbs
      ? [
          stepsOf(
            dbs,
            COMPLIANCE_CONFIG.dbsReminderDays,
            (days) => `dbs-reminder-${days}` as const,
            'dbs-overdue',
          ),
        ]
      : []),
    stepsOf(
      insurance,
      COMPLIANCE_CONFIG.insuranceReminderDays,
      (days) => `insurance-reminder-${days}` as const,
      'insurance-expired',
      insuranceExpiresOn({ endDate: facts.insuranceEndDate }),
    ),
  ];
};

const keyOf = (step: Step): string => actionKey(step.action, step.deadline.dueDate);

/**
 * The actions due on `today` whose keys are not in `alreadySent`. Per deadline only the latest action whose day
 * has come is meaningful (a late "60 days before" reminder would mislead when 30 are left, and no reminder is
 * worth sending once the deadline has passed); the earlier ones not yet recorded come back in `skippedKeys`.
 */
export const complianceActionsDue = (
  facts: ComplianceFacts,
  today: IsoDate,
  alreadySent: readonly string[],
): ComplianceActionsDue => {
  const sent = new Set(alreadySent);
  const result: ComplianceActionsDue = { actions: [], skippedKeys: [] };
  for (const steps of timelines(facts)) {
    const due = steps.filter((step) => compareIso(step.dueOn, today) <= 0);
    const latest = due.at(-1);
    if (!latest) continue;
    result.skippedKeys.push(
      ...due
        .slice(0, -1)
        .map(keyOf)
        .filter((key) => !sent.has(key)),
    );
    const key = keyOf(latest);
    if (!sent.has(key)) {
      result.actions.push({
        action: latest.action,
        key,
        deadline: latest.deadline,
        dueOn: latest.dueOn,
        ...(latest.daysBefore === undefined ? {} : { daysBefore: latest.daysBefore }),
      });
    }
  }
  return result;
};

/**
 * The earliest day on which an action not yet recorded becomes due (possibly past), or undefined once the current
 * deadlines have nothing left: the key of the sparse compliance index.
 */
export const nextComplianceDate = (
  facts: ComplianceFacts,
  alreadySent: readonly string[],
): IsoDate | undefined => {
  const sent = new Set(alreadySent);
  return timelines(facts)
    .flat()
    .filter((step) => !sent.has(keyOf(step)))
    .map((step) => step.dueOn)
    .reduce<IsoDate | undefined>(
      (earliest, d) => (earliest === undefined || compareIso(d, earliest) < 0 ? d : earliest),
      undefined,
    );
};

/** The flags that hold on `today`: the day after a deadline, not on it. */
export const flagsFor = (facts: ComplianceFacts, today: IsoDate): ComplianceFlag[] => {
  const flags: ComplianceFlag[] = [];
  const dbs = dbsDeadline(facts);
  if (dbs && compareIso(today, dbs.dueDate) > 0) flags.push('dbs-overdue');
  if (insuranceEndedBy({ endDate: facts.insuranceEndDate }, today)) flags.push('insurance-expired');
  return flags;
};

/** When a rejected, withdrawn or lapsed application (item, events, every document and version) is deleted. */
export const retentionDate = (closedAt: IsoDate): IsoDate =>
  addMonthsIso(closedAt, COMPLIANCE_CONFIG.retentionMonths);

/** When the DBS certificate image is deleted; the number, issue date, level and decision are kept. */
export const dbsImageDeletionDate = (reviewDecidedOn: IsoDate): IsoDate =>
  addMonthsIso(reviewDecidedOn, COMPLIANCE_CONFIG.retentionMonths);

export const retentionDue = (date: IsoDate, today: IsoDate): boolean => compareIso(today, date) >= 0;
