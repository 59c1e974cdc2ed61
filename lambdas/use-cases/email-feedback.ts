/**
 * SES feedback on an email we sent (a bounce or a complaint, through the configuration set's event destination:
 * lib/constructs/mail.ts). SES already suppresses such an address; this records it where staff look.
 *  1. Only a permanent bounce or a complaint counts: SES retries a transient bounce (mailbox full) by itself.
 *  2. For each recipient: the application holding its inbox (open or active). None (the staff address, a closed
 *     application): nothing to record.
 *  3. Once per application: mark the address undeliverable, append the event, and put an email to staff in the
 *     outbox (they contact the applicant another way). A repeated event for the same application changes nothing.
 *  4. Deliver the outbox.
 * Returns how many applications were marked (never an address: logs carry no personal data).
 */
import type { MailboxRules } from '../domain/mailbox.ts';
import { mailboxOf } from '../domain/mailbox.ts';
import { isOpen } from '../domain/stages.ts';
import { type Links, staffEmailUndeliverable } from '../emails/templates.ts';
import type { Ports } from '../ports/index.ts';
import { deliverOutbox, event, mutate, outboxEntry } from './support.ts';

export interface EmailFeedback {
  reason: 'bounce' | 'complaint';
  /** For a bounce: SES's bounce type (Permanent, Transient, Undetermined). */
  permanent: boolean;
  recipients: string[];
}

export const recordEmailFeedback = async (
  feedback: EmailFeedback,
  ctx: { links: Links; mailboxRules: MailboxRules },
  ports: Pick<Ports, 'store' | 'clock' | 'mailer' | 'workflow'>,
): Promise<{ marked: number }> => {
  if (feedback.reason === 'bounce' && !feedback.permanent) return { marked: 0 };
  let marked = 0;
  for (const recipient of new Set(feedback.recipients.map((r) => mailboxOf(r, ctx.mailboxRules)))) {
    const found = await ports.store.findByEmail(recipient);
    if (!found || !(isOpen(found.stage) || found.stage === 'active')) continue;
    const result = await mutate(ports, found.id, (app, now) => {
      if (app.emailUndeliverable) return undefined;
      return {
        next: {
          ...app,
          emailUndeliverable: { reason: feedback.reason, at: now.toISOString() },
          outbox: [
            ...app.outbox,
            outboxEntry({ kind: 'email', email: staffEmailUndeliverable(app, feedback.reason, ctx.links) }),
          ],
        },
        events: [event(app.id, now, 'email-undeliverable', { reason: feedback.reason })],
      };
    });
    if (result?.changed) {
      marked += 1;
      await deliverOutbox(ports, result.after, result.before);
    }
  }
  return { marked };
};
