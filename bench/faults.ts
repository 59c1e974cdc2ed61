/**
 * The fault run (issue 8 §3): applications driven through the local API to active and to each side exit while the
 * local cloud fails a share of the calls (POST /__dev/faults), then the sweep finishes what the faults left. It
 * reports what a person would notice: the stage each application ends in, the emails each person got (compared
 * with the same journey run without faults), executions that failed or were left running, and 5xx answers.
 * Used by test/integration/faults.test.ts (small N, responses checked against the API contract) and by
 * `npm run bench -- --only faults` (1,000 applications).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoApplicationStore } from '../lambdas/adapters/dynamo-application-store.ts';
import { type Application, executionName } from '../lambdas/domain/application.ts';
import { STATE_MACHINE_ARN, TABLE_NAME } from '../lib/local/stack.ts';
import { validApplication } from '../test/integration/fixtures.ts';

export type Request = (
  method: string,
  path: string,
  opts?: { body?: unknown; token?: string; headers?: Record<string, string> },
) => Promise<{ status: number; body: unknown }>;

export interface FaultRunOptions {
  apiUrl: string;
  /** The emulators' own endpoints (the harness reads the table and the executions directly, never faulted). */
  endpoints: { dynamodb: string; sfn: string };
  applications: number;
  seed: number;
  rates: { dynamodb?: number; s3?: number; ses?: number; sfn?: number; lambda?: number };
  /** Invocation faults per function (lib/local/faults.ts): e.g. workflow-task timeouts and crashes. */
  invocations?: Record<string, { timeout?: number; crash?: number }>;
  /** Journeys run at once. */
  concurrency?: number;
  /** Defaults to fetch against apiUrl; the integration test passes its contract-checking client. */
  request?: Request;
  log?: (line: string) => void;
}

export const PATHS = ['active', 'rejected', 'active', 'withdrawn', 'lapsed'] as const;
export type Path = (typeof PATHS)[number];
const FINAL_STAGE: Record<Path, string> = {
  active: 'active',
  rejected: 'rejected',
  withdrawn: 'withdrawn',
  lapsed: 'lapsed',
};

export interface FaultRunResult {
  applications: number;
  byPath: Record<Path, number>;
  /** Applications whose stage is not the one their journey ends in. */
  wrongStage: { id: string; path: Path; stage: string }[];
  /** Applicants whose emails differ from the same journey without faults (missing or duplicated). */
  emailMismatches: { path: Path; expected: string[]; got: string[] }[];
  applicantEmails: number;
  staffEmails: number;
  staffWorkflowAlerts: number;
  executions: Record<string, number>;
  /** Applications whose current execution is still running, or that still hold work for the sweep. */
  stranded: { id: string; why: string }[];
  workflowsRestarted: number;
  undeliveredEmails: number;
  requests: number;
  /** 5xx answers the client's single retry turned into a success. */
  retriedOk: number;
  /** 5xx whose retry was answered 409 because the first attempt had in fact done the change. */
  retriedAlreadyDone: number;
  /** 5xx that the retry did not fix. */
  failed5xx: number;
  sweeps: number;
  injected: Record<string, number>;
  seconds: number;
}

const ALL_CHECKS = {
  dbsOriginalSeen: true,
  dbsCheckMethod: 'update-service',
  insuranceVerified: true,
  registerChecked: true,
};
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

export const runFaultScenario = async (opts: FaultRunOptions): Promise<FaultRunResult> => {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const request: Request =
    opts.request ??
    (async (method, path, { body, token, headers } = {}) => {
      const response = await fetch(`${opts.apiUrl}${path}`, {
        method,
        headers: {
          ...headers,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text,
      };
    });
  const counts = { requests: 0, retriedOk: 0, retriedAlreadyDone: 0, failed5xx: 0 };

  /** The client's single retry: a 5xx is sent once more. */
  const call = async (method: string, path: string, o: Parameters<Request>[2] = {}) => {
    counts.requests++;
    const first = await request(method, path, o);
    if (first.status < 500) return first;
    counts.requests++;
    const second = await request(method, path, o);
    if (second.status < 500) {
      if (second.status === 409) counts.retriedAlreadyDone++;
      else counts.retriedOk++;
    } else counts.failed5xx++;
    return second;
  };
  const dev = async (method: string, path: string, body?: unknown) => {
    const response = await request(method, path, body === undefined ? {} : { body });
    if (response.status !== 200)
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as Record<string, unknown>;
  };
  const staffToken = String((await dev('GET', '/__dev/staff-token')).token);

  const waitForStage = async (id: string, token: string, stage: string) => {
    const deadline = Date.now() + 60_000;
    let last = '';
    while (Date.now() < deadline) {
      const res = await call('GET', `/applications/${id}`, { token });
      last = res.status === 200 ? String((res.body as { stage: string }).stage) : `HTTP ${res.status}`;
      if (last === stage) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${id} is ${last}, not ${stage}`);
  };
  const expectStatus = (res: { status: number; body: unknown }, ok: number[], what: string) => {
    // 409 after a retried 5xx: the first attempt did the change (counted as retriedAlreadyDone).
    if (!ok.includes(res.status) && res.status !== 409) {
      throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    }
  };

  const journey = async (path: Path): Promise<{ id: string; email: string; path: Path }> => {
    const body = validApplication({ email: `fault.${randomUUID()}@example.org` });
    const created = await call('POST', '/applications', {
      body,
      headers: { 'idempotency-key': randomUUID() },
    });
    if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
    const app = created.body as {
      applicationId: string;
      accessToken: string;
      uploads: { url: string; fields: Record<string, string>; contentType: string }[];
    };
    const id = app.applicationId;
    const token = app.accessToken;
    const done = { id, email: body.applicant.email, path };
    if (path === 'lapsed') return done;
    for (const upload of app.uploads) {
      const form = new FormData();
      for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
      form.append('file', new Blob([PDF], { type: upload.contentType }), 'document');
      const res = await fetch(upload.url, { method: 'POST', body: form });
      if (res.status !== 204) throw new Error(`upload: ${res.status}`);
    }
    await waitForStage(id, token, 'in-review');
    const staff = (action: string, payload: unknown) =>
      call('POST', `/staff/applications/${id}/${action}`, { token: staffToken, body: payload });
    if (path === 'rejected') {
      expectStatus(
        await staff('review', { decision: 'reject', checks: ALL_CHECKS, note: '' }),
        [200],
        'reject',
      );
      return done;
    }
    expectStatus(
      await staff('review', { decision: 'approve', checks: ALL_CHECKS, note: '' }),
      [200],
      'approve',
    );
    await waitForStage(id, token, 'contract-sent');
    if (path === 'withdrawn') {
      expectStatus(
        await call('POST', `/applications/${id}/withdrawal`, { token, body: {} }),
        [200],
        'withdraw',
      );
      return done;
    }
    const contract = await call('GET', `/applications/${id}/contract`, { token });
    const sha256 = (contract.body as { sha256: string }).sha256;
    expectStatus(
      await call('POST', `/applications/${id}/contract/signature`, {
        token,
        body: { fullName: 'Alex Morgan', agree: true, contractSha256: sha256 },
      }),
      [201],
      'sign',
    );
    await waitForStage(id, token, 'induction-invited');
    expectStatus(await staff('induction', { attendedOn: inDays(0) }), [200], 'induction');
    await waitForStage(id, token, 'awaiting-availability');
    expectStatus(
      await call('PUT', `/applications/${id}/availability`, {
        token,
        body: {
          patientsPerWeek: 4,
          startDate: inDays(3),
          weeklySlots: [
            { day: 'mon', start: '09:00', end: '11:00' },
            { day: 'sat', start: '22:00', end: '24:00' },
          ],
        },
      }),
      [200],
      'availability',
    );
    return done;
  };

  const runAll = async (paths: Path[], concurrency: number) => {
    const results: { id: string; email: string; path: Path }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, paths.length) }, async () => {
        while (next < paths.length) {
          const path = paths[next++] as Path;
          results.push(await journey(path));
          if (results.length % 50 === 0) log(`  ${results.length}/${paths.length} journeys`);
        }
      }),
    );
    return results;
  };

  // 1. One journey per path without faults: the emails each person should get.
  await dev('POST', '/__dev/faults', { rates: {} });
  const baseline = await runAll([...new Set(PATHS)], 4);

  // 2. The same journeys under faults.
  await dev('POST', '/__dev/faults', {
    seed: opts.seed,
    rates: opts.rates,
    ...(opts.invocations ? { invocations: opts.invocations } : {}),
  });
  const paths = Array.from({ length: opts.applications }, (_, i) => PATHS[i % PATHS.length] as Path);
  const apps = await runAll(paths, opts.concurrency ?? 8);
  log(`  journeys done in ${Math.round((Date.now() - started) / 1000)} s`);

  // 3. The sweep (still under faults) finishes what the faults left, as of 32 days on: the lapse path lapses.
  const store = createDynamoApplicationStore(
    TABLE_NAME,
    DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: opts.endpoints.dynamodb,
        region: 'eu-west-2',
        credentials: { accessKeyId: 'LOCALHARNESS', secretAccessKey: 'local' },
      }),
      { marshallOptions: { removeUndefinedValues: true } },
    ),
  );
  const sfn = new SFNClient({
    endpoint: opts.endpoints.sfn,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'LOCALHARNESS', secretAccessKey: 'local' },
  });
  const all = [...baseline, ...apps];
  const asOf = new Date(Date.now() + 32 * 86_400_000).toISOString();
  let sweeps = 0;
  let workflowsRestarted = 0;
  const pending = async () => {
    const left: { id: string; why: string }[] = [];
    for (const { id } of all) {
      const app = (await store.get(id)) as Application;
      const why = [
        app.outbox.length > 0 && `outbox ${app.outbox.map((e) => e.kind).join(',')}`,
        app.workflowPendingSince && 'workflow not started',
        app.workflowFailure && `workflow flagged ${app.workflowFailure.reason}`,
      ].filter(Boolean);
      if (why.length > 0) left.push({ id, why: why.join('; ') });
    }
    return left;
  };
  const executions = async () => {
    const all: { name: string; status: string }[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN, maxResults: 1000, nextToken }),
      );
      all.push(...(page.executions ?? []).map((e) => ({ name: e.name ?? '', status: e.status ?? '' })));
      nextToken = page.nextToken;
    } while (nextToken);
    return all;
  };
  let left: { id: string; why: string }[] = [];
  for (let round = 0; round < 20; round++) {
    const swept = await request('POST', '/__dev/schedules/onboarding-sweep', { body: { asOf } });
    sweeps++;
    if (swept.status === 200)
      workflowsRestarted += Number((swept.body as { workflowsRestarted?: number }).workflowsRestarted ?? 0);
    // Give the executions the sweep restarted or moved on a moment to reach their next wait.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    left = await pending();
    const running = (await executions()).filter((e) => e.status === 'RUNNING').length;
    if (swept.status === 200 && left.length === 0 && running === 0) break;
  }
  const injected = ((await dev('GET', '/__dev/faults')).injected ?? {}) as Record<string, number>;
  await dev('POST', '/__dev/faults', { rates: {} });

  // 4. What a person would notice.
  const byName = new Map((await executions()).map((e) => [e.name, e.status]));
  const executionCounts: Record<string, number> = {};
  for (const status of byName.values()) executionCounts[status] = (executionCounts[status] ?? 0) + 1;
  const emails = ((await dev('GET', '/__dev/emails')).emails ?? []) as {
    destination: { to: string[] };
    subject: string;
  }[];
  const subjectsTo = (address: string) =>
    emails
      .filter((e) => e.destination.to.includes(address))
      .map((e) => e.subject)
      .sort();
  const staffSubjects = (id: string) =>
    emails
      .filter((e) => e.subject.includes(id) && !e.subject.startsWith('Workflow restarted'))
      .map((e) => e.subject.replace(id, '<id>'))
      .sort();
  const expected = new Map(
    baseline.map((b) => [b.path, { applicant: subjectsTo(b.email), staff: staffSubjects(b.id) }]),
  );
  const result: FaultRunResult = {
    applications: apps.length,
    byPath: Object.fromEntries(
      [...new Set(PATHS)].map((p) => [p, apps.filter((a) => a.path === p).length]),
    ) as Record<Path, number>,
    wrongStage: [],
    emailMismatches: [],
    applicantEmails: 0,
    staffEmails: emails.filter((e) => !e.subject.startsWith('Workflow restarted')).length,
    staffWorkflowAlerts: emails.filter((e) => e.subject.startsWith('Workflow restarted')).length,
    executions: executionCounts,
    stranded: [...left],
    workflowsRestarted,
    undeliveredEmails: 0,
    ...counts,
    sweeps,
    injected,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  for (const app of apps) {
    const stored = (await store.get(app.id)) as Application;
    if (stored.stage !== FINAL_STAGE[app.path]) {
      result.wrongStage.push({ id: app.id, path: app.path, stage: stored.stage });
    }
    result.undeliveredEmails += stored.undelivered?.length ?? 0;
    const status = byName.get(executionName(stored));
    if (status === 'RUNNING' || status === undefined) {
      result.stranded.push({ id: app.id, why: `execution ${executionName(stored)} ${status ?? 'missing'}` });
    }
    const got = subjectsTo(app.email);
    result.applicantEmails += got.length;
    const want = expected.get(app.path);
    if (JSON.stringify(got) !== JSON.stringify(want?.applicant)) {
      result.emailMismatches.push({ path: app.path, expected: want?.applicant ?? [], got });
    }
    const staffGot = staffSubjects(app.id);
    if (JSON.stringify(staffGot) !== JSON.stringify(want?.staff)) {
      result.emailMismatches.push({ path: app.path, expected: want?.staff ?? [], got: staffGot });
    }
  }
  return result;
};

/** The counts, as printed by the test and the bench. */
export const describeFaultRun = (r: FaultRunResult): string =>
  [
    `${r.applications} applications (${Object.entries(r.byPath)
      .map(([p, n]) => `${n} ${p}`)
      .join(', ')}) in ${r.seconds} s`,
    `faults injected: ${
      Object.entries(r.injected)
        .map(([s, n]) => `${s} ${n}`)
        .join(', ') || 'none'
    }`,
    `stage as expected: ${r.applications - r.wrongStage.length}/${r.applications}`,
    `emails: ${r.applicantEmails} to applicants, ${r.staffEmails} to staff, each as in the fault-free journey: ${r.emailMismatches.length === 0 ? 'yes' : `NO (${r.emailMismatches.length} differ)`}; ${r.staffWorkflowAlerts} "workflow restarted" alerts; ${r.undeliveredEmails} given up`,
    `executions: ${Object.entries(r.executions)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ')}; workflows restarted ${r.workflowsRestarted}; stranded ${r.stranded.length}`,
    `requests: ${r.requests}; 5xx retried to success ${r.retriedOk}, retried and found done (409) ${r.retriedAlreadyDone}, 5xx not fixed by the retry ${r.failed5xx}`,
    `sweeps to settle: ${r.sweeps}`,
    ...r.stranded.slice(0, 5).map((s) => `  stranded ${s.id}: ${s.why}`),
    ...r.emailMismatches
      .slice(0, 3)
      .map((m) => `  ${m.path}: expected [${m.expected.join(' | ')}], got [${m.got.join(' | ')}]`),
  ].join('\n');
