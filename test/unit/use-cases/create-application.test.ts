import { describe, expect, it } from 'vitest';
import { RuleViolation } from '../../../lambdas/domain/errors.ts';
import { Conflict } from '../../../lambdas/shared/errors.ts';
import { createApplicationSchema } from '../../../lambdas/shared/schemas.ts';
import { createApplication } from '../../../lambdas/use-cases/create-application.ts';
import { onboardingSweep } from '../../../lambdas/use-cases/onboarding-sweep.ts';
import { MAILBOX_RULES } from '../../../lib/config.ts';
import { memoryPorts } from './memory-ports.ts';

const input = (email = 'sam@example.org') =>
  createApplicationSchema.parse({
    applicant: {
      firstName: 'Sam',
      lastName: 'Lee',
      email,
      phone: '07700 900123',
      dateOfBirth: '1980-01-01',
      postcode: 'M1 1AE',
    },
    professional: { body: 'BABCP', membershipNumber: 'X1', accredited: true },
    dbs: {
      hasCertificate: true,
      level: 'enhanced',
      certificateNumber: '000000000001',
      issueDate: '2026-01-10',
      onUpdateService: false,
    },
    insurance: {
      insurer: 'I',
      policyNumber: 'P',
      coverAmountGbp: 1_000_000,
      basis: 'aggregate',
      startDate: '2026-01-01',
      endDate: '2027-01-01',
    },
    consents: { privacyNotice: true, criminalRecordProcessing: true },
  });

const ctx = { siteUrl: 'https://site.test', rawBody: '{}', mailboxRules: MAILBOX_RULES };
const links = {
  siteUrl: 'https://site.test',
  staffEmail: 'team@site.test',
  therapyAccountUrl: 'https://therapy.test/account',
  inductionBookingUrl: 'https://therapy.test/induction',
};

describe('createApplication', () => {
  it('saves, starts the workflow and sends the submission email with the private link', async () => {
    const m = memoryPorts();
    const result = await createApplication(input(), ctx, m.ports);
    expect(result.stage).toBe('awaiting-documents');
    expect(m.started).toEqual([result.applicationId]);
    expect(m.sent).toHaveLength(1);
    expect(m.sent[0]?.text).toContain(`#id=${result.applicationId}&token=${result.accessToken}`);
    const stored = m.apps.get(result.applicationId);
    expect(stored?.accessTokenHash).not.toContain(result.accessToken);
    expect(stored?.outbox).toEqual([]);
    expect(stored?.workflowPendingSince).toBeUndefined();
  });

  it('never strands an application whose workflow failed to start: the sweep starts it', async () => {
    const m = memoryPorts();
    m.failures.start = 1;
    const result = await createApplication(input(), ctx, m.ports);
    expect(result.stage).toBe('awaiting-documents');
    expect(m.started).toEqual([]);
    expect(m.apps.get(result.applicationId)?.workflowPendingSince).toBeDefined();

    const sweep = await onboardingSweep({ asOf: new Date('2026-11-26T10:05:00Z') }, m.ports, links);
    expect(sweep.workflowsStarted).toBe(1);
    expect(m.started).toEqual([result.applicationId]);
    const after = m.apps.get(result.applicationId);
    expect(after?.executionArn).toContain(result.applicationId);
    expect(after?.dueAt).toBe('2026-11-29T00:00:00.000Z'); // the day-3 reminder, nothing sooner
  });

  it('keeps the submission email when SES fails and delivers it on the next sweep', async () => {
    const m = memoryPorts();
    m.failures.mail = 1;
    const result = await createApplication(input(), ctx, m.ports);
    expect(m.sent).toHaveLength(0);
    expect(m.apps.get(result.applicationId)?.outbox).toHaveLength(1);
    await onboardingSweep({ asOf: new Date('2026-11-26T10:05:00Z') }, m.ports, links);
    expect(m.sent).toHaveLength(1);
    expect(m.apps.get(result.applicationId)?.outbox).toHaveLength(0);
  });

  it('refuses a duplicate email with a conflict and changes nothing', async () => {
    const m = memoryPorts();
    await createApplication(input(), ctx, m.ports);
    await expect(createApplication(input(), ctx, m.ports)).rejects.toBeInstanceOf(Conflict);
    expect(m.apps.size).toBe(1);
  });

  it('refuses a second application for the same inbox: another case, or a +tag at a provider that ignores it', async () => {
    const m = memoryPorts();
    const first = await createApplication(input('Jo.Bloggs@gmail.com'), ctx, m.ports);
    expect(m.apps.get(first.applicationId)?.mailbox).toBe('jo.bloggs@gmail.com');
    for (const email of ['jo.bloggs+1@gmail.com', 'JO.BLOGGS+onboarding@Gmail.com', 'jo.bloggs@GMAIL.COM']) {
      await expect(createApplication(input(email), ctx, m.ports), email).rejects.toBeInstanceOf(Conflict);
    }
    // A provider not on the list keeps the tag: that may be another person's mailbox.
    await createApplication(input('jo+1@provider.example'), ctx, m.ports);
    await createApplication(input('jo@provider.example'), ctx, m.ports);
    expect(m.apps.size).toBe(3);
  });

  it('throws every broken rule at once and saves nothing', async () => {
    const m = memoryPorts();
    const bad = input();
    bad.insurance.coverAmountGbp = 999_999;
    bad.insurance.endDate = '2026-11-25';
    const error = await createApplication(bad, ctx, m.ports).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuleViolation);
    expect((error as RuleViolation).violations.map((v) => v.path)).toEqual([
      'insurance.coverAmountGbp',
      'insurance.endDate',
    ]);
    expect(m.apps.size).toBe(0);
  });
});
