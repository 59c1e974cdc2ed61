/**
 * The state machine, path by path: the ASL extracted from the synthesized CDK stack runs on the local Step
 * Functions emulator; a stand-in for the workflow-task Lambda records each step's token, and the test spends the
 * tokens as the API actions would. Each test asserts the execution's path from its history.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStepFunctions, startStepFunctions } from '../../lib/local/stepfunctions.ts';
import { extractAsl } from '../../lib/workflow-asl.ts';

const ARN = 'arn:aws:states:eu-west-2:000000000000:stateMachine:onboarding';
const waiting = new Map<string, { step: string; token: string }[]>();
const invocations = new Map<string, number>();
const throttled = new Map<string, number>();
let emulator: LocalStepFunctions;
let dataDir: string;
let sfn: SFNClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'asl-paths-'));
  emulator = await startStepFunctions({
    definition: extractAsl(),
    stateMachineArn: ARN,
    dataDir,
    invokeLambda: async (functionName, payload) => {
      expect(functionName).toMatch(/:function:workflow-task$/);
      const { applicationId, step, taskToken } = payload as {
        applicationId: string;
        step: string;
        taskToken: string;
      };
      invocations.set(applicationId, (invocations.get(applicationId) ?? 0) + 1);
      const throttles = throttled.get(applicationId) ?? 0;
      if (throttles > 0) {
        throttled.set(applicationId, throttles - 1);
        throw Object.assign(new Error('Rate exceeded'), { name: 'Lambda.TooManyRequestsException' });
      }
      waiting.set(applicationId, [...(waiting.get(applicationId) ?? []), { step, token: taskToken }]);
      return { status: 'waiting' };
    },
  });
  sfn = new SFNClient({
    endpoint: emulator.endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
}, 60_000);

afterAll(async () => {
  await emulator.stop();
  await rm(dataDir, { recursive: true, force: true });
});

let counter = 0;
/** `throttle`: the first n invokes of this execution's step function answer Lambda.TooManyRequestsException. */
const start = async (opts: { resumeAt?: string; throttle?: number } = {}) => {
  const id = `app-${++counter}-${Date.now()}`;
  if (opts.throttle) throttled.set(id, opts.throttle);
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: ARN,
      name: id,
      input: JSON.stringify({ applicationId: id, ...(opts.resumeAt ? { resumeAt: opts.resumeAt } : {}) }),
    }),
  );
  return { id, executionArn: executionArn as string };
};

/** Waits for the execution to park on `step` (retries wait up to a few seconds of jittered backoff). */
const waitFor = async (id: string, step: string) => {
  const deadline = Date.now() + 8_000;
  let task: { step: string; token: string } | undefined;
  while (!task && Date.now() < deadline) {
    const queue = waiting.get(id) ?? [];
    task = queue.at(-1)?.step === step ? queue.at(-1) : undefined;
    if (!task) await new Promise((r) => setTimeout(r, 20));
  }
  if (!task) throw new Error(`${id} never waited on ${step}; waits: ${JSON.stringify(waiting.get(id))}`);
  waiting.set(id, []);
  return task;
};

/** Waits for the execution to park on `step`, then completes it with `output` (or fails it with `error`). */
const complete = async (id: string, step: string, outcome: { output?: object; error?: string } = {}) => {
  const task = await waitFor(id, step);
  if (outcome.error) {
    await sfn.send(
      new SendTaskFailureCommand({ taskToken: task.token, error: outcome.error, cause: 'test' }),
    );
  } else {
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: task.token, output: JSON.stringify(outcome.output ?? {}) }),
    );
  }
};

const finish = async (executionArn: string) => {
  for (let i = 0; i < 100; i++) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  return {
    status: described.status,
    path: (history.events ?? [])
      .filter((e) => e.type?.endsWith('StateEntered'))
      .map((e) => e.stateEnteredEventDetails?.name),
  };
};

const APPROVE = { decision: 'approve', dbsRequired: false };

describe('state machine paths (extracted ASL)', () => {
  it('straight through to Active', async () => {
    const { id, executionArn } = await start();
    await complete(id, 'documents', { output: { documents: 'complete' } });
    await complete(id, 'review', { output: APPROVE });
    await complete(id, 'contract');
    await complete(id, 'induction');
    await complete(id, 'availability', { output: { outcome: 'active' } });
    expect(await finish(executionArn)).toEqual({
      status: 'SUCCEEDED',
      path: [
        'ResumeAt',
        'AwaitDocuments',
        'AwaitReview',
        'ReviewDecision',
        'DbsRequired',
        'AwaitContract',
        'AwaitInduction',
        'AwaitAvailability',
        'AvailabilityOutcome',
        'Active',
      ],
    });
  });

  it('loops back to documents when changes are requested', async () => {
    const { id, executionArn } = await start();
    await complete(id, 'documents');
    await complete(id, 'review', { output: { decision: 'request-changes', dbsRequired: false } });
    await complete(id, 'documents');
    await complete(id, 'review', { output: { decision: 'reject', dbsRequired: false } });
    const { status, path } = await finish(executionArn);
    expect(status).toBe('SUCCEEDED');
    expect(path.filter((s) => s === 'AwaitDocuments')).toHaveLength(2);
    expect(path.at(-1)).toBe('Rejected');
  });

  it('waits for a new DBS certificate when one is required', async () => {
    const { id, executionArn } = await start();
    await complete(id, 'documents');
    await complete(id, 'review', { output: { decision: 'approve', dbsRequired: true } });
    await complete(id, 'dbs');
    await complete(id, 'contract', { error: 'Withdrawn' });
    const { status, path } = await finish(executionArn);
    expect(status).toBe('SUCCEEDED');
    expect(path).toEqual([
      'ResumeAt',
      'AwaitDocuments',
      'AwaitReview',
      'ReviewDecision',
      'DbsRequired',
      'AwaitDbs',
      'AwaitContract',
      'Withdrawn',
    ]);
  });

  it('returns to the induction when the window expires', async () => {
    const { id, executionArn } = await start();
    await complete(id, 'documents');
    await complete(id, 'review', { output: APPROVE });
    await complete(id, 'contract');
    await complete(id, 'induction');
    await complete(id, 'availability', { output: { outcome: 'induction-expired' } });
    await complete(id, 'induction');
    await complete(id, 'availability', { output: { outcome: 'active' } });
    const { status, path } = await finish(executionArn);
    expect(status).toBe('SUCCEEDED');
    expect(path.filter((s) => s === 'AwaitInduction')).toHaveLength(2);
    expect(path.at(-1)).toBe('Active');
  });

  it('ends as Lapsed when the documents step fails with Lapsed', async () => {
    const { id, executionArn } = await start();
    await complete(id, 'documents', { error: 'Lapsed' });
    expect(await finish(executionArn)).toEqual({
      status: 'SUCCEEDED',
      path: ['ResumeAt', 'AwaitDocuments', 'Lapsed'],
    });
    // An outcome is final: the step's function was not run again.
    expect(invocations.get(id)).toBe(1);
  });

  it('runs a step again, with a fresh token, when its function fails', async () => {
    const { id, executionArn } = await start();
    const first = await waitFor(id, 'documents');
    await sfn.send(
      new SendTaskFailureCommand({ taskToken: first.token, error: 'Error', cause: 'PDF timeout' }),
    );
    const second = await waitFor(id, 'documents');
    expect(second.token).not.toBe(first.token);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: second.token, output: '{}' }));
    await complete(id, 'review', { output: { decision: 'reject', dbsRequired: false } });
    expect(await finish(executionArn)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('retries a throttled Lambda invoke with backoff', async () => {
    const { id, executionArn } = await start({ throttle: 2 });
    await complete(id, 'documents');
    await complete(id, 'review', { output: { decision: 'reject', dbsRequired: false } });
    const { status, path } = await finish(executionArn);
    expect(status).toBe('SUCCEEDED');
    expect(path).toEqual(['ResumeAt', 'AwaitDocuments', 'AwaitReview', 'ReviewDecision', 'Rejected']);
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const failures = (history.events ?? []).filter((e) => e.type === 'TaskFailed');
    expect(failures.map((e) => e.taskFailedEventDetails?.error)).toEqual([
      'Lambda.TooManyRequestsException',
      'Lambda.TooManyRequestsException',
    ]);
  });

  it('resumes a restarted workflow at the step it names', async () => {
    const { id, executionArn } = await start({ resumeAt: 'induction' });
    await complete(id, 'induction');
    await complete(id, 'availability', { output: { outcome: 'active' } });
    expect(await finish(executionArn)).toEqual({
      status: 'SUCCEEDED',
      path: ['ResumeAt', 'AwaitInduction', 'AwaitAvailability', 'AvailabilityOutcome', 'Active'],
    });
  });

  it('fails on a review decision it does not know', async () => {
    const { id, executionArn } = await start();
    await complete(id, 'documents');
    await complete(id, 'review', { output: { decision: 'maybe' } });
    expect((await finish(executionArn)).status).toBe('FAILED');
  });
});
