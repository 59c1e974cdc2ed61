/**
 * DBS certificate rules (DESIGN §3): which certificates are accepted, and what the applicant must do otherwise.
 * Ages are counted forward from the issue date, never back from the day of assessment, so every module agrees on
 * leap days: issued 2023-02-28, a certificate is current through 2024-02-28 and more than 12 months old on
 * 2024-02-29.
 */
import { addMonthsIso, compareIso, formatLongDate, type IsoDate } from './dates.ts';
import { RuleViolation, type Violation } from './errors.ts';
import { DBS_POLICY } from './policy.ts';
import type { DbsAssessment, DbsLevel } from './stages.ts';

export const DEFAULT_ACCEPTED_DBS_LEVELS: readonly DbsLevel[] = DBS_POLICY.acceptedDbsLevels;

/** A certificate counts as current for this long after issue... */
export const DBS_CURRENT_MONTHS = 12;
/** ...is accepted, with a renewal after starting, up to this age... */
export const DBS_ACCEPTED_MONTHS = 36;
/** ...and that renewal must be applied for within this many months of the start date. */
export const DBS_RENEWAL_MONTHS_AFTER_START = 6;

/** The last day a certificate is not more than 12 months old. */
export const dbsCurrentThrough = (issueDate: IsoDate): IsoDate => addMonthsIso(issueDate, DBS_CURRENT_MONTHS);
/** The last day a certificate is "dated within the last 3 years". */
export const dbsAcceptedThrough = (issueDate: IsoDate): IsoDate =>
  addMonthsIso(issueDate, DBS_ACCEPTED_MONTHS);

/** "More than 12 months old on day d" iff d > issueDate + 12 months. */
export const isMoreThan12MonthsOld = (issueDate: IsoDate, d: IsoDate): boolean =>
  compareIso(d, dbsCurrentThrough(issueDate)) > 0;

/** "Dated within the last 3 years on day d" iff d <= issueDate + 36 months. */
export const isDatedWithin3Years = (issueDate: IsoDate, d: IsoDate): boolean =>
  compareIso(d, dbsAcceptedThrough(issueDate)) <= 0;

export type DbsFacts =
  | { hasCertificate: false }
  | { hasCertificate: true; level: DbsLevel; issueDate: IsoDate };

export interface DbsChoice {
  applyOnMyBehalf?: boolean;
  acceptsFee?: boolean;
}

export interface DbsResult {
  assessment: DbsAssessment;
  reasons: string[];
}

const LEVEL_NAMES: Record<DbsLevel, string> = {
  basic: 'basic',
  standard: 'standard',
  enhanced: 'enhanced',
  'enhanced-barred-lists': 'enhanced with barred lists',
};

const listOfLevels = (levels: readonly DbsLevel[]): string => {
  const names = levels.map((level) => LEVEL_NAMES[level]);
  return names.length <= 1 ? (names[0] ?? 'none') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
};

/**
 * Assesses a DBS certificate as of `onDay` (the day of submission, the start date at activation, the day staff
 * record a new one). Throws RuleViolation (path `dbs.issueDate`) for an issue date after `onDay`: that is bad
 * input, not an old certificate.
 */
export const assessDbs = (
  dbs: DbsFacts,
  onDay: IsoDate,
  acceptedLevels: readonly DbsLevel[] = DEFAULT_ACCEPTED_DBS_LEVELS,
): DbsResult => {
  if (!dbs.hasCertificate) {
    return {
      assessment: 'new-certificate-required',
      reasons: [`No DBS certificate: a new ${listOfLevels(acceptedLevels)} certificate is required`],
    };
  }
  const { level, issueDate } = dbs;
  if (compareIso(issueDate, onDay) > 0) {
    throw new RuleViolation([
      {
        path: 'dbs.issueDate',
        message: `The issue date cannot be in the future: use ${formatLongDate(onDay)} or earlier`,
      },
    ]);
  }
  if (!acceptedLevels.includes(level)) {
    return {
      assessment: 'new-certificate-required',
      reasons: [
        `${/^[aeiou]/.test(LEVEL_NAMES[level]) ? 'An' : 'A'} ${LEVEL_NAMES[level]} certificate is not accepted: a new ${listOfLevels(acceptedLevels)} certificate is required`,
      ],
    };
  }
  const issued = `Issued on ${formatLongDate(issueDate)}`;
  if (!isMoreThan12MonthsOld(issueDate, onDay)) {
    return {
      assessment: 'current',
      reasons: [
        `${issued}, not more than ${DBS_CURRENT_MONTHS} months before ${formatLongDate(onDay)}: it meets our rules`,
      ],
    };
  }
  if (isDatedWithin3Years(issueDate, onDay)) {
    return {
      assessment: 'renewal-after-start',
      reasons: [
        `${issued}, more than ${DBS_CURRENT_MONTHS} months but not more than 3 years before ${formatLongDate(onDay)}: it meets our rules for now; ` +
          `we apply for a new certificate, at a cost to you of £${DBS_POLICY.dbsFeeGbp}, within ${DBS_RENEWAL_MONTHS_AFTER_START} months of your start date`,
      ],
    };
  }
  return {
    assessment: 'new-certificate-required',
    reasons: [`${issued}, more than 3 years before ${formatLongDate(onDay)}: a new certificate is required`],
  };
};

/**
 * The applicant's answer to "shall we apply for a new certificate for you?": required when a new certificate is
 * needed, allowed for a renewal (the provider then applies straight away, before the start), refused for a current
 * certificate. Applying on their behalf needs their agreement to pay the fee.
 */
export const validateDbsChoice = (choice: DbsChoice, assessment: DbsAssessment): Violation[] => {
  if (assessment === 'current') {
    return choice.applyOnMyBehalf === undefined
      ? []
      : [
          {
            path: 'dbs.applyOnMyBehalf',
            message:
              'This question only applies when your certificate is more than 12 months old or a new one is required: your certificate is current',
          },
        ];
  }
  if (assessment === 'new-certificate-required' && choice.applyOnMyBehalf === undefined) {
    return [
      {
        path: 'dbs.applyOnMyBehalf',
        message:
          'This answer is required because a new DBS certificate is needed: say whether we should apply for it on your behalf',
      },
    ];
  }
  if (choice.applyOnMyBehalf && choice.acceptsFee !== true) {
    return [
      {
        path: 'dbs.acceptsFee',
        message: `To have us apply for your DBS certificate you must accept the fee of £${DBS_POLICY.dbsFeeGbp}, which is yours to pay`,
      },
    ];
  }
  return [];
};

/** The date by which a `renewal-after-start` therapist must have applied for a new certificate. */
export const dbsRenewalDueBy = (startDate: IsoDate): IsoDate =>
  addMonthsIso(startDate, DBS_RENEWAL_MONTHS_AFTER_START);

/** Staff see any certificate the applicant holds, even one too old or of the wrong level to accept. */
export const dbsDocumentRequired = (dbs: DbsFacts): boolean => dbs.hasCertificate;
