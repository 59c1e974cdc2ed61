import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  actionKey,
  COMPLIANCE_CONFIG,
  type ComplianceFacts,
  complianceActionsDue,
  dbsDeadline,
  dbsImageDeletionDate,
  dbsRecheckDate,
  flagsFor,
  nextComplianceDate,
  retentionDate,
  retentionDue,
} from '#domain/compliance.ts';
import { addDaysIso, compareIso, type IsoDate, londonToday } from '#domain/dates.ts';
import { DBS_POLICY } from '#domain/policy.ts';

const FAR_FUTURE = '2099-12-31';

// Issued 2023-06-10: the 3-yearly re-check falls on 2026-06-10. Insurance far off, so only DBS acts.
const dbsDue = '2026-06-10';
const dbsOnly: ComplianceFacts = { dbs: { issueDate: '2023-06-10' }, insuranceEndDate: FAR_FUTURE };
// No DBS deadline at all, so only insurance acts.
const insuranceEnd = '2026-09-15';
const insuranceOnly: ComplianceFacts = { dbs: {}, insuranceEndDate: insuranceEnd };

interface Sent {
  key: string;
  on: IsoDate;
}

/** What a daily dbs-audit does: one run a day from `from` to `to`, recording what it sent and what it skipped. */
const sweep = (facts: ComplianceFacts, from: IsoDate, to: IsoDate, sent: string[] = []) => {
  const log: Sent[] = [];
  for (let day = from; compareIso(day, to) <= 0; day = addDaysIso(day, 1)) {
    const { actions, skippedKeys } = complianceActionsDue(facts, day, sent);
    sent.push(...skippedKeys, ...actions.map((a) => a.key));
    log.push(...actions.map((a) => ({ key: a.key, on: day })));
  }
  return { sent, log };
};

/** The keys recorded by daily runs up to and including the day before `today`. */
const sentBefore = (facts: ComplianceFacts, start: IsoDate, today: IsoDate): string[] =>
  sweep(facts, start, addDaysIso(today, -1)).sent;

const actionsOn = (facts: ComplianceFacts, today: IsoDate, sent: readonly string[] = []) =>
  complianceActionsDue(facts, today, sent).actions.map((a) => a.action);

describe('COMPLIANCE_CONFIG and DBS_POLICY', () => {
  it('reminds 60/30/14/7/0 and 30/14/7/0 days ahead, keeps closed data 6 months; re-checks every 3 years, alerts 60 days after applying', () => {
    expect(COMPLIANCE_CONFIG).toEqual({
      dbsReminderDays: [60, 30, 14, 7, 0],
      insuranceReminderDays: [30, 14, 7, 0],
      retentionMonths: 6,
    });
    expect(DBS_POLICY.dbsRecheckYears).toBe(3);
    expect(DBS_POLICY.certificateAlertDaysAfterApplying).toBe(60);
  });
});

describe('dbsDeadline: the one DBS deadline chased', () => {
  it('has no deadline without a certificate or a renewal date', () => {
    expect(dbsDeadline({ dbs: {}, insuranceEndDate: FAR_FUTURE })).toBeUndefined();
  });

  it('re-checks a certificate 3 calendar years after its issue date', () => {
    expect(dbsDeadline(dbsOnly)).toEqual({ kind: 'dbs-recheck', dueDate: dbsDue });
    expect(dbsRecheckDate(dbsOnly)).toBe(dbsDue);
  });

  it('re-checks after the configured years, and not at all when the policy is off (null)', () => {
    expect(dbsDeadline({ ...dbsOnly, dbsRecheckYears: 5 })).toEqual({
      kind: 'dbs-recheck',
      dueDate: '2028-06-10',
    });
    expect(dbsDeadline({ ...dbsOnly, dbsRecheckYears: null })).toBeUndefined();
    expect(complianceActionsDue({ ...dbsOnly, dbsRecheckYears: null }, '2026-06-11', []).actions).toEqual([]);
    expect(flagsFor({ ...dbsOnly, dbsRecheckYears: null }, '2030-01-01')).toEqual([]);
  });

  it('a clean Update Service status check restarts the re-check from the day of the check', () => {
    const checked: ComplianceFacts = { ...dbsOnly, dbsCleanCheckOn: '2026-06-20' };
    expect(dbsDeadline(checked)).toEqual({ kind: 'dbs-recheck', dueDate: '2029-06-20' });
    expect(flagsFor(checked, '2026-06-21')).toEqual([]);
    // A check older than the certificate does not move the re-check back.
    expect(dbsDeadline({ ...dbsOnly, dbsCleanCheckOn: '2023-01-01' })?.dueDate).toBe(dbsDue);
  });

  it('chases a renewal date alone when there is no certificate', () => {
    const facts: ComplianceFacts = { dbs: {}, dbsRenewalDueBy: '2026-12-01', insuranceEndDate: FAR_FUTURE };
    expect(dbsDeadline(facts)).toEqual({ kind: 'dbs-renewal', dueDate: '2026-12-01' });
  });

  it('never lets the re-check fall due before a pending renewal deadline (the issue 7 example)', () => {
    // Issued 2022-06-05, start 2025-06-10: renewal due 2025-12-10; the re-check would be 2025-06-05.
    const facts: ComplianceFacts = {
      dbs: { issueDate: '2022-06-05' },
      dbsRenewalDueBy: '2025-12-10',
      insuranceEndDate: FAR_FUTURE,
    };
    expect(dbsDeadline(facts)).toEqual({ kind: 'dbs-renewal', dueDate: '2025-12-10' });
    expect(flagsFor(facts, '2025-06-10')).toEqual([]);
    expect(actionsOn(facts, '2025-06-10')).toEqual([]);
    expect(flagsFor(facts, '2025-12-10')).toEqual([]);
    expect(flagsFor(facts, '2025-12-11')).toEqual(['dbs-renewal-overdue']);
  });

  it('once the provider has applied, the renewal is met and staff are alerted 60 days on if no certificate came', () => {
    const facts: ComplianceFacts = {
      dbs: { issueDate: '2022-06-05' },
      dbsRenewalDueBy: '2025-12-10',
      dbsAppliedOn: '2025-12-10',
      insuranceEndDate: FAR_FUTURE,
    };
    expect(dbsDeadline(facts)).toEqual({ kind: 'dbs-certificate', dueDate: '2026-02-08' });
    expect(flagsFor(facts, '2026-06-01')).toEqual([]);
    expect(sweep(facts, '2025-11-01', '2026-06-30').log).toEqual([
      { key: 'dbs-certificate-alert@2026-02-08', on: '2026-02-08' },
    ]);
    // The day before the alert, nothing.
    expect(actionsOn(facts, '2026-02-07')).toEqual([]);
  });

  it('renewal reminders go 60/30/14/7/0 days before, and dbs-renewal-overdue the day after with no application', () => {
    const facts: ComplianceFacts = {
      dbs: { issueDate: '2023-10-01' },
      dbsRenewalDueBy: '2026-09-01',
      insuranceEndDate: FAR_FUTURE,
    };
    const { log } = sweep(facts, '2026-06-01', '2026-12-31');
    expect(log).toEqual([
      { key: 'dbs-reminder-60@2026-09-01', on: '2026-07-03' },
      { key: 'dbs-reminder-30@2026-09-01', on: '2026-08-02' },
      { key: 'dbs-reminder-14@2026-09-01', on: '2026-08-18' },
      { key: 'dbs-reminder-7@2026-09-01', on: '2026-08-25' },
      { key: 'dbs-reminder-0@2026-09-01', on: '2026-09-01' },
      { key: 'dbs-renewal-overdue@2026-09-01', on: '2026-09-02' },
    ]);
    // The re-check (2026-10-01) never falls due while the renewal is pending: one flag, the renewal's.
    expect(flagsFor(facts, '2026-10-02')).toEqual(['dbs-renewal-overdue']);
  });
});

describe('DBS cadence, one run a day', () => {
  const start = addDaysIso(dbsDue, -90);
  it.each<[number, string[]]>([
    [-61, []],
    [-60, ['dbs-reminder-60']],
    [-59, []],
    [-31, []],
    [-30, ['dbs-reminder-30']],
    [-29, []],
    [-15, []],
    [-14, ['dbs-reminder-14']],
    [-13, []],
    [-8, []],
    [-7, ['dbs-reminder-7']],
    [-6, []],
    [-1, []],
    [0, ['dbs-reminder-0']],
    [1, ['dbs-overdue']],
    [2, []],
    [400, []],
  ])('%i days from the deadline: %j', (offset, expected) => {
    const today = addDaysIso(dbsDue, offset);
    expect(actionsOn(dbsOnly, today, sentBefore(dbsOnly, start, today))).toEqual(expected);
  });

  it('sends each action exactly on its day, each keyed by the deadline', () => {
    expect(sweep(dbsOnly, start, addDaysIso(dbsDue, 30)).log).toEqual([
      { key: 'dbs-reminder-60@2026-06-10', on: '2026-04-11' },
      { key: 'dbs-reminder-30@2026-06-10', on: '2026-05-11' },
      { key: 'dbs-reminder-14@2026-06-10', on: '2026-05-27' },
      { key: 'dbs-reminder-7@2026-06-10', on: '2026-06-03' },
      { key: 'dbs-reminder-0@2026-06-10', on: '2026-06-10' },
      { key: 'dbs-overdue@2026-06-10', on: '2026-06-11' },
    ]);
  });

  it('describes a reminder by its deadline and how many days ahead it goes', () => {
    expect(complianceActionsDue(dbsOnly, '2026-05-27', []).actions).toEqual([
      {
        action: 'dbs-reminder-14',
        key: 'dbs-reminder-14@2026-06-10',
        deadline: { kind: 'dbs-recheck', dueDate: dbsDue },
        dueOn: '2026-05-27',
        daysBefore: 14,
      },
    ]);
    expect(complianceActionsDue(dbsOnly, '2026-06-11', []).actions).toEqual([
      {
        action: 'dbs-overdue',
        key: 'dbs-overdue@2026-06-10',
        deadline: { kind: 'dbs-recheck', dueDate: dbsDue },
        dueOn: '2026-06-11',
      },
    ]);
  });
});

describe('insurance cadence, one run a day', () => {
  const start = addDaysIso(insuranceEnd, -60);
  it.each<[number, string[]]>([
    [-61, []],
    [-60, []],
    [-31, []],
    [-30, ['insurance-reminder-30']],
    [-29, []],
    [-15, []],
    [-14, ['insurance-reminder-14']],
    [-13, []],
    [-8, []],
    [-7, ['insurance-reminder-7']],
    [-6, []],
    [-1, []],
    [0, ['insurance-reminder-0']],
    [1, ['insurance-expired']],
    [2, []],
  ])('%i days from the end date: %j', (offset, expected) => {
    const today = addDaysIso(insuranceEnd, offset);
    expect(actionsOn(insuranceOnly, today, sentBefore(insuranceOnly, start, today))).toEqual(expected);
  });

  it('flags expiry the day after the end date, not on it', () => {
    expect(flagsFor(insuranceOnly, '2026-09-15')).toEqual([]);
    expect(flagsFor(insuranceOnly, '2026-09-16')).toEqual(['insurance-expired']);
  });
});

describe('flagsFor', () => {
  it('holds dbs-overdue from the day after the deadline, not on it', () => {
    expect(flagsFor(dbsOnly, '2026-06-09')).toEqual([]);
    expect(flagsFor(dbsOnly, '2026-06-10')).toEqual([]);
    expect(flagsFor(dbsOnly, '2026-06-11')).toEqual(['dbs-overdue']);
  });

  it('holds both when both deadlines have passed, and no DBS flag without a DBS deadline', () => {
    const both: ComplianceFacts = { dbs: { issueDate: '2023-06-10' }, insuranceEndDate: '2026-06-01' };
    expect(flagsFor(both, '2026-06-11')).toEqual(['dbs-overdue', 'insurance-expired']);
    expect(flagsFor({ dbs: {}, insuranceEndDate: FAR_FUTURE }, '2090-01-01')).toEqual([]);
  });
});

describe('reruns', () => {
  it('a second run on the same day sends nothing and skips nothing', () => {
    const sent = sentBefore(dbsOnly, '2026-03-01', '2026-05-11');
    const first = complianceActionsDue(dbsOnly, '2026-05-11', sent);
    expect(first.actions.map((a) => a.key)).toEqual(['dbs-reminder-30@2026-06-10']);
    sent.push(...first.skippedKeys, ...first.actions.map((a) => a.key));
    expect(complianceActionsDue(dbsOnly, '2026-05-11', sent)).toEqual({ actions: [], skippedKeys: [] });
  });

  it('nothing is sent twice however often a day is rerun, and once both flags are recorded nothing is left', () => {
    const facts: ComplianceFacts = { dbs: { issueDate: '2023-06-10' }, insuranceEndDate: '2026-07-01' };
    const sent: string[] = [];
    const returned: string[] = [];
    for (let day = '2026-03-01'; compareIso(day, '2026-08-01') <= 0; day = addDaysIso(day, 1)) {
      for (let run = 0; run < 3; run++) {
        const { actions, skippedKeys } = complianceActionsDue(facts, day, sent);
        sent.push(...skippedKeys, ...actions.map((a) => a.key));
        returned.push(...actions.map((a) => a.key));
      }
    }
    // Five DBS reminders and the flag, four insurance reminders and the flag.
    expect(returned).toHaveLength(11);
    expect(new Set(returned).size).toBe(11);
    expect(nextComplianceDate(facts, sent)).toBeUndefined();
  });
});

describe('catch-up after missed runs', () => {
  it('sends only the most recent reminder and returns the missed ones to record', () => {
    const sent = sentBefore(dbsOnly, '2026-03-01', '2026-05-12'); // the 60- and 30-day reminders went out
    // No run from 2026-05-12 until 2026-06-05: the 14-day reminder (05-27) and the 7-day one (06-03) were missed.
    expect(complianceActionsDue(dbsOnly, '2026-06-05', sent)).toEqual({
      actions: [
        {
          action: 'dbs-reminder-7',
          key: 'dbs-reminder-7@2026-06-10',
          deadline: { kind: 'dbs-recheck', dueDate: dbsDue },
          dueOn: '2026-06-03',
          daysBefore: 7,
        },
      ],
      skippedKeys: ['dbs-reminder-14@2026-06-10'],
    });
  });

  it('a first run after the deadline flags it and skips every reminder', () => {
    const { actions, skippedKeys } = complianceActionsDue(dbsOnly, '2026-07-20', []);
    expect(actions.map((a) => a.key)).toEqual(['dbs-overdue@2026-06-10']);
    expect(skippedKeys).toEqual([
      'dbs-reminder-60@2026-06-10',
      'dbs-reminder-30@2026-06-10',
      'dbs-reminder-14@2026-06-10',
      'dbs-reminder-7@2026-06-10',
      'dbs-reminder-0@2026-06-10',
    ]);
  });

  it('missing the due date itself skips the 0-day reminder: the day after, only the overdue is meaningful', () => {
    const sent = sentBefore(dbsOnly, '2026-03-01', '2026-06-10');
    expect(complianceActionsDue(dbsOnly, '2026-06-11', sent)).toMatchObject({
      actions: [{ action: 'dbs-overdue' }],
      skippedKeys: ['dbs-reminder-0@2026-06-10'],
    });
  });

  it('insurance catches up the same way, alongside DBS on the same run', () => {
    const facts: ComplianceFacts = { dbs: { issueDate: '2023-06-10' }, insuranceEndDate: '2026-06-20' };
    const { actions, skippedKeys } = complianceActionsDue(facts, '2026-06-14', []);
    expect(actions.map((a) => a.key)).toEqual(['dbs-overdue@2026-06-10', 'insurance-reminder-7@2026-06-20']);
    expect(skippedKeys).toEqual([
      'dbs-reminder-60@2026-06-10',
      'dbs-reminder-30@2026-06-10',
      'dbs-reminder-14@2026-06-10',
      'dbs-reminder-7@2026-06-10',
      'dbs-reminder-0@2026-06-10',
      'insurance-reminder-30@2026-06-20',
      'insurance-reminder-14@2026-06-20',
    ]);
  });

  it('a recorded key that skipped an earlier one still lets the earlier be recorded, never sent late', () => {
    // A caller that recorded the 30-day reminder but not the skipped 60-day one: the 60-day one is not sent now.
    const result = complianceActionsDue(dbsOnly, '2026-05-15', ['dbs-reminder-30@2026-06-10']);
    expect(result).toEqual({ actions: [], skippedKeys: ['dbs-reminder-60@2026-06-10'] });
  });
});

describe('a new deadline after a renewal', () => {
  it('gets a fresh set of reminders, because the keys carry the deadline', () => {
    const { sent } = sweep(dbsOnly, '2026-03-01', '2026-06-30');
    // The DBS timeline is finished: only the far-off insurance reminder is left.
    expect(nextComplianceDate(dbsOnly, sent)).toBe('2099-12-01');

    const renewed: ComplianceFacts = { dbs: { issueDate: '2026-07-01' }, insuranceEndDate: FAR_FUTURE };
    expect(flagsFor(renewed, '2026-07-02')).toEqual([]);
    expect(nextComplianceDate(renewed, sent)).toBe('2029-05-02');
    expect(sweep(renewed, '2026-07-01', '2029-07-31', sent).log.map((s) => s.key)).toEqual([
      'dbs-reminder-60@2029-07-01',
      'dbs-reminder-30@2029-07-01',
      'dbs-reminder-14@2029-07-01',
      'dbs-reminder-7@2029-07-01',
      'dbs-reminder-0@2029-07-01',
      'dbs-overdue@2029-07-01',
    ]);
  });

  it('a renewal-after-start therapist who renews moves from the renewal date to the new re-check', () => {
    const before: ComplianceFacts = {
      dbs: { issueDate: '2024-01-15' },
      dbsRenewalDueBy: '2026-09-01',
      insuranceEndDate: FAR_FUTURE,
    };
    const { sent } = sweep(before, '2026-06-01', '2026-08-20');
    expect(sent).toEqual([
      'dbs-reminder-60@2026-09-01',
      'dbs-reminder-30@2026-09-01',
      'dbs-reminder-14@2026-09-01',
    ]);
    const after: ComplianceFacts = { dbs: { issueDate: '2026-08-20' }, insuranceEndDate: FAR_FUTURE };
    expect(complianceActionsDue(after, '2026-08-25', sent)).toEqual({ actions: [], skippedKeys: [] });
    expect(dbsDeadline(after)).toEqual({ kind: 'dbs-recheck', dueDate: '2029-08-20' });
    expect(nextComplianceDate(after, sent)).toBe('2029-06-21');
  });

  it('a new insurance policy gets fresh reminders after the old one expired', () => {
    const { sent } = sweep(insuranceOnly, '2026-08-01', '2026-09-20');
    expect(sent).toContain('insurance-expired@2026-09-15');
    const renewed: ComplianceFacts = { dbs: {}, insuranceEndDate: '2027-09-15' };
    expect(flagsFor(renewed, '2026-09-20')).toEqual([]);
    expect(actionsOn(renewed, '2027-08-16', sent)).toEqual(['insurance-reminder-30']);
  });
});

describe('leap years', () => {
  it('a certificate issued on 29 February is re-checked on 28 February three years on', () => {
    const facts: ComplianceFacts = { dbs: { issueDate: '2024-02-29' }, insuranceEndDate: FAR_FUTURE };
    expect(dbsDeadline(facts)).toEqual({ kind: 'dbs-recheck', dueDate: '2027-02-28' });
    expect(actionsOn(facts, '2027-02-28')).toEqual(['dbs-reminder-0']);
    expect(actionsOn(facts, '2027-03-01')).toEqual(['dbs-overdue']);
    expect(flagsFor(facts, '2027-02-28')).toEqual([]);
  });

  it('a certificate issued on 28 February in the year before a leap year is re-checked on 28, not 29, February', () => {
    const facts: ComplianceFacts = { dbs: { issueDate: '2025-02-28' }, insuranceEndDate: FAR_FUTURE };
    expect(dbsDeadline(facts)?.dueDate).toBe('2028-02-28');
  });

  it('counts back across 29 February from a deadline on it', () => {
    const facts: ComplianceFacts = { dbs: {}, dbsRenewalDueBy: '2028-02-29', insuranceEndDate: '2028-02-29' };
    expect(sweep(facts, '2027-11-01', '2028-03-31').log).toEqual([
      { key: 'dbs-reminder-60@2028-02-29', on: '2027-12-31' },
      { key: 'dbs-reminder-30@2028-02-29', on: '2028-01-30' },
      { key: 'insurance-reminder-30@2028-02-29', on: '2028-01-30' },
      { key: 'dbs-reminder-14@2028-02-29', on: '2028-02-15' },
      { key: 'insurance-reminder-14@2028-02-29', on: '2028-02-15' },
      { key: 'dbs-reminder-7@2028-02-29', on: '2028-02-22' },
      { key: 'insurance-reminder-7@2028-02-29', on: '2028-02-22' },
      { key: 'dbs-reminder-0@2028-02-29', on: '2028-02-29' },
      { key: 'insurance-reminder-0@2028-02-29', on: '2028-02-29' },
      { key: 'dbs-renewal-overdue@2028-02-29', on: '2028-03-01' },
      { key: 'insurance-expired@2028-02-29', on: '2028-03-01' },
    ]);
  });
});

describe('clock changes do not move a date', () => {
  // 2026-03-29 and 2026-10-25 are the last Sundays of March and October, when the UK clocks change.
  it('a DBS deadline on the day the clocks go forward', () => {
    const facts: ComplianceFacts = { dbs: { issueDate: '2023-03-29' }, insuranceEndDate: FAR_FUTURE };
    expect(sweep(facts, '2026-01-01', '2026-04-30').log).toEqual([
      { key: 'dbs-reminder-60@2026-03-29', on: '2026-01-28' },
      { key: 'dbs-reminder-30@2026-03-29', on: '2026-02-27' },
      { key: 'dbs-reminder-14@2026-03-29', on: '2026-03-15' },
      { key: 'dbs-reminder-7@2026-03-29', on: '2026-03-22' },
      { key: 'dbs-reminder-0@2026-03-29', on: '2026-03-29' },
      { key: 'dbs-overdue@2026-03-29', on: '2026-03-30' },
    ]);
    // The 06:00 run on the 23-hour day, and the first minutes of the next day in BST.
    expect(actionsOn(facts, londonToday(new Date('2026-03-29T05:00:00Z')))).toEqual(['dbs-reminder-0']);
    expect(flagsFor(facts, londonToday(new Date('2026-03-29T23:30:00Z')))).toEqual(['dbs-overdue']);
  });

  it('an insurance end date on the day the clocks go back', () => {
    const facts: ComplianceFacts = { dbs: {}, insuranceEndDate: '2026-10-25' };
    expect(sweep(facts, '2026-09-01', '2026-11-30').log).toEqual([
      { key: 'insurance-reminder-30@2026-10-25', on: '2026-09-25' },
      { key: 'insurance-reminder-14@2026-10-25', on: '2026-10-11' },
      { key: 'insurance-reminder-7@2026-10-25', on: '2026-10-18' },
      { key: 'insurance-reminder-0@2026-10-25', on: '2026-10-25' },
      { key: 'insurance-expired@2026-10-25', on: '2026-10-26' },
    ]);
    // 23:30 UTC on the 25-hour day is 23:30 GMT: still the end date, not yet expired.
    expect(flagsFor(facts, londonToday(new Date('2026-10-25T23:30:00Z')))).toEqual([]);
    expect(flagsFor(facts, londonToday(new Date('2026-10-26T00:00:00Z')))).toEqual(['insurance-expired']);
  });
});

describe('nextComplianceDate', () => {
  it('is the first reminder day when nothing was sent', () => {
    expect(nextComplianceDate(dbsOnly, [])).toBe('2026-04-11');
    expect(nextComplianceDate(insuranceOnly, [])).toBe('2026-08-16');
  });

  it('is the earliest of the DBS and insurance timelines', () => {
    const facts: ComplianceFacts = { dbs: { issueDate: '2023-06-10' }, insuranceEndDate: '2026-04-20' };
    expect(nextComplianceDate(facts, [])).toBe('2026-03-21');
  });

  it('moves to the next action as each is recorded', () => {
    expect(nextComplianceDate(dbsOnly, ['dbs-reminder-60@2026-06-10'])).toBe('2026-05-11');
    const allReminders = [60, 30, 14, 7, 0].map((n) => `dbs-reminder-${n}@2026-06-10`);
    expect(nextComplianceDate(dbsOnly, allReminders)).toBe('2026-06-11');
  });

  it('ignores keys of an old deadline', () => {
    expect(nextComplianceDate(dbsOnly, ['dbs-reminder-60@2023-06-10', 'dbs-overdue@2023-06-10'])).toBe(
      '2026-04-11',
    );
  });

  it('is the insurance timeline alone when the DBS one is finished, and undefined once both are', () => {
    const facts: ComplianceFacts = { dbs: { issueDate: '2023-06-10' }, insuranceEndDate: insuranceEnd };
    const { sent } = sweep(facts, '2026-03-01', '2026-06-30');
    expect(nextComplianceDate(facts, sent)).toBe('2026-08-16');
    sweep(facts, '2026-07-01', '2026-12-31', sent);
    expect(nextComplianceDate(facts, sent)).toBeUndefined();
  });
});

describe('properties over random facts and random runs', () => {
  const BASE = '2026-01-01';
  const dayIn = (max: number) => fc.integer({ min: 0, max }).map((n) => addDaysIso(BASE, n));
  const factsArb: fc.Arbitrary<ComplianceFacts> = fc
    .record({
      issueDate: fc.option(
        dayIn(900).map((d) => addDaysIso(d, -3 * 365)),
        { nil: undefined },
      ),
      renewal: fc.option(dayIn(900), { nil: undefined }),
      insuranceEndDate: dayIn(900),
    })
    .map(({ issueDate, renewal, insuranceEndDate }) => ({
      dbs: issueDate === undefined ? {} : { issueDate },
      ...(renewal === undefined ? {} : { dbsRenewalDueBy: renewal }),
      insuranceEndDate,
    }));

  // When an action may go out at the earliest, worked out from the key alone.
  const earliestDay = (key: string): IsoDate => {
    const [action = '', dueDate = ''] = key.split('@');
    if (['dbs-overdue', 'dbs-renewal-overdue', 'insurance-expired'].includes(action))
      return addDaysIso(dueDate, 1);
    if (action === 'dbs-certificate-alert') return dueDate;
    return addDaysIso(dueDate, -Number(action.split('-').at(-1)));
  };

  it('a random walk of runs returns each key at most once, never early, and the index date never lags', () => {
    fc.assert(
      fc.property(
        factsArb,
        dayIn(400).map((d) => addDaysIso(d, -200)),
        // 0 = a rerun on the same day; larger steps are missed runs.
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 80 }),
        (facts, start, steps) => {
          const sent: string[] = [];
          const returned = new Set<string>();
          let today = start;
          for (const step of steps) {
            today = addDaysIso(today, step);
            const next = nextComplianceDate(facts, sent);
            const { actions, skippedKeys } = complianceActionsDue(facts, today, sent);
            for (const { key, action, deadline, dueOn } of actions) {
              expect(returned.has(key)).toBe(false);
              returned.add(key);
              expect(key).toBe(actionKey(action, deadline.dueDate));
              expect(dueOn).toBe(earliestDay(key));
              expect(compareIso(earliestDay(key), today)).toBeLessThanOrEqual(0);
            }
            for (const key of skippedKeys) {
              expect(returned.has(key)).toBe(false);
              expect(compareIso(earliestDay(key), today)).toBeLessThanOrEqual(0);
            }
            // The sparse index is safe: the item has work exactly when its date has come.
            const hasWork = actions.length > 0 || skippedKeys.length > 0;
            expect(hasWork).toBe(next !== undefined && compareIso(next, today) <= 0);
            sent.push(...skippedKeys, ...actions.map((a) => a.key));
          }
        },
      ),
    );
  });

  it('a run every day sends every action on its own day and skips none', () => {
    fc.assert(
      fc.property(factsArb, (facts) => {
        const dbsTimelines = dbsDeadline(facts) ? 1 : 0;
        const from = addDaysIso(BASE, -3 * 365);
        const sent: string[] = [];
        let count = 0;
        for (let day = from; compareIso(day, addDaysIso(BASE, 950)) <= 0; day = addDaysIso(day, 1)) {
          const { actions, skippedKeys } = complianceActionsDue(facts, day, sent);
          expect(skippedKeys).toEqual([]);
          for (const a of actions) expect(a.dueOn).toBe(day);
          sent.push(...actions.map((a) => a.key));
          count += actions.length;
        }
        // Six DBS actions (5 reminders and the flag) and five for insurance (4 and the flag).
        expect(count).toBe(6 * dbsTimelines + 5);
        expect(nextComplianceDate(facts, sent)).toBeUndefined();
      }),
      { numRuns: 30 },
    );
  });
});

describe('retention', () => {
  it('deletes a closed application 6 calendar months after closing, clamped to a shorter month', () => {
    expect(retentionDate('2026-01-15')).toBe('2026-07-15');
    expect(retentionDate('2025-08-31')).toBe('2026-02-28');
    expect(retentionDate('2023-08-31')).toBe('2024-02-29');
  });

  it('deletes a DBS certificate image 6 months after the review decision', () => {
    expect(dbsImageDeletionDate('2026-03-29')).toBe('2026-09-29');
    expect(dbsImageDeletionDate('2026-12-31')).toBe('2027-06-30');
  });

  it('is due on the date and after, not the day before', () => {
    const date = retentionDate('2026-01-15');
    expect(retentionDue(date, '2026-07-14')).toBe(false);
    expect(retentionDue(date, '2026-07-15')).toBe(true);
    expect(retentionDue(date, '2026-07-16')).toBe(true);
  });
});
