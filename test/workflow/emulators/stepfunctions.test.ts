import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ExecutionStatusChange,
  type LocalStepFunctions,
  startStepFunctions,
} from '../../../lib/local/stepfunctions.ts';

const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-2:123456789012:stateMachine:onboarding';
const AWAIT_FN = 'arn:aws:lambda:eu-west-2:123456789012:function:await-step';
const ACTIVATE_FN = 'arn:aws:lambda:eu-west-2:123456789012:function:activate';

const callback = (step: string, next: string, extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  Parameters: {
    FunctionName: AWAIT_FN,
    Payload: {
      step,
      'applicationId.$': '$.applicationId',
      'taskToken.$': '$$.Task.Token',
      'executionId.$': '$$.Execution.Id',
    },
  },
  ResultPath: `$.${step}`,
  Next: next,
  Catch: [{ ErrorEquals: ['ApplicationWithdrawn'], ResultPath: '$.withdrawal', Next: 'Withdrawn' }],
  ...extra,
});

/** Two callback waits, a Choice, a request-response Lambda, and a Catch on a custom error. */
const ASL = {
  StartAt: 'AwaitDocuments',
  States: {
    AwaitDocuments: callback('documents', 'AwaitReview', { TimeoutSeconds: 3600 }),
    AwaitReview: callback('review', 'Decision'),
    Decision: {
      Type: 'Choice',
      Choices: [{ Variable: '$.review.decision', StringEquals: 'approve', Next: 'Activate' }],
      Default: 'Rejected',
    },
    Activate: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: ACTIVATE_FN, 'Payload.$': '$' },
      ResultSelector: { 'activated.$': '$.Payload.activated' },
      ResultPath: '$.activation',
      End: true,
    },
    Rejected: { Type: 'Fail', Error: 'ApplicationRejected', Cause: 'Staff rejected the application' },
    Withdrawn: { Type: 'Succeed' },
  },
};

interface Call {
  functionName: string;
  payload: { step?: string; taskToken?: string; executionId?: string; applicationId?: string };
}

function recorder() {
  const calls: Call[] = [];
  const invokeLambda = async (functionName: string, payload: unknown) => {
    calls.push({ functionName, payload: payload as Call['payload'] });
    if (functionName === ACTIVATE_FN) return { activated: true };
    return { stored: true };
  };
  return { calls, invokeLambda };
}

async function eventually<T>(probe: () => T | Promise<T>, timeoutMs = 5_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const tokenFor = (calls: Call[], step: string, applicationId: string) =>
  eventually(
    () =>
      calls.find((c) => c.payload.step === step && c.payload.applicationId === applicationId)?.payload
        .taskToken,
  );

describe('Step Functions emulator', () => {
  let dataDir: string;
  const started: LocalStepFunctions[] = [];
  const clients: SFNClient[] = [];

  const start = async (
    invokeLambda: (fn: string, payload: unknown) => Promise<unknown>,
    definition: object = ASL,
    dir = dataDir,
    onExecutionEnd?: (event: ExecutionStatusChange) => void,
  ) => {
    const sfn = await startStepFunctions({
      definition,
      stateMachineArn: STATE_MACHINE_ARN,
      invokeLambda,
      dataDir: dir,
      port: 0,
      ...(onExecutionEnd ? { onExecutionEnd } : {}),
    });
    started.push(sfn);
    const client = new SFNClient({
      endpoint: sfn.endpoint,
      region: 'eu-west-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    clients.push(client);
    return { sfn, client };
  };

  const finished = (client: SFNClient, executionArn: string) =>
    eventually(async () => {
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      return described.status === 'RUNNING' ? undefined : described;
    }) as Promise<DescribeExecutionCommandOutput>;

  const history = async (client: SFNClient, executionArn: string) =>
    (await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];

  const entered = (events: HistoryEvent[]) =>
    events.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sfn-'));
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    for (const sfn of started.splice(0)) await sfn.stop();
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs two callback waits and a Choice, and resumes a waiting execution with the same token after a restart', async () => {
    const first = recorder();
    const { sfn, client } = await start(first.invokeLambda);
    expect(sfn.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const input = JSON.stringify({ applicationId: 'A1' });
    const { executionArn = '' } = await client.send(
      new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'application-A1', input }),
    );
    expect(executionArn).toBe('arn:aws:states:eu-west-2:123456789012:execution:onboarding:application-A1');

    const again = await client.send(
      new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'application-A1', input }),
    );
    expect(again.executionArn).toBe(executionArn);
    await expect(
      client.send(
        new StartExecutionCommand({
          stateMachineArn: STATE_MACHINE_ARN,
          name: 'application-A1',
          input: JSON.stringify({ applicationId: 'other' }),
        }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists', $metadata: { httpStatusCode: 400 } });

    const documentsToken = await tokenFor(first.calls, 'documents', 'A1');
    expect(first.calls[0]).toMatchObject({ functionName: AWAIT_FN, payload: { executionId: executionArn } });
    await client.send(new SendTaskHeartbeatCommand({ taskToken: documentsToken }));
    await client.send(
      new SendTaskSuccessCommand({ taskToken: documentsToken, output: JSON.stringify({ uploaded: 2 }) }),
    );
    const reviewToken = await tokenFor(first.calls, 'review', 'A1');
    expect(reviewToken).not.toBe(documentsToken);

    // The stack stops while the execution waits on the review; a new one starts on the same data.
    await sfn.stop();
    started.splice(started.indexOf(sfn), 1);
    const second = recorder();
    const { client: client2 } = await start(second.invokeLambda);
    expect((await client2.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');

    await client2.send(
      new SendTaskSuccessCommand({ taskToken: reviewToken, output: JSON.stringify({ decision: 'approve' }) }),
    );
    const done = await finished(client2, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null')).toEqual({
      applicationId: 'A1',
      documents: { uploaded: 2 },
      review: { decision: 'approve' },
      activation: { activated: true },
    });
    // The resumed wait did not invoke its Lambda again: only the next state's Lambda ran.
    expect(second.calls.map((c) => c.functionName)).toEqual([ACTIVATE_FN]);

    const events = await history(client2, executionArn);
    expect(entered(events)).toEqual(['AwaitDocuments', 'AwaitReview', 'Decision', 'Activate']);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(types.filter((t) => t === 'TaskSubmitted')).toHaveLength(2);
    expect(types.filter((t) => t === 'TaskSucceeded')).toHaveLength(3);
    expect(types).toContain('ChoiceStateExited');
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.every((e) => e.timestamp instanceof Date && !Number.isNaN(e.timestamp.getTime()))).toBe(
      true,
    );
    const reviewSucceeded = events.filter((e) => e.type === 'TaskSucceeded')[1];
    expect(JSON.parse(reviewSucceeded?.taskSucceededEventDetails?.output ?? 'null')).toEqual({
      decision: 'approve',
    });

    // A spent token is refused, as is something that is not a token at all.
    await expect(
      client2.send(new SendTaskSuccessCommand({ taskToken: reviewToken, output: '{}' })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(
      client2.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })),
    ).rejects.toMatchObject({ name: 'InvalidToken' });

    const listed = await client2.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN }));
    expect(listed.executions?.find((e) => e.executionArn === executionArn)?.status).toBe('SUCCEEDED');
    // Finished executions keep their name: starting it again is refused.
    await expect(
      client2.send(
        new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'application-A1', input }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });

  it('routes a SendTaskFailure with a custom error through the Catch', async () => {
    const { calls, invokeLambda } = recorder();
    const { client } = await start(invokeLambda);
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: STATE_MACHINE_ARN,
        input: JSON.stringify({ applicationId: 'A2' }),
      }),
    );
    const token = await tokenFor(calls, 'documents', 'A2');
    await client.send(
      new SendTaskFailureCommand({
        taskToken: token,
        error: 'ApplicationWithdrawn',
        cause: 'withdrawn by applicant',
      }),
    );
    const done = await finished(client, executionArn ?? '');
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null').withdrawal).toEqual({
      Error: 'ApplicationWithdrawn',
      Cause: 'withdrawn by applicant',
    });
    const events = await history(client, executionArn ?? '');
    expect(entered(events)).toEqual(['AwaitDocuments', 'Withdrawn']);
    expect(events.find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails).toMatchObject({
      error: 'ApplicationWithdrawn',
      cause: 'withdrawn by applicant',
    });
  });

  it('fails the execution on the Choice default path, and on an uncaught Lambda error', async () => {
    const { calls, invokeLambda } = recorder();
    const { client } = await start(invokeLambda);
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: STATE_MACHINE_ARN,
        input: JSON.stringify({ applicationId: 'A3' }),
      }),
    );
    await client.send(
      new SendTaskSuccessCommand({ taskToken: await tokenFor(calls, 'documents', 'A3'), output: '{}' }),
    );
    await client.send(
      new SendTaskSuccessCommand({
        taskToken: await tokenFor(calls, 'review', 'A3'),
        output: JSON.stringify({ decision: 'reject' }),
      }),
    );
    const rejected = await finished(client, executionArn ?? '');
    expect(rejected).toMatchObject({ status: 'FAILED', error: 'ApplicationRejected' });

    const failing = await start(
      async (fn) => {
        const err = new Error('table not found');
        err.name = 'ResourceNotFoundException';
        if (fn === AWAIT_FN) throw err;
        return {};
      },
      ASL,
      join(dataDir, 'other-stack'),
    );
    const crashed = await failing.client.send(
      new StartExecutionCommand({
        stateMachineArn: STATE_MACHINE_ARN,
        input: JSON.stringify({ applicationId: 'A4' }),
      }),
    );
    const failed = await finished(failing.client, crashed.executionArn ?? '');
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('ResourceNotFoundException');
    expect(JSON.parse(failed.cause ?? '{}')).toMatchObject({ errorMessage: 'table not found' });
  });

  it('sends EventBridge’s "Execution Status Change" event once when an execution ends', async () => {
    const { calls, invokeLambda } = recorder();
    const ended: ExecutionStatusChange[] = [];
    const { client } = await start(invokeLambda, ASL, join(dataDir, 'events'), (event) => ended.push(event));
    const run = async (applicationId: string) =>
      (
        await client.send(
          new StartExecutionCommand({
            stateMachineArn: STATE_MACHINE_ARN,
            input: JSON.stringify({ applicationId }),
          }),
        )
      ).executionArn ?? '';
    const failedArn = await run('E1');
    await client.send(
      new SendTaskFailureCommand({
        taskToken: await tokenFor(calls, 'documents', 'E1'),
        error: 'Boom',
        cause: 'x',
      }),
    );
    const abortedArn = await run('E2');
    await tokenFor(calls, 'documents', 'E2');
    await client.send(new StopExecutionCommand({ executionArn: abortedArn }));
    await eventually(async () => (ended.length === 2 ? ended : undefined));
    expect(ended.map((e) => [e.detail.executionArn, e.detail.status, e.detail.error])).toEqual([
      [failedArn, 'FAILED', 'Boom'],
      [abortedArn, 'ABORTED', null],
    ]);
    expect(ended[0]).toMatchObject({
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      resources: [failedArn],
      detail: { stateMachineArn: STATE_MACHINE_ARN, input: JSON.stringify({ applicationId: 'E1' }) },
    });
  });

  it('aborts on StopExecution, after which the waiting token is dead', async () => {
    const { calls, invokeLambda } = recorder();
    const { client } = await start(invokeLambda);
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: STATE_MACHINE_ARN,
        input: JSON.stringify({ applicationId: 'A5' }),
      }),
    );
    const token = await tokenFor(calls, 'documents', 'A5');
    await client.send(new StopExecutionCommand({ executionArn, error: 'Withdrawn', cause: 'by staff' }));
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('ABORTED');
    expect(described.stopDate).toBeInstanceOf(Date);
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
    const events = await history(client, executionArn ?? '');
    expect(events.at(-1)?.type).toBe('ExecutionAborted');
    expect(events.at(-1)?.executionAbortedEventDetails).toEqual({ error: 'Withdrawn', cause: 'by staff' });
    await expect(
      client.send(new DescribeExecutionCommand({ executionArn: `${STATE_MACHINE_ARN}:nope` })),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });

  it('never invokes a task again once its execution is stopped, even where the task retries every error', async () => {
    const definition = {
      StartAt: 'Wait',
      States: {
        Wait: {
          ...callback('documents', 'Done'),
          Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 5 }],
        },
        Done: { Type: 'Succeed' },
        Withdrawn: { Type: 'Succeed' },
      },
    };
    const { calls, invokeLambda } = recorder();
    const { client } = await start(invokeLambda, definition);
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: STATE_MACHINE_ARN,
        input: JSON.stringify({ applicationId: 'A9' }),
      }),
    );
    await tokenFor(calls, 'documents', 'A9');
    await client.send(new StopExecutionCommand({ executionArn }));
    // The library's retry of the aborted wait returns at once: it must not reach the Lambda.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(calls).toHaveLength(1);
    expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('ABORTED');
  });

  it('ends a callback task whose token was spent while its Lambda still ran: a later invocation error is ignored', async () => {
    let finishInvocation: (error: Error) => void = () => undefined;
    const calls: Call[] = [];
    const invokeLambda = async (functionName: string, payload: unknown) => {
      calls.push({ functionName, payload: payload as Call['payload'] });
      if (functionName === ACTIVATE_FN) return { activated: true };
      // The first invocation fails (a timeout) only after its token was spent; the second succeeds.
      if (calls.length > 1) return {};
      return new Promise((_, reject) => {
        finishInvocation = reject;
      });
    };
    const { client } = await start(invokeLambda);
    const { executionArn = '' } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: STATE_MACHINE_ARN,
        input: JSON.stringify({ applicationId: 'A10' }),
      }),
    );
    const documents = await tokenFor(calls, 'documents', 'A10');
    await client.send(new SendTaskSuccessCommand({ taskToken: documents, output: '{"uploaded":2}' }));
    finishInvocation(
      Object.assign(new Error('Task timed out after 10.00 seconds'), { name: 'Sandbox.Timedout' }),
    );
    const review = await tokenFor(calls, 'review', 'A10');
    await client.send(new SendTaskSuccessCommand({ taskToken: review, output: '{"decision":"approve"}' }));
    const done = await finished(client, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(calls.filter((c) => c.payload.step === 'documents')).toHaveLength(1);
    expect((await history(client, executionArn)).some((e) => e.type === 'TaskFailed')).toBe(false);
  });

  it('times a callback task out after its TimeoutSeconds, catchable as States.Timeout', async () => {
    const definition = {
      StartAt: 'Wait',
      States: {
        Wait: {
          ...callback('induction', 'Booked', { TimeoutSeconds: 1 }),
          Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Expired' }],
        },
        Booked: { Type: 'Succeed' },
        Expired: { Type: 'Pass', Result: 'expired', ResultPath: '$.outcome', End: true },
      },
    };
    const { calls, invokeLambda } = recorder();
    const { client } = await start(invokeLambda, definition);
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: STATE_MACHINE_ARN,
        input: JSON.stringify({ applicationId: 'A6' }),
      }),
    );
    const token = await tokenFor(calls, 'induction', 'A6');
    const done = await finished(client, executionArn ?? '');
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null').outcome).toBe('expired');
    const events = await history(client, executionArn ?? '');
    expect(events.some((e) => e.type === 'TaskTimedOut')).toBe(true);
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
  });

  it('leaves no timer behind: a process whose executions were stopped, failed or left waiting exits on its own', async () => {
    // Every way a callback wait outlives its execution (fixtures/stopped-execution.ts); a timer left behind would
    // keep the child alive ("something prevents the main process from exiting" at the end of a test run).
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures/stopped-execution.ts')],
      { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    let stoppedAt = 0;
    const begun = Date.now();
    const exited = await new Promise<{ code: number | null; afterStopMs: number } | 'alive'>((resolve) => {
      const watch = setInterval(() => {
        if (!stoppedAt && stdout.includes('stopped')) stoppedAt = Date.now();
        // 5 s after the emulator stopped (or 40 s in all) the child still runs: something keeps it alive.
        if ((stoppedAt && Date.now() - stoppedAt > 5_000) || (!stoppedAt && Date.now() - begun > 40_000)) {
          clearInterval(watch);
          child.kill('SIGKILL');
          resolve('alive');
        }
      }, 50);
      child.on('exit', (code) => {
        clearInterval(watch);
        resolve({ code, afterStopMs: stoppedAt ? Date.now() - stoppedAt : 0 });
      });
    });
    expect(stderr).not.toMatch(/Error/);
    expect(stdout.trim()).toBe('stopped');
    expect(exited).toMatchObject({ code: 0 });
  });
});
