/**
 * The functions of lib/functions.ts in the local stack, each in its own execution environments
 * (lib/local/lambda-runtime.ts). A function's `process.env` is its synthesized definition's environment with the
 * local names (lib/local/template.ts), plus what the Lambda service itself sets and the local endpoints and its
 * own credentials; nothing from this process.
 */
import { resolve } from 'node:path';
import { FUNCTIONS, type FunctionName } from '../functions.ts';
import { LOCAL_REGION } from './credentials.ts';
import { createLambdaRuntime, type LambdaRuntime } from './lambda-runtime.ts';
import type { LocalFunction } from './template.ts';

/** What a function's synthesized definition says about how it runs (lib/local/template.ts). */
export type FunctionDefinition = Pick<LocalFunction, 'environment' | 'timeoutSeconds' | 'memoryMb'>;

export interface LocalEndpoints {
  dynamodb: string;
  s3: string;
  sesv2: string;
  sfn: string;
  /** The local event bus (lib/local/eventbridge.ts), for the functions that publish. */
  events?: string;
}

export interface LambdasOptions {
  definition: (name: FunctionName) => FunctionDefinition;
  endpoints: LocalEndpoints;
  /** The function's access key pair (lib/local/credentials.ts credentialsFor). */
  credentials: (name: FunctionName) => { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string };
  logLevel?: string;
  log?: (line: string) => void;
  /** Invocation faults on demand (lib/local/faults.ts `invocationFault`). */
  fault?: (name: string) => 'timeout' | 'crash' | undefined;
}

/** A function's whole `process.env`: its definition's, Lambda's reserved variables, the local endpoints. */
export const environmentOf = (
  name: FunctionName,
  definition: FunctionDefinition,
  opts: Omit<LambdasOptions, 'definition' | 'log'>,
): Record<string, string> => ({
  ...definition.environment,
  // Set by the Lambda service in every function.
  AWS_REGION: LOCAL_REGION,
  AWS_DEFAULT_REGION: LOCAL_REGION,
  AWS_LAMBDA_FUNCTION_NAME: name,
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memoryMb),
  AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
  ...opts.credentials(name),
  // The local cloud: the SDK clients read their endpoints from these, so application code has no endpoint logic.
  AWS_ENDPOINT_URL_DYNAMODB: opts.endpoints.dynamodb,
  AWS_ENDPOINT_URL_S3: opts.endpoints.s3,
  AWS_ENDPOINT_URL_SESV2: opts.endpoints.sesv2,
  AWS_ENDPOINT_URL_SFN: opts.endpoints.sfn,
  ...(opts.endpoints.events ? { AWS_ENDPOINT_URL_EVENTBRIDGE: opts.endpoints.events } : {}),
  S3_FORCE_PATH_STYLE: 'true',
  POWERTOOLS_LOG_LEVEL: opts.logLevel ?? 'WARN',
  // Lambda runs a newer Node than this machine's 20: the SDK's end-of-support notice is noise here, once per worker.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

export const isFunctionName = (name: string): name is FunctionName => name in FUNCTIONS;

const ROOT = resolve(import.meta.dirname, '../..');
let runtime: LambdaRuntime | undefined;

/** Starts the local Lambda service; `invokeLambda` runs on it until `stop`. */
export const startLambdas = (opts: LambdasOptions): LambdaRuntime => {
  if (runtime) throw new Error('The local Lambda service is already running in this process');
  const started = createLambdaRuntime({
    config: (name) => {
      if (!isFunctionName(name)) return undefined;
      const definition = opts.definition(name);
      return {
        entry: resolve(ROOT, FUNCTIONS[name].entry),
        files: (FUNCTIONS[name].files ?? []).map((folder) => resolve(ROOT, folder)),
        environment: environmentOf(name, definition, opts),
        timeoutSeconds: definition.timeoutSeconds,
        memoryMb: definition.memoryMb,
        ...(FUNCTIONS[name].reservedConcurrency
          ? { reservedConcurrency: FUNCTIONS[name].reservedConcurrency }
          : {}),
      };
    },
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.fault ? { fault: opts.fault } : {}),
  });
  runtime = started;
  return {
    ...started,
    async stop() {
      if (runtime === started) runtime = undefined;
      await started.stop();
    },
  };
};

/** Invokes a function by registry name or by ARN (`...:function:<name>`). */
export const invokeLambda = async (nameOrArn: string, event: unknown): Promise<unknown> => {
  if (!runtime) throw new Error('The local Lambda service is not running (startLambdas)');
  return runtime.invoke(nameOrArn.split(':').pop() ?? nameOrArn, event);
};
