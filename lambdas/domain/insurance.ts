/**
 * Professional indemnity insurance rules (DESIGN §3). "In force" has one definition, `insuranceInForceOn`; the
 * submission check, the activation check and the compliance flag all derive from it.
 */
import { addDaysIso, compareIso, formatLongDate, type IsoDate } from './dates.ts';
import type { Violation } from './errors.ts';

export const MIN_COVER_GBP = 1_000_000;

export interface InsuranceFacts {
  coverAmountGbp: number;
  startDate: IsoDate;
  endDate: IsoDate;
}

const gbp = (pounds: number): string => `£${pounds.toLocaleString('en-GB')}`;

/** The checks made at submission. */
export const checkInsurance = (ins: InsuranceFacts, today: IsoDate): Violation[] => {
  const violations: Violation[] = [];
  if (ins.coverAmountGbp < MIN_COVER_GBP) {
    violations.push({
      path: 'insurance.coverAmountGbp',
      message: `Cover must be at least ${gbp(MIN_COVER_GBP)}`,
    });
  }
  if (insuranceEndedBy(ins, today)) {
    violations.push({
      path: 'insurance.endDate',
      message: `The policy has ended: it must end on ${formatLongDate(today)} (today) or later`,
    });
  }
  if (compareIso(ins.startDate, ins.endDate) > 0) {
    violations.push({
      path: 'insurance.startDate',
      message: 'The policy must start on or before its end date',
    });
  }
  return violations;
};

/**
 * The one definition (DESIGN §3): a policy is in force on day d iff startDate <= d <= endDate. Its end is what every
 * check turns on: ended by d iff d > endDate. A policy ending today is in force all day, so it is accepted at
 * submission, covers a start that day, and is flagged `insurance-expired` only from the next day.
 */
export const insuranceEndedBy = (ins: Pick<InsuranceFacts, 'endDate'>, date: IsoDate): boolean =>
  compareIso(date, ins.endDate) > 0;

export const insuranceInForceOn = (
  ins: Pick<InsuranceFacts, 'startDate' | 'endDate'>,
  date: IsoDate,
): boolean => compareIso(ins.startDate, date) <= 0 && !insuranceEndedBy(ins, date);

/** The first day the policy has ended by: `insurance-expired` is raised from this day. */
export const insuranceExpiresOn = (ins: Pick<InsuranceFacts, 'endDate'>): IsoDate =>
  addDaysIso(ins.endDate, 1);
