/**
 * Issue 7 (the seed's rules) through the local API: insurance in force, the induction window and its extension,
 * request changes naming documents, and the contract fetchable as soon as the stage says so.
 */
import { describe, expect, it } from 'vitest';
import { approveToAwaitingAvailability, availability, staff, toInReview } from './journey.ts';
import {
  ALL_CHECKS,
  api,
  type Created,
  createApplication,
  emailsTo,
  eventually,
  isoDaysFromToday,
  PDF_BYTES,
  postUpload,
  validApplication,
  view,
  waitForStage,
} from './support.ts';

const withInsuranceEnding = (endDate: string) => {
  const body = validApplication();
  return { ...body, insurance: { ...body.insurance, endDate } };
};

/** Approved, contract signed, induction attended today: waiting for availability. */
const toAwaitingAvailability = async (body = validApplication()) => {
  const app = await toInReview(body);
  await approveToAwaitingAvailability(app);
  return app;
};

describe('insurance in force: startDate <= d <= endDate, one definition', () => {
  it('a policy ending today is accepted at submission; one that ended yesterday is refused', async () => {
    expect((await createApplication(withInsuranceEnding(isoDaysFromToday(0)))).stage).toBe(
      'awaiting-documents',
    );
    const ended = await api<{ errors: { path: string }[] }>('POST', '/applications', {
      body: withInsuranceEnding(isoDaysFromToday(-1)),
    });
    expect(ended.status).toBe(422);
    expect(ended.body.errors.map((e) => e.path)).toEqual(['insurance.endDate']);
  });

  it('a policy ending on the start day covers that start; a start the day after is refused with 422', async () => {
    const app = await toAwaitingAvailability(withInsuranceEnding(isoDaysFromToday(3)));
    const late = await api<{ errors: { path: string; message: string }[] }>(
      'PUT',
      `/applications/${app.applicationId}/availability`,
      { token: app.accessToken, body: availability(isoDaysFromToday(4)) },
    );
    expect(late.status).toBe(422);
    expect(late.body.errors[0]?.path).toBe('startDate');
    expect(late.body.errors[0]?.message).toContain('must be in force on your start date');
    const onTheDay = await api<{ stage: string }>('PUT', `/applications/${app.applicationId}/availability`, {
      token: app.accessToken,
      body: availability(isoDaysFromToday(3)),
    });
    expect(onTheDay.status).toBe(200);
    expect(onTheDay.body.stage).toBe('active');
  });
});

describe('request changes naming documents', () => {
  it('asks for the insurance only: the DBS certificate is kept, and the insurance alone brings it back to review', async () => {
    const app = await toInReview();
    const res = await staff('POST', `/staff/applications/${app.applicationId}/review`, {
      decision: 'request-changes',
      checks: { ...ALL_CHECKS, insuranceVerified: false },
      note: 'The insurance schedule is cut off at the bottom.',
      documents: ['indemnity-insurance'],
    });
    expect(res.status).toBe(200);
    const waiting = await waitForStage(app, 'awaiting-documents');
    expect(waiting.documents.map(({ document, received }) => ({ document, received }))).toEqual([
      { document: 'dbs-certificate', received: true },
      { document: 'indemnity-insurance', received: false },
    ]);
    const mail = await eventually(async () => {
      const m = (await emailsTo(app.email)).find((e) => e.subject === 'Please update your documents');
      if (!m) throw new Error('no email yet');
      return m;
    });
    expect(mail.body.text).toContain('upload your professional indemnity insurance schedule again');

    const offer = await api<Created['uploads'][number]>(
      'POST',
      `/applications/${app.applicationId}/uploads`,
      {
        token: app.accessToken,
        body: { document: 'indemnity-insurance' },
      },
    );
    expect(offer.status).toBe(201);
    expect((await postUpload(offer.body, PDF_BYTES)).status).toBe(204);
    await waitForStage(app, 'in-review');
    const history = (await staff('GET', `/staff/applications/${app.applicationId}`)).body;
    expect((history.review as { documents: string[] }).documents).toEqual(['indemnity-insurance']);
    expect((await view(app)).body.documents.every((d) => d.received)).toBe(true);
  });

  it('refuses a document the applicant has no need to send (422 naming documents.0), nothing changes', async () => {
    const body = validApplication();
    const app = await toInReview({
      ...body,
      dbs: { hasCertificate: false, applyOnMyBehalf: false },
    } as unknown as typeof body);
    const res = await staff('POST', `/staff/applications/${app.applicationId}/review`, {
      decision: 'request-changes',
      checks: ALL_CHECKS,
      note: 'x',
      documents: ['dbs-certificate'],
    });
    expect(res.status).toBe(422);
    expect((res.body.errors as { path: string }[])[0]?.path).toBe('documents.0');
    expect((await view(app)).body.stage).toBe('in-review');
  });
});
