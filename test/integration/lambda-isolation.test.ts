/**
 * Each function's environment is its synthesized definition's (issue 8 §2): the variables the template sets,
 * resolved to local names, plus what Lambda itself sets, the local endpoints and the function's own key; nothing
 * from the process that runs the stack. Fixture handlers (test/unit/local/fixtures/) run with the real functions'
 * environments, from the template the stack was started with.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FunctionName } from '../../lib/functions.ts';
import { credentialsFor } from '../../lib/local/credentials.ts';
import { createLambdaRuntime, type LambdaRuntime } from '../../lib/local/lambda-runtime.ts';
import { environmentOf } from '../../lib/local/lambdas.ts';
import { type LocalTemplate, localTemplate } from '../../lib/local/template.ts';

const fixture = (file: string) => resolve(import.meta.dirname, '../unit/local/fixtures', file);

let template: LocalTemplate;
let runtime: LambdaRuntime;

/** `<function>/<fixture file>`: the fixture, run with that function's environment. */
const configOf = (key: string) => {
  const [name, file] = key.split('/') as [FunctionName, string];
  const definition = template.functions[name];
  return {
    entry: fixture(file),
    environment: environmentOf(name, definition, {
      endpoints: inject('iamEndpoints'),
      credentials: credentialsFor,
    }),
    timeoutSeconds: definition.timeoutSeconds,
    memoryMb: definition.memoryMb,
  };
};

beforeAll(async () => {
  template = await localTemplate({ siteUrl: inject('siteUrl') });
  runtime = createLambdaRuntime({ config: configOf });
});

afterAll(() => runtime.stop());

describe("each function runs with its synthesized definition's environment", () => {
  it('a function whose template sets no MAIL_FROM fails when it reads it; one whose template does, reads it', async () => {
    expect(template.functions['get-application'].environment.MAIL_FROM).toBeUndefined();
    await expect(runtime.invoke('get-application/reads-mail-on-invoke.ts', {})).rejects.toThrow(
      'Missing environment variable MAIL_FROM',
    );
    const mailFrom = template.functions['create-access-link'].environment.MAIL_FROM;
    expect(mailFrom).toBeTruthy();
    expect(await runtime.invoke('create-access-link/reads-mail-on-invoke.ts', {})).toEqual({ mailFrom });
  });

  it("sees exactly its template's variables, Lambda's own, the local endpoints and its own key", async () => {
    const env = (await runtime.invoke('get-application/lambda.ts', { action: 'env' })) as Record<
      string,
      string
    >;
    const endpoints = inject('iamEndpoints');
    expect(env).toEqual({
      ...template.functions['get-application'].environment,
      AWS_REGION: 'eu-west-2',
      AWS_DEFAULT_REGION: 'eu-west-2',
      AWS_LAMBDA_FUNCTION_NAME: 'get-application',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(template.functions['get-application'].memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/get-application',
      ...credentialsFor('get-application'),
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_SESV2: endpoints.sesv2,
      AWS_ENDPOINT_URL_SFN: endpoints.sfn,
      AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.events,
      S3_FORCE_PATH_STYLE: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    // The template's own: a reader of the table gets its name, and nothing of the mail or the workflow.
    expect(env.TABLE_NAME).toBe('affiliate-onboarding');
    expect(env).not.toHaveProperty('STATE_MACHINE_ARN');
    expect(env).not.toHaveProperty('PATH');
  });
});
