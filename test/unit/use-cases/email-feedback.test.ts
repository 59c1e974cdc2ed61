/**
 * SES feedback: a permanent bounce or a complaint marks the applicant's address undeliverable once and tells
 * staff; a transient bounce, the staff address and closed applications change nothing.
 */
import { describe, expect, it } from 'vitest';
import { feedbackOf } from '../../../lambdas/adapters/ses-feedback.ts';
import { createApplicationSchema } from '../../../lambdas/shared/schemas.ts';
import { createApplication } from '../../../lambdas/use-cases/create-application.ts';
import { recordEmailFeedback } from '../../../lambdas/use-cases/email-feedback.ts';
import { MAILBOX_RULES } from '../../../lib/config.ts';
import { memoryPorts } from './memory-ports.ts';

const links = {
  siteUrl: 'https://site.test',
  staffEmail: 'team@site.test',
  therapyAccountUrl: 'https://therapy.test/account',
  inductionBookingUrl: 'https://therapy.test/induction',
};
const ctx = { links, mailboxRules: MAILBOX_RULES };

const applied = async (m: ReturnType<typeof memoryPorts>, email = 'sam.lee@gmail.com') => {
  const input = createApplicationSchema.parse({
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
  const created = await createApplication(
    input,
    { siteUrl: links.siteUrl, rawBody: '{}', mailboxRules: MAILBOX_RULES },
    m.ports,
  );
  m.sent.length = 0;
  return created.applicationId;
};

describe('recordEmailFeedback', () => {
  it('marks the address undeliverable on a permanent bounce, records the event and tells staff once', async () => {
    const m = memoryPorts();
    const id = await applied(m);
    const bounce = { reason: 'bounce' as const, permanent: true, recipients: ['Sam.Lee@gmail.com'] };
    expect(await recordEmailFeedback(bounce, ctx, m.ports)).toEqual({ marked: 1 });
    expect(m.apps.get(id)?.emailUndeliverable).toEqual({ reason: 'bounce', at: '2026-11-26T10:00:00.000Z' });
    expect(m.events.filter((e) => e.type === 'email-undeliverable')).toEqual([
      expect.objectContaining({ applicationId: id, details: { reason: 'bounce' }, actor: 'system' }),
    ]);
    expect(m.sent.map((e) => [e.to, e.subject])).toEqual([
      ['team@site.test', `Emails no longer reach the applicant: application ${id}`],
    ]);
    // SES may report the same address again: nothing changes, staff are not told twice.
    expect(await recordEmailFeedback(bounce, ctx, m.ports)).toEqual({ marked: 0 });
    expect(m.sent).toHaveLength(1);
  });

  it('finds the application through the inbox: a +tag at a provider that ignores it', async () => {
    const m = memoryPorts();
    const id = await applied(m);
    const complaint = { reason: 'complaint' as const, permanent: true, recipients: ['sam.lee+x@gmail.com'] };
    expect(await recordEmailFeedback(complaint, ctx, m.ports)).toEqual({ marked: 1 });
    expect(m.apps.get(id)?.emailUndeliverable?.reason).toBe('complaint');
    expect(m.sent[0]?.text).toContain('marked our email as spam');
  });

  it('ignores a transient bounce, the staff address and unknown addresses', async () => {
    const m = memoryPorts();
    const id = await applied(m);
    expect(
      await recordEmailFeedback(
        { reason: 'bounce', permanent: false, recipients: ['sam.lee@gmail.com'] },
        ctx,
        m.ports,
      ),
    ).toEqual({ marked: 0 });
    expect(
      await recordEmailFeedback(
        { reason: 'bounce', permanent: true, recipients: ['team@site.test', 'nobody@gmail.com'] },
        ctx,
        m.ports,
      ),
    ).toEqual({ marked: 0 });
    expect(m.apps.get(id)?.emailUndeliverable).toBeUndefined();
    expect(m.sent).toEqual([]);
  });
});

describe('feedbackOf (the SES EventBridge event)', () => {
  it('reads a bounce: its type and recipients', () => {
    expect(
      feedbackOf({
        'detail-type': 'Email Bounced',
        detail: {
          bounce: {
            bounceType: 'Permanent',
            bouncedRecipients: [{ emailAddress: 'a@gmail.com' }, { emailAddress: 'b@gmail.com' }],
          },
        },
      }),
    ).toEqual({ reason: 'bounce', permanent: true, recipients: ['a@gmail.com', 'b@gmail.com'] });
    expect(
      feedbackOf({
        'detail-type': 'Email Bounced',
        detail: { bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: 'a@gmail.com' }] } },
      }).permanent,
    ).toBe(false);
  });

  it('reads a complaint, and refuses any other event', () => {
    expect(
      feedbackOf({
        'detail-type': 'Email Complaint Received',
        detail: { complaint: { complainedRecipients: [{ emailAddress: 'a@gmail.com' }] } },
      }),
    ).toEqual({ reason: 'complaint', permanent: true, recipients: ['a@gmail.com'] });
    expect(() => feedbackOf({ 'detail-type': 'Email Delivered', detail: {} })).toThrow(/Not an SES bounce/);
  });
});
