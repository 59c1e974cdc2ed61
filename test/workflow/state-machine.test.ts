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
const start = async () => {
  const id = `app-${++counter}-${Date.now()}`;
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: ARN,
      name: id,
      input: JSON.stringify({ applicationId: id }),
    }),
  );
  return { id, executionArn: executionArn as string };
};

/** Waits for the execution to park on `step`, then completes it with `output` (or fails it with `error`). */
const complete = async (id: string, step: string, outcome: { output?: object; error?: string } = {}) => {
  const deadline = Date.now() + 5_000;
  let task: { step: string; token: string } | undefined;
  while (!task && Date.now() < deadline) {
    const queue = waiting.get(id) ?? [];
    task = queue.at(-1)?.step === step ? queue.at(-1) : undefined;
    if (!task) await new Promise((r) => setTimeout(r, 20));
  }
  if (!task) throw new Error(`${id} never waited on ${step}; waits: ${JSON.stringify(waiting.get(id))}`);
  waiting.set(id, []);
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
    expect(await finish(executionArn)).toEqual({ status: 'SUCCEEDED', path: ['AwaitDocuments', 'Lapsed'] });
  });

  it('fails on an unexpected error rather than guessing a path', async () => {
    const { id, executionArn } = await start();
    await complete(id, 'documents', { error: 'Boom' });
    const { status, path } = await finish(executionArn);
    expect(status).toBe('FAILED');
    expect(path.at(-1)).toBe('Failed');
  });

  it('fails on a review decision it does not know', async () => {
    const { id, executionArn } = await start();
    await complete(id, 'documents');
    await complete(id, 'review', { output: { decision: 'maybe' } });
    expect((await finish(executionArn)).status).toBe('FAILED');
  });
});
