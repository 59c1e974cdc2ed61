import { describe, expect, it } from 'vitest';
import { type Application, upgradeApplication } from '#domain/application.ts';
import {
  assessAtActivation,
  certificateAlertDate,
  checkAppliedOn,
  checkStatusCheckedOn,
  providerApplicationPossible,
  renewalDeadlineMet,
} from '#domain/dbs-application.ts';
import { RuleViolation } from '#domain/errors.ts';

const enhanced = (issueDate: string) => ({
  hasCertificate: true as const,
  level: 'enhanced' as const,
  issueDate,
});

const violationOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RuleViolation);
    return (error as RuleViolation).violations;
  }
  throw new Error('no violation');
};

describe('assessAtActivation: the DBS again, as of the start date', () => {
  it("the issue's example: issued 2022-06-05, start 2025-06-10 is not dated within 3 years: 422 naming 5 June 2025", () => {
    const violations = violationOf(() =>
      assessAtActivation({
        dbs: enhanced('2022-06-05'),
        feeAccepted: true,
        startDate: '2025-06-10',
        today: '2025-06-01',
      }),
    );
    expect(violations).toEqual([
      {
        path: 'startDate',
        message: expect.stringContaining(
          'choose a start date on or before 5 June 2025, or send the affiliate team a new certificate',
        ),
      },
    ]);
  });

  it('names no earlier start date when none is left', () => {
    const [violation] = violationOf(() =>
      assessAtActivation({
        dbs: enhanced('2022-06-05'),
        feeAccepted: true,
        startDate: '2025-06-10',
        today: '2025-06-06',
      }),
    );
    expect(violation?.message).not.toContain('on or before');
  });

  it('on the last day within 3 years it is a renewal; the deadline is the start date + 6 months', () => {
    expect(
      assessAtActivation({
        dbs: enhanced('2022-06-05'),
        feeAccepted: true,
        startDate: '2025-06-05',
        today: '2025-06-01',
      }),
    ).toMatchObject({ result: { assessment: 'renewal-after-start' }, dbsRenewalDueBy: '2025-12-05' });
  });

  it('current at submission, more than 12 months old on the start date: a renewal that needs the fee first', () => {
    const input = { dbs: enhanced('2024-06-05'), startDate: '2025-06-10', today: '2025-06-01' };
    const [violation] = violationOf(() => assessAtActivation({ ...input, feeAccepted: false }));
    expect(violation).toMatchObject({ path: 'startDate' });
    expect(violation?.message).toContain('£54');
    expect(violation?.message).toContain('on or before 5 June 2025');
    expect(assessAtActivation({ ...input, feeAccepted: true })).toMatchObject({
      result: { assessment: 'renewal-after-start' },
      dbsRenewalDueBy: '2025-12-10',
    });
  });

  it('current on the start date: no renewal, leap day counted forward', () => {
    expect(
      assessAtActivation({
        dbs: enhanced('2023-02-28'),
        feeAccepted: false,
        startDate: '2024-02-28',
        today: '2024-02-20',
      }),
    ).toEqual({ result: expect.objectContaining({ assessment: 'current' }) });
    expect(() =>
      assessAtActivation({
        dbs: enhanced('2023-02-28'),
        feeAccepted: false,
        startDate: '2024-02-29',
        today: '2024-02-20',
      }),
    ).toThrow(RuleViolation);
  });

  it('a renewal deadline clamps to the end of a shorter month', () => {
    expect(
      assessAtActivation({
        dbs: enhanced('2024-06-01'),
        feeAccepted: true,
        startDate: '2025-08-31',
        today: '2025-08-20',
      }).dbsRenewalDueBy,
    ).toBe('2026-02-28');
  });
});

describe("the provider's DBS application", () => {
  it('may be asked for when the certificate is missing, not accepted, or more than 12 months old by then', () => {
    expect(providerApplicationPossible({ hasCertificate: false }, '2026-01-01')).toBe(true);
    expect(
      providerApplicationPossible(
        { hasCertificate: true, level: 'basic', issueDate: '2025-12-01' },
        '2026-01-01',
      ),
    ).toBe(true);
    expect(providerApplicationPossible(enhanced('2025-01-01'), '2026-01-01')).toBe(false);
    expect(providerApplicationPossible(enhanced('2025-01-01'), '2026-01-02')).toBe(true);
  });

  it('meets the deadline by applying on or before it (the day before, of, after)', () => {
    expect(renewalDeadlineMet('2026-06-09', '2026-06-10')).toBe(true);
    expect(renewalDeadlineMet('2026-06-10', '2026-06-10')).toBe(true);
    expect(renewalDeadlineMet('2026-06-11', '2026-06-10')).toBe(false);
    expect(renewalDeadlineMet(undefined, '2026-06-10')).toBe(false);
  });

  it('alerts staff 60 days after applying, across month ends and the clock change', () => {
    expect(certificateAlertDate('2026-01-30')).toBe('2026-03-31');
    expect(certificateAlertDate('2026-08-26')).toBe('2026-10-25');
    expect(certificateAlertDate('2027-12-31')).toBe('2028-02-29');
  });

  it('refuses an application date or a status check in the future, or a check before the issue date', () => {
    expect(checkAppliedOn('2026-03-29', '2026-03-29')).toEqual([]);
    expect(checkAppliedOn('2026-03-30', '2026-03-29')).toEqual([
      { path: 'appliedOn', message: expect.stringContaining('29 March 2026 or earlier') },
    ]);
    expect(checkStatusCheckedOn('2026-03-29', '2025-01-01', '2026-03-29')).toEqual([]);
    expect(checkStatusCheckedOn('2026-03-30', '2025-01-01', '2026-03-29')[0]?.path).toBe('checkedOn');
    expect(checkStatusCheckedOn('2024-12-31', '2025-01-01', '2026-03-29')[0]?.message).toContain(
      '1 January 2025',
    );
  });
});

describe('upgradeApplication: items written by the old code', () => {
  const old = (overrides: Partial<Application>): Application =>
    ({
      id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      createdAt: '2026-01-01T10:00:00.000Z',
      stage: 'active',
      dbs: {
        hasCertificate: true,
        level: 'enhanced',
        certificateNumber: '001234567890',
        issueDate: '2024-06-01',
        onUpdateService: false,
        acceptsFee: true,
        assessment: 'renewal-after-start',
        reasons: [],
      },
      ...overrides,
    }) as Application;

  it('derives the record where the fee was accepted, and renames a renewal flag raised as dbs-overdue', () => {
    const upgraded = upgradeApplication(
      old({
        dbsRenewalDueBy: '2026-07-01',
        compliance: {
          sent: ['dbs-reminder-0@2026-07-01', 'dbs-overdue@2026-07-01'],
          flags: ['dbs-overdue', 'insurance-expired'],
        },
      }),
    );
    expect(upgraded.dbsApplication).toEqual({
      status: 'requested',
      acceptsFee: true,
      feeGbp: 54,
      applyNow: false,
      requestedAt: '2026-01-01T10:00:00.000Z',
    });
    expect(upgraded.compliance).toEqual({
      sent: ['dbs-reminder-0@2026-07-01', 'dbs-renewal-overdue@2026-07-01'],
      flags: ['dbs-renewal-overdue', 'insurance-expired'],
    });
  });

  it('leaves a re-check flag, and an item without fee consent, as they are', () => {
    const recheck = old({ compliance: { sent: ['dbs-overdue@2027-06-01'], flags: ['dbs-overdue'] } });
    const dbs = { ...recheck.dbs, acceptsFee: undefined };
    const upgraded = upgradeApplication({ ...recheck, dbs } as Application);
    expect(upgraded.dbsApplication).toBeUndefined();
    expect(upgraded.compliance?.flags).toEqual(['dbs-overdue']);
  });
});
