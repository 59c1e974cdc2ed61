/**
 * The local Lambda runtime (lib/local/lambda-runtime.ts) runs each function as Lambda does: its own environment
 * variables and module state, a cold start then warm reuse, one invocation at a time per environment, the timeout
 * enforced, and a crash costing only that environment. Real worker threads, fixture handlers
 * (test/unit/local/fixtures/).
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLambdaRuntime,
  type FunctionConfig,
  type LambdaRuntime,
} from '../../../lib/local/lambda-runtime.ts';

const fixture = (file: string) => resolve(import.meta.dirname, 'fixtures', file);

const CONFIGS: Record<string, FunctionConfig> = {
  mine: {
    entry: fixture('lambda.ts'),
    environment: { TABLE_NAME: 'mine-table', ONLY_MINE: 'yes' },
    timeoutSeconds: 1,
    memoryMb: 128,
  },
  neighbour: {
    entry: fixture('lambda.ts'),
    environment: { NEIGHBOUR: 'yes' },
    timeoutSeconds: 1,
    memoryMb: 128,
  },
  serial: {
    entry: fixture('lambda.ts'),
    environment: {},
    timeoutSeconds: 5,
    memoryMb: 128,
    reservedConcurrency: 1,
  },
  'no-table': { entry: fixture('reads-table-at-init.ts'), environment: {}, timeoutSeconds: 1, memoryMb: 128 },
};

/**
 * Every other name is the fixture with an empty environment: one name per test keeps their counts apart. A crash
 * gets 20 s: filling a 128 MB heap takes a few seconds on a busy machine.
 */
const configOf = (name: string): FunctionConfig | undefined =>
  CONFIGS[name] ??
  (name.startsWith('fixture-')
    ? {
        entry: fixture('lambda.ts'),
        environment: {},
        timeoutSeconds: name.startsWith('fixture-crash-') ? 20 : 1,
        memoryMb: 128,
      }
    : undefined);

let runtime: LambdaRuntime;

beforeAll(() => {
  // In this process only: no function may see it.
  process.env.PARENT_ONLY = 'parent';
  runtime = createLambdaRuntime({ config: configOf });
});

afterAll(async () => {
  delete process.env.PARENT_ONLY;
  await runtime.stop();
});

const failureOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the invocation to fail');
};

describe('local Lambda runtime', { timeout: 60_000 }, () => {
  it('gives each function exactly its own environment: not its neighbour’s, not this process’s', async () => {
    expect(await runtime.invoke('mine', { action: 'env' })).toEqual({
      TABLE_NAME: 'mine-table',
      ONLY_MINE: 'yes',
    });
    expect(await runtime.invoke('neighbour', { action: 'env' })).toEqual({ NEIGHBOUR: 'yes' });
  });

  it('fails the init phase of a function that reads a variable its definition does not set', async () => {
    const failure = await failureOf(runtime.invoke('no-table', {}));
    expect(failure.message).toBe('Missing environment variable TABLE_NAME');
    // Lambda runs the init again on the next invocation: it fails again, from a fresh environment.
    expect((await failureOf(runtime.invoke('no-table', {}))).message).toBe(
      'Missing environment variable TABLE_NAME',
    );
    expect(runtime.stats('no-table')).toMatchObject({ coldStarts: 2, environments: 0 });
  });

  it('starts cold once, then reuses the warm environment with its module state', async () => {
    expect(runtime.stats('fixture-warm')).toMatchObject({ coldStarts: 0, environments: 0 });
    expect(await runtime.invoke('fixture-warm', { action: 'count' })).toEqual({ invocations: 1 });
    expect(await runtime.invoke('fixture-warm', { action: 'count' })).toEqual({ invocations: 2 });
    expect(await runtime.invoke('fixture-warm', { action: 'count' })).toEqual({ invocations: 3 });
    expect(runtime.stats('fixture-warm')).toMatchObject({ coldStarts: 1, invocations: 3, environments: 1 });
    expect(runtime.stats('fixture-warm').lastInitMs).toBeGreaterThan(0);
    // Another function with the same code has its own module state.
    expect(await runtime.invoke('fixture-other', { action: 'count' })).toEqual({ invocations: 1 });
  });

  it('hands the context its name, memory and the time left before its timeout', async () => {
    const context = (await runtime.invoke('fixture-context', { action: 'context' })) as Record<
      string,
      unknown
    >;
    expect(context).toMatchObject({ functionName: 'fixture-context', memoryLimitInMB: '128' });
    expect(context.remaining).toBeGreaterThan(0);
    expect(context.remaining).toBeLessThanOrEqual(1000);
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('runs concurrent invocations in separate environments, at most two, and queues the rest', async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, () => runtime.invoke('fixture-concurrent', { action: 'sleep', ms: 300 })),
    );
    expect(results).toEqual(Array.from({ length: 4 }, () => ({ slept: 300 })));
    expect(runtime.stats('fixture-concurrent')).toMatchObject({ coldStarts: 2, environments: 2 });
  });

  it('never runs more environments than the reserved concurrency', async () => {
    await Promise.all(Array.from({ length: 3 }, () => runtime.invoke('serial', { action: 'sleep', ms: 50 })));
    expect(runtime.stats('serial')).toMatchObject({ coldStarts: 1, environments: 1 });
    expect(await runtime.invoke('serial', { action: 'count' })).toEqual({ invocations: 4 });
  });

  it('passes a thrown error’s name and message, and keeps the environment', async () => {
    await runtime.invoke('fixture-throws', { action: 'count' });
    const failure = await failureOf(runtime.invoke('fixture-throws', { action: 'throw' }));
    expect(failure).toMatchObject({
      name: 'InvalidStage',
      message: 'The application is not awaiting a contract',
    });
    expect(await runtime.invoke('fixture-throws', { action: 'count' })).toEqual({ invocations: 3 });
    expect(runtime.stats('fixture-throws').coldStarts).toBe(1);
  });

  it('kills a handler over its timeout, reports Sandbox.Timedout, and starts the next invocation cold', async () => {
    await runtime.invoke('fixture-timeout', { action: 'count' });
    const started = Date.now();
    const failure = await failureOf(runtime.invoke('fixture-timeout', { action: 'sleep', ms: 30_000 }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failure.name).toBe('Sandbox.Timedout');
    expect(failure.message).toMatch(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/);
    expect(await runtime.invoke('fixture-timeout', { action: 'count' })).toEqual({ invocations: 1 });
    expect(runtime.stats('fixture-timeout')).toMatchObject({ coldStarts: 2, environments: 1 });
  });

  it.each([
    ['an uncaught exception', 'uncaught', 'RangeError', 'thrown outside the handler'],
    [
      'an unhandled rejection',
      'reject',
      'Runtime.UnhandledPromiseRejection',
      'TypeError: nobody awaited this',
    ],
    ['process.exit', 'exit', 'Runtime.ExitError', 'Runtime exited with error: exit status 3'],
    [
      'a heap over the memory size',
      'exhaust-memory',
      'Runtime.OutOfMemory',
      expect.stringContaining('128 MB'),
    ],
  ])('reports %s as a function error and replaces the environment', async (_, action, name, message) => {
    const fn = `fixture-crash-${action}`;
    await runtime.invoke(fn, { action: 'count' });
    expect(await failureOf(runtime.invoke(fn, { action }))).toMatchObject({ name, message });
    expect(await runtime.invoke(fn, { action: 'count' })).toEqual({ invocations: 1 });
    expect(runtime.stats(fn)).toMatchObject({ coldStarts: 2, environments: 1 });
  });

  it('injects timeouts and crashes on demand, failing exactly as the real ones do', async () => {
    const faults: Record<string, 'timeout' | 'crash' | undefined> = {};
    const own = createLambdaRuntime({ config: configOf, fault: (name) => faults[name] });
    try {
      await own.invoke('fixture-injected', { action: 'count' });
      faults['fixture-injected'] = 'timeout';
      const timedOut = await failureOf(own.invoke('fixture-injected', { action: 'count' }));
      expect(timedOut.name).toBe('Sandbox.Timedout');
      expect(timedOut.message).toMatch(
        /^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/,
      );
      // The handler ran (its module state counted it) before its environment was terminated.
      faults['fixture-injected'] = undefined;
      expect(await own.invoke('fixture-injected', { action: 'count' })).toEqual({ invocations: 1 });
      expect(own.stats('fixture-injected')).toMatchObject({ coldStarts: 2, environments: 1 });

      faults['fixture-injected'] = 'crash';
      expect(await failureOf(own.invoke('fixture-injected', { action: 'count' }))).toMatchObject({
        name: 'Runtime.ExitError',
        message: 'Runtime exited with error: exit status 1',
      });
      faults['fixture-injected'] = undefined;
      // The crash came before the handler: the next environment's first invocation is its first.
      expect(await own.invoke('fixture-injected', { action: 'count' })).toEqual({ invocations: 1 });
      expect(own.stats('fixture-injected')).toMatchObject({ coldStarts: 3, environments: 1, invocations: 5 });
    } finally {
      await own.stop();
    }
  });

  it('answers ResourceNotFoundException for a name that is not a function', async () => {
    expect(await failureOf(runtime.invoke('nope', {}))).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('terminates every environment on stop; later invocations fail', async () => {
    const own = createLambdaRuntime({ config: configOf });
    await own.invoke('fixture-stop', { action: 'count' });
    const inFlight = failureOf(own.invoke('fixture-stop', { action: 'sleep', ms: 10_000 }));
    await own.stop();
    expect((await inFlight).name).toBe('ServiceException');
    expect(own.stats('fixture-stop').environments).toBe(0);
    expect((await failureOf(own.invoke('fixture-stop', { action: 'count' }))).name).toBe('ServiceException');
  });
});
