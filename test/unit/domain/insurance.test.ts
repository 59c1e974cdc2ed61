import { describe, expect, it } from 'vitest';
import { checkInsurance, insuranceInForceOn, MIN_COVER_GBP } from '#domain/insurance.ts';

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
    ['today', '2026-11-26', ['insurance.endDate']],
    ['tomorrow', '2026-11-27', []],
  ])('a policy ending %s (%s)', (_label, endDate, expected) => {
    expect(paths({ ...policy, endDate })).toEqual(expected);
  });

  it('says the policy must end after today', () => {
    expect(checkInsurance({ ...policy, endDate: today }, today)[0]?.message).toContain(
      'must end after today',
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
