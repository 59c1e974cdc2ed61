/**
 * The local fault switch (lib/local/faults.ts): rates, seeds, and — the point of it — wire shapes that the AWS SDK v3
 * clients classify exactly as they classify AWS's own answers: a tiny HTTP server answers every request with
 * `decide()`'s fault, and each client retries it as a throttle or transient error (the SDK's default attempts:
 * the SDK classifies by error name and status; `$retryable` is only set for errors modelled retryable), then throws
 * the service's named error. SES MessageRejected is not retried, and our mailer calls it Undeliverable.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSesMailer } from '../../../lambdas/adapters/ses-mailer.ts';
import { createFaults, type FaultCall, InvalidFaults, mulberry32 } from '../../../lib/local/faults.ts';

describe('createFaults', () => {
  it('injects nothing until rates are set, and nothing again after {rates: {}}', () => {
    const faults = createFaults();
    expect(faults.decide({ service: 'dynamodb', action: 'GetItem' })).toBeUndefined();
    faults.set({ rates: { dynamodb: 1 } });
    expect(faults.decide({ service: 'dynamodb', action: 'GetItem' })?.status).toBe(400);
    faults.set({ rates: {} });
    expect(faults.decide({ service: 'dynamodb', action: 'GetItem' })).toBeUndefined();
  });

  it('fails about the rate asked for, the same calls for the same seed, other calls for another', () => {
    const run = (seed: number) => {
      const faults = createFaults({ seed, rates: { ses: 0.3 } });
      return Array.from({ length: 2000 }, () =>
        faults.decide({ service: 'ses', action: 'SendEmail' }) ? 1 : 0,
      );
    };
    const first = run(7);
    const failed = first.reduce<number>((sum, x) => sum + x, 0);
    expect(failed / first.length).toBeGreaterThan(0.27);
    expect(failed / first.length).toBeLessThan(0.33);
    expect(run(7)).toEqual(first);
    expect(run(8)).not.toEqual(first);
  });

  it('keeps each service on its own stream: calls to one never shift another’s faults', () => {
    const only = createFaults({ seed: 3, rates: { sfn: 0.5, dynamodb: 0.5 } });
    const mixed = createFaults({ seed: 3, rates: { sfn: 0.5, dynamodb: 0.5 } });
    const sfn = (f: ReturnType<typeof createFaults>) => Boolean(f.decide({ service: 'sfn', action: 'x' }));
    const a = Array.from({ length: 50 }, () => sfn(only));
    const b = Array.from({ length: 50 }, () => {
      mixed.decide({ service: 'dynamodb', action: 'GetItem' });
      return sfn(mixed);
    });
    expect(b).toEqual(a);
  });

  it('faults only the named functions’ calls when `functions` is given', () => {
    const faults = createFaults({ rates: { s3: 1 }, functions: ['workflow-task'] });
    expect(faults.decide({ service: 's3', action: 'PutObject', function: 'staff-review' })).toBeUndefined();
    expect(faults.decide({ service: 's3', action: 'PutObject', function: 'workflow-task' })?.status).toBe(
      503,
    );
  });

  it('counts what it injected, per service', () => {
    const faults = createFaults({ rates: { sfn: 1 } });
    faults.decide({ service: 'sfn', action: 'SendTaskSuccess' });
    faults.decide({ service: 'sfn', action: 'SendTaskSuccess' });
    expect(faults.get()).toMatchObject({ seed: 1, rates: { sfn: 1 }, injected: { sfn: 2 } });
  });

  it('throttles the state machine’s Lambda invokes as Lambda.TooManyRequestsException', () => {
    const faults = createFaults({ rates: { lambda: 1 } });
    expect(faults.invokeFault('workflow-task')?.name).toBe('Lambda.TooManyRequestsException');
  });

  it('times out or crashes a rate of a function’s invocations: its own entry over `*`, seeded, counted', () => {
    const draws = (seed: number) => {
      const faults = createFaults({
        seed,
        invocations: { '*': { crash: 1 }, 'workflow-task': { timeout: 0.2, crash: 0.1 } },
      });
      const seen = Array.from({ length: 2_000 }, () => faults.invocationFault('workflow-task'));
      return { seen, faults };
    };
    const { seen, faults } = draws(8);
    const timeouts = seen.filter((f) => f === 'timeout').length;
    const crashes = seen.filter((f) => f === 'crash').length;
    expect(timeouts).toBeGreaterThan(320);
    expect(timeouts).toBeLessThan(480);
    expect(crashes).toBeGreaterThan(140);
    expect(crashes).toBeLessThan(260);
    expect(draws(8).seen).toEqual(seen);
    expect(draws(9).seen).not.toEqual(seen);
    expect(faults.invocationFault('get-application')).toBe('crash');
    expect(faults.get()).toMatchObject({
      rates: {},
      invocations: { 'workflow-task': { timeout: 0.2, crash: 0.1 } },
      injected: { timeout: timeouts, crash: crashes + 1 },
    });
    // Functions without an entry (and no `*`) are never faulted; `rates` alone clears invocation faults.
    faults.set({ invocations: { 'workflow-task': { timeout: 1 } } });
    expect(faults.invocationFault('get-application')).toBeUndefined();
    expect(faults.invocationFault('workflow-task')).toBe('timeout');
    faults.set({ rates: {} });
    expect(faults.invocationFault('workflow-task')).toBeUndefined();
  });

  it.each([
    [{ invocations: { 'workflow-task': { timeout: 1.5 } } }, /invocations.workflow-task.timeout must be/],
    [{ invocations: { 'workflow-task': { hang: 0.1 } } }, /faults are timeout, crash/],
    [{ invocations: { '*': { timeout: 0.6, crash: 0.6 } } }, /timeout \+ crash must be at most 1/],
    [{ invocations: ['workflow-task'] }, /invocations must be/],
    [{ rates: { dynamodb: 2 } }, /rates.dynamodb must be a number from 0 to 1/],
    [{ rates: { kinesis: 0.1 } }, /rates.kinesis: services are/],
    [{ rates: {}, extra: 1 }, /Unknown keys: extra/],
    [{ seed: 1.5, rates: {} }, /seed must be an integer/],
    [{}, /rates is required/],
    [[], /The body must be/],
  ])('refuses %j', (input, message) => {
    expect(() => createFaults().set(input)).toThrow(InvalidFaults);
    expect(() => createFaults().set(input)).toThrow(message);
  });

  it('mulberry32 is uniform enough and seeded', () => {
    const next = mulberry32(42);
    const values = Array.from({ length: 10_000 }, next);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(0.5, 1);
    expect(mulberry32(42)()).toBe(values[0]);
  });
});

describe('the SDK v3 clients treat the injected faults as AWS’s own', () => {
  let server: Server;
  let endpoint: string;
  let call: FaultCall = { service: 'dynamodb', action: 'x' };
  let requests = 0;
  const faults = createFaults();

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => {
        const answer = faults.decide(call);
        if (!answer) throw new Error('the test expects every call faulted');
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const config = () => ({
    endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'LOCALTEST', secretAccessKey: 'x' },
  });

  /** Sends through a real client against the faulting server: the error it ends with, and the requests made. */
  const failure = async (service: FaultCall['service'], send: () => Promise<unknown>, settings: object) => {
    faults.set(settings);
    call = { service, action: 'x' };
    requests = 0;
    const error = (await send().then(
      () => undefined,
      (e: unknown) => e,
    )) as (Error & { $metadata: { attempts?: number } }) | undefined;
    if (!error) throw new Error('expected the call to fail');
    return { name: error.name, attempts: error.$metadata.attempts, requests };
  };

  it('DynamoDB: ThrottlingException / ProvisionedThroughputExceededException, retried as throttles', async () => {
    const shapes = new Set<string | undefined>();
    const probe = createFaults({ seed: 5, rates: { dynamodb: 1 } });
    for (let i = 0; i < 20; i++)
      shapes.add(probe.decide({ service: 'dynamodb', action: 'x' })?.body.match(/#(\w+)"/)?.[1]);
    expect([...shapes].sort()).toEqual(['ProvisionedThroughputExceededException', 'ThrottlingException']);
    const client = new DynamoDBClient(config());
    const result = await failure(
      'dynamodb',
      () => client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } })),
      { rates: { dynamodb: 1 } },
    );
    // DynamoDB's clients make 4 attempts by default (the SDK's newer retry defaults), the others 3.
    expect(result.attempts).toBe(4);
    expect(result.requests).toBe(4);
    expect(['ThrottlingException', 'ProvisionedThroughputExceededException']).toContain(result.name);
  }, 30_000);

  it('S3: SlowDown / ServiceUnavailable (503), retried', async () => {
    const client = new S3Client({ ...config(), forcePathStyle: true });
    const result = await failure('s3', () => client.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })), {
      rates: { s3: 1 },
    });
    expect(['SlowDown', 'ServiceUnavailable']).toContain(result.name);
    expect(result.attempts).toBe(3);
    expect(result.requests).toBe(3);
  });

  const email = {
    FromEmailAddress: 'a@example.org',
    Destination: { ToAddresses: ['b@example.org'] },
    Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
  };

  it('SES v2: TooManyRequestsException (429), retried as a throttle', async () => {
    const client = new SESv2Client(config());
    const result = await failure('ses', () => client.send(new SendEmailCommand(email)), {
      rates: { ses: 1 },
    });
    expect(result).toMatchObject({ name: 'TooManyRequestsException', attempts: 3, requests: 3 });
  });

  it('SES v2: MessageRejected (400) is not retried, and the mailer reports it as Undeliverable', async () => {
    const client = new SESv2Client(config());
    const result = await failure('ses', () => client.send(new SendEmailCommand(email)), {
      rates: {},
      sesRejected: 1,
    });
    expect(result).toMatchObject({ name: 'MessageRejected', attempts: 1, requests: 1 });
    const mailer = createSesMailer('a@example.org', client);
    await expect(
      mailer.send({ to: 'b@example.org', subject: 's', text: 't', html: 'h' }),
    ).rejects.toMatchObject({
      name: 'Undeliverable',
      message: 'MessageRejected',
    });
  });

  it('Step Functions: ThrottlingException, retried as a throttle', async () => {
    const client = new SFNClient(config());
    const result = await failure(
      'sfn',
      () =>
        client.send(
          new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:eu-west-2:1:stateMachine:x' }),
        ),
      { rates: { sfn: 1 } },
    );
    expect(result).toMatchObject({ name: 'ThrottlingException', attempts: 3, requests: 3 });
  });
});
