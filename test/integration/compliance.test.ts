/**
 * Compliance that runs itself (issue 4), through the local stack: dbs-audit and retention run as the scheduler
 * runs them (POST /__dev/schedules/{name} with `asOf`), on therapists taken to active through the real API.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { addDaysIso, addMonthsIso, formatLongDate } from '../../lambdas/domain/dates.ts';
import { BUCKET, TABLE_NAME } from '../../lib/local/stack.ts';
import { staff, subjects, toActive, toInReview } from './journey.ts';
import { api, emailsTo, isoDaysFromToday, STAFF_EMAIL, validApplication, view } from './support.ts';

const local = { region: 'eu-west-2', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };

const runSchedule = async (name: string, date: string) => {
  const res = await api<Record<string, number | boolean | string>>('POST', `/__dev/schedules/${name}`, {
    body: { asOf: `${date}T12:00:00Z` },
  });
  expect(res.status).toBe(200);
  return res.body;
};

const dbsMails = async (email: string) =>
  (await subjects(email)).filter((s) => s.startsWith('Your DBS certificate'));
const insuranceMails = async (email: string) =>
  (await subjects(email)).filter((s) => s.startsWith('Your indemnity insurance'));

const objectsUnder = async (prefix: string) => {
  const s3 = new S3Client({ ...local, endpoint: inject('endpoints').s3, forcePathStyle: true });
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key);
};

const itemsOf = async (id: string) => {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...local, endpoint: inject('endpoints').dynamodb }),
  );
  const result = await db.send(
    new QueryCommand({
      TableName: TABLE_NAME,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `APP#${id}` },
    }),
  );
  return result.Items ?? [];
};

describe('dbs-audit', () => {
  it('chases the provider’s renewal application at 60, 30 and 0 days (staff, who apply), flags it dbs-renewal-overdue, and clears it on renewal', async () => {
    const body = validApplication({ dbsIssueDaysAgo: 400 });
    // The fee is accepted on the form: the therapist is not asked again, staff are reminded.
    Object.assign(body.dbs, { acceptsFee: true });
    // A start date no other test file uses: the day's digest goes out once, whoever runs the audit that day first.
    const app = await toActive(body, isoDaysFromToday(5));
    const due = addMonthsIso(app.startDate, 6);
    const detail = await staff('GET', `/staff/applications/${app.applicationId}`);
    expect(detail.body.dbsRenewalDueBy).toBe(due);
    const staffDbsMails = async () =>
      (await subjects(STAFF_EMAIL)).filter(
        (s) =>
          s.endsWith(`DBS certificate within 60 days: application ${app.applicationId}`) ||
          s.endsWith(`DBS certificate within 30 days: application ${app.applicationId}`) ||
          s === `Apply for a DBS certificate today: application ${app.applicationId}`,
      );

    await runSchedule('dbs-audit', addDaysIso(due, -61));
    expect(await staffDbsMails()).toEqual([]);
    await runSchedule('dbs-audit', addDaysIso(due, -60));
    await runSchedule('dbs-audit', addDaysIso(due, -60));
    expect(await staffDbsMails()).toEqual([
      `Apply for a DBS certificate within 60 days: application ${app.applicationId}`,
    ]);
    await runSchedule('dbs-audit', addDaysIso(due, -31));
    await runSchedule('dbs-audit', addDaysIso(due, -30));
    expect(await staffDbsMails()).toHaveLength(2);
    // The runs for 14 and 7 days are missed: the day itself sends one reminder, never a late burst.
    await runSchedule('dbs-audit', due);
    expect(await staffDbsMails()).toHaveLength(3);
    const dueText = (await emailsTo(STAFF_EMAIL)).find(
      (m) => m.subject === `Apply for a DBS certificate today: application ${app.applicationId}`,
    )?.body.text;
    expect(dueText).toContain(formatLongDate(due));
    // The fee is accepted: the therapist is not chased, the provider applies.
    expect(await dbsMails(app.email)).toEqual([]);

    const overdueRun = await runSchedule('dbs-audit', addDaysIso(due, 1));
    expect(overdueRun.flagsRaised).toBeGreaterThanOrEqual(1);
    await runSchedule('dbs-audit', addDaysIso(due, 1));
    expect(
      (await subjects(STAFF_EMAIL)).filter(
        (s) => s === `DBS renewal not applied for: application ${app.applicationId}`,
      ),
    ).toHaveLength(1);
    const flagged = await staff('GET', `/staff/applications/${app.applicationId}`);
    expect((flagged.body.compliance as { flags: string[] }).flags).toEqual(['dbs-renewal-overdue']);
    const history = (flagged.body.events as { type: string }[]).map((e) => e.type);
    expect(history.filter((t) => t === 'compliance-reminder-sent')).toHaveLength(3);
    expect(history).toContain('compliance-flag-raised');

    const digest = (await emailsTo(STAFF_EMAIL)).find((m) =>
      m.subject.startsWith(`Compliance digest for ${formatLongDate(addDaysIso(due, 1))}`),
    );
    expect(digest?.body.text).toContain('Flags raised');
    // The flag in words, as on the report: never its code.
    expect(digest?.body.text).toContain('DBS renewal not applied for');
    expect(digest?.body.text).not.toContain('dbs-renewal-overdue');
    expect(digest?.body.text).toContain(app.applicationId);
    expect(digest?.body.text).toContain(`staff/application.html#id=${app.applicationId}`);

    const report = await api<{ items: { applicationId: string; status: string; flags: string[] }[] }>(
      'GET',
      `/staff/reports/dbs?asOf=${addDaysIso(due, 1)}`,
      { token: (await api<{ token: string }>('GET', '/__dev/staff-token')).body.token },
    );
    expect(report.status).toBe(200);
    expect(report.body.items.find((r) => r.applicationId === app.applicationId)).toMatchObject({
      status: 'overdue',
      flags: ['dbs-renewal-overdue'],
    });
    const csv = await api<string>('GET', `/staff/reports/dbs?asOf=${addDaysIso(due, 1)}&format=csv`, {
      token: (await api<{ token: string }>('GET', '/__dev/staff-token')).body.token,
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toBe(
      'Application,Name,Status,DBS deadline,DBS due date,DBS days left,Insurance ends,Insurance days left,Flags',
    );
    expect(
      lines.find((l) => l.startsWith(app.applicationId)),
      lines.join('\n'),
    ).toContain(`Alex Morgan,Overdue,Our renewal application due,${due},-1`);

    const renewed = await staff('POST', `/staff/applications/${app.applicationId}/dbs`, {
      certificateNumber: '001122334455',
      issueDate: isoDaysFromToday(0),
      level: 'enhanced',
    });
    expect(renewed.status).toBe(200);
    const cleared = await staff('GET', `/staff/applications/${app.applicationId}`);
    expect((cleared.body.compliance as { flags: string[] }).flags).toEqual([]);
    expect(cleared.body.dbsRenewalDueBy).toBeUndefined();
    // Who looked at what: the two report reads and this view's document links are on the therapist's history,
    // each naming the staff member (their Cognito sub), never changing the application.
    type AuditEvent = { type: string; actor: string; actorId?: string; details?: Record<string, unknown> };
    const audit = (cleared.body.events as AuditEvent[]).filter((e) =>
      ['dbs-report-exported', 'documents-accessed'].includes(e.type),
    );
    expect(audit.filter((e) => e.type === 'dbs-report-exported').map((e) => e.details?.format)).toEqual([
      'json',
      'csv',
    ]);
    // Every staff view of the application issued document links, this one last.
    expect(audit.at(-1)).toMatchObject({
      type: 'documents-accessed',
      details: { documents: 'dbs-certificate, indemnity-insurance, contract, signed-contract' },
    });
    for (const e of audit)
      expect(e).toMatchObject({ actor: 'staff', actorId: expect.stringMatching(/^\S+$/) });
    expect(new Set(audit.map((e) => e.actorId)).size).toBe(1);
    await runSchedule('dbs-audit', addDaysIso(due, 2));
    expect(await staffDbsMails()).toHaveLength(3);
    const todays = await runSchedule('dbs-audit', isoDaysFromToday(0));
    expect(todays.digestSent).toBe(true);
    const clearDigest = (await emailsTo(STAFF_EMAIL)).find((m) =>
      m.subject.startsWith(`Compliance digest for ${formatLongDate(isoDaysFromToday(0))}`),
    );
    expect(clearDigest?.body.text).toContain('Flags cleared');
    expect(clearDigest?.body.text).toContain(app.applicationId);
  });

  it('chases insurance at 30 and 0 days, flags it expired, and clears it when a renewed policy is recorded', async () => {
    const body = validApplication();
    body.insurance.endDate = isoDaysFromToday(40);
    const app = await toActive(body);
    const end = body.insurance.endDate;
    await runSchedule('dbs-audit', addDaysIso(end, -31));
    expect(await insuranceMails(app.email)).toEqual([]);
    await runSchedule('dbs-audit', addDaysIso(end, -30));
    expect(await insuranceMails(app.email)).toEqual(['Your indemnity insurance ends in 30 days']);
    await runSchedule('dbs-audit', addDaysIso(end, -14));
    await runSchedule('dbs-audit', addDaysIso(end, -7));
    await runSchedule('dbs-audit', end);
    await runSchedule('dbs-audit', end);
    expect(await insuranceMails(app.email)).toEqual([
      'Your indemnity insurance ends in 30 days',
      'Your indemnity insurance ends in 14 days',
      'Your indemnity insurance ends in 7 days',
      'Your indemnity insurance ends today',
    ]);
    await runSchedule('dbs-audit', addDaysIso(end, 1));
    expect(await subjects(STAFF_EMAIL)).toContain(`Insurance expired: application ${app.applicationId}`);

    const bad = await staff('POST', `/staff/applications/${app.applicationId}/insurance`, {
      ...body.insurance,
      coverAmountGbp: 500_000,
      endDate: isoDaysFromToday(400),
    });
    expect(bad.status).toBe(422);
    expect((bad.body.errors as { path: string }[])[0]?.path).toBe('coverAmountGbp');
    const renewed = await staff('POST', `/staff/applications/${app.applicationId}/insurance`, {
      ...body.insurance,
      policyNumber: 'PI-2027',
      startDate: isoDaysFromToday(0),
      endDate: isoDaysFromToday(400),
    });
    expect(renewed.status).toBe(200);
    const detail = await staff('GET', `/staff/applications/${app.applicationId}`);
    expect((detail.body.compliance as { flags: string[] }).flags).toEqual([]);
    await runSchedule('dbs-audit', addDaysIso(end, 2));
    expect(await insuranceMails(app.email)).toHaveLength(4);
  });

  it('refuses renewals from outside the team and for therapists who are not active', async () => {
    const app = await toInReview();
    const insurance = validApplication().insurance;
    expect(
      (await staff('POST', `/staff/applications/${app.applicationId}/insurance`, insurance)).status,
    ).toBe(409);
  });
});

describe('retention', () => {
  it('deletes a withdrawn application 6 months after closing: item, events, every document; leaves a tombstone', async () => {
    const app = await toInReview();
    expect(
      (
        await api('POST', `/applications/${app.applicationId}/withdrawal`, {
          token: app.accessToken,
          body: {},
        })
      ).status,
    ).toBe(200);
    expect(await objectsUnder(`applications/${app.applicationId}/`)).toHaveLength(2);
    const closedOn = isoDaysFromToday(0);

    await runSchedule('retention', addDaysIso(addMonthsIso(closedOn, 6), -1));
    expect((await view(app)).status).toBe(200);

    const run = await runSchedule('retention', addMonthsIso(closedOn, 6));
    expect(run.applicationsDeleted).toBeGreaterThanOrEqual(1);
    expect((await view(app)).status).toBe(404);
    expect((await staff('GET', `/staff/applications/${app.applicationId}`)).status).toBe(404);
    expect(await objectsUnder(`applications/${app.applicationId}/`)).toEqual([]);
    const left = await itemsOf(app.applicationId);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ type: 'application-deleted', details: { stage: 'withdrawn', closedOn } });
    expect(JSON.stringify(left)).not.toContain(app.email);
    expect(JSON.stringify(left)).not.toContain('Morgan');

    const again = await runSchedule('retention', addMonthsIso(closedOn, 6));
    expect(again.applicationsDeleted).toBe(0);
  });

  it('deletes the DBS certificate image 6 months after the review decision and keeps the certificate details', async () => {
    const app = await toActive();
    const decidedOn = isoDaysFromToday(0);
    await runSchedule('retention', addDaysIso(addMonthsIso(decidedOn, 6), -1));
    expect(await objectsUnder(`applications/${app.applicationId}/dbs-certificate/`)).toHaveLength(1);
    await runSchedule('retention', addMonthsIso(decidedOn, 6));
    expect(await objectsUnder(`applications/${app.applicationId}/dbs-certificate/`)).toEqual([]);
    expect(await objectsUnder(`applications/${app.applicationId}/indemnity-insurance/`)).toHaveLength(1);
    const detail = await staff('GET', `/staff/applications/${app.applicationId}`);
    expect(detail.body.dbs).toMatchObject({
      certificateNumber: '001234567890',
      level: 'enhanced-barred-lists',
    });
    expect((detail.body.review as { decision: string }).decision).toBe('approve');
    const image = (
      detail.body.documents as { document: string; deletedByRetention?: boolean; downloadUrl?: string }[]
    ).find((d) => d.document === 'dbs-certificate');
    expect(image).toMatchObject({ deletedByRetention: true });
    expect(image?.downloadUrl).toBeUndefined();
    expect((detail.body.events as { type: string }[]).map((e) => e.type)).toContain('dbs-image-deleted');
  });
});

describe('retention that fails half-way', () => {
  it('is finished by the next run: documents already gone, then the item and events', async () => {
    const { createDynamoApplicationStore } = await import(
      '../../lambdas/adapters/dynamo-application-store.ts'
    );
    const { createS3DocumentStore } = await import('../../lambdas/adapters/s3-document-store.ts');
    const { retention } = await import('../../lambdas/use-cases/retention.ts');
    const app = await toInReview();
    await api('POST', `/applications/${app.applicationId}/withdrawal`, { token: app.accessToken, body: {} });
    const endpoints = inject('endpoints');
    const store = createDynamoApplicationStore(
      TABLE_NAME,
      DynamoDBDocumentClient.from(new DynamoDBClient({ ...local, endpoint: endpoints.dynamodb }), {
        marshallOptions: { removeUndefinedValues: true },
      }),
    );
    const documents = createS3DocumentStore(
      BUCKET,
      new S3Client({ ...local, endpoint: endpoints.s3, forcePathStyle: true }),
    );
    const failingPurge = { ...store, purge: async () => Promise.reject(new Error('DynamoDB unavailable')) };
    const asOf = new Date(`${addMonthsIso(isoDaysFromToday(0), 6)}T12:00:00Z`);
    const ports = {
      store: failingPurge,
      documents,
      mailer: {} as never,
      workflow: {} as never,
      clock: { now: () => asOf },
    };
    await expect(retention({ asOf }, ports)).rejects.toThrow('DynamoDB unavailable');
    expect(await objectsUnder(`applications/${app.applicationId}/`)).toEqual([]);
    expect((await view(app)).status).toBe(200);

    await runSchedule('retention', addMonthsIso(isoDaysFromToday(0), 6));
    expect((await view(app)).status).toBe(404);
    expect((await itemsOf(app.applicationId)).map((i) => i.type)).toEqual(['application-deleted']);
  });
});
