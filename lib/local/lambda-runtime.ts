/**
 * Runs functions as Lambda runs them (issue 8 §2): each execution environment is a worker thread with the
 * function's own `process.env` (exactly what its definition gives, nothing from this process), its own module
 * state, a heap limit from its memory size and its timeout.
 *  1. The first invocation of a function starts an environment (the cold start: the worker loads the handler);
 *     later ones reuse a warm, idle environment.
 *  2. An environment handles one invocation at a time. A concurrent invocation starts another environment, up to
 *     the function's reserved concurrency and at most `maxEnvironments` (2 by default: a cold start takes 0.7–4 s
 *     and about 35 MB here, on 2 cores at load 12–16); beyond that it waits for one to be free, rather than
 *     failing as an over-limit Lambda invoke would (TooManyRequestsException). A warm invocation costs 0.1 ms
 *     (median round trip of the message to the worker and back).
 *  3. An invocation over the timeout terminates its environment and fails with `Sandbox.Timedout`, "Task timed out
 *     after 10.00 seconds"; a crash (uncaught exception, unhandled rejection, process.exit, heap exhausted) fails
 *     the invocation and discards the environment; so does an error thrown while loading (the init phase).
 *  3a. Faults on demand (`fault`, lib/local/faults.ts `invocations`): an injected timeout lets the handler run to
 *     its end (its writes happen, as when a function overruns its timeout on its last call), then fails exactly as
 *     the real timeout does (`Sandbox.Timedout`, environment terminated), without waiting out the timeout; an
 *     injected crash terminates the environment as the event arrives, before the handler runs, and fails as a
 *     real exit does (`Runtime.ExitError`, "Runtime exited with error: exit status 1").
 *  4. Environments idle for `idleMs` (10 minutes: a test run keeps its environments warm) are reaped, as Lambda
 *     reclaims idle ones; the next invocation is cold again.
 * A failed invocation rejects with an Error whose name is Lambda's errorType and whose message is its
 * errorMessage: the Step Functions emulator matches `ErrorEquals` on that name.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { bundle } from './lambda-bundle.ts';
import type {
  EnvironmentData,
  EnvironmentMessage,
  InvokeMessage,
  SerializedError,
} from './lambda-environment.ts';

export interface FunctionConfig {
  /** Absolute path of the handler module; it exports `handler`. */
  entry: string;
  /** Absolute paths of folders the handler reads beside its module (lib/functions.ts `files`). */
  files?: readonly string[];
  /** The function's whole environment: its worker's `process.env` is this object and nothing else. */
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  /** Reserved concurrency, if any: never more environments than this. */
  reservedConcurrency?: number;
}

export interface LambdaRuntimeOptions {
  /** The configuration of a function by name; undefined for a name that is not a function. */
  config: (name: string) => FunctionConfig | undefined;
  maxEnvironments?: number;
  idleMs?: number;
  /**
   * How long the init phase (bundling and loading the handler) may take: 60 s by default, not Lambda's 10, as
   * loading node_modules on 2 busy cores is slower than a minified bundle on Lambda.
   */
  initTimeoutMs?: number;
  log?: (line: string) => void;
  /** Asked once per invocation, when its environment is ready: a fault to inject into it, if any. */
  fault?: (name: string) => 'timeout' | 'crash' | undefined;
}

export interface LambdaStats {
  coldStarts: number;
  /** Milliseconds from the last cold start's beginning (bundling included) to its handler loaded. */
  lastInitMs?: number;
  invocations: number;
  environments: number;
}

export interface LambdaRuntime {
  invoke(name: string, event: unknown): Promise<unknown>;
  /** Per function: cold starts so far, invocations so far, environments alive now. */
  stats(name: string): LambdaStats;
  /** Terminates every environment; invocations in flight or waiting fail. */
  stop(): Promise<void>;
}

/** An error as Lambda reports it: `name` is the errorType. */
export class LambdaError extends Error {
  constructor(errorType: string, message: string, stack?: string) {
    super(message);
    this.name = errorType;
    if (stack) this.stack = stack;
  }
}

const fromSerialized = ({ name, message, stack }: SerializedError) => new LambdaError(name, message, stack);

const ENVIRONMENT_MODULE = fileURLToPath(new URL('./lambda-environment.ts', import.meta.url));

interface Environment {
  /** Absent while the code is being bundled. */
  worker?: Worker;
  /** Resolves once the handler is loaded (never rejects: a failed init ends the environment). */
  ready: Promise<void>;
  loaded: () => void;
  lastUsed: number;
  /** Set while an invocation runs: how the environment's end fails it. */
  fail?: (error: Error) => void;
}

interface Pool {
  environments: Set<Environment>;
  idle: Environment[];
  waiting: ((environment: Environment | Error) => void)[];
  coldStarts: number;
  lastInitMs?: number;
  initMsTotal: number;
  invocations: number;
}

export const createLambdaRuntime = (opts: LambdaRuntimeOptions): LambdaRuntime => {
  const maxEnvironments = opts.maxEnvironments ?? 2;
  const idleMs = opts.idleMs ?? 10 * 60_000;
  const initTimeoutMs = opts.initTimeoutMs ?? 60_000;
  const log = opts.log ?? (() => undefined);
  const pools = new Map<string, Pool>();
  let stopped = false;

  const poolOf = (name: string): Pool => {
    let pool = pools.get(name);
    if (!pool) {
      pool = {
        environments: new Set(),
        idle: [],
        waiting: [],
        coldStarts: 0,
        invocations: 0,
        initMsTotal: 0,
      };
      pools.set(name, pool);
    }
    return pool;
  };

  const discard = (pool: Pool, environment: Environment) => {
    environment.fail = undefined;
    if (!pool.environments.delete(environment)) return;
    pool.idle = pool.idle.filter((e) => e !== environment);
    void environment.worker?.terminate();
  };

  /** The environment is gone: the invocation (or init) it was running fails with `error`, once. */
  const end = (pool: Pool, environment: Environment, error: Error) => {
    const fail = environment.fail;
    discard(pool, environment);
    fail?.(error);
  };

  const bundles = new Map<string, Promise<string>>();
  /** Bundled once per runtime: a restart of the stack picks up changed code, as a deployment would. */
  const bundled = (entry: string, files?: readonly string[]) => {
    let file = bundles.get(entry);
    if (!file) {
      file = bundle(entry, files);
      bundles.set(entry, file);
      file.catch(() => bundles.delete(entry));
    }
    return file;
  };

  /** The worker: its own env, a heap limit, the handler loaded; every way it can end fails its invocation. */
  const launch = async (name: string, config: FunctionConfig, pool: Pool, environment: Environment) => {
    const [environmentFile, handlerFile] = await Promise.all([
      bundled(ENVIRONMENT_MODULE),
      bundled(config.entry, config.files),
    ]);
    if (!pool.environments.has(environment)) return;
    const data: EnvironmentData = {
      handlerModule: pathToFileURL(handlerFile).href,
      functionName: name,
      memoryMb: config.memoryMb,
    };
    const worker = new Worker(environmentFile, {
      workerData: data,
      env: { ...config.environment },
      // The JS heap only: Lambda's limit covers the whole sandbox (buffers, native memory, the runtime).
      resourceLimits: { maxOldGenerationSizeMb: config.memoryMb },
    });
    environment.worker = worker;
    worker.on('message', (message: EnvironmentMessage) => {
      if (message.type === 'ready') environment.loaded();
      if (message.type === 'init-error' || message.type === 'crash') {
        end(pool, environment, fromSerialized(message.error));
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      end(
        pool,
        environment,
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new LambdaError(
              'Runtime.OutOfMemory',
              `Runtime exited with error: heap over the function's ${config.memoryMb} MB`,
            )
          : new LambdaError(error.name, error.message, error.stack),
      );
    });
    worker.on('exit', (code) =>
      end(
        pool,
        environment,
        new LambdaError('Runtime.ExitError', `Runtime exited with error: exit status ${code}`),
      ),
    );
  };

  /** A cold start, for the invocation that needed it: it is never idle before that invocation ends. */
  const start = (name: string, config: FunctionConfig, pool: Pool): Environment => {
    let loaded: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      loaded = resolve;
    });
    const environment: Environment = { ready, loaded, lastUsed: Date.now() };
    const initTimer = setTimeout(
      () =>
        end(
          pool,
          environment,
          new LambdaError('Sandbox.Timedout', `Init timed out after ${initTimeoutMs} ms`),
        ),
      initTimeoutMs,
    );
    const began = performance.now();
    void ready.then(() => {
      clearTimeout(initTimer);
      pool.lastInitMs = Math.round(performance.now() - began);
      pool.initMsTotal += pool.lastInitMs;
    });
    pool.environments.add(environment);
    pool.coldStarts++;
    launch(name, config, pool, environment).catch((error: Error) => {
      clearTimeout(initTimer);
      // esbuild's message names the file and line, as Lambda's Runtime.UserCodeSyntaxError does.
      end(pool, environment, new LambdaError('Runtime.UserCodeSyntaxError', error.message));
    });
    return environment;
  };

  /** A free environment: an idle one, a new one if the limit allows, else the next one released. */
  const acquire = (name: string, config: FunctionConfig, pool: Pool): Promise<Environment> | Environment => {
    const idle = pool.idle.pop();
    if (idle) return idle;
    const limit = Math.min(maxEnvironments, config.reservedConcurrency ?? maxEnvironments);
    if (pool.environments.size < limit) return start(name, config, pool);
    return new Promise<Environment>((resolve, reject) => {
      pool.waiting.push((next) => (next instanceof Error ? reject(next) : resolve(next)));
    });
  };

  /** Hands a finished environment to the next waiting invocation, or parks it; a waiter of a discarded one starts anew. */
  const release = (name: string, config: FunctionConfig, pool: Pool, environment: Environment) => {
    environment.fail = undefined;
    environment.lastUsed = Date.now();
    const waiter = pool.waiting.shift();
    const alive = pool.environments.has(environment);
    if (!waiter) {
      if (alive) pool.idle.push(environment);
      return;
    }
    waiter(alive ? environment : start(name, config, pool));
  };

  const invoke = async (name: string, event: unknown): Promise<unknown> => {
    if (stopped) throw new LambdaError('ServiceException', 'The local Lambda runtime is stopped');
    const config = opts.config(name);
    if (!config) throw new LambdaError('ResourceNotFoundException', `Function not found: ${name}`);
    const pool = poolOf(name);
    const environment = await acquire(name, config, pool);
    if (stopped) throw new LambdaError('ServiceException', 'The local Lambda runtime stopped');
    pool.invocations++;
    const requestId = randomUUID();
    try {
      return await new Promise<unknown>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        let injected: 'timeout' | 'crash' | undefined;
        const timeOut = () => {
          log(
            `[lambda] ${name} ${requestId} timed out after ${config.timeoutSeconds} s; environment terminated${injected ? ' (injected)' : ''}`,
          );
          end(
            pool,
            environment,
            new LambdaError(
              'Sandbox.Timedout',
              `RequestId: ${requestId} Error: Task timed out after ${config.timeoutSeconds.toFixed(2)} seconds`,
            ),
          );
        };
        const settle = (message: EnvironmentMessage) => {
          if ((message.type !== 'result' && message.type !== 'error') || message.requestId !== requestId)
            return;
          if (injected === 'timeout') {
            environment.worker?.off('message', settle);
            return timeOut();
          }
          if (message.type === 'result') {
            resolve(JSON.parse(message.payload));
          } else {
            reject(fromSerialized(message.error));
          }
          environment.fail = undefined;
          clearTimeout(timer);
          environment.worker?.off('message', settle);
        };
        // The environment's end (init error, crash, timeout, stop) fails this invocation, loading or running.
        const fail = (error: Error) => {
          clearTimeout(timer);
          if (error.name !== 'Sandbox.Timedout') log(`[lambda] ${name} ${requestId} failed: ${error.name}`);
          reject(error);
        };
        environment.fail = fail;
        void environment.ready.then(() => {
          const worker = environment.worker;
          if (environment.fail !== fail || !worker) return;
          injected = opts.fault?.(name);
          if (injected === 'crash') {
            log(`[lambda] ${name} ${requestId}: injected crash`);
            // The worker's exit takes the real path: 'exit' ends the environment with Runtime.ExitError.
            void worker.terminate();
            return;
          }
          timer = setTimeout(timeOut, config.timeoutSeconds * 1000);
          worker.on('message', settle);
          const message: InvokeMessage = {
            requestId,
            event: JSON.stringify(event ?? null),
            deadline: Date.now() + config.timeoutSeconds * 1000,
          };
          worker.postMessage(message);
        });
      });
    } finally {
      release(name, config, pool, environment);
    }
  };

  const reaper = setInterval(
    () => {
      const now = Date.now();
      for (const pool of pools.values()) {
        for (const environment of pool.idle) {
          if (now - environment.lastUsed >= idleMs) discard(pool, environment);
        }
      }
    },
    Math.min(idleMs, 30_000),
  ).unref();

  return {
    invoke,
    stats: (name) => {
      const pool = pools.get(name);
      return {
        coldStarts: pool?.coldStarts ?? 0,
        ...(pool?.lastInitMs === undefined ? {} : { lastInitMs: pool.lastInitMs }),
        invocations: pool?.invocations ?? 0,
        environments: pool?.environments.size ?? 0,
      };
    },
    async stop() {
      stopped = true;
      const pooled = [...pools.values()];
      const sum = (of: (pool: Pool) => number) => pooled.reduce((total, pool) => total + of(pool), 0);
      if (pooled.length > 0) {
        log(
          `[lambda] ${sum((p) => p.invocations)} invocations of ${pooled.length} functions; ${sum((p) => p.coldStarts)} cold starts, ${(sum((p) => p.initMsTotal) / 1000).toFixed(1)} s of init`,
        );
      }
      clearInterval(reaper);
      const stopping = new LambdaError('ServiceException', 'The local Lambda runtime stopped');
      const workers: Worker[] = [];
      for (const pool of pools.values()) {
        for (const waiter of pool.waiting.splice(0)) waiter(stopping);
        for (const environment of pool.environments) {
          environment.fail?.(stopping);
          environment.fail = undefined;
          if (environment.worker) workers.push(environment.worker);
        }
        pool.environments.clear();
        pool.idle = [];
      }
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
};
