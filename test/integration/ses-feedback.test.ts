/**
 * SES bounces and complaints end to end, locally (lib/local/ses-feedback.ts): an application whose address is one
 * of SES's mailbox simulator addresses gets its receipt; the simulator bounces it (or complains), the same
 * EventBridge-shaped event reaches email-feedback, the application is marked undeliverable for staff and staff are
 * emailed. An ordinary address is left alone.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  api,
  createApplication,
  emailsTo,
  eventually,
  STAFF_EMAIL,
  staffToken,
  uniqueEmail,
  validApplication,
} from './support.ts';

const applicationWith = (email: string) => {
  const body = validApplication();
  body.applicant.email = email;
  return createApplication(body);
};

const staffView = async (id: string) =>
  (
    await api<{ emailUndeliverable?: { reason: string; at: string } }>('GET', `/staff/applications/${id}`, {
      token: await staffToken(),
    })
  ).body;

describe.each([
  ['bounce', 'bounce'],
  ['complaint', 'complaint'],
] as const)('mail to the %s simulator address', (local, reason) => {
  it(`marks the application undeliverable (${reason}) and emails staff`, async () => {
    const app = await applicationWith(`${local}+${randomUUID().slice(0, 8)}@simulator.amazonses.com`);
    const marked = await eventually(async () => {
      const seen = await staffView(app.applicationId);
      if (!seen.emailUndeliverable) throw new Error('not marked yet');
      return seen.emailUndeliverable;
    });
    expect(marked.reason).toBe(reason);
    const alert = await eventually(async () => {
      const found = (await emailsTo(STAFF_EMAIL)).find(
        (e) => e.subject.includes(app.applicationId) && e.subject.startsWith('Emails no longer reach'),
      );
      if (!found) throw new Error('no alert yet');
      return found;
    });
    expect(alert.subject).toBe(`Emails no longer reach the applicant: application ${app.applicationId}`);
    // The event is recorded once, however many emails bounced.
    const full = await api<{ events: { type: string }[] }>(
      'GET',
      `/staff/applications/${app.applicationId}`,
      {
        token: await staffToken(),
      },
    );
    expect(full.body.events.filter((e) => e.type === 'email-undeliverable')).toHaveLength(1);
  });
});

it('an ordinary address is not marked', async () => {
  const app = await applicationWith(uniqueEmail());
  // Its receipt went out: by then a simulated bounce would have been delivered.
  await eventually(async () => {
    if ((await emailsTo(app.email)).length === 0) throw new Error('no receipt yet');
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect((await staffView(app.applicationId)).emailUndeliverable).toBeUndefined();
});
