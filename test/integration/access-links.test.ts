/**
 * Links that keep working (issue 12, item 2): every email that points to the status page opens it, and "email me
 * a new link" (POST /applications/access-links) sends a fresh link whose token replaces every earlier one, answers
 * 202 whatever the address, and is rate-limited — through the local HTTP API and the SES emulator.
 */
import { describe, expect, it } from 'vitest';
import { ACCESS_LINK_LIMIT } from '../../lambdas/use-cases/access-links.ts';
import { staff, toInReview } from './journey.ts';
import {
  ALL_CHECKS,
  api,
  createApplication,
  type DevEmail,
  emailsTo,
  eventually,
  statusLinks,
  uniqueEmail,
  validApplication,
  view,
  waitForStage,
} from './support.ts';

const NEW_LINK_SUBJECT = 'Your new link to your application';

const opens = async (id: string, token: string | undefined) =>
  (await view({ applicationId: id, accessToken: token ?? 'no-token-in-the-link' })).status;

const requestLink = (email: string) => api('POST', '/applications/access-links', { body: { email } });

const newLinks = async (address: string) =>
  (await emailsTo(address)).filter((e) => e.subject === NEW_LINK_SUBJECT);

describe('status links in emails', () => {
  it("opens the status page from every email's link, each with a token of its own", async () => {
    const app = await toInReview();
    const review = await staff('POST', `/staff/applications/${app.applicationId}/review`, {
      decision: 'approve',
      checks: ALL_CHECKS,
      note: '',
    });
    expect(review.status).toBe(200);
    await waitForStage(app, 'contract-sent');
    const emails = await eventually(async () => {
      const all = (await emailsTo(app.email)).filter((e) => statusLinks(e).length > 0);
      // The receipt, documents received, and the contract to sign.
      expect(all.length).toBeGreaterThanOrEqual(3);
      return all;
    });
    const tokens = new Set<string>();
    for (const email of emails) {
      const links = statusLinks(email);
      expect(links.length, email.subject).toBeGreaterThanOrEqual(2);
      for (const link of links) {
        expect(link.id).toBe(app.applicationId);
        expect(link.token, `${email.subject}: the link carries a token`).toBeDefined();
        expect(await opens(link.id, link.token), email.subject).toBe(200);
      }
      // Text and HTML carry the same link; each email its own token.
      expect(new Set(links.map((l) => l.token)).size).toBe(1);
      tokens.add(links[0]?.token ?? '');
    }
    expect(tokens.size).toBe(emails.length);
    // The staff notification links to the staff page, never with an applicant token.
    const staffMail = await emailsTo('affiliate-team@affiliates.local');
    for (const email of staffMail) expect(email.body.text ?? '').not.toContain('&token=');
  });
});

describe('POST /applications/access-links', () => {
  it('emails a fresh link that opens the application; the old access token and earlier links stop working', async () => {
    const app = await createApplication();
    const firstLink = await eventually(async () => {
      const [receipt] = await emailsTo(app.email);
      const link = receipt && statusLinks(receipt)[0];
      expect(link?.token).toBeDefined();
      return link as { id: string; token: string };
    });
    expect(await opens(app.applicationId, app.accessToken)).toBe(200);

    // Any case of the address on file.
    const response = await requestLink(app.email.toUpperCase());
    expect(response.status).toBe(202);

    const [mail] = await eventually(async () => {
      const found = await newLinks(app.email);
      expect(found).toHaveLength(1);
      return found;
    });
    const fresh = statusLinks(mail as DevEmail);
    expect(fresh[0]?.id).toBe(app.applicationId);
    expect(fresh[0]?.token).toBeDefined();
    expect(fresh[0]?.token).not.toBe(app.accessToken);
    expect(await opens(app.applicationId, fresh[0]?.token)).toBe(200);

    expect(await opens(app.applicationId, app.accessToken)).toBe(404);
    expect(await opens(app.applicationId, firstLink.token)).toBe(404);
    const refused = await api('POST', `/applications/${app.applicationId}/uploads`, {
      token: app.accessToken,
      body: { document: 'indemnity-insurance' },
    });
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');

    const timeline = (await view({ applicationId: app.applicationId, accessToken: fresh[0]?.token ?? '' }))
      .body.timeline;
    expect(timeline.map((t) => t.type)).toContain('access-link-sent');
  });

  it('answers an unknown address the same 202 and sends nothing', async () => {
    const known = await createApplication();
    const address = uniqueEmail();
    const unknown = await requestLink(address);
    const existing = await requestLink(known.email);
    expect(unknown.status).toBe(202);
    expect(existing.status).toBe(202);
    expect(unknown.body).toEqual(existing.body);
    await eventually(async () => expect(await newLinks(known.email)).toHaveLength(1));
    expect(await emailsTo(address)).toHaveLength(0);
  });

  it(`sends at most ${ACCESS_LINK_LIMIT.count} links an hour; more requests still answer 202 and send nothing`, async () => {
    const app = await createApplication(validApplication({ email: uniqueEmail() }));
    for (let i = 0; i < ACCESS_LINK_LIMIT.count + 2; i++) {
      expect((await requestLink(app.email)).status).toBe(202);
    }
    const sent = await eventually(async () => {
      const found = await newLinks(app.email);
      expect(found).toHaveLength(ACCESS_LINK_LIMIT.count);
      return found;
    });
    // Nothing later slipped through, and the last link sent is the one that works.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await newLinks(app.email)).toHaveLength(ACCESS_LINK_LIMIT.count);
    const tokens = sent.map((mail) => statusLinks(mail)[0]?.token);
    // Requests were made one after another: the store keeps the emails in the order they were sent.
    const latest = sent[sent.length - 1] as DevEmail;
    for (const token of tokens) {
      const expected = token === statusLinks(latest)[0]?.token ? 200 : 404;
      expect(await opens(app.applicationId, token)).toBe(expected);
    }
  });

  it('refuses a malformed request with a problem naming the field, and changes nothing', async () => {
    const app = await createApplication();
    for (const body of [
      { email: 'not-an-address' },
      { email: app.email, applicationId: app.applicationId },
      {},
    ]) {
      const response = await api('POST', '/applications/access-links', { body });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect((response.body as { errors?: unknown[] }).errors?.length).toBeGreaterThan(0);
    }
    const raw = await api('POST', '/applications/access-links', { raw: 'email=x' });
    expect(raw.status).toBe(400);
    expect(await opens(app.applicationId, app.accessToken)).toBe(200);
    expect(await newLinks(app.email)).toHaveLength(0);
  });
});
