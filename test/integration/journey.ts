/** Journeys as building blocks: an application taken to a stage through the real API, as people would. */
import { createHash } from 'node:crypto';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { expect, inject } from 'vitest';
import {
  ALL_CHECKS,
  api,
  type Created,
  createApplication,
  emailsTo,
  eventually,
  isoDaysFromToday,
  staffToken,
  uploadAll,
  validApplication,
  waitForStage,
} from './support.ts';

export const staff = async (method: string, path: string, body?: unknown) =>
  api<Record<string, unknown>>(method, path, {
    token: await staffToken(),
    ...(body === undefined ? {} : { body }),
  });

const sfn = () =>
  new SFNClient({
    endpoint: inject('endpoints').sfn,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

const executionArn = (id: string) => `arn:aws:states:eu-west-2:000000000000:execution:onboarding:${id}`;

/** The task states the execution entered, in order. */
export const statesEntered = async (id: string): Promise<string[]> => {
  const history = await sfn().send(
    new GetExecutionHistoryCommand({ executionArn: executionArn(id), maxResults: 1000 }),
  );
  return (history.events ?? [])
    .filter(
      (e) =>
        e.type === 'TaskStateEntered' || e.type === 'SucceedStateEntered' || e.type === 'ChoiceStateEntered',
    )
    .map((e) => e.stateEnteredEventDetails?.name ?? '');
};

export const executionStatus = async (id: string) =>
  (await sfn().send(new DescribeExecutionCommand({ executionArn: executionArn(id) }))).status;

export const subjects = async (address: string) => (await emailsTo(address)).map((m) => m.subject);

export const toInReview = async (body = validApplication()): Promise<Created & { email: string }> => {
  const app = await createApplication(body);
  await uploadAll(app);
  await waitForStage(app, 'in-review');
  return app;
};

export const signContract = async (app: Created & { email: string }) => {
  const contract = await eventually(async () => {
    const res = await api<{ version: string; sha256: string; downloadUrl: string }>(
      'GET',
      `/applications/${app.applicationId}/contract`,
      {
        token: app.accessToken,
      },
    );
    expect(res.status).toBe(200);
    return res.body;
  });
  const pdf = Buffer.from(await (await fetch(contract.downloadUrl)).arrayBuffer());
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  expect(createHash('sha256').update(pdf).digest('hex')).toBe(contract.sha256);
  const signed = await api('POST', `/applications/${app.applicationId}/contract/signature`, {
    token: app.accessToken,
    body: { fullName: '  alex   MORGAN ', agree: true, contractSha256: contract.sha256 },
  });
  expect(signed.status).toBe(201);
  return contract;
};

export const availability = (startDate = isoDaysFromToday(3)) => ({
  patientsPerWeek: 4,
  startDate,
  weeklySlots: [
    { day: 'mon', start: '09:00', end: '11:00' },
    { day: 'sat', start: '22:00', end: '24:00' },
  ],
});

/** An application taken all the way to active; the body decides the DBS and insurance facts. */
/** From in-review to induction-invited, as staff and the applicant would: approved, contract signed. */
export const approveToInductionInvited = async (app: Created & { email: string }) => {
  const review = await staff('POST', `/staff/applications/${app.applicationId}/review`, {
    decision: 'approve',
    checks: ALL_CHECKS,
    note: '',
  });
  expect(review.status).toBe(200);
  await waitForStage(app, 'contract-sent');
  await signContract(app);
  await waitForStage(app, 'induction-invited');
};

/** From in-review to awaiting-availability: approved, signed, induction attended on `attendedOn` (today). */
export const approveToAwaitingAvailability = async (
  app: Created & { email: string },
  attendedOn = isoDaysFromToday(0),
) => {
  await approveToInductionInvited(app);
  expect(
    (await staff('POST', `/staff/applications/${app.applicationId}/induction`, { attendedOn })).status,
  ).toBe(200);
  await waitForStage(app, 'awaiting-availability');
};

export const toActive = async (body = validApplication(), startDate = isoDaysFromToday(3)) => {
  const app = await toInReview(body);
  await approveToAwaitingAvailability(app);
  const done = await api('PUT', `/applications/${app.applicationId}/availability`, {
    token: app.accessToken,
    body: availability(startDate),
  });
  expect(done.status).toBe(200);
  return { ...app, startDate };
};
