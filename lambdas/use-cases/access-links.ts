/**
 * "Email me a new link" (POST /applications/access-links). The answer is the same whatever happens, so it never
 * tells whether an application exists.
 *  1. Find the application holding the address's inbox (`Jo+x@gmail.com` finds Jo's); none (or a closed one):
 *     nothing to do. The link goes to the address the application holds, never to the one typed here.
 *  2. Rate limit: at most ACCESS_LINK_LIMIT.count links per application in ACCESS_LINK_LIMIT.windowMinutes; over
 *     it, nothing is sent (the answer does not change).
 *  3. Issue a fresh access token: its hash replaces the old one and every emailed link's token, so earlier links
 *     stop working; the email with the new link goes in the outbox with the change.
 *  4. Deliver the email.
 */
import { type MailboxRules, mailboxOf } from '../domain/mailbox.ts';
import { isOpen } from '../domain/stages.ts';
import { newStatusLink } from '../emails/templates.ts';
import type { Ports } from '../ports/index.ts';
import { hashToken, newAccessToken } from '../shared/tokens.ts';
import { deliverOutbox, event, mutate, outboxEntry } from './support.ts';

export const ACCESS_LINK_LIMIT = { count: 3, windowMinutes: 60 } as const;

export const sendAccessLink = async (
  input: { email: string },
  ctx: { siteUrl: string; mailboxRules: MailboxRules },
  ports: Pick<Ports, 'store' | 'clock' | 'mailer' | 'workflow'>,
): Promise<void> => {
  const found = await ports.store.findByEmail(mailboxOf(input.email, ctx.mailboxRules));
  if (!found || !(isOpen(found.stage) || found.stage === 'active')) return;
  const result = await mutate(ports, found.id, (app, now) => {
    const since = new Date(now.getTime() - ACCESS_LINK_LIMIT.windowMinutes * 60_000).toISOString();
    const recent = (app.accessLinksSentAt ?? []).filter((at) => at > since);
    if (recent.length >= ACCESS_LINK_LIMIT.count) return undefined;
    const token = newAccessToken();
    return {
      next: {
        ...app,
        accessTokenHash: hashToken(token),
        linkTokenHashes: [],
        accessLinksSentAt: [...recent, now.toISOString()],
        outbox: [
          ...app.outbox,
          outboxEntry({ kind: 'email', email: newStatusLink(app, ctx.siteUrl, token) }),
        ],
      },
      events: [event(app.id, now, 'access-link-sent', undefined, 'applicant')],
    };
  });
  if (result?.changed) await deliverOutbox(ports, result.after, result.before);
};
