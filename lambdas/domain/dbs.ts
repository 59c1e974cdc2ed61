/** DBS certificate rules (DESIGN §3): which certificates are accepted, and what the applicant must do otherwise. */
import { addMonthsIso, addYearsIso, compareIso, formatLongDate, type IsoDate } from './dates.ts';
import { RuleViolation, type Violation } from './errors.ts';
import type { DbsAssessment, DbsLevel } from './stages.ts';

export const DEFAULT_ACCEPTED_DBS_LEVELS: readonly DbsLevel[] = ['enhanced', 'enhanced-barred-lists'];

/** A certificate counts as current for this long after issue... */
export const DBS_CURRENT_MONTHS = 12;
/** ...is accepted, with a renewal after starting, up to this age... */
export const DBS_ACCEPTED_YEARS = 3;
/** ...and that renewal must be applied for within this many months of the start date. */
export const DBS_RENEWAL_MONTHS_AFTER_START = 6;

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
 * Assesses a DBS certificate as of `today`. Throws RuleViolation (path `dbs.issueDate`) for an issue date after
 * today: that is bad input, not an old certificate.
 */
export const assessDbs = (
  dbs: DbsFacts,
  today: IsoDate,
  acceptedLevels: readonly DbsLevel[] = DEFAULT_ACCEPTED_DBS_LEVELS,
): DbsResult => {
  if (!dbs.hasCertificate) {
    return {
      assessment: 'new-certificate-required',
      reasons: [`No DBS certificate: a new ${listOfLevels(acceptedLevels)} certificate is required`],
    };
  }
  const { level, issueDate } = dbs;
  if (compareIso(issueDate, today) > 0) {
    throw new RuleViolation([
      { path: 'dbs.issueDate', message: `The issue date cannot be in the future: use ${today} or earlier` },
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
  if (compareIso(issueDate, addMonthsIso(today, -DBS_CURRENT_MONTHS)) >= 0) {
    return {
      assessment: 'current',
      reasons: [`${issued}, within the last ${DBS_CURRENT_MONTHS} months: accepted`],
    };
  }
  if (compareIso(issueDate, addYearsIso(today, -DBS_ACCEPTED_YEARS)) >= 0) {
    return {
      assessment: 'renewal-after-start',
      reasons: [
        `${issued}, more than ${DBS_CURRENT_MONTHS} months ago but within ${DBS_ACCEPTED_YEARS} years: accepted; ` +
          `a new certificate must be applied for within ${DBS_RENEWAL_MONTHS_AFTER_START} months of your start date`,
      ],
    };
  }
  return {
    assessment: 'new-certificate-required',
    reasons: [`${issued}, more than ${DBS_ACCEPTED_YEARS} years ago: a new certificate is required`],
  };
};

/**
 * The applicant's answer to "shall we apply for a new certificate for you?" is asked exactly when one is needed,
 * and applying on their behalf needs their agreement to pay the fee.
 */
export const validateDbsChoice = (choice: DbsChoice, assessment: DbsAssessment): Violation[] => {
  if (assessment !== 'new-certificate-required') {
    return choice.applyOnMyBehalf === undefined
      ? []
      : [
          {
            path: 'dbs.applyOnMyBehalf',
            message:
              'This question only applies when a new certificate is required: your certificate is accepted',
          },
        ];
  }
  if (choice.applyOnMyBehalf === undefined) {
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
        message: 'To have us apply for your DBS certificate you must accept that the fee is yours to pay',
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
