/**
 * An active therapist keeps their own details current (issue 11 §2), through the local stack: a change of
 * availability from a later date (pending until then, the capacity aggregate right in the same transaction), a
 * pause (shown in the capacity report), and a renewed insurance schedule uploaded for staff to verify. Each change
 * is in the history and emailed as a receipt. Other test files leave therapists in the shared table, so capacity
 * figures are differences between two reports.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { createDynamoApplicationStore } from '../../lambdas/adapters/dynamo-application-store.ts';
import { capacityAggregateRead } from '../../lambdas/adapters/dynamo-capacity-aggregate.ts';
import type { CapacityReport } from '../../lambdas/domain/capacity.ts';
import { addDaysIso, formatLongDate } from '../../lambdas/domain/dates.ts';
import { checkCapacityAggregate } from '../../lambdas/use-cases/capacity-consistency.ts';
import { TABLE_NAME } from '../../lib/local/stack.ts';
import { availability, staff, toActive, toInReview } from './journey.ts';
import {
  api,
  emailsTo,
  eventually,
  isoDaysFromToday,
  PDF_BYTES,
  PNG_BYTES,
  postUpload,
  staffToken,
  type Upload,
  validApplication,
} from './support.ts';

const client = () =>
  new DynamoDBClient({
    region: 'eu-west-2',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    endpoint: inject('endpoints').dynamodb,
  });

const consistency = () =>
  checkCapacityAggregate({
    store: createDynamoApplicationStore(TABLE_NAME, client()),
    capacity: { read: capacityAggregateRead({ name: TABLE_NAME, client: client() }) },
  });

const report = async (asOf: string) => {
  const res = await api<CapacityReport>('GET', `/staff/reports/capacity?asOf=${asOf}&weeks=1`, {
    token: await staffToken(),
  });
  expect(res.status).toBe(200);
  return res.body;
};
const cell = (r: CapacityReport, day: string, start: string) =>
  r.halfHours.find((h) => h.day === day && h.start === start)?.therapists ?? Number.NaN;

interface SelfView {
  stage: string;
  availability?: { patientsPerWeek: number; weeklySlots: { day: string; start: string; end: string }[] };
  pendingAvailability?: { patientsPerWeek: number; effectiveFrom: string };
  pauses?: { from: string; to: string }[];
  renewals?: { document: string; receivedAt: string }[];
  timeline: { type: string; summary: string }[];
}
const selfView = async (app: { applicationId: string; accessToken: string }) =>
  (await api<SelfView>('GET', `/applications/${app.applicationId}`, { token: app.accessToken })).body;

// journey.ts's availability(): Monday 09:00-11:00 and Saturday 22:00-24:00. The change: Sunday 05:00-09:00.
const change = (effectiveFrom: string, patientsPerWeek = 4) => ({
  patientsPerWeek,
  weeklySlots: [{ day: 'sun', start: '05:00', end: '09:00' }],
  effectiveFrom,
});

describe('PUT /applications/{id}/availability for an active therapist', () => {
  it('stores a later change as pending, counts it in the capacity from its day, and emails a receipt', async () => {
    const app = await toActive();
    const effectiveFrom = addDaysIso(app.startDate, 7);
    const before = { week1: await report(app.startDate), week2: await report(effectiveFrom) };

    const res = await api<SelfView>('PUT', `/applications/${app.applicationId}/availability`, {
      token: app.accessToken,
      body: change(effectiveFrom),
    });
    expect(res.status).toBe(200);
    expect(res.body.pendingAvailability).toMatchObject({ patientsPerWeek: 4, effectiveFrom });
    // Until its day the availability given at activation is still the current one.
    expect(res.body.availability?.weeklySlots).toEqual(availability().weeklySlots);
    expect(res.body.timeline.map((t) => t.type)).toContain('availability-changed');

    const after = { week1: await report(app.startDate), week2: await report(effectiveFrom) };
    expect(cell(after.week1, 'mon', '09:00') - cell(before.week1, 'mon', '09:00')).toBe(0);
    expect(cell(after.week1, 'sun', '05:00') - cell(before.week1, 'sun', '05:00')).toBe(0);
    expect(cell(after.week2, 'mon', '09:00') - cell(before.week2, 'mon', '09:00')).toBe(-1);
    expect(cell(after.week2, 'sun', '05:00') - cell(before.week2, 'sun', '05:00')).toBe(1);
    expect((await consistency()).differences).toEqual([]);

    const receipt = await eventually(async () => {
      const mail = (await emailsTo(app.email)).find((m) => m.subject === 'Your availability has changed');
      if (!mail) throw new Error('no receipt yet');
      return mail;
    });
    expect(receipt.body.text).toContain(`From ${formatLongDate(effectiveFrom)}`);
    expect(receipt.body.text).toContain('Sunday 05:00–09:00');

    const history = await staff('GET', `/staff/applications/${app.applicationId}`);
    const events = history.body.events as { type: string; details?: Record<string, unknown> }[];
    expect(events.find((e) => e.type === 'availability-changed')?.details).toEqual({
      patientsPerWeek: 4,
      effectiveFrom,
    });
  });

  it('a change from today is current at once', async () => {
    const app = await toActive(undefined, isoDaysFromToday(0));
    const res = await api<SelfView>('PUT', `/applications/${app.applicationId}/availability`, {
      token: app.accessToken,
      body: change(isoDaysFromToday(0), 3),
    });
    expect(res.status).toBe(200);
    expect(res.body.pendingAvailability).toBeUndefined();
    expect(res.body.availability).toMatchObject({ patientsPerWeek: 3, weeklySlots: change('').weeklySlots });
  });

  it('refuses effectiveFrom yesterday (422) and 2 patients a week (400), changing nothing', async () => {
    const app = await toActive();
    const yesterday = await api('PUT', `/applications/${app.applicationId}/availability`, {
      token: app.accessToken,
      body: change(isoDaysFromToday(-1)),
    });
    expect(yesterday.status).toBe(422);
    expect(yesterday.body.errors).toEqual([
      {
        path: 'effectiveFrom',
        message: `Choose today (${formatLongDate(isoDaysFromToday(0))}) or a later date for the change to take effect`,
      },
    ]);
    const two = await api('PUT', `/applications/${app.applicationId}/availability`, {
      token: app.accessToken,
      body: change(isoDaysFromToday(1), 2),
    });
    expect(two.status).toBe(400);
    expect((two.body.errors as { path: string }[]).map((e) => e.path)).toEqual(['patientsPerWeek']);
    const tooFewHours = await api('PUT', `/applications/${app.applicationId}/availability`, {
      token: app.accessToken,
      body: change(isoDaysFromToday(1), 5),
    });
    expect(tooFewHours.status).toBe(422);
    expect((await selfView(app)).pendingAvailability).toBeUndefined();
  });

  it('is 409 before the therapist is active', async () => {
    const app = await toInReview();
    const res = await api('PUT', `/applications/${app.applicationId}/availability`, {
      token: app.accessToken,
      body: change(isoDaysFromToday(1)),
    });
    expect(res.status).toBe(409);
  });
});

describe('POST /applications/{id}/pauses', () => {
  it('books a pause of 42 days from tomorrow, leaves the therapist out of the capacity, refuses overlaps', async () => {
    const app = await toActive(undefined, isoDaysFromToday(0));
    const from = isoDaysFromToday(1);
    const before = await report(from);
    const tooLong = await api('POST', `/applications/${app.applicationId}/pauses`, {
      token: app.accessToken,
      body: { from, to: addDaysIso(from, 42) },
    });
    expect(tooLong.status).toBe(422);
    expect((tooLong.body.errors as { path: string }[]).map((e) => e.path)).toEqual(['to']);

    const res = await api<SelfView>('POST', `/applications/${app.applicationId}/pauses`, {
      token: app.accessToken,
      body: { from, to: addDaysIso(from, 41), reason: 'Holiday' },
    });
    expect(res.status).toBe(201);
    expect(res.body.pauses).toEqual([{ from, to: addDaysIso(from, 41) }]);
    const during = await report(from);
    expect(cell(during, 'mon', '09:00') - cell(before, 'mon', '09:00')).toBe(-1);
    expect(during.patientsPerWeek.active - before.patientsPerWeek.active).toBe(-4);
    expect((await consistency()).differences).toEqual([]);

    const overlap = await api('POST', `/applications/${app.applicationId}/pauses`, {
      token: app.accessToken,
      body: { from: addDaysIso(from, 41), to: addDaysIso(from, 45) },
    });
    expect(overlap.status).toBe(409);
    expect(overlap.body.detail).toContain(formatLongDate(from));

    const yesterday = await api('POST', `/applications/${app.applicationId}/pauses`, {
      token: app.accessToken,
      body: { from: isoDaysFromToday(-1), to: isoDaysFromToday(0) },
    });
    expect(yesterday.status).toBe(422);

    const receipt = await eventually(async () => {
      const mail = (await emailsTo(app.email)).find((m) => m.subject === 'Your pause is booked');
      if (!mail) throw new Error('no receipt yet');
      return mail;
    });
    expect(receipt.body.text).toContain(
      `from ${formatLongDate(from)} to ${formatLongDate(addDaysIso(from, 41))}`,
    );
    expect((await selfView(app)).timeline.map((t) => t.type)).toContain('therapist-paused');
  });

  it('is 409 before the therapist is active', async () => {
    const app = await toInReview();
    const res = await api('POST', `/applications/${app.applicationId}/pauses`, {
      token: app.accessToken,
      body: { from: isoDaysFromToday(1), to: isoDaysFromToday(2) },
    });
    expect(res.status).toBe(409);
  });
});

describe('renewals uploaded by an active therapist', () => {
  it('go to the to-verify queue; recording the policy verifies it and clears the queue', async () => {
    const app = await toActive();
    const offer = await api<Upload>('POST', `/applications/${app.applicationId}/uploads`, {
      token: app.accessToken,
      body: { document: 'indemnity-insurance' },
    });
    expect(offer.status).toBe(201);
    expect((await postUpload(offer.body, PDF_BYTES)).status).toBe(204);
    const waiting = await eventually(async () => {
      const v = await selfView(app);
      if (!v.renewals?.length) throw new Error('no renewal yet');
      return v;
    });
    expect(waiting.renewals?.map((r) => r.document)).toEqual(['indemnity-insurance']);
    expect(waiting.stage).toBe('active');

    const queue = await staff('GET', '/staff/applications?view=to-verify&limit=100');
    expect(queue.status).toBe(200);
    const items = queue.body.items as { applicationId: string; toVerify?: string[] }[];
    expect(items.find((i) => i.applicationId === app.applicationId)?.toVerify).toEqual([
      'indemnity-insurance',
    ]);
    const staffView = await staff('GET', `/staff/applications/${app.applicationId}`);
    const renewals = staffView.body.renewals as { document: string; downloadUrl?: string }[];
    expect(renewals[0]?.document).toBe('indemnity-insurance');
    expect(renewals[0]?.downloadUrl).toMatch(/^http/);

    const receipt = await eventually(async () => {
      const mail = (await emailsTo(app.email)).find(
        (m) => m.subject === 'We have your renewed professional indemnity insurance schedule',
      );
      if (!mail) throw new Error('no receipt yet');
      return mail;
    });
    expect(receipt.body.text).toContain('The affiliate team will verify it');

    const verified = await staff('POST', `/staff/applications/${app.applicationId}/insurance`, {
      insurer: 'Balens',
      policyNumber: 'PI-RENEWED',
      coverAmountGbp: 2_000_000,
      basis: 'aggregate',
      startDate: isoDaysFromToday(0),
      endDate: isoDaysFromToday(365),
    });
    expect(verified.status).toBe(200);
    expect((await selfView(app)).renewals).toBeUndefined();
    const after = await staff('GET', '/staff/applications?view=to-verify&limit=100');
    const ids = (after.body.items as { applicationId: string }[]).map((i) => i.applicationId);
    expect(ids).not.toContain(app.applicationId);
    const history = await staff('GET', `/staff/applications/${app.applicationId}`);
    const types = (history.body.events as { type: string }[]).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['renewal-received', 'renewal-verified', 'insurance-renewed']),
    );
  });

  it('a new DBS certificate uploaded is verified by recording it: the renewal deadline and re-check move', async () => {
    // More than 12 months old at the start: a renewal after the start, so a renewal deadline is set.
    const body = validApplication({ dbsIssueDaysAgo: 400 });
    Object.assign(body.dbs, { acceptsFee: true });
    const app = await toActive(body);
    const before = await staff('GET', `/staff/applications/${app.applicationId}`);
    expect(before.body.dbsRenewalDueBy).toBeDefined();
    const offer = await api<Upload>('POST', `/applications/${app.applicationId}/uploads`, {
      token: app.accessToken,
      body: { document: 'dbs-certificate', contentType: 'image/png' },
    });
    expect(offer.status).toBe(201);
    expect((await postUpload(offer.body, PNG_BYTES)).status).toBe(204);
    await eventually(async () => {
      if (!(await selfView(app)).renewals?.some((r) => r.document === 'dbs-certificate'))
        throw new Error('no renewal yet');
    });
    const recorded = await staff('POST', `/staff/applications/${app.applicationId}/dbs`, {
      certificateNumber: '001234567891',
      issueDate: isoDaysFromToday(-2),
      level: 'enhanced',
    });
    expect(recorded.status).toBe(200);
    const after = await staff('GET', `/staff/applications/${app.applicationId}`);
    expect(after.body.renewals).toBeUndefined();
    expect(after.body.dbsRenewalDueBy).toBeUndefined();
    const documents = after.body.documents as { document: string; contentType?: string }[];
    expect(documents.find((d) => d.document === 'dbs-certificate')?.contentType).toBe('image/png');
    const types = (after.body.events as { type: string }[]).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['renewal-received', 'renewal-verified', 'dbs-renewed']));
  });
});
