/**
 * The induction and therapy-website account links (issue 12, item 3) come from config, resolved against the site
 * origin the stack knows: the test stack runs its site on a free port, never the default 3001, so a hard-coded
 * address fails here.
 */
import { describe, expect, inject, it } from 'vitest';
import { signContract, staff, toInReview } from './journey.ts';
import { ALL_CHECKS, emailsTo, eventually, waitForStage } from './support.ts';

const siteUrl = inject('siteUrl');

describe('induction links', () => {
  it("point at the running site's pages in the invitation email, and those pages answer", async () => {
    expect(new URL(siteUrl).port).not.toBe('3001');
    const app = await toInReview();
    const review = await staff('POST', `/staff/applications/${app.applicationId}/review`, {
      decision: 'approve',
      checks: ALL_CHECKS,
      note: '',
    });
    expect(review.status).toBe(200);
    await waitForStage(app, 'contract-sent');
    await signContract(app);
    await waitForStage(app, 'induction-invited');
    const invitation = await eventually(async () => {
      const mail = (await emailsTo(app.email)).find((e) => e.subject.includes('book your induction'));
      expect(mail).toBeDefined();
      return mail as NonNullable<typeof mail>;
    });
    const text = invitation.body.text ?? '';
    const account = `${siteUrl}/therapy-account.html`;
    const booking = `${siteUrl}/induction-booking.html`;
    expect(text).toContain(`Create your therapist account on our therapy website: ${account}`);
    expect(text).toContain(`Book your online induction: ${booking}`);
    expect(invitation.body.html).toContain(`href="${booking}"`);
    for (const url of [account, booking]) {
      const page = await fetch(url);
      expect(page.status, url).toBe(200);
      expect(await page.text()).toContain('<h1>');
    }
  });
});
