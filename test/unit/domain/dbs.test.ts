import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDaysIso, type IsoDate } from '#domain/dates.ts';
import {
  assessDbs,
  DEFAULT_ACCEPTED_DBS_LEVELS,
  dbsAcceptedThrough,
  dbsCurrentThrough,
  dbsDocumentRequired,
  dbsRenewalDueBy,
  isDatedWithin3Years,
  isMoreThan12MonthsOld,
  validateDbsChoice,
} from '#domain/dbs.ts';
import { RuleViolation } from '#domain/errors.ts';
import { DBS_ASSESSMENTS, type DbsAssessment, type DbsLevel } from '#domain/stages.ts';

const enhanced = (issueDate: IsoDate, level: DbsLevel = 'enhanced') => ({
  hasCertificate: true as const,
  level,
  issueDate,
});
const assessment = (issueDate: IsoDate, today: IsoDate): DbsAssessment =>
  assessDbs(enhanced(issueDate), today).assessment;

describe('assessDbs: age boundaries', () => {
  it.each([
    ['issued today', '2026-03-03', 'current'],
    ['exactly 12 months ago', '2025-03-03', 'current'],
    ['12 months and a day ago', '2025-03-02', 'renewal-after-start'],
    ['exactly 3 years ago', '2023-03-03', 'renewal-after-start'],
    ['3 years and a day ago', '2023-03-02', 'new-certificate-required'],
    ['ten years ago', '2016-03-03', 'new-certificate-required'],
  ])('on 2026-03-03, a certificate %s (%s) is %s', (_label, issueDate, expected) => {
    expect(assessment(issueDate, '2026-03-03')).toBe(expected);
  });

  it.each([
    // A leap-day certificate: 12 months on is 28 February (clamped), 3 years on is 28 February too.
    ['2024-02-29', '2025-02-28', 'current'],
    ['2024-02-29', '2025-03-01', 'renewal-after-start'],
    ['2024-02-28', '2025-02-28', 'current'],
    ['2024-02-27', '2025-02-28', 'renewal-after-start'],
    ['2024-02-29', '2027-02-28', 'renewal-after-start'],
    ['2024-02-29', '2027-03-01', 'new-certificate-required'],
    // Counted forward from the issue date (DESIGN §3): issued 2023-02-28, current through 2024-02-28 and more
    // than 12 months old on 2024-02-29, though 12 months back from 2024-02-29 would clamp to 2023-02-28.
    ['2023-02-28', '2024-02-28', 'current'],
    ['2023-02-28', '2024-02-29', 'renewal-after-start'],
    ['2023-03-01', '2024-02-29', 'current'],
    ['2027-02-28', '2028-02-29', 'renewal-after-start'],
    ['2027-03-01', '2028-02-29', 'current'],
    // 3 years on: issued 2025-02-28 is dated within 3 years through 2028-02-28 only.
    ['2025-02-28', '2028-02-28', 'renewal-after-start'],
    ['2025-02-28', '2028-02-29', 'new-certificate-required'],
    ['2025-03-01', '2028-02-29', 'renewal-after-start'],
    ['2021-02-28', '2024-02-28', 'renewal-after-start'],
    ['2021-02-28', '2024-02-29', 'new-certificate-required'],
    // Issued on 29 February 2020: 12 months on is 28 February 2021, 36 months on 28 February 2023.
    ['2020-02-29', '2021-02-28', 'current'],
    ['2020-02-29', '2021-03-01', 'renewal-after-start'],
    ['2020-02-29', '2023-02-28', 'renewal-after-start'],
    ['2020-02-29', '2023-03-01', 'new-certificate-required'],
    // Month ends: 31 August + 12 months is 31 August; 31 January + 36 months is 31 January.
    ['2025-08-31', '2026-08-31', 'current'],
    ['2025-08-31', '2026-09-01', 'renewal-after-start'],
    ['2023-01-31', '2026-01-31', 'renewal-after-start'],
    ['2023-01-31', '2026-02-01', 'new-certificate-required'],
    // Clock-change days are ordinary calendar dates: the last Sundays of March and October.
    ['2025-03-30', '2026-03-29', 'current'],
    ['2025-03-29', '2026-03-29', 'current'],
    ['2025-03-28', '2026-03-29', 'renewal-after-start'],
    ['2023-10-25', '2026-10-25', 'renewal-after-start'],
    ['2023-10-24', '2026-10-25', 'new-certificate-required'],
  ])('issued %s, assessed on %s: %s', (issueDate, today, expected) => {
    expect(assessment(issueDate, today)).toBe(expected);
  });

  it('never rates an older certificate better than a newer one', () => {
    const rank = (a: DbsAssessment) => DBS_ASSESSMENTS.indexOf(a);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 0, max: 2_000 }),
        fc.integer({ min: 0, max: 2_000 }),
        (todayOffset, newerAge, extraAge) => {
          const today = addDaysIso('1950-01-01', todayOffset);
          const newer = addDaysIso(today, -newerAge);
          const older = addDaysIso(newer, -extraAge);
          expect(rank(assessment(older, today))).toBeGreaterThanOrEqual(rank(assessment(newer, today)));
        },
      ),
    );
  });

  it('is current within 365 days and needs a new certificate after 3 years of 366-day years', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: 365 }), (offset, age) => {
        const today = addDaysIso('1950-01-01', offset);
        expect(assessment(addDaysIso(today, -age), today)).toBe('current');
        expect(assessment(addDaysIso(today, -(3 * 366 + 1 + age)), today)).toBe('new-certificate-required');
      }),
    );
  });
});

describe('assessDbs: future issue dates', () => {
  it.each<DbsLevel>(['basic', 'enhanced'])(
    'rejects a %s certificate issued tomorrow as input, naming the field',
    (level) => {
      let thrown: unknown;
      try {
        assessDbs(enhanced('2026-03-04', level), '2026-03-03');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(RuleViolation);
      const violation = (thrown as RuleViolation).violations;
      expect(violation).toEqual([
        { path: 'dbs.issueDate', message: expect.stringContaining('3 March 2026 or earlier') },
      ]);
      expect((thrown as RuleViolation).message).toBe(violation[0]?.message);
    },
  );

  it('accepts a certificate issued today', () => {
    expect(() => assessDbs(enhanced('2026-03-03'), '2026-03-03')).not.toThrow();
  });
});

describe('assessDbs: levels', () => {
  it.each<[DbsLevel, DbsAssessment]>([
    ['basic', 'new-certificate-required'],
    ['standard', 'new-certificate-required'],
    ['enhanced', 'current'],
    ['enhanced-barred-lists', 'current'],
  ])('a %s certificate issued last week is %s by default', (level, expected) => {
    expect(assessDbs(enhanced('2026-02-24', level), '2026-03-03').assessment).toBe(expected);
  });

  it('explains a level that is not accepted, naming the levels that are', () => {
    expect(assessDbs(enhanced('2026-02-24', 'standard'), '2026-03-03').reasons).toEqual([
      'A standard certificate is not accepted: a new enhanced or enhanced with barred lists certificate is required',
    ]);
  });

  it('an unaccepted level needs a new certificate even when it is old', () => {
    expect(assessDbs(enhanced('2024-03-03', 'basic'), '2026-03-03').assessment).toBe(
      'new-certificate-required',
    );
  });

  it('honours custom accepted levels', () => {
    const barredOnly: DbsLevel[] = ['enhanced-barred-lists'];
    expect(assessDbs(enhanced('2026-02-24', 'enhanced'), '2026-03-03', barredOnly).assessment).toBe(
      'new-certificate-required',
    );
    expect(
      assessDbs(enhanced('2026-02-24', 'enhanced-barred-lists'), '2026-03-03', barredOnly).assessment,
    ).toBe('current');
    const withStandard: DbsLevel[] = ['standard', 'enhanced'];
    expect(assessDbs(enhanced('2024-03-03', 'standard'), '2026-03-03', withStandard).assessment).toBe(
      'renewal-after-start',
    );
    expect(
      assessDbs(enhanced('2026-02-24', 'enhanced-barred-lists'), '2026-03-03', withStandard).reasons,
    ).toEqual([
      'An enhanced with barred lists certificate is not accepted: a new standard or enhanced certificate is required',
    ]);
  });

  it('defaults to the two enhanced levels', () => {
    expect(DEFAULT_ACCEPTED_DBS_LEVELS).toEqual(['enhanced', 'enhanced-barred-lists']);
  });
});

describe('assessDbs: reasons a person can read', () => {
  it.each([
    ['2025-06-01', 'Issued on 1 June 2025, not more than 12 months before 3 March 2026: it meets our rules'],
    [
      '2024-03-03',
      'Issued on 3 March 2024, more than 12 months but not more than 3 years before 3 March 2026: it meets our rules for now; we apply for a new certificate, at a cost to you of £54, within 6 months of your start date',
    ],
    [
      '2020-01-15',
      'Issued on 15 January 2020, more than 3 years before 3 March 2026: a new certificate is required',
    ],
  ])('issued %s', (issueDate, reason) => {
    expect(assessDbs(enhanced(issueDate), '2026-03-03').reasons).toEqual([reason]);
  });

  it('without a certificate, a new one is required', () => {
    expect(assessDbs({ hasCertificate: false }, '2026-03-03')).toEqual({
      assessment: 'new-certificate-required',
      reasons: ['No DBS certificate: a new enhanced or enhanced with barred lists certificate is required'],
    });
  });
});

describe('validateDbsChoice', () => {
  it('requires the apply-on-my-behalf answer exactly when a new certificate is required', () => {
    expect(validateDbsChoice({}, 'new-certificate-required')).toEqual([
      { path: 'dbs.applyOnMyBehalf', message: expect.stringContaining('required because') },
    ]);
    expect(validateDbsChoice({ applyOnMyBehalf: false }, 'new-certificate-required')).toEqual([]);
    expect(validateDbsChoice({}, 'current')).toEqual([]);
    expect(validateDbsChoice({}, 'renewal-after-start')).toEqual([]);
  });

  it('refuses the answer when the certificate is current', () => {
    for (const applyOnMyBehalf of [true, false]) {
      expect(validateDbsChoice({ applyOnMyBehalf, acceptsFee: true }, 'current')).toEqual([
        { path: 'dbs.applyOnMyBehalf', message: expect.stringContaining('your certificate is current') },
      ]);
    }
  });

  it('lets a renewal ask the provider to apply now, with the fee accepted (seed: "Ieso can apply ... on your behalf")', () => {
    expect(validateDbsChoice({ applyOnMyBehalf: true, acceptsFee: true }, 'renewal-after-start')).toEqual([]);
    expect(validateDbsChoice({ applyOnMyBehalf: false }, 'renewal-after-start')).toEqual([]);
    expect(validateDbsChoice({ acceptsFee: true }, 'renewal-after-start')).toEqual([]);
    expect(validateDbsChoice({ applyOnMyBehalf: true }, 'renewal-after-start')).toEqual([
      { path: 'dbs.acceptsFee', message: expect.stringContaining('£54') },
    ]);
  });

  it('applying on their behalf needs the fee accepted', () => {
    for (const acceptsFee of [undefined, false]) {
      expect(validateDbsChoice({ applyOnMyBehalf: true, acceptsFee }, 'new-certificate-required')).toEqual([
        { path: 'dbs.acceptsFee', message: expect.stringContaining('fee') },
      ]);
    }
    expect(
      validateDbsChoice({ applyOnMyBehalf: true, acceptsFee: true }, 'new-certificate-required'),
    ).toEqual([]);
  });

  it('obtaining it themselves needs no fee', () => {
    expect(
      validateDbsChoice({ applyOnMyBehalf: false, acceptsFee: false }, 'new-certificate-required'),
    ).toEqual([]);
  });
});

describe('dbsRenewalDueBy and dbsDocumentRequired', () => {
  it('is 6 calendar months after the start date, clamped to month end', () => {
    expect(dbsRenewalDueBy('2026-12-10')).toBe('2027-06-10');
    expect(dbsRenewalDueBy('2026-08-31')).toBe('2027-02-28');
    expect(dbsRenewalDueBy('2027-08-31')).toBe('2028-02-29');
  });

  it('asks for the certificate image whenever there is a certificate, even one not accepted', () => {
    expect(dbsDocumentRequired(enhanced('2016-01-01', 'basic'))).toBe(true);
    expect(dbsDocumentRequired(enhanced('2026-01-01'))).toBe(true);
    expect(dbsDocumentRequired({ hasCertificate: false })).toBe(false);
  });
});

describe('isMoreThan12MonthsOld and isDatedWithin3Years: counted forward from the issue date', () => {
  it.each([
    ['2023-02-28', '2024-02-28', false, true],
    ['2023-02-28', '2024-02-29', true, true],
    ['2024-02-29', '2025-02-28', false, true],
    ['2024-02-29', '2025-03-01', true, true],
    ['2024-02-29', '2027-02-28', true, true],
    ['2024-02-29', '2027-03-01', true, false],
    ['2020-02-29', '2023-02-28', true, true],
    ['2020-02-29', '2023-03-01', true, false],
  ])('issued %s, on %s: more than 12 months old %s, within 3 years %s', (issueDate, d, old, within) => {
    expect(isMoreThan12MonthsOld(issueDate, d)).toBe(old);
    expect(isDatedWithin3Years(issueDate, d)).toBe(within);
  });

  it('gives the last current and last accepted days', () => {
    expect(dbsCurrentThrough('2023-02-28')).toBe('2024-02-28');
    expect(dbsAcceptedThrough('2022-06-05')).toBe('2025-06-05');
    expect(dbsAcceptedThrough('2020-02-29')).toBe('2023-02-28');
  });
});
