/**
 * Issue 8 §3: Lambda timeouts and crashes on demand (`POST /__dev/faults` with `invocations`), through the whole
 * local stack. An API function that times out or crashes is, to API Gateway, a failed invocation: the route answers
 * 500 `{"message":"Internal Server Error"}` (the contract's gateway 500) and the next request is served by a fresh
 * environment. A workflow-task invocation that times out (after storing its token, as a function that overran on
 * its last call) or crashes is retried by the state machine with a fresh token; a retry that arrives after the
 * person acted (the application has left that step) stores nothing and flags the workflow, which the sweep
 * restarts at the application's step (issue 8: such a token, stored, left executions running under applications
 * that had moved on or ended).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { createDynamoApplicationStore } from '../../lambdas/adapters/dynamo-application-store.ts';
import type { Application } from '../../lambdas/domain/application.ts';
import { TABLE_NAME } from '../../lib/local/stack.ts';
import { executionStatus, staff, subjects } from './journey.ts';
import { ALL_CHECKS, api, createApplication, eventually, uploadAll, view, waitForStage } from './support.ts';

interface FaultsView {
  invocations?: Record<string, { timeout?: number; crash?: number }>;
  injected: Record<string, number>;
}

const setFaults = async (body: unknown) => {
  const res = await api<FaultsView>('POST', '/__dev/faults', { body });
  expect(res.status).toBe(200);
  return res.body;
};
const injected = async () => (await api<FaultsView>('GET', '/__dev/faults')).body.injected;

/** Waits for the fault to have been injected `times` times, then turns faults off. */
const afterInjected = async (fault: 'timeout' | 'crash', times = 1) => {
  await eventually(async () => {
    const n = (await injected())[fault] ?? 0;
    if (n < times) throw new Error(`${fault} injected ${n} times, waiting for ${times}`);
  }, 30_000);
  await setFaults({ rates: {} });
};

const history = async (executionName: string) => {
  const sfn = new SFNClient({
    endpoint: inject('endpoints').sfn,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const history = await sfn.send(
    new GetExecutionHistoryCommand({
      executionArn: `arn:aws:states:eu-west-2:000000000000:execution:onboarding:${executionName}`,
      maxResults: 1000,
    }),
  );
  sfn.destroy();
  return history.events ?? [];
};

/** The application as stored (the harness reads DynamoDB Local directly: no IAM, no faults). */
const item = async (id: string): Promise<Application> => {
  const store = createDynamoApplicationStore(
    TABLE_NAME,
    DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: inject('endpoints').dynamodb,
        region: 'eu-west-2',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    ),
  );
  const app = await store.get(id);
  if (!app) throw new Error(`${id} not found`);
  return app;
};

afterEach(async () => {
  await setFaults({ rates: {} });
});
afterAll(async () => {
  await setFaults({ rates: {} });
});

describe('Lambda timeouts and crashes on demand', () => {
  it('reads back invocation faults and refuses a bad one (400)', async () => {
    const set = await setFaults({ seed: 4, invocations: { 'workflow-task': { timeout: 0.1, crash: 0.05 } } });
    expect(set).toMatchObject({ seed: 4, invocations: { 'workflow-task': { timeout: 0.1, crash: 0.05 } } });
    const bad = await api('POST', '/__dev/faults', { body: { invocations: { '*': { hang: 0.1 } } } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      title: 'Invalid faults',
      detail: expect.stringMatching(/timeout, crash/),
    });
    // Refused: the settings before it still hold.
    expect((await api<FaultsView>('GET', '/__dev/faults')).body.invocations).toEqual({
      'workflow-task': { timeout: 0.1, crash: 0.05 },
    });
  });

  it.each([
    ['times out', 'timeout'],
    ['crashes', 'crash'],
  ] as const)(
    'an API function that %s answers 500 as API Gateway does; the next request is served',
    async (_, fault) => {
      const app = await createApplication();
      expect((await view(app)).status).toBe(200);
      await setFaults({ invocations: { 'get-application': { [fault]: 1 } } });
      const failed = await view(app);
      expect(failed.status).toBe(500);
      expect(failed.body).toEqual({ message: 'Internal Server Error' });
      expect(await injected()).toEqual({ [fault]: 1 });
      await setFaults({ rates: {} });
      const served = await view(app);
      expect(served.status).toBe(200);
      expect(served.body.stage).toBe('awaiting-documents');
    },
  );

  it('a workflow-task that times out or crashes is retried, and a retry for a step already done never strands the workflow', async () => {
    // The documents wait's invocation stores its token and then times out: the state machine fails that token and
    // retries; the retries crash (before their handler runs) while the applicant uploads, so the upload's callback
    // finds the token gone and the application moves on to in-review.
    await setFaults({ invocations: { 'workflow-task': { timeout: 1 } } });
    const app = await createApplication();
    await afterInjected('timeout');
    await setFaults({ invocations: { 'workflow-task': { crash: 1 } } });
    await uploadAll(app);
    await waitForStage(app, 'in-review');
    await setFaults({ rates: {} });
    // A retry then runs for the documents step the application has left: it must not store its token there.
    await eventually(async () => {
      const events = await history(app.applicationId);
      const failures = events
        .filter((e) => e.type === 'TaskFailed')
        .map((e) => e.taskFailedEventDetails?.error);
      expect(failures[0]).toBe('Sandbox.Timedout');
      expect(failures.slice(1).every((f) => f === 'Runtime.ExitError')).toBe(true);
      const lastFailure = events.findLastIndex((e) => e.type === 'TaskFailed');
      const ran = events.slice(lastFailure).some((e) => e.type === 'TaskSubmitted');
      const ended = events.some((e) => e.type === 'ExecutionFailed');
      expect(ran || ended).toBe(true);
    }, 60_000);
    const stored = await item(app.applicationId);
    expect(stored.stage).toBe('in-review');
    expect(stored.task).toBeUndefined();
    expect(stored.workflowFailure?.reason).toBe('task-gone');

    // The sweep's check restarts the workflow at the review; the application goes on from there.
    const swept = await api<{ workflowsRestarted: number }>('POST', '/__dev/schedules/onboarding-sweep', {
      body: { asOf: new Date(Date.now() + 5 * 60_000).toISOString() },
    });
    expect(swept.status).toBe(200);
    expect(swept.body.workflowsRestarted).toBeGreaterThanOrEqual(1);
    await eventually(async () => expect((await item(app.applicationId)).task?.step).toBe('review'), 30_000);
    expect(['ABORTED', 'FAILED']).toContain(await executionStatus(app.applicationId));
    const review = await staff('POST', `/staff/applications/${app.applicationId}/review`, {
      decision: 'approve',
      checks: ALL_CHECKS,
      note: '',
    });
    expect(review.status).toBe(200);
    await waitForStage(app, 'contract-sent');
    await eventually(async () => expect((await item(app.applicationId)).task?.step).toBe('contract'), 30_000);
    expect(await executionStatus(`${app.applicationId}-r1`)).toBe('RUNNING');
    // Each email once, although the timed-out invocation ran its handler and the workflow was restarted.
    const got = await subjects(app.email);
    expect(got).toContain('Your affiliate contract is ready to sign');
    expect(new Set(got).size).toBe(got.length);
  }, 180_000);
});
