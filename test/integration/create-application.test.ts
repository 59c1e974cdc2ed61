import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  api,
  createApplication,
  emailsTo,
  eventually,
  isoDaysFromToday,
  uniqueEmail,
  validApplication,
} from './support.ts';

type Problem = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
};

describe('POST /applications', () => {
  it('creates an application awaiting documents, with uploads for both documents and a submission email', async () => {
    const body = validApplication();
    const res = await api<Record<string, unknown>>('POST', '/applications', { body });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ stage: 'awaiting-documents', dbs: { assessment: 'current' } });
    expect(res.body.accessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const uploads = res.body.uploads as {
      document: string;
      maxBytes: number;
      fields: Record<string, string>;
    }[];
    expect(uploads.map((u) => u.document).sort()).toEqual(['dbs-certificate', 'indemnity-insurance']);
    expect(uploads[0]?.maxBytes).toBe(10 * 1024 * 1024);
    expect(uploads[0]?.fields.key).toMatch(new RegExp(`^applications/${res.body.applicationId}/`));

    const [email] = await eventually(async () => {
      const emails = await emailsTo(body.applicant.email);
      expect(emails).toHaveLength(1);
      return emails;
    });
    expect(email?.subject).toContain('application');
    expect(email?.body.text).toContain(
      `status.html#id=${res.body.applicationId}&token=${res.body.accessToken}`,
    );
    expect(email?.body.html).toContain('Follow your application');
  });

  it('asks only for the insurance when the applicant has no DBS certificate', async () => {
    const body = {
      ...validApplication(),
      dbs: { hasCertificate: false, applyOnMyBehalf: true, acceptsFee: true },
    };
    const res = await api<{ uploads: { document: string }[]; dbs: { assessment: string } }>(
      'POST',
      '/applications',
      { body },
    );
    expect(res.status).toBe(201);
    expect(res.body.dbs.assessment).toBe('new-certificate-required');
    expect(res.body.uploads.map((u) => u.document)).toEqual(['indemnity-insurance']);
  });

  it('names the path of an unknown key, at any level, with a 400 problem', async () => {
    const body = validApplication();
    const res = await api<Problem>('POST', '/applications', {
      body: { ...body, applicant: { ...body.applicant, isAdmin: true } },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors).toContainEqual({ path: 'applicant.isAdmin', message: 'Unknown field' });
  });

  it('names each invalid field without echoing the submitted values', async () => {
    const body = validApplication();
    const res = await api<Problem>('POST', '/applications', {
      body: { ...body, applicant: { ...body.applicant, email: 'not-an-email', postcode: 'ZZZZ' } },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.path).sort()).toEqual(['applicant.email', 'applicant.postcode']);
    expect(JSON.stringify(res.body)).not.toContain('not-an-email');
    expect(JSON.stringify(res.body)).not.toContain('stack');
  });

  it('refuses cover of £999,999 with a 422 naming the rule; £1,000,000 passes', async () => {
    const low = validApplication();
    low.insurance.coverAmountGbp = 999_999;
    const refused = await api<Problem>('POST', '/applications', { body: low });
    expect(refused.status).toBe(422);
    expect(refused.body.errors?.[0]?.path).toBe('insurance.coverAmountGbp');
    expect(refused.body.errors?.[0]?.message).toContain('£1,000,000');

    const exact = validApplication();
    exact.insurance.coverAmountGbp = 1_000_000;
    expect((await api('POST', '/applications', { body: exact })).status).toBe(201);
  });

  it('refuses a DBS issue date in the future and insurance ending today', async () => {
    const future = validApplication();
    future.dbs.issueDate = isoDaysFromToday(2);
    const res = await api<Problem>('POST', '/applications', { body: future });
    expect(res.status).toBe(422);
    expect(res.body.errors?.[0]?.path).toBe('dbs.issueDate');

    const ending = validApplication();
    ending.insurance.endDate = isoDaysFromToday(-1);
    const res2 = await api<Problem>('POST', '/applications', { body: ending });
    expect(res2.status).toBe(422);
    expect(res2.body.errors?.map((e) => e.path)).toContain('insurance.endDate');
  });

  it('requires applyOnMyBehalf exactly when a new certificate is required', async () => {
    const old = validApplication({ dbsIssueDaysAgo: 4 * 365 });
    const res = await api<Problem>('POST', '/applications', { body: old });
    expect(res.status).toBe(422);
    expect(res.body.errors?.[0]?.path).toBe('dbs.applyOnMyBehalf');
  });

  it('answers 415 to a body that is not JSON, 400 to malformed JSON and 413 over 64 KB', async () => {
    const notJson = await api<Problem>('POST', '/applications', {
      raw: 'a=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(notJson.status).toBe(415);
    const malformed = await api<Problem>('POST', '/applications', { raw: '{"applicant":' });
    expect(malformed.status).toBe(400);
    const body = validApplication();
    const huge = await api<Problem>('POST', '/applications', {
      body: { ...body, applicant: { ...body.applicant, firstName: 'x'.repeat(70 * 1024) } },
    });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses a second open application for the same email with 409, whatever its case', async () => {
    const email = uniqueEmail();
    await createApplication(validApplication({ email }));
    const res = await api<Problem>('POST', '/applications', {
      body: validApplication({ email: email.toUpperCase() }),
    });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('already open');
  });

  it('refuses a second application for one inbox reached through +1, +2 at a provider that ignores +tags', async () => {
    const name = `therapist.${randomUUID().slice(0, 8)}`;
    const first = await createApplication(validApplication({ email: `${name}@gmail.com` }));
    for (const email of [`${name}+1@gmail.com`, `${name.toUpperCase()}+2@GMail.com`]) {
      const res = await api<Problem>('POST', '/applications', { body: validApplication({ email }) });
      expect(res.status, email).toBe(409);
    }
    // Only the first application's submission email went out: the inbox got one email, not three.
    const sent = await emailsTo(`${name}@gmail.com`);
    expect(sent.map((e) => e.subject)).toHaveLength(1);
    expect(await emailsTo(`${name}+1@gmail.com`)).toEqual([]);
    // "Email me a new link" through a tagged address finds the application and writes to its own address.
    const link = await api('POST', '/applications/access-links', { body: { email: `${name}+3@gmail.com` } });
    expect(link.status).toBe(202);
    const after = await eventually(async () => {
      const emails = await emailsTo(`${name}@gmail.com`);
      if (emails.length < 2) throw new Error('no new link yet');
      return emails;
    });
    expect(after[1]?.body.text).toContain(first.applicationId);
    expect(await emailsTo(`${name}+3@gmail.com`)).toEqual([]);
  });

  it('replays the same response for the same Idempotency-Key and body, and creates one application', async () => {
    const body = validApplication();
    const key = randomUUID();
    const first = await api<{ applicationId: string; accessToken: string }>('POST', '/applications', {
      body,
      headers: { 'idempotency-key': key },
    });
    const second = await api<{ applicationId: string; accessToken: string }>('POST', '/applications', {
      body,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.applicationId).toBe(first.body.applicationId);
    expect(second.body.accessToken).toBe(first.body.accessToken);
    const view = await api('GET', `/applications/${first.body.applicationId}`, {
      token: second.body.accessToken,
    });
    expect(view.status).toBe(200);
    await eventually(async () => expect(await emailsTo(body.applicant.email)).toHaveLength(1));

    const other = await api<Problem>('POST', '/applications', {
      body: validApplication(),
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(422);
    expect(other.body.errors?.[0]?.path).toBe('Idempotency-Key');
  });
});

describe('GET /applications/{id}', () => {
  it("shows the applicant's own view, and the same 404 for unknown ids and other applicants' tokens", async () => {
    const mine = await createApplication();
    const theirs = await createApplication();
    const view = await api<Record<string, unknown>>('GET', `/applications/${mine.applicationId}`, {
      token: mine.accessToken,
    });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      applicationId: mine.applicationId,
      stage: 'awaiting-documents',
      firstName: 'Alex',
    });
    expect(view.body.blocking).toEqual([
      'Upload your DBS certificate',
      'Upload your professional indemnity insurance schedule',
    ]);
    expect(JSON.stringify(view.body)).not.toContain(mine.email);
    expect(JSON.stringify(view.body)).not.toContain('001234567890');

    const crossed = await api<Problem>('GET', `/applications/${mine.applicationId}`, {
      token: theirs.accessToken,
    });
    const unknown = await api<Problem>('GET', '/applications/01ARZ3NDEKTSV4RRFFQ69G5FAV', {
      token: mine.accessToken,
    });
    expect(crossed.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(crossed.body).toEqual(unknown.body);

    expect((await api('GET', `/applications/${mine.applicationId}`)).status).toBe(401);
  });
});

describe('public routes', () => {
  it('GET /health and GET /openapi.json (OpenAPI 3.1 from the zod schemas)', async () => {
    expect((await api('GET', '/health')).body).toEqual({ status: 'ok' });
    const doc = await api<{
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          { requestBody?: { content: Record<string, { schema: { additionalProperties?: boolean } }> } }
        >
      >;
    }>('GET', '/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    const schema = doc.body.paths['/applications']?.post?.requestBody?.content['application/json']?.schema;
    expect(schema?.additionalProperties).toBe(false);
  });
});
