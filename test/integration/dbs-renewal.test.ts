/**
 * The provider's DBS application and the DBS assessed again at activation (issue 7, DESIGN §3), through the local
 * stack: the applicant's fee consent, staff recording the application and the certificate, the reminders and
 * flags of dbs-audit and the onboarding sweep, and the report keeping flagged therapists.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { addDaysIso, addMonthsIso, formatLongDate } from '../../lambdas/domain/dates.ts';
import { TABLE_NAME } from '../../lib/local/stack.ts';
import {
  approveToAwaitingAvailability,
  availability,
  staff,
  subjects,
  toActive,
  toInReview,
} from './journey.ts';
import {
  api,
  type Created,
  emailsTo,
  isoDaysFromToday,
  STAFF_EMAIL,
  validApplication,
  view,
  waitForStage,
} from './support.ts';

interface DbsView {
  stage: string;
  checklist: { id: string; label: string; status: string; detail?: string }[];
  dbsApplication?: {
    status: string;
    feeGbp: number;
    acceptsFee: boolean;
    appliedOn?: string;
    dueBy?: string;
  };
  deadlines: { id: string; label: string; date: string }[];
}

const dbsView = async (app: { applicationId: string; accessToken: string }) =>
  (await api<DbsView>('GET', `/applications/${app.applicationId}`, { token: app.accessToken })).body;

const runSchedule = async (name: string, date: string) => {
  const res = await api<Record<string, number | boolean | string>>('POST', `/__dev/schedules/${name}`, {
    body: { asOf: `${date}T12:00:00Z` },
  });
  expect(res.status).toBe(200);
  return res.body;
};

const giveAvailability = (app: Created, startDate: string) =>
  api<{ stage: string; errors?: { path: string; message: string }[] }>(
    'PUT',
    `/applications/${app.applicationId}/availability`,
    { token: app.accessToken, body: availability(startDate) },
  );

describe('the DBS assessed again at activation, as of the start date', () => {
  it('a certificate within 3 years at submission but not on the start date blocks activation until staff record a new one; then nothing is flagged on the start day', async () => {
    // The issue's example, moved to today: issued 3 years less 2 days ago, start in 3 days.
    const body = validApplication();
    body.dbs.issueDate = addDaysIso(addMonthsIso(isoDaysFromToday(0), -36), 2);
    Object.assign(body.dbs, { acceptsFee: true });
    const app = await toInReview(body);
    expect(app.dbs.assessment).toBe('renewal-after-start');
    await approveToAwaitingAvailability(app);

    const start = isoDaysFromToday(3);
    const refused = await giveAvailability(app, start);
    expect(refused.status).toBe(422);
    expect(refused.body.errors?.[0]?.path).toBe('startDate');
    const lastDay = addMonthsIso(body.dbs.issueDate, 36);
    expect(refused.body.errors?.[0]?.message).toContain(`on or before ${formatLongDate(lastDay)}`);
    expect((await dbsView(app)).stage).toBe('awaiting-availability');

    const recorded = await staff('POST', `/staff/applications/${app.applicationId}/dbs`, {
      certificateNumber: '009988776655',
      issueDate: isoDaysFromToday(-1),
      level: 'enhanced',
    });
    expect(recorded.status).toBe(200);
    expect(recorded.body.stage).toBe('awaiting-availability');
    const active = await giveAvailability(app, start);
    expect(active.status).toBe(200);
    expect(active.body.stage).toBe('active');
    const detail = await staff('GET', `/staff/applications/${app.applicationId}`);
    expect(detail.body.dbsRenewalDueBy).toBeUndefined();
    expect((detail.body.dbsApplication as { status: string }).status).toBe('certificate-recorded');

    await runSchedule('dbs-audit', start);
    const after = await staff('GET', `/staff/applications/${app.applicationId}`);
    expect((after.body.compliance as { flags: string[] }).flags).toEqual([]);
  });

  it('a certificate current at submission but more than 12 months old on the start date becomes a renewal, which needs the fee first', async () => {
    const body = validApplication();
    body.dbs.issueDate = addMonthsIso(isoDaysFromToday(1), -12); // current through tomorrow
    const app = await toInReview(body);
    expect(app.dbs.assessment).toBe('current');
    await approveToAwaitingAvailability(app);

    // The window's last start day is 14 days on: the fee is asked for on the status page.
    const asked = await dbsView(app);
    expect(asked.checklist.find((i) => i.id === 'dbs-fee')).toMatchObject({
      status: 'waiting-on-you',
      label: 'Agree to the DBS certificate fee (£54)',
    });

    const start = isoDaysFromToday(3);
    const refused = await giveAvailability(app, start);
    expect(refused.status).toBe(422);
    expect(refused.body.errors?.[0]).toMatchObject({ path: 'startDate' });
    expect(refused.body.errors?.[0]?.message).toContain('£54');
    expect(refused.body.errors?.[0]?.message).toContain(
      `on or before ${formatLongDate(isoDaysFromToday(1))}`,
    );

    const consent = await api<DbsView>('PUT', `/applications/${app.applicationId}/dbs-application`, {
      token: app.accessToken,
      body: { acceptsFee: true },
    });
    expect(consent.status).toBe(200);
    expect(consent.body.dbsApplication).toEqual({ status: 'requested', feeGbp: 54, acceptsFee: true });
    expect(consent.body.checklist.some((i) => i.id === 'dbs-fee')).toBe(false);

    expect((await giveAvailability(app, start)).status).toBe(200);
    const due = addMonthsIso(start, 6);
    const active = await dbsView(app);
    expect(active.dbsApplication).toEqual({ status: 'requested', feeGbp: 54, acceptsFee: true, dueBy: due });
    expect(active.deadlines.find((d) => d.id === 'dbs')).toMatchObject({ date: due });
    const welcome = (await emailsTo(app.email)).find((m) => m.subject.startsWith('Welcome to the network'));
    expect(welcome?.body.text).toContain(`we will apply for a new enhanced certificate for you`);
    expect(welcome?.body.text).not.toMatch(/please apply/i);

    // After the start, staff apply and record it: the deadline is met, nothing is flagged the day after it.
    const applied = await staff('POST', `/staff/applications/${app.applicationId}/dbs-application`, {
      appliedOn: isoDaysFromToday(0),
      reference: 'E-000123',
    });
    expect(applied.status).toBe(200);
    expect((await dbsView(app)).dbsApplication).toMatchObject({
      status: 'applied',
      appliedOn: isoDaysFromToday(0),
    });
    const again = await staff('POST', `/staff/applications/${app.applicationId}/dbs-application`, {
      appliedOn: isoDaysFromToday(0),
      reference: 'E-000123',
    });
    expect(again.status).toBe(409);
    await runSchedule('dbs-audit', addDaysIso(due, 1));
    const detail = await staff('GET', `/staff/applications/${app.applicationId}`);
    expect((detail.body.compliance as { flags: string[] }).flags).toEqual([]);
    // 60 days after applying with no certificate recorded, staff are alerted once.
    expect(await subjects(STAFF_EMAIL)).toContain(`No DBS certificate yet: application ${app.applicationId}`);
  });
});

describe("the provider's DBS application before the start (applyNow)", () => {
  it('asked for on the form, applied for by staff before activation, certificate recorded: no renewal left', async () => {
    const body = validApplication({ dbsIssueDaysAgo: 400 });
    Object.assign(body.dbs, { applyOnMyBehalf: true, acceptsFee: true });
    const app = await toInReview(body);
    expect((await dbsView(app)).dbsApplication).toEqual({
      status: 'requested',
      feeGbp: 54,
      acceptsFee: true,
    });
    await approveToAwaitingAvailability(app);
    // Staff were told to apply when they approved.
    expect(await subjects(STAFF_EMAIL)).toContain(
      `Apply for a DBS certificate: application ${app.applicationId}`,
    );

    const future = await staff('POST', `/staff/applications/${app.applicationId}/dbs-application`, {
      appliedOn: isoDaysFromToday(1),
      reference: 'E-1',
    });
    expect(future.status).toBe(422);
    expect((future.body.errors as { path: string }[])[0]?.path).toBe('appliedOn');
    expect((await dbsView(app)).dbsApplication?.status).toBe('requested');
    const applied = await staff('POST', `/staff/applications/${app.applicationId}/dbs-application`, {
      appliedOn: isoDaysFromToday(0),
      reference: 'E-1',
    });
    expect(applied.status).toBe(200);
    expect((await dbsView(app)).dbsApplication?.status).toBe('applied');

    const start = isoDaysFromToday(3);
    expect((await giveAvailability(app, start)).status).toBe(200);
    const active = await dbsView(app);
    // Applied before the start: the 6-month deadline is already met.
    expect(active.dbsApplication).toMatchObject({ status: 'applied', dueBy: addMonthsIso(start, 6) });
    await runSchedule('dbs-audit', addDaysIso(addMonthsIso(start, 6), 1));
    const detail = await staff('GET', `/staff/applications/${app.applicationId}`);
    expect((detail.body.compliance as { flags: string[] }).flags).not.toContain('dbs-renewal-overdue');

    const recorded = await staff('POST', `/staff/applications/${app.applicationId}/dbs`, {
      certificateNumber: '001122334466',
      issueDate: isoDaysFromToday(0),
      level: 'enhanced',
    });
    expect(recorded.status).toBe(200);
    const done = await dbsView(app);
    expect(done.dbsApplication).toMatchObject({ status: 'certificate-recorded' });
    expect(done.dbsApplication?.dueBy).toBeUndefined();
  });
});

describe('awaiting-dbs: the provider applies for a new applicant, and is chased', () => {
  it('approves without the checks that cannot apply, reminds staff (not the applicant), alerts 60 days after applying', async () => {
    const body = validApplication();
    Object.assign(body, {
      dbs: { hasCertificate: false, applyOnMyBehalf: true, acceptsFee: true },
    });
    const app = await toInReview(body);
    const review = await staff('POST', `/staff/applications/${app.applicationId}/review`, {
      decision: 'approve',
      checks: { insuranceVerified: true, registerChecked: true },
      note: '',
    });
    expect(review.status).toBe(200);
    await waitForStage(app, 'awaiting-dbs');
    expect(await subjects(STAFF_EMAIL)).toContain(
      `Apply for a DBS certificate: application ${app.applicationId}`,
    );
    const newDbs = (await emailsTo(app.email)).find((m) =>
      m.subject.includes('a new DBS certificate is needed'),
    );
    expect(newDbs?.body.text).toContain('we will apply for a new enhanced DBS certificate on your behalf');

    await runSchedule('onboarding-sweep', isoDaysFromToday(3));
    expect(await subjects(STAFF_EMAIL)).toContain(
      `Reminder: apply for a DBS certificate: application ${app.applicationId}`,
    );
    expect((await subjects(app.email)).filter((s) => s.startsWith('Reminder'))).toEqual([]);

    const appliedOn = isoDaysFromToday(0);
    expect(
      (
        await staff('POST', `/staff/applications/${app.applicationId}/dbs-application`, {
          appliedOn,
          reference: 'E-77',
        })
      ).status,
    ).toBe(200);
    const late = `No DBS certificate yet: application ${app.applicationId}`;
    await runSchedule('onboarding-sweep', addDaysIso(appliedOn, 59));
    expect(await subjects(STAFF_EMAIL)).not.toContain(late);
    await runSchedule('onboarding-sweep', addDaysIso(appliedOn, 60));
    await runSchedule('onboarding-sweep', addDaysIso(appliedOn, 61));
    expect((await subjects(STAFF_EMAIL)).filter((s) => s === late)).toHaveLength(1);

    expect(
      (
        await staff('POST', `/staff/applications/${app.applicationId}/dbs`, {
          certificateNumber: '001122334477',
          issueDate: isoDaysFromToday(0),
          level: 'enhanced-barred-lists',
        })
      ).status,
    ).toBe(200);
    await waitForStage(app, 'contract-sent');
    expect((await dbsView(app)).dbsApplication?.status).toBe('certificate-recorded');
  });

  it('a certificate holder must still have the original seen and its method recorded', async () => {
    const app = await toInReview();
    const review = await staff('POST', `/staff/applications/${app.applicationId}/review`, {
      decision: 'approve',
      checks: { insuranceVerified: true, registerChecked: true },
      note: '',
    });
    expect(review.status).toBe(422);
    expect((review.body.errors as { path: string }[]).map((e) => e.path)).toEqual([
      'checks.dbsOriginalSeen',
      'checks.dbsCheckMethod',
    ]);
    expect((await view(app)).body.stage).toBe('in-review');
  });
});

describe('the re-check (policy) and the Update Service status check', () => {
  it('is due 3 years after issue, flags dbs-overdue the day after, and a clean status check clears it and restarts it', async () => {
    const body = validApplication({ dbsIssueDaysAgo: 60 });
    body.insurance.endDate = isoDaysFromToday(1500);
    const app = await toActive(body);
    const issueDate = isoDaysFromToday(-60);
    const recheck = addMonthsIso(issueDate, 36);
    await runSchedule('dbs-audit', addDaysIso(recheck, 1));
    const flagged = await staff('GET', `/staff/applications/${app.applicationId}`);
    expect((flagged.body.compliance as { flags: string[] }).flags).toEqual(['dbs-overdue']);

    const future = await staff('POST', `/staff/applications/${app.applicationId}/dbs-status-check`, {
      checkedOn: isoDaysFromToday(1),
      result: 'no-new-information',
    });
    expect(future.status).toBe(422);
    expect((future.body.errors as { path: string }[])[0]?.path).toBe('checkedOn');
    // Recorded today (before the re-check date): the re-check restarts from today, 3 years on.
    const clean = await staff('POST', `/staff/applications/${app.applicationId}/dbs-status-check`, {
      checkedOn: isoDaysFromToday(0),
      result: 'no-new-information',
    });
    expect(clean.status).toBe(200);
    const cleared = await staff('GET', `/staff/applications/${app.applicationId}`);
    expect((cleared.body.compliance as { flags: string[] }).flags).toEqual([]);
    const dbsDeadline = (await dbsView(app)).deadlines.find((d) => d.id === 'dbs');
    expect(dbsDeadline?.date).toBe(addMonthsIso(isoDaysFromToday(0), 36));
  });
});

describe('the DBS report keeps the people it exists for', () => {
  it('a flagged therapist stays in the report (and the digest) the day after the deadline and a week on', async () => {
    // A 20-month-old certificate; insurance far off, so no other compliance date is near.
    const body = validApplication({ dbsIssueDaysAgo: 610 });
    Object.assign(body.dbs, { acceptsFee: true });
    body.insurance.endDate = isoDaysFromToday(900);
    const app = await toActive(body, isoDaysFromToday(6));
    const due = addMonthsIso(app.startDate, 6);
    const token = (await api<{ token: string }>('GET', '/__dev/staff-token')).body.token;
    const listed = async (asOf: string) =>
      (
        await api<{ items: { applicationId: string; status: string; flags: string[] }[] }>(
          'GET',
          `/staff/reports/dbs?asOf=${asOf}`,
          { token },
        )
      ).body.items.find((r) => r.applicationId === app.applicationId);

    await runSchedule('dbs-audit', addDaysIso(due, 1));
    expect(await listed(addDaysIso(due, 1))).toMatchObject({
      status: 'overdue',
      flags: ['dbs-renewal-overdue'],
    });
    await runSchedule('dbs-audit', addDaysIso(due, 8));
    expect(await listed(addDaysIso(due, 8))).toMatchObject({
      status: 'overdue',
      flags: ['dbs-renewal-overdue'],
    });
    const digest = (await emailsTo(STAFF_EMAIL)).find((m) =>
      m.subject.startsWith(`Compliance digest for ${formatLongDate(addDaysIso(due, 8))}`),
    );
    expect(digest?.body.text).toContain(`${app.applicationId}): DBS renewal not applied for`);

    // Staff record the (late) application: the flag clears, and the therapist leaves the overdue list.
    await staff('POST', `/staff/applications/${app.applicationId}/dbs-application`, {
      appliedOn: isoDaysFromToday(0),
      reference: 'E-9',
    });
    expect((await listed(addDaysIso(due, 8)))?.flags ?? []).toEqual([]);
  });
});

describe('an item written by the old code', () => {
  it('loads, is upgraded (record derived, renewal flag renamed) and re-keyed on the next write', async () => {
    const body = validApplication({ dbsIssueDaysAgo: 400 });
    Object.assign(body.dbs, { acceptsFee: true });
    body.insurance.endDate = isoDaysFromToday(900);
    const app = await toActive(body, isoDaysFromToday(7));
    const due = addMonthsIso(app.startDate, 6);
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: 'eu-west-2',
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        endpoint: inject('endpoints').dynamodb,
      }),
    );
    const key = { pk: `APP#${app.applicationId}`, sk: 'APPLICATION' };
    const item = (await db.send(new GetCommand({ TableName: TABLE_NAME, Key: key }))).Item ?? {};
    // The old shape: no provider DBS application record, the renewal flagged as dbs-overdue, and the compliance
    // index key moved on to a reminder months later (the old bug).
    const { dbsApplication: _record, ...old } = item;
    const staleDay = addDaysIso(due, 200);
    await db.send(
      new PutCommand({
        TableName: TABLE_NAME,
        Item: {
          ...old,
          compliance: { sent: [`dbs-overdue@${due}`], flags: ['dbs-overdue'] },
          complianceDueAt: `${staleDay}T00:00:00.000Z`,
          complianceSk: `${staleDay}T00:00:00.000Z#${app.applicationId}`,
        },
      }),
    );

    const loaded = await staff('GET', `/staff/applications/${app.applicationId}`);
    expect(loaded.status).toBe(200);
    expect((loaded.body.compliance as { flags: string[] }).flags).toEqual(['dbs-renewal-overdue']);
    expect(loaded.body.dbsApplication).toMatchObject({ status: 'requested', acceptsFee: true });
    expect((await dbsView(app)).dbsApplication).toMatchObject({ status: 'requested', dueBy: due });

    // The next write re-derives the index keys: flagged, so in the past, and the report sees it.
    await staff('POST', `/staff/applications/${app.applicationId}/dbs-status-check`, {
      checkedOn: isoDaysFromToday(0),
      result: 'no-new-information',
    });
    const rekeyed = (await db.send(new GetCommand({ TableName: TABLE_NAME, Key: key }))).Item ?? {};
    expect(String(rekeyed.complianceSk) < `${addDaysIso(due, 2)}`).toBe(true);
    const report = await api<{ items: { applicationId: string; flags: string[] }[] }>(
      'GET',
      `/staff/reports/dbs?asOf=${addDaysIso(due, 2)}`,
      { token: (await api<{ token: string }>('GET', '/__dev/staff-token')).body.token },
    );
    expect(report.body.items.find((r) => r.applicationId === app.applicationId)?.flags).toEqual([
      'dbs-renewal-overdue',
    ]);
  });
});
