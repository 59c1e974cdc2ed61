/**
 * Issue 9, the log canary: an applicant with recognisable personal data goes through the whole journey (submit,
 * uploads, review, contract, induction, availability, staff views, the DBS and capacity reports, refused requests, a
 * new status link), then everything the local stack's process logged (each function's worker output included) is
 * searched for their email address, names and DBS certificate number: zero hits. Handler logs carry ids, counts and
 * error names only.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { staff, toActive } from './journey.ts';
import { api, eventually, uniqueEmail, validApplication } from './support.ts';

const logged = (): string => readFileSync(inject('logFile'), 'utf8');

describe('logs', () => {
  it('never carry the applicant’s email address, name or DBS number, through a whole journey', async () => {
    const email = uniqueEmail().replace('therapist.', 'canary.');
    const body = validApplication({ email });
    // The journey helpers sign the contract as the fixtures' "Alex Morgan", so the names stay; every test
    // applicant has them, and none may appear in a log.
    const dbs = body.dbs as { certificateNumber?: string };
    dbs.certificateNumber = '009988776655';
    const before = logged().length;

    const app = await toActive(body);
    // A few more paths that log: staff views, both report formats, refused requests, a new link.
    expect((await staff('GET', `/staff/applications/${app.applicationId}`)).status).toBe(200);
    expect((await staff('GET', '/staff/reports/dbs')).status).toBe(200);
    expect((await staff('GET', '/staff/reports/dbs?format=csv')).status).toBe(200);
    expect((await staff('GET', '/staff/reports/capacity')).status).toBe(200);
    const refused = await api('POST', `/applications/${app.applicationId}/uploads`, {
      token: app.accessToken,
      body: { document: 'dbs-certificate', contentType: 'text/html' },
    });
    expect(refused.status).toBe(400);
    // Withdrawal is for applications still in progress: an active therapist's is refused (and logged as refused).
    const withdrawal = await api('POST', `/applications/${app.applicationId}/withdrawal`, {
      token: app.accessToken,
      body: {},
    });
    expect(withdrawal.status).toBe(409);

    // Last: a new link makes the old access token stop working.
    expect((await api('POST', '/applications/access-links', { body: { email } })).status).toBe(202);

    // The capture works: this journey's own log lines (by application id) are there.
    const output = await eventually(async () => {
      const text = logged().slice(before);
      if (!text.includes(app.applicationId)) throw new Error('no log line of this application yet');
      return text;
    });
    const { firstName, lastName } = body.applicant;
    for (const secret of [email, email.split('@')[0] ?? email, firstName, lastName, '009988776655']) {
      const hits = output.split('\n').filter((line) => line.toLowerCase().includes(secret.toLowerCase()));
      expect(hits, secret).toEqual([]);
    }
  });
});
