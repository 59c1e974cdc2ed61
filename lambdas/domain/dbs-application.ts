/**
 * The provider's DBS application (DESIGN §3): the provider applies for a new certificate at the therapist's cost,
 * for a renewal within 6 months of the start date or for a new applicant without an acceptable certificate.
 * A record on the application: `requested` (fee accepted) → `applied` (appliedOn, reference) → `certificate-recorded`.
 * And the DBS assessment again at activation, as of the start date. Pure: today is an argument.
 */
import { addDaysIso, compareIso, formatLongDate, type IsoDate } from './dates.ts';
import {
  assessDbs,
  type DbsFacts,
  type DbsResult,
  dbsAcceptedThrough,
  dbsCurrentThrough,
  dbsRenewalDueBy,
} from './dbs.ts';
import { RuleViolation, type Violation } from './errors.ts';
import { DBS_POLICY } from './policy.ts';

export const DBS_APPLICATION_STATUSES = ['requested', 'applied', 'certificate-recorded'] as const;
export type DbsApplicationStatus = (typeof DBS_APPLICATION_STATUSES)[number];

export interface DbsApplicationRecord {
  status: DbsApplicationStatus;
  /** Always true: the record exists only once the therapist has agreed to pay. */
  acceptsFee: true;
  /** The fee shown when consent was given. */
  feeGbp: number;
  /** The therapist asked the provider to apply straight away, before the start. */
  applyNow: boolean;
  requestedAt: string;
  appliedOn?: IsoDate;
  reference?: string;
  certificateRecordedAt?: string;
}

export const newDbsApplication = (at: string, applyNow: boolean): DbsApplicationRecord => ({
  status: 'requested',
  acceptsFee: true,
  feeGbp: DBS_POLICY.dbsFeeGbp,
  applyNow,
  requestedAt: at,
});

/**
 * Whether the provider may be asked to apply, as of `onDay` (the latest start date the applicant can choose, or
 * today): the certificate is missing, not accepted, or more than 12 months old by then.
 */
export const providerApplicationPossible = (dbs: DbsFacts, onDay: IsoDate): boolean =>
  assessDbs(dbs, onDay).assessment !== 'current';

/** The deadline is met by the application, not the certificate (seed: "make an application ... within 6 months"). */
export const renewalDeadlineMet = (appliedOn: IsoDate | undefined, dueBy: IsoDate): boolean =>
  appliedOn !== undefined && compareIso(appliedOn, dueBy) <= 0;

/** When staff are alerted that no certificate has arrived since the provider applied. */
export const certificateAlertDate = (appliedOn: IsoDate): IsoDate =>
  addDaysIso(appliedOn, DBS_POLICY.certificateAlertDaysAfterApplying);

/** Staff record the day they applied: not in the future. */
export const checkAppliedOn = (appliedOn: IsoDate, today: IsoDate): Violation[] =>
  compareIso(appliedOn, today) > 0
    ? [
        {
          path: 'appliedOn',
          message: `The application date cannot be in the future: use ${formatLongDate(today)} or earlier`,
        },
      ]
    : [];

/** An Update Service status check: not in the future, not before the certificate was issued. */
export const checkStatusCheckedOn = (checkedOn: IsoDate, issueDate: IsoDate, today: IsoDate): Violation[] => {
  if (compareIso(checkedOn, today) > 0)
    return [
      {
        path: 'checkedOn',
        message: `The check date cannot be in the future: use ${formatLongDate(today)} or earlier`,
      },
    ];
  if (compareIso(checkedOn, issueDate) < 0)
    return [
      {
        path: 'checkedOn',
        message: `The check date cannot be before the certificate was issued (${formatLongDate(issueDate)})`,
      },
    ];
  return [];
};

export interface ActivationDbs {
  result: DbsResult;
  /** Set when the certificate needs the provider's renewal application: start date + 6 months. */
  dbsRenewalDueBy?: IsoDate;
}

/**
 * The DBS assessed again at activation, as of the start date. A certificate more than 12 months old that day
 * needs the provider's renewal (and the fee accepted first); one not dated within 3 years blocks activation.
 * Throws RuleViolation (path `startDate`) saying what would pass.
 */
export const assessAtActivation = (input: {
  dbs: DbsFacts;
  feeAccepted: boolean;
  startDate: IsoDate;
  today: IsoDate;
}): ActivationDbs => {
  const { dbs, startDate, today } = input;
  const result = assessDbs(dbs, startDate);
  if (result.assessment === 'current') return { result };
  const start = formatLongDate(startDate);
  if (result.assessment === 'new-certificate-required') {
    const lastDay = dbs.hasCertificate ? dbsAcceptedThrough(dbs.issueDate) : undefined;
    const earlier =
      lastDay && compareIso(lastDay, today) >= 0
        ? `choose a start date on or before ${formatLongDate(lastDay)}, or `
        : '';
    throw new RuleViolation([
      {
        path: 'startDate',
        message: `Your DBS certificate is not dated within the last 3 years on ${start}: ${earlier}send the affiliate team a new certificate; you can start once it is recorded`,
      },
    ]);
  }
  if (!input.feeAccepted && dbs.hasCertificate) {
    const lastDay = dbsCurrentThrough(dbs.issueDate);
    const earlier =
      compareIso(lastDay, today) >= 0
        ? `, or choose a start date on or before ${formatLongDate(lastDay)}`
        : '';
    throw new RuleViolation([
      {
        path: 'startDate',
        message: `Your DBS certificate will be more than 12 months old on ${start}: we must apply for a new one within 6 months of your start, at a cost to you of £${DBS_POLICY.dbsFeeGbp}. Agree to the fee on your application page first${earlier}`,
      },
    ]);
  }
  return { result, dbsRenewalDueBy: dbsRenewalDueBy(startDate) };
};
