import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDaysIso, type IsoDate } from '#domain/dates.ts';
import {
  assessDbs,
  DEFAULT_ACCEPTED_DBS_LEVELS,
  dbsDocumentRequired,
  dbsRenewalDueBy,
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
    // A leap-day today: 12 months before 29 February 2028 is 28 February 2027; 3 years before is 28 February 2025.
    ['2027-02-28', '2028-02-29', 'current'],
    ['2027-02-27', '2028-02-29', 'renewal-after-start'],
    ['2025-02-28', '2028-02-29', 'renewal-after-start'],
    ['2025-02-27', '2028-02-29', 'new-certificate-required'],
    ['2023-02-28', '2024-02-29', 'current'],
    ['2021-02-27', '2024-02-29', 'new-certificate-required'],
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
        { path: 'dbs.issueDate', message: expect.stringContaining('2026-03-03 or earlier') },
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
    ['2025-06-01', 'Issued on 1 June 2025, within the last 12 months: accepted'],
    [
      '2024-03-03',
      'Issued on 3 March 2024, more than 12 months ago but within 3 years: accepted; a new certificate must be applied for within 6 months of your start date',
    ],
    ['2020-01-15', 'Issued on 15 January 2020, more than 3 years ago: a new certificate is required'],
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

  it.each<DbsAssessment>(['current', 'renewal-after-start'])(
    'refuses the answer when the certificate is %s',
    (a) => {
      for (const applyOnMyBehalf of [true, false]) {
        expect(validateDbsChoice({ applyOnMyBehalf, acceptsFee: true }, a)).toEqual([
          {
            path: 'dbs.applyOnMyBehalf',
            message: expect.stringContaining('only applies when a new certificate is required'),
          },
        ]);
      }
    },
  );

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
