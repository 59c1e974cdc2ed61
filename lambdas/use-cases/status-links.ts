/**
 * Every email that points the applicant at their status page must open it (DESIGN §5), yet only token hashes are
 * stored. So each new email to the applicant whose status link has no token gets a token of its own when the
 * change that sends it is committed:
 *  1. Find the change's new outbox emails to the applicant that link to the status page without a token.
 *  2. Mint a 256-bit token per email, put it in that email's link (text and HTML), keep only its hash on the item
 *     (the newest MAX_LINK_TOKENS: an email older than that many later ones asks for a new link).
 * The access token stays the credential the applicant was given; a link token opens the same page, and "email me
 * a new link" (access-links.ts) revokes them all with the access token.
 */
import type { Application, OutboxEntry } from '../domain/application.ts';
import { hashToken, newAccessToken } from '../shared/tokens.ts';

export const MAX_LINK_TOKENS = 25;

/** `…/status.html#id=<id>` not already followed by a token (`&` in text, `&amp;` in HTML). */
const tokenlessLink = (id: string) =>
  new RegExp(`(/status\\.html#id=${encodeURIComponent(id)})(?![\\w&])`, 'g');

const isTokenlessStatusEmail = (app: Application, entry: OutboxEntry): boolean =>
  entry.kind === 'email' &&
  entry.email.to === app.applicant.email &&
  tokenlessLink(app.id).test(entry.email.text);

export const withStatusLinkTokens = (next: Application, before?: Application): Application => {
  const earlier = new Set(before?.outbox.map((entry) => entry.id) ?? []);
  const hashes: string[] = [];
  const outbox = next.outbox.map((entry) => {
    if (earlier.has(entry.id) || entry.kind !== 'email' || !isTokenlessStatusEmail(next, entry)) return entry;
    const token = newAccessToken();
    hashes.push(hashToken(token));
    const link = tokenlessLink(next.id);
    return {
      ...entry,
      email: {
        ...entry.email,
        text: entry.email.text.replace(link, `$1&token=${token}`),
        html: entry.email.html.replace(link, `$1&amp;token=${token}`),
      },
    };
  });
  if (hashes.length === 0) return next;
  return {
    ...next,
    outbox,
    linkTokenHashes: [...(next.linkTokenHashes ?? []), ...hashes].slice(-MAX_LINK_TOKENS),
  };
};

/** The hashes a token may open: the access token's and every live link token's. */
export const credentialHashes = (app: Application): string[] => [
  app.accessTokenHash,
  ...(app.linkTokenHashes ?? []),
];
