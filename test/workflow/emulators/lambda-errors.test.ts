/**
 * A Lambda failure as the state machine sees it (issue 8 §2): the Step Functions emulator running on the local
 * Lambda runtime, whose errors carry Lambda's errorType as their name. A handler over its timeout is caught by
 * `ErrorEquals: ["Sandbox.Timedout"]`, a thrown domain error by its own name, as on AWS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLambdaRuntime, type LambdaRuntime } from '../../../lib/local/lambda-runtime.ts';
import { type LocalStepFunctions, startStepFunctions } from '../../../lib/local/stepfunctions.ts';

const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-2:000000000000:stateMachine:lambda-errors';
const FUNCTION_ARN = 'arn:aws:lambda:eu-west-2:000000000000:function:fixture';

const invoke = (payload: object, errorName: string, next: string) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: FUNCTION_ARN, Payload: payload },
  Catch: [{ ErrorEquals: [errorName], ResultPath: null, Next: next }],
  End: true,
});

const ASL = {
  StartAt: 'Slow',
  States: {
    Slow: invoke({ action: 'sleep', ms: 30_000 }, 'Sandbox.Timedout', 'Throws'),
    Throws: invoke({ action: 'throw' }, 'InvalidStage', 'Caught'),
    Caught: { Type: 'Succeed' },
  },
};

let runtime: LambdaRuntime;
let sfn: LocalStepFunctions;
let client: SFNClient;
let dataDir: string;

beforeAll(async () => {
  runtime = createLambdaRuntime({
    config: () => ({
      entry: resolve(import.meta.dirname, '../../unit/local/fixtures/lambda.ts'),
      environment: {},
      timeoutSeconds: 1,
      memoryMb: 128,
    }),
  });
  dataDir = await mkdtemp(join(tmpdir(), 'sfn-lambda-errors-'));
  sfn = await startStepFunctions({
    definition: ASL,
    stateMachineArn: STATE_MACHINE_ARN,
    invokeLambda: (functionName, payload) => runtime.invoke(functionName.split(':').pop() ?? '', payload),
    dataDir,
    port: 0,
  });
  client = new SFNClient({
    endpoint: sfn.endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client.destroy();
  await sfn.stop();
  await runtime.stop();
  await rm(dataDir, { recursive: true, force: true });
});

it('catches a timed-out Lambda as Sandbox.Timedout and a thrown error by its name', async () => {
  const { executionArn } = await client.send(
    new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, input: '{}' }),
  );
  let status: string | undefined;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    status = (await client.send(new DescribeExecutionCommand({ executionArn }))).status;
    if (status !== 'RUNNING') break;
    await new Promise((done) => setTimeout(done, 100));
  }
  expect(status).toBe('SUCCEEDED');
  const { events = [] } = await client.send(
    new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }),
  );
  const failures = events
    .filter((e) => e.type === 'TaskFailed')
    .map((e) => ({
      error: e.taskFailedEventDetails?.error,
      cause: JSON.parse(e.taskFailedEventDetails?.cause ?? '{}') as { errorMessage?: string },
    }));
  expect(failures.map((f) => f.error)).toEqual(['Sandbox.Timedout', 'InvalidStage']);
  expect(failures[0]?.cause.errorMessage).toMatch(/Task timed out after 1\.00 seconds$/);
  expect(
    events.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name),
  ).toEqual(['Slow', 'Throws', 'Caught']);
});
