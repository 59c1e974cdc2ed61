/** Professional indemnity insurance rules (DESIGN §3). */
import { compareIso, type IsoDate } from './dates.ts';
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
  if (compareIso(ins.endDate, today) <= 0) {
    violations.push({
      path: 'insurance.endDate',
      message: `The policy must end after today (${today}): a policy that has ended, or ends today, cannot be accepted`,
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

/** Whether the policy covers `date`, both ends inclusive (checked against the start date at activation). */
export const insuranceInForceOn = (
  ins: Pick<InsuranceFacts, 'startDate' | 'endDate'>,
  date: IsoDate,
): boolean => compareIso(ins.startDate, date) <= 0 && compareIso(date, ins.endDate) <= 0;
