/**
 * Issue 7 (the seed's rules) through the local API: insurance in force, the induction window and its extension,
 * request changes naming documents, and the contract fetchable as soon as the stage says so.
 */
import { describe, expect, it } from 'vitest';
import {
  approveToAwaitingAvailability,
  approveToInductionInvited,
  availability,
  executionStatus,
  staff,
  statesEntered,
  subjects,
  toInReview,
} from './journey.ts';
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
  STAFF_EMAIL,
  staffToken,
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

/** "16 December 2026": how the emails write a date. */
const longDate = (iso: string) =>
  new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

type Problem = { status: number; errors: { path: string; message: string }[] };

const extend = async (id: string, body: unknown) =>
  api<Problem & { stage?: string }>('POST', `/staff/applications/${id}/induction/extension`, {
    token: await staffToken(),
    body,
  });

describe('the induction window: attendedOn bounds and the staff extension (DESIGN §3)', () => {
  it('refuses an induction attended 15 days ago (422, window closed) and changes nothing; 14 days ago opens a window that ends today', async () => {
    const app = await toInReview();
    await approveToInductionInvited(app);
    const path = `/staff/applications/${app.applicationId}/induction`;
    const tooOld = await api<Problem>('POST', path, {
      token: await staffToken(),
      body: { attendedOn: isoDaysFromToday(-15) },
    });
    expect(tooOld.status).toBe(422);
    expect(tooOld.body.errors).toHaveLength(1);
    expect(tooOld.body.errors[0]?.path).toBe('attendedOn');
    expect(tooOld.body.errors[0]?.message).toContain('more than 14 days ago');
    expect(tooOld.body.errors[0]?.message).toContain(`closed on ${longDate(isoDaysFromToday(-1))}`);
    expect((await view(app)).body.stage).toBe('induction-invited');

    expect((await staff('POST', path, { attendedOn: isoDaysFromToday(-14) })).status).toBe(200);
    const waiting = await waitForStage(app, 'awaiting-availability');
    expect(waiting.deadlines).toContainEqual(
      expect.objectContaining({ id: 'start', date: isoDaysFromToday(0) }),
    );
  });

  it('extends an open window: refusals change nothing, then the applicant is emailed the new last day and can start on it', async () => {
    const app = await toInReview();
    await approveToAwaitingAvailability(app, isoDaysFromToday(-10)); // the window ends in 4 days
    const id = app.applicationId;

    const tooFar = await extend(id, { lastStartDate: isoDaysFromToday(15), reason: 'Illness' });
    expect(tooFar.status).toBe(422);
    expect(tooFar.body.errors.map((e) => e.path)).toEqual(['lastStartDate']);
    expect(tooFar.body.errors[0]?.message).toContain(`use ${longDate(isoDaysFromToday(14))} or earlier`);
    const shorter = await extend(id, { lastStartDate: isoDaysFromToday(4), reason: 'Illness' });
    expect(shorter.status).toBe(422);
    expect(shorter.body.errors[0]?.message).toContain(`already runs to ${longDate(isoDaysFromToday(4))}`);
    const noReason = await extend(id, { lastStartDate: isoDaysFromToday(10), reason: '   ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors.map((e) => e.path)).toEqual(['reason']);
    expect((await extend(id, { lastStartDate: '2026-02-30', reason: 'Illness' })).status).toBe(400);
    const unchanged = await view(app);
    expect(unchanged.body.deadlines).toContainEqual(
      expect.objectContaining({ id: 'start', date: isoDaysFromToday(4) }),
    );
    expect(unchanged.body.timeline.map((t) => t.type)).not.toContain('induction-extended');

    const extended = await extend(id, {
      lastStartDate: isoDaysFromToday(10),
      reason: 'Illness after the induction',
    });
    expect(extended.status).toBe(200);
    expect(extended.body.stage).toBe('awaiting-availability');
    const after = await view(app);
    expect(after.body.deadlines).toContainEqual(
      expect.objectContaining({ id: 'start', date: isoDaysFromToday(10) }),
    );
    expect(after.body.timeline.map((t) => t.type)).toContain('induction-extended');
    const mail = await eventually(async () => {
      const found = (await emailsTo(app.email)).find(
        (m) => m.subject === 'More time to start: tell us your availability',
      );
      expect(found).toBeDefined();
      return found;
    });
    expect(mail?.body.text).toContain(`as late as ${longDate(isoDaysFromToday(10))}`);
    // The staff record keeps the reason; the applicant's view does not carry it.
    const record = await staff('GET', `/staff/applications/${id}`);
    expect(record.body.induction).toMatchObject({
      attendedOn: isoDaysFromToday(-10),
      extension: { lastStartDate: isoDaysFromToday(10), reason: 'Illness after the induction' },
    });
    expect(JSON.stringify(after.body)).not.toContain('Illness');

    const late = await api<Problem>('PUT', `/applications/${id}/availability`, {
      token: app.accessToken,
      body: availability(isoDaysFromToday(11)),
    });
    expect(late.status).toBe(422);
    expect(late.body.errors[0]?.message).toContain(`Start no later than ${longDate(isoDaysFromToday(10))}`);
    const onTheLastDay = await api<{ stage: string }>('PUT', `/applications/${id}/availability`, {
      token: app.accessToken,
      body: availability(isoDaysFromToday(10)),
    });
    expect(onTheLastDay.status).toBe(200);
    expect(onTheLastDay.body.stage).toBe('active');
    expect((await extend(id, { lastStartDate: isoDaysFromToday(12), reason: 'Too late' })).status).toBe(409);
  });

  it('keeps the extended window through the sweep: not closed on its old last day, closed the day after the new one', async () => {
    const app = await toInReview();
    await approveToAwaitingAvailability(app, isoDaysFromToday(-10)); // the window ends in 4 days
    expect(
      (await extend(app.applicationId, { lastStartDate: isoDaysFromToday(6), reason: 'Bereavement' })).status,
    ).toBe(200);
    const sweep = (days: number) =>
      api<Record<string, number>>('POST', '/__dev/schedules/onboarding-sweep', {
        body: { asOf: `${isoDaysFromToday(days)}T12:00:00Z` },
      });
    expect((await sweep(5)).status).toBe(200); // the day after the old last day
    expect((await view(app)).body.stage).toBe('awaiting-availability');
    expect((await sweep(7)).body.inductionsExpired).toBeGreaterThanOrEqual(1);
    await waitForStage(app, 'induction-invited');
  });

  it('reopens a window the sweep closed: back to awaiting-availability on the same execution, which then completes', async () => {
    const app = await toInReview();
    await approveToAwaitingAvailability(app, isoDaysFromToday(-14)); // the window ends today
    const id = app.applicationId;
    // The sweep closes it the day after its last day.
    const closed = await api<Record<string, number>>('POST', '/__dev/schedules/onboarding-sweep', {
      body: { asOf: `${isoDaysFromToday(1)}T12:00:00Z` },
    });
    expect(closed.body.inductionsExpired).toBeGreaterThanOrEqual(1);
    await waitForStage(app, 'induction-invited');
    await eventually(async () =>
      expect(await subjects(STAFF_EMAIL)).toContain(`Induction expired: application ${id}`),
    );
    await eventually(async () =>
      expect((await statesEntered(id)).filter((s) => s === 'AwaitInduction')).toHaveLength(2),
    );

    // The real clock is still today: a new last day from today to 14 days ahead, later than the closed one.
    const reopened = await extend(id, {
      lastStartDate: isoDaysFromToday(9),
      reason: 'Missed the deadline: ill',
    });
    expect(reopened.status).toBe(200);
    expect(reopened.body.stage).toBe('awaiting-availability');
    const waiting = await view(app);
    expect(waiting.body.stage).toBe('awaiting-availability');
    expect(waiting.body.deadlines).toContainEqual(
      expect.objectContaining({ id: 'start', date: isoDaysFromToday(9) }),
    );
    // A second extension of the open window replaces the first.
    expect((await extend(id, { lastStartDate: isoDaysFromToday(11), reason: 'More time' })).status).toBe(200);
    const done = await api<{ stage: string }>('PUT', `/applications/${id}/availability`, {
      token: app.accessToken,
      body: availability(isoDaysFromToday(11)),
    });
    expect(done.status).toBe(200);
    expect(done.body.stage).toBe('active');
    await eventually(async () => expect(await executionStatus(id)).toBe('SUCCEEDED'));
    // One induction attended, spent twice: once recorded, once reopened by the extension.
    expect((await statesEntered(id)).filter((s) => s === 'AwaitInduction')).toHaveLength(2);
  });

  it('refuses an extension where there is no induction window (409) and for another stage', async () => {
    const app = await toInReview();
    expect(
      (await extend(app.applicationId, { lastStartDate: isoDaysFromToday(5), reason: 'x' })).status,
    ).toBe(409);
    await approveToInductionInvited(app);
    const none = await extend(app.applicationId, { lastStartDate: isoDaysFromToday(5), reason: 'x' });
    expect(none.status).toBe(409);
    expect((await view(app)).body.stage).toBe('induction-invited');
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
