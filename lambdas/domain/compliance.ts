/**
 * Compliance of active therapists (issue 4): DBS and insurance deadlines, the reminders before them, the flags once
 * they pass, and how long closed applications and DBS certificate images are kept. Pure: `today` is an argument.
 */

import type { ComplianceFlag } from './application.ts';
import { addDaysIso, addMonthsIso, addYearsIso, compareIso, type IsoDate } from './dates.ts';
import { certificateAlertDate } from './dbs-application.ts';
import { insuranceEndedBy, insuranceExpiresOn } from './insurance.ts';
import { DBS_POLICY } from './policy.ts';

export const COMPLIANCE_CONFIG = {
  dbsReminderDays: [60, 30, 14, 7, 0],
  insuranceReminderDays: [30, 14, 7, 0],
  retentionMonths: 6,
} as const;

export type ComplianceAction =
  | `dbs-reminder-${(typeof COMPLIANCE_CONFIG.dbsReminderDays)[number]}`
  | 'dbs-renewal-overdue'
  | 'dbs-certificate-alert'
  | 'dbs-overdue'
  | `insurance-reminder-${(typeof COMPLIANCE_CONFIG.insuranceReminderDays)[number]}`
  | 'insurance-expired';

export type { ComplianceFlag };

export interface ComplianceFacts {
  /** `issueDate` is undefined when the therapist holds no certificate. */
  dbs: { issueDate?: IsoDate };
  /** Set at activation for a renewal-after-start certificate (start date + 6 months) until the new one is recorded. */
  dbsRenewalDueBy?: IsoDate;
  /** The day the provider applied for the new certificate (the provider's DBS application). */
  dbsAppliedOn?: IsoDate;
  /** The day of the latest clean Update Service status check (result no-new-information). */
  dbsCleanCheckOn?: IsoDate;
  /** Policy (DESIGN §3): years before a re-check is due; null turns it off; default DBS_POLICY.dbsRecheckYears. */
  dbsRecheckYears?: number | null;
  insuranceEndDate: IsoDate;
}

/**
 * dbs-renewal: the provider must apply by this day; dbs-certificate: staff are alerted this day if the certificate
 * the provider applied for is not recorded; dbs-recheck: our periodic re-check.
 */
export type DbsDeadlineKind = 'dbs-renewal' | 'dbs-certificate' | 'dbs-recheck';

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

const later = (a: IsoDate, b: IsoDate | undefined): IsoDate =>
  b !== undefined && compareIso(b, a) > 0 ? b : a;

/**
 * The re-check (our policy, not the seed's): the latest certificate, or the latest clean status check, older than
 * `dbsRecheckYears`. Undefined when the policy is off or there is no certificate.
 */
export const dbsRecheckDate = (facts: ComplianceFacts): IsoDate | undefined => {
  const years = facts.dbsRecheckYears === undefined ? DBS_POLICY.dbsRecheckYears : facts.dbsRecheckYears;
  if (years === null || facts.dbs.issueDate === undefined) return undefined;
  return addYearsIso(later(facts.dbs.issueDate, facts.dbsCleanCheckOn), years);
};

/**
 * The one DBS deadline chased now. While a renewal is pending it is the renewal deadline (the re-check never falls
 * due before it); once the provider has applied, the day staff are alerted if no certificate has come; otherwise
 * the re-check, which the renewed certificate restarts.
 */
export const dbsDeadline = (facts: ComplianceFacts): DbsDeadline | undefined => {
  if (facts.dbsRenewalDueBy !== undefined) {
    return facts.dbsAppliedOn === undefined
      ? { kind: 'dbs-renewal', dueDate: facts.dbsRenewalDueBy }
      : { kind: 'dbs-certificate', dueDate: certificateAlertDate(facts.dbsAppliedOn) };
  }
  const recheck = dbsRecheckDate(facts);
  return recheck === undefined ? undefined : { kind: 'dbs-recheck', dueDate: recheck };
};

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

const dbsSteps = (deadline: DbsDeadline): Step[] =>
  deadline.kind === 'dbs-certificate'
    ? [{ action: 'dbs-certificate-alert', deadline, dueOn: deadline.dueDate }]
    : stepsOf(
        deadline,
        COMPLIANCE_CONFIG.dbsReminderDays,
        (days) => `dbs-reminder-${days}` as const,
        deadline.kind === 'dbs-renewal' ? 'dbs-renewal-overdue' : 'dbs-overdue',
      );

// Only the current deadlines are chased: a DBS deadline superseded (a renewal applied for, a re-check restarted),
// or an old policy's end date, no longer produces anything.
const timelines = (facts: ComplianceFacts): Step[][] => {
  const dbs = dbsDeadline(facts);
  const insurance: ComplianceDeadline = { kind: 'insurance-end', dueDate: facts.insuranceEndDate };
  return [
    ...(dbs ? [dbsSteps(dbs)] : []),
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
  if (dbs && dbs.kind !== 'dbs-certificate' && compareIso(today, dbs.dueDate) > 0)
    flags.push(dbs.kind === 'dbs-renewal' ? 'dbs-renewal-overdue' : 'dbs-overdue');
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
