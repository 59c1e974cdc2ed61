import { describe, expect, it } from 'vitest';
import { flagsFor, nextComplianceDate } from '#domain/compliance.ts';
import {
  checkInsurance,
  insuranceEndedBy,
  insuranceExpiresOn,
  insuranceInForceOn,
  MIN_COVER_GBP,
} from '#domain/insurance.ts';

const today = '2026-11-26';
const policy = { coverAmountGbp: 2_000_000, startDate: '2026-01-01', endDate: '2027-01-01' };
const paths = (ins: typeof policy) => checkInsurance(ins, today).map((v) => v.path);

describe('checkInsurance', () => {
  it('accepts a policy with enough cover that ends after today', () => {
    expect(checkInsurance(policy, today)).toEqual([]);
  });

  it('cover of £999,999 is refused, saying what would pass; £1,000,000 is enough', () => {
    expect(MIN_COVER_GBP).toBe(1_000_000);
    expect(checkInsurance({ ...policy, coverAmountGbp: 999_999 }, today)).toEqual([
      { path: 'insurance.coverAmountGbp', message: 'Cover must be at least £1,000,000' },
    ]);
    expect(checkInsurance({ ...policy, coverAmountGbp: 1_000_000 }, today)).toEqual([]);
  });

  it.each([
    ['yesterday', '2026-11-25', ['insurance.endDate']],
    ['today', '2026-11-26', []],
    ['tomorrow', '2026-11-27', []],
  ])('a policy ending %s (%s)', (_label, endDate, expected) => {
    expect(paths({ ...policy, endDate })).toEqual(expected);
  });

  it('says the policy has ended and what would pass', () => {
    expect(checkInsurance({ ...policy, endDate: '2026-11-25' }, today)[0]?.message).toBe(
      'The policy has ended: it must end on 26 November 2026 (today) or later',
    );
  });

  it('refuses a policy that starts after it ends, and a future start is fine', () => {
    expect(paths({ ...policy, startDate: '2027-01-02' })).toEqual(['insurance.startDate']);
    expect(paths({ ...policy, startDate: '2027-01-01' })).toEqual([]);
    expect(paths({ ...policy, startDate: '2026-12-01' })).toEqual([]);
  });

  it('reports every broken rule at once', () => {
    expect(paths({ coverAmountGbp: 500_000, startDate: '2026-11-01', endDate: '2026-10-01' })).toEqual([
      'insurance.coverAmountGbp',
      'insurance.endDate',
      'insurance.startDate',
    ]);
  });
});

describe('insuranceInForceOn', () => {
  it.each([
    ['2025-12-31', false],
    ['2026-01-01', true],
    ['2026-06-15', true],
    ['2027-01-01', true],
    ['2027-01-02', false],
  ])('on %s: %s', (date, expected) => {
    expect(insuranceInForceOn(policy, date)).toBe(expected);
  });
});

describe('one definition of "in force" at submission, activation and the compliance flag', () => {
  const ending = { coverAmountGbp: 2_000_000, startDate: '2026-01-01', endDate: '2026-12-16' };
  // [day, in force, accepted at submission that day, covers a start that day, insurance-expired flag that day]
  it.each([
    ['2026-12-15', true, true, true, false],
    ['2026-12-16', true, true, true, false],
    ['2026-12-17', false, false, false, true],
  ])('on %s (the policy ends 2026-12-16)', (day, inForce, submitted, startCovered, flagged) => {
    expect(insuranceInForceOn(ending, day)).toBe(inForce);
    expect(insuranceEndedBy(ending, day)).toBe(!inForce);
    expect(checkInsurance(ending, day).length === 0).toBe(submitted);
    expect(insuranceInForceOn(ending, day)).toBe(startCovered);
    expect(flagsFor({ dbs: {}, insuranceEndDate: ending.endDate }, day).includes('insurance-expired')).toBe(
      flagged,
    );
  });

  it('insurance-expired falls due the day after the end date, the first day the policy has ended by', () => {
    expect(insuranceExpiresOn(ending)).toBe('2026-12-17');
    expect(insuranceEndedBy(ending, insuranceExpiresOn(ending))).toBe(true);
    const sentReminders = [0, 7, 14, 30].map((d) => `insurance-reminder-${d}@2026-12-16`);
    expect(nextComplianceDate({ dbs: {}, insuranceEndDate: ending.endDate }, sentReminders)).toBe(
      '2026-12-17',
    );
  });

  it('a policy that has not started yet has not ended, and is not in force', () => {
    const future = { startDate: '2027-01-01', endDate: '2027-12-31' };
    expect(insuranceEndedBy(future, '2026-12-01')).toBe(false);
    expect(insuranceInForceOn(future, '2026-12-01')).toBe(false);
  });
});
