/**
 * One Lambda execution environment, inside a worker thread (lib/local/lambda-runtime.ts starts it, bundled by
 * lib/local/lambda-bundle.ts like the handler it loads). The worker was created with the function's own `process.env`; this module runs the init phase
 * (loads the handler module once), then handles one invocation at a time, as the Lambda runtime does:
 *  1. events and results cross as JSON strings, as they do on Lambda (no Dates, no undefined, no class instances);
 *  2. a thrown error crosses as its name, message and stack (Lambda's errorType, errorMessage, trace);
 *  3. an uncaught exception or an unhandled rejection is reported and ends the environment, as the Node.js
 *     runtime's own handlers do; the next invocation gets a fresh one.
 */
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';

export interface EnvironmentData {
  /** Module URL of the handler's bundle; it exports `handler`. */
  handlerModule: string;
  functionName: string;
  memoryMb: number;
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

/** Parent → environment: one invocation; `deadline` is epoch milliseconds (getRemainingTimeInMillis). */
export interface InvokeMessage {
  requestId: string;
  event: string;
  deadline: number;
}

/** Environment → parent. */
export type EnvironmentMessage =
  | { type: 'ready' }
  | { type: 'init-error'; error: SerializedError }
  | { type: 'result'; requestId: string; payload: string }
  | { type: 'error'; requestId: string; error: SerializedError }
  /** An uncaught exception or unhandled rejection: the environment exits right after. */
  | { type: 'crash'; error: SerializedError };

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export const serializeError = (error: unknown): SerializedError =>
  error instanceof Error
    ? { name: error.name || 'Error', message: error.message, ...(error.stack ? { stack: error.stack } : {}) }
    : { name: 'Error', message: String(error) };

const run = async (port: NonNullable<typeof parentPort>, data: EnvironmentData) => {
  const send = (message: EnvironmentMessage) => port.postMessage(message);
  const crash = (error: SerializedError) => {
    send({ type: 'crash', error });
    process.exit(1);
  };
  process.on('uncaughtException', (error) => crash(serializeError(error)));
  process.on('unhandledRejection', (reason) => {
    const { name, message } = serializeError(reason);
    crash({ name: 'Runtime.UnhandledPromiseRejection', message: `${name}: ${message}` });
  });

  let handler: Handler;
  try {
    const module = (await import(data.handlerModule)) as { handler?: Handler };
    if (typeof module.handler !== 'function') {
      throw Object.assign(new Error(`${data.handlerModule} does not export a handler function`), {
        name: 'Runtime.HandlerNotFound',
      });
    }
    handler = module.handler;
  } catch (error) {
    send({ type: 'init-error', error: serializeError(error) });
    return;
  }

  port.on('message', async ({ requestId, event, deadline }: InvokeMessage) => {
    const context: Context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: data.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION ?? 'local'}:000000000000:function:${data.functionName}`,
      memoryLimitInMB: String(data.memoryMb),
      awsRequestId: requestId || randomUUID(),
      logGroupName: `/aws/lambda/${data.functionName}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    try {
      const result = await handler(JSON.parse(event), context);
      send({ type: 'result', requestId, payload: JSON.stringify(result ?? null) });
    } catch (error) {
      send({ type: 'error', requestId, error: serializeError(error) });
    }
  });
  send({ type: 'ready' });
};

if (parentPort) await run(parentPort, workerData as EnvironmentData);
