/**
 * The whole system on one machine (DESIGN §6): the real DynamoDB Local, s3rver behind the presigned-POST check,
 * aws-ses-v2-local, the Step Functions API running the ASL extracted from the synthesized CDK stack, the IAM
 * gateway in front of all four (each function's synthesized role enforced, lib/local/gateway.ts), the HTTP
 * adapter over the route table, the static site, the scheduler, and object events delivered to
 * document-received. Local and cloud differ only in configuration: each function runs in its own workers with the
 * environment its definition gives it plus the local endpoints (AWS_ENDPOINT_URL_* for the SDK clients).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TZDate } from '@date-fns/tz';
import { londonToday } from '../../lambdas/domain/dates.ts';
import { LOCAL_CONFIG } from '../config.ts';
import { EXECUTION_END_STATUSES } from '../constructs/workflow.ts';
import type { FunctionName } from '../functions.ts';
import { INTEGRATION_SCOPE } from '../routes.ts';
import { SCHEDULES } from '../schedules.ts';
import { extractAsl } from '../workflow-asl.ts';
import { credentialsFor, LOCAL_ACCOUNT, LOCAL_REGION } from './credentials.ts';
import { acquireDataLock } from './data-lock.ts';
import { ensureTable, startDynamoDb } from './dynamodb.ts';
import { startEventBus } from './eventbridge.ts';
import { createFaults, InvalidFaults } from './faults.ts';
import { type Denial, type IamGateway, startIamGateway, type Use } from './gateway.ts';
import { type DevRoute, startHttpAdapter } from './http-adapter.ts';
import { invokeLambda, startLambdas } from './lambdas.ts';
import { freePort } from './ports.ts';
import { startS3 } from './s3.ts';
import { createScanner } from './scanner.ts';
import { startSes } from './ses.ts';
import { startSesFeedback } from './ses-feedback.ts';
import { startSite } from './site.ts';
import { createLocalIssuer, InvalidGroupName } from './staff-issuer.ts';
import { type ExecutionStatusChange, startStepFunctions } from './stepfunctions.ts';
import { startHistoryStream } from './streams.ts';
import { LOCAL_NAMES, localArns, localTemplate } from './template.ts';
import { createRouteThrottles } from './throttle.ts';

export const TABLE_NAME = LOCAL_NAMES.table;
export const BUCKET = LOCAL_NAMES.bucket;
export const STATE_MACHINE_ARN = localArns.stateMachine();

export interface LocalStackOptions {
  /** Where data persists between runs; `fresh` empties it first. */
  dataDir: string;
  fresh?: boolean;
  apiPort?: number;
  sitePort?: number;
  mailPort?: number;
  /** Run the schedules on their timers (the dev server); tests trigger them through /__dev/schedules instead. */
  scheduler?: boolean;
  /**
   * Enforce each function's synthesized IAM policies in front of the emulators (issue 8). Default: on, unless the
   * environment says IAM=off (an escape hatch that prints a warning).
   */
  iam?: boolean;
  /**
   * API Gateway's per-route throttles (429 over a route's rate, lib/local/throttle.ts). Default: on, unless the
   * environment says THROTTLE=off (an escape hatch that prints a warning). The test and bench stacks turn them off
   * (their floods are the point) and `POST /__dev/throttles` turns them on for the test that proves them.
   */
  throttle?: boolean;
  /** Where the gateway's record (what each function used, what was denied) is written on stop. */
  usageFile?: string;
  log?: (line: string) => void;
}

/** What the IAM gateway recorded: `npm run iam:report` reads it. */
export interface IamUsage {
  enforced: boolean;
  recordedAt: string;
  denied: Denial[];
  used: Use[];
}

export interface LocalStack {
  apiUrl: string;
  siteUrl: string;
  mailUrl: string;
  /**
   * The emulators' own endpoints, for tests that read or arrange data directly: no IAM, no faults (any key the
   * emulators accept: S3RVER, the harness key).
   */
  endpoints: { dynamodb: string; s3: string; sesv2: string; sfn: string };
  /** The IAM gateway the functions call through (AWS_ENDPOINT_URL_*), and what it saw. */
  iam: Pick<IamGateway, 'endpoints' | 'enforced' | 'denied' | 'used'>;
  staffToken(groups?: string[]): Promise<string>;
  /** Resolves when every S3 object event and SES feedback event so far has been handled. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Milliseconds until the next London wall-clock hour:minute. */
export const msUntilLondon = (hour: number, minute: number, now = new Date()): number => {
  const [y, m, d] = londonToday(now).split('-').map(Number) as [number, number, number];
  for (let offset = 0; offset <= 2; offset++) {
    const at = new TZDate(y, m - 1, d + offset, hour, minute, 'Europe/London').getTime();
    if (at > now.getTime()) return at - now.getTime();
  }
  throw new Error('unreachable: a London time within two days');
};

/** The same schedules as EventBridge Scheduler, on timers; each run gets `asOf` = its scheduled moment. */
const startScheduler = (log: (line: string) => void): (() => Promise<void>) => {
  const timers: NodeJS.Timeout[] = [];
  const run = (spec: (typeof SCHEDULES)[number]) =>
    invokeLambda(spec.handler, { asOf: new Date().toISOString() }).catch((error: Error) =>
      log(`[scheduler] ${spec.name} failed: ${error.message}`),
    );
  for (const spec of SCHEDULES) {
    const { local } = spec;
    if ('everyMinutes' in local) {
      timers.push(setInterval(() => void run(spec), local.everyMinutes * 60_000).unref());
    } else {
      const arm = () => {
        timers.push(
          setTimeout(
            () => {
              void run(spec);
              arm();
            },
            msUntilLondon(local.dailyAt.hour, local.dailyAt.minute),
          ).unref(),
        );
      };
      arm();
    }
  }
  return async () => {
    for (const timer of timers) clearTimeout(timer);
  };
};

/**
 * An EventBridge rule's Lambda target, locally: the event goes to the function as an asynchronous invocation,
 * retried (three attempts, with a pause); a last failure is logged by error name only.
 */
const deliverEvent = async (name: FunctionName, event: unknown, log: (line: string) => void) => {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      await invokeLambda(name, event);
      return;
    } catch (error) {
      if (attempt === 3) log(`[events] ${name} failed: ${(error as Error).name}`);
      else await new Promise((resolve) => setTimeout(resolve, 1000 * attempt).unref());
    }
  }
};

/**
 * The CDK rule WorkflowStopped, locally: an execution of this state machine that ended FAILED, TIMED_OUT or
 * ABORTED goes to workflow-stopped.
 */
const deliverExecutionEnd = async (event: ExecutionStatusChange, log: (line: string) => void) => {
  const statuses: readonly string[] = EXECUTION_END_STATUSES;
  if (event.detail.stateMachineArn !== STATE_MACHINE_ARN || !statuses.includes(event.detail.status)) return;
  await deliverEvent('workflow-stopped', event, log);
};

export const startLocalStack = async (opts: LocalStackOptions): Promise<LocalStack> => {
  const log = opts.log ?? (() => undefined);
  // Before anything touches the folder: a second stack on it must not share, or `--fresh` delete, its data.
  const lock = await acquireDataLock(opts.dataDir);
  const stops: (() => Promise<void>)[] = [lock.release];
  const stopAll = async () => {
    for (const stop of stops.reverse())
      await stop().catch((error: Error) => log(`stop failed: ${error.message}`));
  };
  try {
    if (opts.fresh) await rm(opts.dataDir, { recursive: true, force: true });
    await mkdir(join(opts.dataDir, 'dynamodb'), { recursive: true });
    const apiPort = opts.apiPort ?? 0;
    const sitePort = opts.sitePort || (await freePort());
    const siteUrl = `http://127.0.0.1:${sitePort}`;
    const enforce = opts.iam ?? process.env.IAM !== 'off';
    if (!enforce) {
      log(
        "WARNING: IAM=off: the local cloud does not enforce the functions' IAM policies; a missing grant will only show on AWS.",
      );
    }
    const throttles = createRouteThrottles(opts.throttle ?? process.env.THROTTLE !== 'off');
    if (opts.throttle === undefined && !throttles.enabled) {
      log(
        'WARNING: THROTTLE=off: the local API does not apply the per-route throttles; a flood the cloud would refuse with 429 gets through.',
      );
    }
    // Synthesized (or a fresh cached synth reused) while the emulators start.
    const template = localTemplate({ siteUrl });
    template.catch(() => undefined);

    const dynamo = await startDynamoDb({ dataDir: join(opts.dataDir, 'dynamodb') });
    stops.push(dynamo.stop);
    await ensureTable(dynamo.endpoint, TABLE_NAME);

    const ses = await startSes({ port: opts.mailPort ?? 0 });
    stops.push(ses.stop);

    // The CDK rule DocumentScanned, locally: GuardDuty's scan result goes to document-scanned.
    let s3Endpoint = '';
    const scanner = createScanner({
      s3Endpoint: () => s3Endpoint,
      bucket: BUCKET,
      account: LOCAL_ACCOUNT,
      region: LOCAL_REGION,
      deliver: (event) => deliverEvent('document-scanned', event, log),
    });
    const s3 = await startS3({
      dataDir: join(opts.dataDir, 's3'),
      bucket: BUCKET,
      corsOrigins: [siteUrl],
      onObjectCreated: async (event) => {
        try {
          await invokeLambda('document-received', event);
        } finally {
          // GuardDuty scans every new object whatever document-received made of it (lib/local/scanner.ts).
          await scanner
            .submit(event)
            .catch((error: Error) => log(`[scanner] ${error.name}: ${error.message}`));
        }
      },
    });
    stops.push(s3.stop);
    s3Endpoint = s3.endpoint;

    // Faults on demand (POST /__dev/faults, or FAULTS='{"rates":{...}}' at start): the gateway asks after each
    // allowed call of a function whether to answer with a fault instead.
    const faults = createFaults(process.env.FAULTS ? JSON.parse(process.env.FAULTS) : undefined);
    const { functions, identities, configurationSets } = await template;
    // Chosen first: the functions' SFN endpoint (the gateway) must reach it as soon as a resumed execution runs.
    const sfnPort = await freePort();
    // The stack's event bus (DESIGN §5 Events): the bus publish-events is given.
    const bus = await startEventBus({
      busName: functions['publish-events'].environment.EVENT_BUS_NAME ?? '',
      file: join(opts.dataDir, 'events.jsonl'),
    });
    stops.push(bus.stop);
    // The CDK rule EmailFeedback, locally: mail to SES's simulator addresses bounces or draws a complaint.
    const sesFeedback = await startSesFeedback({
      upstream: ses.endpoint,
      identities,
      configurationSets,
      account: LOCAL_ACCOUNT,
      region: LOCAL_REGION,
      deliver: (event) => deliverEvent('email-feedback', event, log),
    });
    stops.push(sesFeedback.stop);
    const upstream = {
      dynamodb: dynamo.endpoint,
      s3: s3.endpoint,
      sesv2: sesFeedback.endpoint,
      sfn: `http://127.0.0.1:${sfnPort}`,
      events: bus.endpoint,
    };
    const gateway = await startIamGateway({
      upstream,
      policies: Object.fromEntries(Object.entries(functions).map(([name, fn]) => [name, fn.policies])),
      identities,
      configurationSets,
      enforce,
      faults,
      log,
    });
    const usageFile = opts.usageFile ?? join(opts.dataDir, 'iam-usage.json');
    stops.push(async () => {
      await gateway.stop();
      const usage: IamUsage = {
        enforced: gateway.enforced,
        recordedAt: new Date().toISOString(),
        denied: gateway.denied(),
        used: gateway.used(),
      };
      await mkdir(dirname(usageFile), { recursive: true });
      await writeFile(usageFile, `${JSON.stringify(usage, null, 1)}\n`);
    });

    // Each function runs in workers of its own with exactly its template's environment, the gateway's endpoints
    // and its own key (lib/local/lambdas.ts); nothing sets this process's environment.
    const lambdas = startLambdas({
      definition: (name) => functions[name],
      endpoints: gateway.endpoints,
      credentials: credentialsFor,
      fault: (name) => faults.invocationFault(name),
      ...(process.env.POWERTOOLS_LOG_LEVEL ? { logLevel: process.env.POWERTOOLS_LOG_LEVEL } : {}),
      log,
    });
    stops.push(lambdas.stop);

    // The table stream → publish-events, as the event source mapping delivers it (lib/history-stream.ts).
    const historyStream = await startHistoryStream({
      endpoint: dynamo.endpoint,
      tableName: TABLE_NAME,
      checkpointFile: join(opts.dataDir, 'streams.json'),
      deliver: (event) => invokeLambda('publish-events', event),
      log,
    });
    stops.push(historyStream.stop);

    const sfn = await startStepFunctions({
      definition: extractAsl(),
      stateMachineArn: STATE_MACHINE_ARN,
      invokeLambda: (name, payload) => {
        const fault = faults.invokeFault(name.split(':').pop() ?? name);
        return fault ? Promise.reject(fault) : invokeLambda(name, payload);
      },
      dataDir: join(opts.dataDir, 'stepfunctions'),
      port: sfnPort,
      onExecutionEnd: (event) => void deliverExecutionEnd(event, log),
    });
    stops.push(sfn.stop);

    const issuer = await createLocalIssuer(
      'http://127.0.0.1/local-issuer',
      'local-staff-client',
      join(opts.dataDir, 'staff-issuer-key.json'),
    );
    const devRoutes: DevRoute = async ({ method, path, query, body }) => {
      if (method === 'GET' && path === '/__dev/emails') {
        const emails = await ses.emails();
        return {
          status: 200,
          body: {
            emails: emails.map((e) => ({
              from: e.from,
              destination: { to: e.destination.to },
              subject: e.subject,
              body: e.body,
              at: new Date(e.at * 1000).toISOString(),
            })),
          },
        };
      }
      if (method === 'GET' && path === '/__dev/events') {
        return {
          status: 200,
          body: {
            events: bus.events().map((e) => ({ detailType: e.detailType, detail: e.detail, at: e.at })),
          },
        };
      }
      if (method === 'GET' && path === '/__dev/iam') {
        return {
          status: 200,
          body: { enforced: gateway.enforced, denied: gateway.denied() },
        };
      }
      if (method === 'GET' && path === '/__dev/staff-token') {
        // ?groups= (empty) issues a valid token outside the affiliate team, for authorization tests.
        const groups = query.has('groups')
          ? (query.get('groups') ?? '').split(',').filter(Boolean)
          : undefined;
        try {
          return { status: 200, body: { token: await issuer.token(groups ? { groups } : {}) } };
        } catch (error) {
          if (error instanceof InvalidGroupName) return { status: 400, body: { title: error.message } };
          throw error;
        }
      }
      if (method === 'GET' && path === '/__dev/integration-token') {
        // ?scopes= (space-separated; empty for none) issues a token without the route's scope, for 403 tests.
        const scopes = query.has('scopes')
          ? (query.get('scopes') ?? '').split(' ').filter(Boolean)
          : [INTEGRATION_SCOPE];
        return { status: 200, body: { token: await issuer.clientToken({ scopes }) } };
      }
      if (path === '/__dev/faults' && method === 'GET') return { status: 200, body: faults.get() };
      if (path === '/__dev/faults' && method === 'POST') {
        try {
          faults.set(body ? JSON.parse(body) : undefined);
          return { status: 200, body: faults.get() };
        } catch (error) {
          if (error instanceof SyntaxError || error instanceof InvalidFaults)
            return { status: 400, body: { title: 'Invalid faults', detail: error.message } };
          throw error;
        }
      }
      if (path === '/__dev/scanner' && method === 'GET') return { status: 200, body: scanner.state() };
      if (path === '/__dev/scanner' && method === 'POST') {
        let input: { held?: unknown } = {};
        try {
          input = body ? (JSON.parse(body) as { held?: unknown }) : {};
        } catch {
          return { status: 400, body: { title: 'The body is not valid JSON' } };
        }
        if (typeof input.held !== 'boolean')
          return { status: 400, body: { title: 'held must be true or false' } };
        await scanner
          .hold(input.held)
          .catch((error: Error) => log(`[scanner] ${error.name}: ${error.message}`));
        return { status: 200, body: scanner.state() };
      }
      if (path === '/__dev/throttles' && method === 'GET')
        return { status: 200, body: { enabled: throttles.enabled } };
      if (path === '/__dev/throttles' && method === 'POST') {
        let input: { enabled?: unknown } = {};
        try {
          input = body ? (JSON.parse(body) as { enabled?: unknown }) : {};
        } catch {
          return { status: 400, body: { title: 'The body is not valid JSON' } };
        }
        if (typeof input.enabled !== 'boolean')
          return { status: 400, body: { title: 'enabled must be true or false' } };
        throttles.enabled = input.enabled;
        return { status: 200, body: { enabled: throttles.enabled } };
      }
      const schedule = /^\/__dev\/schedules\/([\w-]+)$/.exec(path);
      if (method === 'POST' && schedule) {
        const spec = SCHEDULES.find((s) => s.name === schedule[1]);
        if (!spec)
          return { status: 404, body: { title: 'Unknown schedule', names: SCHEDULES.map((s) => s.name) } };
        let input: { asOf?: string } = {};
        try {
          input = body ? (JSON.parse(body) as { asOf?: string }) : {};
        } catch {
          return { status: 400, body: { title: 'The body is not valid JSON' } };
        }
        if (input.asOf !== undefined && Number.isNaN(Date.parse(input.asOf))) {
          return { status: 400, body: { title: 'asOf must be an ISO 8601 date or date-time' } };
        }
        return { status: 200, body: await invokeLambda(spec.handler, input) };
      }
      return undefined;
    };

    const api = await startHttpAdapter({
      port: apiPort,
      corsOrigins: [siteUrl],
      issuer,
      devRoutes,
      throttles,
    });
    stops.push(api.stop);

    const site = await startSite({
      port: sitePort,
      distDir: join(opts.dataDir, 'site'),
      config: {
        apiUrl: api.url,
        stage: 'local',
        links: {
          therapyAccountUrl: LOCAL_CONFIG.therapyAccountUrl,
          inductionBookingUrl: LOCAL_CONFIG.inductionBookingUrl,
        },
      },
    });
    stops.push(site.stop);

    if (opts.scheduler) stops.push(startScheduler(log));
    await lock.describe({ API: api.url, site: site.url, mail: ses.viewerUrl });

    return {
      apiUrl: api.url,
      siteUrl: site.url,
      mailUrl: ses.viewerUrl,
      endpoints: { dynamodb: dynamo.endpoint, s3: s3.endpoint, sesv2: ses.endpoint, sfn: sfn.endpoint },
      iam: {
        endpoints: gateway.endpoints,
        enforced: gateway.enforced,
        denied: () => gateway.denied(),
        used: () => gateway.used(),
      },
      staffToken: (groups) => issuer.token(groups ? { groups } : {}),
      idle: async () => {
        await s3.whenIdle();
        await sesFeedback.idle();
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
