/**
 * Step Functions for the local stack: an HTTP server speaking the AWS JSON 1.0 protocol (so @aws-sdk/client-sfn
 * works unchanged with `endpoint` set) that runs one state machine's ASL on aws-local-stepfunctions.
 *
 * Operations: StartExecution (name-idempotent), DescribeExecution, GetExecutionHistory, ListExecutions,
 * StopExecution, SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat, DescribeStateMachine.
 * Task resources: `arn:aws:states:::lambda:invoke`, `arn:aws:states:::lambda:invoke.waitForTaskToken` and plain
 * Lambda ARNs, all through `invokeLambda`. The library has no callback tasks: `$$.Task.Token` is a getter that
 * issues a fresh token on each read, and each callback task's local handler invokes the Lambda, then parks until
 * SendTaskSuccess/SendTaskFailure (whose error name drives Retry/Catch) or its TimeoutSeconds (States.Timeout).
 *
 * When an execution ends, `onExecutionEnd` receives the "Step Functions Execution Status Change" event EventBridge
 * would carry (the local stack routes FAILED, TIMED_OUT and ABORTED to workflow-stopped, as the CDK rule does).
 *
 * Survival across restarts (DESIGN §6): with `dataDir`, every execution (input, status, history, the top-level
 * state it is in with that state's input, and for a callback wait its token) is written as JSON. On start, each
 * RUNNING execution resumes from that state; a parked wait gets the SAME token back and its Lambda is not invoked
 * again (unless the stop came before the invocation finished).
 *
 * Differences from AWS:
 *  - One state machine per server; Standard semantics only; no IAM, KMS, Express, versions or aliases.
 *  - History is close but not identical: no StateFailed/Retried/Caught-style events, Map iterations only as
 *    MapIteration* events, previousEventId is simply the preceding event.
 *  - After a resume, `$$.Execution.Input` and `$$.Execution.StartTime` describe the resumed run, the execution
 *    TimeoutSeconds starts again, and a state interrupted inside a Map/Parallel restarts the whole Map/Parallel
 *    (with fresh tokens). Timeouts above 24.8 days are cut to 24.8 days (Node timer limit); a task without
 *    TimeoutSeconds does not time out (as on AWS), HeartbeatSeconds is ignored, and States.TaskFailed also
 *    catches a callback's States.Timeout. JSONata and `Assign` are not supported (library limits).
 *  - Tokens are base64url JSON naming the execution, not encrypted.
 * An execution that ends (stopped, failed, torn down by stop()) never invokes a Lambda again: the library retries a
 * failed task even after an abort, and such a retry would run workflow-task for an execution that has ended.
 * A callback task ends at the first of: its token spent (success or failure), its timeout, its Lambda invocation
 * failing; an invocation that fails after the token was spent does not fail the task.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ExecutionAbortedError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { closeServer, LOOPBACK, listenLoopback } from './ports.ts';

// aws-local-stepfunctions calls Promise.withResolvers (Node 22+); without it every Task state fails on Node 20.
const promiseStatics = Promise as unknown as { withResolvers?: unknown };
if (typeof promiseStatics.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: () => withResolvers(),
  });
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Status = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
/** setTimeout's ceiling (2^31-1 ms); longer timers fire at once. */
const MAX_TIMER_SECONDS = 2_147_483;
const ERROR_NAMESPACE = 'com.amazonaws.swf.service.v2.model#';

export interface StepFunctionsOptions {
  /** The ASL (e.g. extracted from the synthesized template). */
  definition: object;
  stateMachineArn: string;
  invokeLambda: (functionName: string, payload: unknown) => Promise<unknown>;
  /** Where executions are kept across restarts; undefined = memory only. */
  dataDir?: string;
  port?: number;
  /**
   * Called once when an execution ends, with the event EventBridge receives from Step Functions ("Step Functions
   * Execution Status Change"); the caller applies the rules' patterns. Not called for runs torn down by stop().
   */
  onExecutionEnd?: (event: ExecutionStatusChange) => void;
}

/** The EventBridge event Step Functions sends when an execution changes status (here: when it ends). */
export interface ExecutionStatusChange {
  version: '0';
  id: string;
  'detail-type': 'Step Functions Execution Status Change';
  source: 'aws.states';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    status: Exclude<Status, 'RUNNING'>;
    startDate: number;
    stopDate: number;
    input: string;
    output: string | null;
    error: string | null;
    cause: string | null;
  };
}

export interface LocalStepFunctions {
  endpoint: string;
  stop(): Promise<void>;
}

interface HistoryEvent {
  id: number;
  previousEventId: number;
  /** Epoch milliseconds. */
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

interface ParkedWait {
  stateName: string;
  token: string;
  lambdaInvoked: boolean;
  /** Epoch milliseconds when the task times out; absent = never. */
  deadline?: number;
}

/** What is written to disk for each execution. */
interface ExecutionRecord {
  executionArn: string;
  name: string;
  input: string;
  status: Status;
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
  /** The top-level state the execution is in, with the input it entered with. */
  current?: { stateName: string; input: Json };
  wait?: ParkedWait;
  /** Nonces of every token issued, so a spent token is told apart from a forged one. */
  tokens: string[];
}

interface Pending {
  resolve(output: Json): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

/** In-memory state of an execution being run now. */
interface Run {
  abort(): void;
  pending: Map<string, Pending>;
  lastIssued?: string;
  /** Handed out by the first `$$.Task.Token` read of a resumed run: the token the application already holds. */
  resumeToken?: string;
  /** A resumed run re-announces ExecutionStarted and the state it resumes in: both are in the history already. */
  skipReplay: number;
  /** Set when the run ends for good (stopped, failed, torn down): its task states must not run again. */
  ended?: boolean;
}

class SfnError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** An error a state can Retry/Catch by name, with the cause as message (as the library matches `error.name`). */
class StateError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

interface TaskInfo {
  resource: string;
  kind: 'callback' | 'invoke' | 'function' | 'unsupported';
  timeoutSeconds?: number;
}

function taskKind(resource: string): TaskInfo['kind'] {
  if (resource === LAMBDA_CALLBACK) return 'callback';
  if (resource === LAMBDA_INVOKE) return 'invoke';
  if (/^arn:aws[\w-]*:lambda:[^:]*:\d*:function:/.test(resource)) return 'function';
  return 'unsupported';
}

type AnyState = { Type: string; [key: string]: unknown };
type StatesContainer = { States: Record<string, AnyState> };

/**
 * Collects every Task state (names are unique across an ASL, nested ones included) and rewrites timeouts: the
 * library defaults to 60 s and overflows past 24.8 days; callback tasks keep their own persisted deadline.
 */
function prepareDefinition(asl: object): {
  definition: StatesContainer & Record<string, unknown>;
  tasks: Map<string, TaskInfo>;
} {
  const definition = structuredClone(asl) as StatesContainer & Record<string, unknown>;
  const tasks = new Map<string, TaskInfo>();
  const visit = (container: StatesContainer) => {
    for (const [name, state] of Object.entries(container.States)) {
      if (state.Type === 'Task') {
        const resource = String(state.Resource);
        const kind = taskKind(resource);
        const declared = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined;
        tasks.set(name, { resource, kind, ...(declared ? { timeoutSeconds: declared } : {}) });
        state.TimeoutSeconds =
          kind === 'callback'
            ? MAX_TIMER_SECONDS
            : Math.min(declared ?? MAX_TIMER_SECONDS, MAX_TIMER_SECONDS);
        delete state.TimeoutSecondsPath;
        delete state.HeartbeatSeconds;
      }
      for (const nested of [state.Iterator, state.ItemProcessor, ...((state.Branches as unknown[]) ?? [])]) {
        if (nested && typeof nested === 'object') visit(nested as StatesContainer);
      }
    }
  };
  visit(definition);
  if (typeof definition.TimeoutSeconds === 'number') {
    definition.TimeoutSeconds = Math.min(definition.TimeoutSeconds, MAX_TIMER_SECONDS);
  }
  return { definition, tasks };
}

/** Execution names as AWS accepts them: 1-80 characters, none of whitespace, brackets, wildcards, punctuation
 *  that is special in ARNs or URLs, or control characters. */
function validName(name: string): boolean {
  const chars = [...name];
  return (
    chars.length >= 1 &&
    chars.length <= 80 &&
    chars.every((c) => {
      const code = c.codePointAt(0) ?? 0;
      return (
        !/\s/.test(c) && !'<>{}[]?*"#%\\^|~`$&,;:/'.includes(c) && code > 0x1f && (code < 0x7f || code > 0x9f)
      );
    })
  );
}

function withResolvers<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const toJson = (value: unknown): Json =>
  value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Json);
const tick = () => new Promise((resolve) => setImmediate(resolve));
const seconds = (ms: number) => ms / 1000;

function encodeToken(executionArn: string, nonce: string): string {
  return Buffer.from(JSON.stringify({ e: executionArn, n: nonce })).toString('base64url');
}

function decodeToken(token: unknown): { executionArn: string; nonce: string } | undefined {
  if (typeof token !== 'string' || token.length === 0 || token.length > 2048) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      e?: unknown;
      n?: unknown;
    };
    if (typeof parsed.e === 'string' && typeof parsed.n === 'string')
      return { executionArn: parsed.e, nonce: parsed.n };
  } catch {
    // Falls through: not one of ours.
  }
  return undefined;
}

/** The first string in `value` (depth first) that is a token this run issued. */
function findToken(value: unknown, issued: (candidate: string) => boolean): string | undefined {
  if (typeof value === 'string') return issued(value) ? value : undefined;
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) {
      const found = findToken(child, issued);
      if (found) return found;
    }
  }
  return undefined;
}

/** How a Lambda's thrown error shows up in Step Functions: its type as the error, a JSON cause. */
function lambdaError(err: unknown): StateError {
  const errorType = err instanceof Error ? err.name || 'Error' : 'Error';
  const errorMessage = err instanceof Error ? err.message : String(err);
  return new StateError(errorType, JSON.stringify({ errorType, errorMessage }));
}

const STATE_TYPE_PREFIX: Record<string, string> = {
  Task: 'Task',
  Choice: 'Choice',
  Pass: 'Pass',
  Wait: 'Wait',
  Succeed: 'Succeed',
  Fail: 'Fail',
  Map: 'Map',
  Parallel: 'Parallel',
};

export async function startStepFunctions({
  definition: asl,
  stateMachineArn,
  invokeLambda,
  dataDir,
  port,
  onExecutionEnd,
}: StepFunctionsOptions): Promise<LocalStepFunctions> {
  const { definition, tasks } = prepareDefinition(asl);
  const topLevelStates = new Set(Object.keys(definition.States));
  const [, , , region = 'us-east-1', account = '000000000000', , stateMachineName = 'local'] =
    stateMachineArn.split(':');
  const roleArn = `arn:aws:iam::${account}:role/local-state-machine`;
  // Validating once up front turns an ASL the library cannot run into a start-up error, not a failed execution.
  new StateMachine(definition as unknown as StateMachineDefinition);

  const executions = new Map<string, ExecutionRecord>();
  /** Set by stop(): from then on runs being torn down must not change what is on disk. */
  let stopping = false;
  const runs = new Map<string, Run>();
  const writes = new Map<string, Promise<void>>();
  const queued = new Set<string>();
  const executionsDir = dataDir ? join(dataDir, 'executions') : undefined;
  if (executionsDir) await mkdir(executionsDir, { recursive: true });
  const fileOf = (arn: string) =>
    join(executionsDir ?? '', `${createHash('sha256').update(arn).digest('hex').slice(0, 32)}.json`);

  /** Coalesced, ordered, atomic writes of one execution. */
  const persist = (exec: ExecutionRecord): Promise<void> => {
    const arn = exec.executionArn;
    if (!executionsDir || stopping) return writes.get(arn) ?? Promise.resolve();
    if (queued.has(arn)) return writes.get(arn) ?? Promise.resolve();
    queued.add(arn);
    const next = (writes.get(arn) ?? Promise.resolve())
      .then(async () => {
        queued.delete(arn);
        const file = fileOf(arn);
        await writeFile(`${file}.tmp`, JSON.stringify(exec));
        await rename(`${file}.tmp`, file);
      })
      .catch((err: unknown) => {
        console.error(`[local sfn] could not save ${arn}:`, err);
      });
    writes.set(arn, next);
    return next;
  };

  const record = (exec: ExecutionRecord, type: string, details?: Record<string, unknown>) => {
    if (stopping) return;
    const id = exec.history.length + 1;
    exec.history.push({ id, previousEventId: id - 1, timestamp: Date.now(), type, ...details });
    void persist(exec);
  };

  const finish = (exec: ExecutionRecord, status: Exclude<Status, 'RUNNING'>) => {
    exec.status = status;
    exec.stopDate = Date.now();
    exec.current = undefined;
    exec.wait = undefined;
    const run = runs.get(exec.executionArn);
    runs.delete(exec.executionArn);
    // Waits still parked (the execution was stopped, or failed in one Parallel branch while another waits): their
    // timers and the library's task timer for them would outlive the execution and keep the process alive.
    if (run) {
      run.ended = true;
      queueMicrotask(() => release(run));
    }
    if (onExecutionEnd) {
      // After the caller's response, as EventBridge delivers: never inside the API call that ended it.
      setImmediate(() => onExecutionEnd(statusChange(exec, status)));
    }
  };

  /** Ends a run for good: aborts it, then settles its parked waits, so no timer of theirs (or the library's) is left. */
  const release = (run: Run) => {
    run.ended = true;
    run.abort();
    for (const [token, pending] of run.pending) {
      run.pending.delete(token);
      clearTimeout(pending.timer);
      pending.reject(new ExecutionAbortedError());
    }
  };

  const statusChange = (
    exec: ExecutionRecord,
    status: Exclude<Status, 'RUNNING'>,
  ): ExecutionStatusChange => ({
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account,
    time: new Date(exec.stopDate ?? Date.now()).toISOString(),
    region,
    resources: [exec.executionArn],
    detail: {
      executionArn: exec.executionArn,
      stateMachineArn,
      name: exec.name,
      status,
      startDate: exec.startDate,
      stopDate: exec.stopDate ?? Date.now(),
      input: exec.input,
      output: exec.output ?? null,
      error: exec.error ?? null,
      cause: exec.cause ?? null,
    },
  });

  const taskDetails = (info: TaskInfo) => ({
    resourceType: 'lambda',
    resource: info.resource.replace('arn:aws:states:::lambda:', '') || info.resource,
  });

  /** Parks until the token is spent or times out; the pending entry exists from the moment this returns. */
  const park = (run: Run, token: string, deadline: number | undefined): Promise<Json> => {
    const { promise, resolve, reject } = withResolvers<Json>();
    const pending: Pending = { resolve, reject };
    const arm = () => {
      if (deadline === undefined) return;
      const left = deadline - Date.now();
      pending.timer = setTimeout(
        () => {
          if (Date.now() < deadline) return arm();
          run.pending.delete(token);
          reject(new StateError('States.Timeout', 'Task timed out'));
        },
        Math.max(0, Math.min(left, MAX_TIMER_SECONDS * 1000)),
      );
    };
    arm();
    run.pending.set(token, pending);
    // Settled before anyone awaits it (a timeout while the Lambda still runs): not an unhandled rejection.
    promise.catch(() => {});
    return promise;
  };

  const callbackHandler =
    (exec: ExecutionRecord, run: Run, stateName: string, info: TaskInfo) => async (input: Json) => {
      // After an abort the library still retries a failed task (its retry sleep returns at once when aborted):
      // such a retry must not invoke the Lambda of an execution that has ended.
      if (run.ended) throw new ExecutionAbortedError();
      const nonces = new Set(exec.tokens);
      const token =
        findToken(input, (candidate) => {
          const decoded = decodeToken(candidate);
          return decoded?.executionArn === exec.executionArn && nonces.has(decoded.nonce);
        }) ?? run.lastIssued;
      if (!token) throw new StateError('States.Runtime', `${stateName}: Parameters must pass $$.Task.Token`);
      const resumed = exec.wait?.token === token ? exec.wait : undefined;
      const deadline = resumed
        ? resumed.deadline
        : info.timeoutSeconds
          ? Date.now() + info.timeoutSeconds * 1000
          : undefined;
      const parked = park(run, token, deadline);
      // Let the event log catch up, so this state's entry precedes its task events and `current` is this state.
      await tick();
      const payload = (input as { Payload?: Json } | null)?.Payload ?? {};
      const functionName = String((input as { FunctionName?: Json } | null)?.FunctionName ?? '');
      const resumable = topLevelStates.has(stateName);
      let wait: ParkedWait = resumed ?? {
        stateName,
        token,
        lambdaInvoked: false,
        ...(deadline ? { deadline } : {}),
      };
      if (!resumed) {
        record(exec, 'TaskScheduled', {
          taskScheduledEventDetails: {
            ...taskDetails(info),
            region,
            parameters: JSON.stringify(input),
            ...(info.timeoutSeconds ? { timeoutInSeconds: info.timeoutSeconds } : {}),
          },
        });
        record(exec, 'TaskStarted', { taskStartedEventDetails: taskDetails(info) });
        if (resumable) {
          exec.wait = wait;
          // Written before the Lambda runs: once it has stored the token, a restart must find the same token.
          await persist(exec);
        }
      }
      try {
        if (!wait.lambdaInvoked) {
          if (run.ended) throw new ExecutionAbortedError();
          let submitted: unknown;
          let invoked = true;
          try {
            submitted = await invokeLambda(functionName, payload);
          } catch (err) {
            const pending = run.pending.get(token);
            // A token already spent (or timed out) while the Lambda ran decides the task, as on AWS: the first
            // of callback and invocation failure wins, and a failure after a callback is ignored.
            if (pending) {
              clearTimeout(pending.timer);
              run.pending.delete(token);
              throw err;
            }
            invoked = false;
          }
          if (invoked) {
            wait = { ...wait, lambdaInvoked: true };
            if (resumable && exec.status === 'RUNNING' && !stopping) exec.wait = wait;
            record(exec, 'TaskSubmitted', {
              taskSubmittedEventDetails: { ...taskDetails(info), output: JSON.stringify(toJson(submitted)) },
            });
          }
        }
        const output = await parked;
        record(exec, 'TaskSucceeded', {
          taskSucceededEventDetails: { ...taskDetails(info), output: JSON.stringify(output) },
        });
        return output;
      } catch (err) {
        const failure = err instanceof StateError ? err : lambdaError(err);
        if (exec.status === 'RUNNING' && !stopping) {
          const timedOut = failure.name === 'States.Timeout';
          record(exec, timedOut ? 'TaskTimedOut' : 'TaskFailed', {
            [timedOut ? 'taskTimedOutEventDetails' : 'taskFailedEventDetails']: {
              ...taskDetails(info),
              error: failure.name,
              cause: failure.message,
            },
          });
        }
        throw failure;
      } finally {
        if (exec.wait?.token === token && !stopping) exec.wait = undefined;
      }
    };

  const invokeHandler = (exec: ExecutionRecord, run: Run, info: TaskInfo) => async (input: Json) => {
    await tick();
    if (run.ended) throw new ExecutionAbortedError();
    const request = input as { FunctionName?: Json; Payload?: Json } | null;
    const [functionName, payload] =
      info.kind === 'function'
        ? [info.resource, input]
        : [String(request?.FunctionName ?? ''), request?.Payload ?? {}];
    record(exec, 'TaskScheduled', {
      taskScheduledEventDetails: { ...taskDetails(info), region, parameters: JSON.stringify(input) },
    });
    record(exec, 'TaskStarted', { taskStartedEventDetails: taskDetails(info) });
    let result: Json;
    try {
      result = toJson(await invokeLambda(functionName, payload));
    } catch (err) {
      const failure = lambdaError(err);
      record(exec, 'TaskFailed', {
        taskFailedEventDetails: { ...taskDetails(info), error: failure.name, cause: failure.message },
      });
      throw failure;
    }
    const output: Json =
      info.kind === 'function'
        ? result
        : {
            ExecutedVersion: '$LATEST',
            Payload: result,
            SdkHttpMetadata: { HttpHeaders: {}, HttpStatusCode: 200 },
            SdkResponseMetadata: { RequestId: randomUUID() },
            StatusCode: 200,
          };
    record(exec, 'TaskSucceeded', {
      taskSucceededEventDetails: { ...taskDetails(info), output: JSON.stringify(output) },
    });
    return output;
  };

  const onEvent = (exec: ExecutionRecord, run: Run, event: Record<string, unknown> & { type: string }) => {
    if (exec.status !== 'RUNNING' || stopping) return;
    const state = event.state as { name: string; type: string; input: Json; output?: Json } | undefined;
    switch (event.type) {
      case 'ExecutionStarted':
        if (run.skipReplay > 0) {
          run.skipReplay--;
          return;
        }
        record(exec, 'ExecutionStarted', {
          executionStartedEventDetails: { input: exec.input, inputDetails: { truncated: false }, roleArn },
        });
        return;
      case 'StateEntered': {
        if (!state) return;
        if (topLevelStates.has(state.name) && event.index === undefined) {
          exec.current = { stateName: state.name, input: state.input };
          if (run.skipReplay > 0) {
            run.skipReplay--;
            void persist(exec);
            return;
          }
        }
        record(exec, `${STATE_TYPE_PREFIX[state.type] ?? state.type}StateEntered`, {
          stateEnteredEventDetails: {
            name: state.name,
            input: JSON.stringify(state.input),
            inputDetails: { truncated: false },
          },
        });
        return;
      }
      case 'StateExited':
        if (!state) return;
        record(exec, `${STATE_TYPE_PREFIX[state.type] ?? state.type}StateExited`, {
          stateExitedEventDetails: {
            name: state.name,
            output: JSON.stringify(state.output ?? null),
            outputDetails: { truncated: false },
          },
        });
        return;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const parent = event.parentState as { name: string };
        const key = `${event.type.charAt(0).toLowerCase()}${event.type.slice(1)}EventDetails`;
        record(exec, event.type, { [key]: { name: parent.name, index: event.index } });
        return;
      }
      case 'ExecutionSucceeded':
        exec.output = JSON.stringify(event.output ?? null);
        finish(exec, 'SUCCEEDED');
        record(exec, 'ExecutionSucceeded', {
          executionSucceededEventDetails: { output: exec.output, outputDetails: { truncated: false } },
        });
        return;
      case 'ExecutionFailed':
        exec.error = String(event.Error ?? '');
        exec.cause = typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause ?? '');
        finish(exec, 'FAILED');
        record(exec, 'ExecutionFailed', {
          executionFailedEventDetails: { error: exec.error, cause: exec.cause },
        });
        return;
      case 'ExecutionTimeout':
        exec.error = 'States.Timeout';
        finish(exec, 'TIMED_OUT');
        record(exec, 'ExecutionTimedOut', { executionTimedOutEventDetails: { error: 'States.Timeout' } });
        return;
      default:
        return;
    }
  };

  /** Runs (or resumes) an execution from `startAt` with `input`. */
  const launch = (
    exec: ExecutionRecord,
    startAt: string,
    input: Json,
    replayed = 0,
    resumeToken?: string,
  ) => {
    const run: Run = { abort: () => {}, pending: new Map(), skipReplay: replayed };
    if (resumeToken) run.resumeToken = resumeToken;
    runs.set(exec.executionArn, run);
    const context = {
      Execution: { Id: exec.executionArn, Name: exec.name, RoleArn: roleArn },
      StateMachine: { Id: stateMachineArn, Name: stateMachineName },
      Task: {
        get Token() {
          if (run.resumeToken) {
            const token = run.resumeToken;
            run.resumeToken = undefined;
            run.lastIssued = token;
            return token;
          }
          const nonce = randomBytes(24).toString('base64url');
          exec.tokens.push(nonce);
          run.lastIssued = encodeToken(exec.executionArn, nonce);
          return run.lastIssued;
        },
      },
    };
    const taskResourceLocalHandlers: Record<string, (input: Json) => Promise<Json>> = {};
    for (const [name, info] of tasks) {
      taskResourceLocalHandlers[name] =
        info.kind === 'callback'
          ? callbackHandler(exec, run, name, info)
          : info.kind === 'unsupported'
            ? async () => {
                throw new StateError('States.Runtime', `${info.resource} is not emulated locally`);
              }
            : invokeHandler(exec, run, info);
    }
    const machine = new StateMachine(
      { ...definition, StartAt: startAt } as unknown as StateMachineDefinition,
      {
        validationOptions: { noValidate: true },
      },
    );
    const execution = machine.run(input as never, {
      context,
      noThrowOnAbort: true,
      overrides: { taskResourceLocalHandlers: taskResourceLocalHandlers as never },
    });
    run.abort = execution.abort;
    execution.result.catch((err: unknown) => {
      // Failures reach the history through the event log; anything else is an emulator bug worth seeing.
      if (
        !(err instanceof ExecutionAbortedError) &&
        !(err instanceof Error && /Execution|Timeout/.test(err.name))
      ) {
        console.error('[local sfn] execution crashed:', err);
      }
    });
    void (async () => {
      for await (const event of execution.eventLogs) {
        onEvent(exec, run, event as unknown as Record<string, unknown> & { type: string });
      }
    })();
  };

  const executionArnOf = (name: string) =>
    `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

  const getExecution = (arn: unknown): ExecutionRecord => {
    const exec = typeof arn === 'string' ? executions.get(arn) : undefined;
    if (!exec) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(arn)}'`);
    return exec;
  };

  /** Finds the parked task a token names, with AWS's distinction between a bad, an unknown and a spent token. */
  const pendingFor = (
    token: unknown,
  ): { exec: ExecutionRecord; run: Run; pending: Pending; token: string } => {
    const decoded = decodeToken(token);
    if (!decoded) throw new SfnError('InvalidToken', 'Invalid Token');
    const exec = executions.get(decoded.executionArn);
    if (!exec) throw new SfnError('TaskDoesNotExist', 'Task Does Not Exist');
    if (!exec.tokens.includes(decoded.nonce)) throw new SfnError('InvalidToken', 'Invalid Token');
    const run = runs.get(exec.executionArn);
    const pending = run?.pending.get(token as string);
    if (!run || !pending) {
      throw new SfnError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    return { exec, run, pending, token: token as string };
  };

  const describe = (exec: ExecutionRecord) => ({
    executionArn: exec.executionArn,
    stateMachineArn,
    name: exec.name,
    status: exec.status,
    startDate: seconds(exec.startDate),
    ...(exec.stopDate ? { stopDate: seconds(exec.stopDate) } : {}),
  });

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    StartExecution(body) {
      if (body.stateMachineArn !== stateMachineArn) {
        throw new SfnError(
          'StateMachineDoesNotExist',
          `State Machine Does Not Exist: '${String(body.stateMachineArn)}'`,
        );
      }
      const name = body.name === undefined ? randomUUID() : body.name;
      if (typeof name !== 'string' || !validName(name)) {
        throw new SfnError('InvalidName', `Invalid Name: '${String(name)}'`);
      }
      const input = body.input === undefined ? '{}' : String(body.input);
      let parsed: Json;
      try {
        parsed = JSON.parse(input) as Json;
      } catch {
        throw new SfnError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
      }
      const executionArn = executionArnOf(name);
      const existing = executions.get(executionArn);
      if (existing) {
        // AWS: same name and input while still running returns the original execution; anything else is refused.
        if (
          existing.status === 'RUNNING' &&
          JSON.stringify(JSON.parse(existing.input)) === JSON.stringify(parsed)
        ) {
          return { executionArn, startDate: seconds(existing.startDate) };
        }
        throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
      }
      const exec: ExecutionRecord = {
        executionArn,
        name,
        input,
        status: 'RUNNING',
        startDate: Date.now(),
        history: [],
        tokens: [],
      };
      executions.set(executionArn, exec);
      void persist(exec);
      launch(exec, String(definition.StartAt), parsed);
      return { executionArn, startDate: seconds(exec.startDate) };
    },

    DescribeExecution(body) {
      const exec = getExecution(body.executionArn);
      return {
        ...describe(exec),
        input: exec.input,
        inputDetails: { included: true },
        ...(exec.output !== undefined ? { output: exec.output, outputDetails: { included: true } } : {}),
        ...(exec.error !== undefined ? { error: exec.error } : {}),
        ...(exec.cause !== undefined ? { cause: exec.cause } : {}),
      };
    },

    GetExecutionHistory(body) {
      const exec = getExecution(body.executionArn);
      const all = body.reverseOrder ? [...exec.history].reverse() : exec.history;
      const offset = typeof body.nextToken === 'string' ? Number(body.nextToken) || 0 : 0;
      const limit = typeof body.maxResults === 'number' && body.maxResults > 0 ? body.maxResults : 100;
      const page = all
        .slice(offset, offset + limit)
        .map((event) => ({ ...event, timestamp: seconds(event.timestamp) }));
      return {
        events: page,
        ...(offset + limit < all.length ? { nextToken: String(offset + limit) } : {}),
      };
    },

    ListExecutions(body) {
      if (body.stateMachineArn !== undefined && body.stateMachineArn !== stateMachineArn) {
        throw new SfnError(
          'StateMachineDoesNotExist',
          `State Machine Does Not Exist: '${String(body.stateMachineArn)}'`,
        );
      }
      const all = [...executions.values()]
        .filter((exec) => body.statusFilter === undefined || exec.status === body.statusFilter)
        .sort((a, b) => b.startDate - a.startDate);
      const offset = typeof body.nextToken === 'string' ? Number(body.nextToken) || 0 : 0;
      const limit = typeof body.maxResults === 'number' && body.maxResults > 0 ? body.maxResults : 100;
      return {
        executions: all.slice(offset, offset + limit).map(describe),
        ...(offset + limit < all.length ? { nextToken: String(offset + limit) } : {}),
      };
    },

    StopExecution(body) {
      const exec = getExecution(body.executionArn);
      if (exec.status === 'RUNNING') {
        const run = runs.get(exec.executionArn);
        finish(exec, 'ABORTED');
        record(exec, 'ExecutionAborted', {
          executionAbortedEventDetails: {
            ...(body.error !== undefined ? { error: String(body.error) } : {}),
            ...(body.cause !== undefined ? { cause: String(body.cause) } : {}),
          },
        });
        run?.abort();
      }
      return { stopDate: seconds(exec.stopDate ?? Date.now()) };
    },

    SendTaskSuccess(body) {
      const { exec, run, pending, token } = pendingFor(body.taskToken);
      let output: Json;
      try {
        output = JSON.parse(String(body.output)) as Json;
      } catch {
        throw new SfnError('InvalidOutput', 'Invalid Output: not valid JSON');
      }
      run.pending.delete(token);
      clearTimeout(pending.timer);
      pending.resolve(output);
      void persist(exec);
      return {};
    },

    SendTaskFailure(body) {
      const { exec, run, pending, token } = pendingFor(body.taskToken);
      run.pending.delete(token);
      clearTimeout(pending.timer);
      pending.reject(new StateError(String(body.error ?? ''), String(body.cause ?? '')));
      void persist(exec);
      return {};
    },

    SendTaskHeartbeat(body) {
      pendingFor(body.taskToken);
      return {};
    },

    DescribeStateMachine(body) {
      if (body.stateMachineArn !== stateMachineArn) {
        throw new SfnError(
          'StateMachineDoesNotExist',
          `State Machine Does Not Exist: '${String(body.stateMachineArn)}'`,
        );
      }
      return {
        stateMachineArn,
        name: stateMachineName,
        status: 'ACTIVE',
        definition: JSON.stringify(asl),
        roleArn,
        type: 'STANDARD',
        creationDate: seconds(Date.now()),
      };
    },
  };

  // Resume what was running when the previous process stopped.
  if (executionsDir) {
    for (const file of await readdir(executionsDir)) {
      if (!file.endsWith('.json')) continue;
      const exec = JSON.parse(await readFile(join(executionsDir, file), 'utf8')) as ExecutionRecord;
      executions.set(exec.executionArn, exec);
      if (exec.status !== 'RUNNING') continue;
      if (exec.current) {
        // ExecutionStarted and the entry into the current state are in the history already.
        const token = exec.wait?.stateName === exec.current.stateName ? exec.wait.token : undefined;
        if (!token) exec.wait = undefined;
        launch(exec, exec.current.stateName, exec.current.input, 2, token);
      } else {
        // Stopped before the first state was entered: start over, without a second ExecutionStarted.
        launch(
          exec,
          String(definition.StartAt),
          JSON.parse(exec.input) as Json,
          exec.history.length > 0 ? 1 : 0,
        );
      }
    }
  }

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
    });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AWSStepFunctions.')
      ? operations[target.slice('AWSStepFunctions.'.length)]
      : undefined;
    if (req.method !== 'POST' || !operation) {
      return reply(res, 400, { __type: 'UnknownOperationException', message: `Unknown operation ${target}` });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return reply(res, 400, { __type: 'SerializationException', message: 'Request body is not JSON' });
    }
    try {
      reply(res, 200, operation(body));
    } catch (err) {
      if (err instanceof SfnError)
        return reply(res, 400, { __type: `${ERROR_NAMESPACE}${err.type}`, message: err.message });
      console.error('[local sfn] internal error:', err);
      reply(res, 500, { __type: 'InternalFailure', message: 'internal error' });
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  const boundPort = await listenLoopback(server, port ?? 0);

  return {
    endpoint: `http://${LOOPBACK}:${boundPort}`,
    async stop() {
      await closeServer(server);
      // Running executions stay RUNNING on disk, to be resumed by the next start on this dataDir.
      stopping = true;
      // Settle the parked waits too: the library clears its own task timers only when a task settles, and a
      // timer left behind would keep the process alive after stop.
      for (const run of runs.values()) release(run);
      runs.clear();
      await Promise.all(writes.values());
    },
  };
}
