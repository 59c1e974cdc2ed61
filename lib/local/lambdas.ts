/**
 * Runs the Lambda handlers of lib/functions.ts in this process, as the Lambda service would: one module per
 * function, loaded once (cold start), `handler(event, context)`.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { FUNCTIONS, type FunctionName } from '../functions.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const loaded = new Map<FunctionName, Promise<Handler>>();

const load = (name: FunctionName): Promise<Handler> => {
  let handler = loaded.get(name);
  if (!handler) {
    const entry = pathToFileURL(resolve(import.meta.dirname, '../..', FUNCTIONS[name].entry)).href;
    handler = import(entry).then((module: { handler: Handler }) => module.handler);
    loaded.set(name, handler);
  }
  return handler;
};

const context = (name: FunctionName): Context => {
  const deadline = Date.now() + (FUNCTIONS[name].timeoutSeconds ?? 30) * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

export const isFunctionName = (name: string): name is FunctionName => name in FUNCTIONS;

/** Invokes a function by registry name or by ARN (`...:function:<name>`). */
export const invokeLambda = async (nameOrArn: string, event: unknown): Promise<unknown> => {
  const name = nameOrArn.split(':').pop() ?? nameOrArn;
  if (!isFunctionName(name)) throw new Error(`No function named ${name}`);
  const handler = await load(name);
  return handler(event, context(name));
};
