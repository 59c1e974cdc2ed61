/**
 * Issue 4 item 6: the daily compliance audit reads only what is due, through the sparse compliance index, so its
 * time and the items it reads do not grow with the number of therapists.
 *
 * For each size: a fresh table in DynamoDB Local, that many active therapists of whom exactly 50 are due on the
 * audit day (insurance ending in 30 days: insurance-reminder-30), the others months or years away. The real
 * `dbsAudit` runs against the real DynamoDB adapter, then again the same day (a rerun sends nothing). The mailer is
 * an in-memory counter: this measures the read path, not SES.
 */
import { deepStrictEqual } from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { createDynamoApplicationStore } from '../lambdas/adapters/dynamo-application-store.ts';
import type { Application } from '../lambdas/domain/application.ts';
import { addDaysIso, addYearsIso, type IsoDate, londonToday } from '../lambdas/domain/dates.ts';
import type { Links } from '../lambdas/emails/templates.ts';
import type { Email, Ports } from '../lambdas/ports/index.ts';
import { type AuditResult, dbsAudit } from '../lambdas/use-cases/dbs-audit.ts';
import { withIndexKeys } from '../lambdas/use-cases/support.ts';
import { ensureTable, localClient, startDynamoDb } from '../lib/local/dynamodb.ts';

export const DEFAULT_SIZES = [1_000, 10_000, 100_000] as const;
const DUE = 50;
/** Concurrent BatchWrites while seeding (25 items each). */
const SEED_CONCURRENCY = 12;
/** Audits per size, each on 50 fresh due therapists: the median evens out a shared machine's noise. */
const ROUNDS = 3;
/** 08:00 in London (GMT): the audit's schedule time. */
const AS_OF = new Date('2026-03-02T08:00:00.000Z');
const TODAY = londonToday(AS_OF);
const DAY_MS = 24 * 60 * 60 * 1000;
const LINKS: Links = {
  siteUrl: 'https://onboarding.example.org',
  staffEmail: 'staff@example.org',
  therapyAccountUrl: 'https://therapy.example.org/account',
  inductionBookingUrl: 'https://onboarding.example.org/induction',
};

const daysAgo = (days: number) => new Date(AS_OF.getTime() - days * DAY_MS).toISOString();

/** An active therapist as the onboarding leaves one (fake person, realistic item size), with its index keys. */
const therapist = (n: number, dbsIssueDate: IsoDate, insuranceEndDate: IsoDate): Application =>
  withIndexKeys(
    {
      id: ulid(),
      version: 9,
      stage: 'active',
      createdAt: daysAgo(120),
      updatedAt: daysAgo(90),
      stageEnteredAt: daysAgo(90),
      applicant: {
        firstName: 'Sam',
        lastName: `Therapist-${n}`,
        email: `therapist.${n}@example.org`,
        phone: '+44 7700 900123',
        dateOfBirth: '1984-06-15',
        postcode: 'SW1A 1AA',
      },
      professional: { body: 'BABCP', membershipNumber: `BABCP-${100_000 + n}`, accredited: true },
      dbs: {
        hasCertificate: true,
        level: 'enhanced',
        certificateNumber: String(100_000_000_000 + n),
        issueDate: dbsIssueDate,
        onUpdateService: true,
        assessment: 'current',
        reasons: [],
        checkMethod: 'update-service',
      },
      insurance: {
        insurer: 'Balens',
        policyNumber: `PI-${n}`,
        coverAmountGbp: 1_500_000,
        basis: 'any-one-claim',
        startDate: addYearsIso(insuranceEndDate, -1),
        endDate: insuranceEndDate,
      },
      consents: { privacyNotice: true, criminalRecordProcessing: true, givenAt: daysAgo(120) },
      accessTokenHash: createHash('sha256').update(`token-${n}`).digest('hex'),
      requiredDocuments: ['indemnity-insurance'],
      documents: {},
      documentProblems: {},
      outbox: [],
      remindersSent: [],
      review: {
        decision: 'approve',
        checks: {
          dbsOriginalSeen: true,
          dbsCheckMethod: 'update-service',
          insuranceVerified: true,
          registerChecked: true,
        },
        note: 'All checks passed.',
        decidedAt: daysAgo(110),
        decidedBy: 'staff-subject-1',
      },
      induction: {
        attendedOn: addDaysIso(TODAY, -95),
        recordedAt: daysAgo(95),
        recordedBy: 'staff-subject-1',
      },
      availability: {
        patientsPerWeek: 6,
        startDate: addDaysIso(TODAY, -90),
        weeklySlots: [
          { day: 'monday', start: '09:00', end: '12:00' },
          { day: 'wednesday', start: '13:00', end: '17:00' },
        ],
        givenAt: daysAgo(90),
      },
      compliance: { sent: [], flags: [] },
    },
    AS_OF,
  );

/** Insurance ends in 30 days, so insurance-reminder-30 is due today; the DBS re-check is years away. */
const dueTherapist = (n: number) => therapist(n, addDaysIso(TODAY, -100), addDaysIso(TODAY, 30));

/**
 * Nothing due for at least 30 days: insurance ends 60 days to 2 years from now, the DBS re-check 13 to 36 months.
 * Multiplying by primes spreads the dates over the index instead of bunching them.
 */
const laterTherapist = (n: number) =>
  therapist(n, addDaysIso(TODAY, -((n * 104_729) % 700)), addDaysIso(TODAY, 60 + ((n * 7_919) % 670)));

/**
 * The adapter's item layout: its `toItem` (lambdas/adapters/dynamo-application-store.ts) is not exported. The
 * layout is checked against an item the adapter itself wrote (checkLayout), so a drift fails the bench instead of
 * leaving the bulk out of the index, which would flatter the figures.
 */
const asItem = (app: Application) => ({
  pk: `APP#${app.id}`,
  sk: 'APPLICATION',
  entity: 'application',
  ...app,
  gsi1pk: `STAGE#${app.stage}`,
  gsi1sk: `${app.updatedAt}#${app.id}`,
  ...(app.dueAt ? { duePk: 'DUE', dueSk: `${app.dueAt}#${app.id}` } : {}),
  ...(app.complianceDueAt
    ? { compliancePk: 'COMPLIANCE', complianceSk: `${app.complianceDueAt}#${app.id}` }
    : {}),
  ...(app.retentionDueAt ? { retentionPk: 'RETENTION', retentionSk: `${app.retentionDueAt}#${app.id}` } : {}),
});

const documentClient = (endpoint: string) =>
  DynamoDBDocumentClient.from(localClient(endpoint), { marshallOptions: { removeUndefinedValues: true } });

/** Requests per command and the time spent in them, and the items the reads returned (Query: its items; Get: 1
 *  when found). */
interface ReadCounter {
  requests: Map<string, { count: number; ms: number }>;
  itemsRead: number;
}

const countReads = (client: DynamoDBDocumentClient): ReadCounter => {
  const counter: ReadCounter = { requests: new Map(), itemsRead: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const start = performance.now();
      const result = await next(args);
      const command = (context.commandName ?? 'unknown').replace(/Command$/, '');
      const sum = counter.requests.get(command) ?? { count: 0, ms: 0 };
      counter.requests.set(command, { count: sum.count + 1, ms: sum.ms + performance.now() - start });
      const output = result.output as { Items?: unknown[]; Item?: unknown };
      if (command === 'Query') counter.itemsRead += output.Items?.length ?? 0;
      if (command === 'GetItem' && output.Item) counter.itemsRead += 1;
      return result;
    },
    { step: 'initialize', name: 'benchReadCounter' },
  );
  return counter;
};

const seedBulk = async (client: DynamoDBDocumentClient, tableName: string, count: number): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const first = next;
      next = Math.min(count, next + 25);
      let requests = Array.from({ length: next - first }, (_, i) => ({
        PutRequest: { Item: asItem(laterTherapist(DUE + first + i)) as Record<string, unknown> },
      }));
      for (let attempt = 1; requests.length > 0; attempt++) {
        if (attempt > 8) throw new Error(`BatchWrite left ${requests.length} items unprocessed 8 times`);
        if (attempt > 1) await new Promise((done) => setTimeout(done, 50 * 2 ** attempt));
        const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
};

/**
 * Entries of the compliance index. DynamoDB Local keeps the index ItemCount of DescribeTable live (AWS refreshes it
 * about every six hours); paging through 100,000 entries with COUNT queries takes DynamoDB Local minutes.
 */
const indexSize = async (endpoint: string, tableName: string): Promise<number> => {
  const client = localClient(endpoint);
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const index = Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === 'by-compliance');
    return index?.ItemCount ?? 0;
  } finally {
    client.destroy();
  }
};

/** Index entries due at or before `asOf` (outside the measured audit). */
const dueInIndex = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  asOf: string,
): Promise<number> => {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'by-compliance',
        KeyConditionExpression: 'compliancePk = :pk AND complianceSk <= :asOf',
        ExpressionAttributeValues: { ':pk': 'COMPLIANCE', ':asOf': `${asOf}~` },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
};

const checkLayout = async (client: DynamoDBDocumentClient, tableName: string, app: Application) => {
  const written = await client.send(
    new GetCommand({ TableName: tableName, Key: { pk: `APP#${app.id}`, sk: 'APPLICATION' } }),
  );
  deepStrictEqual(
    written.Item,
    asItem(app),
    'the bench item layout differs from the one the adapter writes: update asItem in bench/scale.ts',
  );
};

interface Run {
  ms: number;
  itemsRead: number;
  requests: ReadCounter['requests'];
  emails: number;
  result: AuditResult;
}

const audit = async (endpoint: string, tableName: string): Promise<Run> => {
  const client = documentClient(endpoint);
  const counter = countReads(client);
  const emails: Email[] = [];
  const ports: Ports = {
    store: createDynamoApplicationStore(tableName, client),
    mailer: {
      send: async (email) => {
        emails.push(email);
      },
    },
    documents: {} as never,
    workflow: {} as never,
    clock: { now: () => AS_OF },
  };
  try {
    const start = performance.now();
    const result = await dbsAudit({ asOf: AS_OF }, ports, LINKS);
    const ms = performance.now() - start;
    return { ms, itemsRead: counter.itemsRead, requests: counter.requests, emails: emails.length, result };
  } finally {
    client.destroy();
  }
};

interface Round {
  indexed: number;
  due: number;
  first: Run;
  rerun: Run;
}

interface SizeFigures {
  therapists: number;
  seedSeconds: number;
  rounds: Round[];
}

const deleteApplications = async (client: DynamoDBDocumentClient, tableName: string, ids: string[]) => {
  for (let i = 0; i < ids.length; i += 25) {
    const keys = ids.slice(i, i + 25).map((id) => ({ pk: `APP#${id}`, sk: 'APPLICATION' }));
    const out = await client.send(
      new BatchWriteCommand({
        RequestItems: { [tableName]: keys.map((Key) => ({ DeleteRequest: { Key } })) },
      }),
    );
    if (Object.keys(out.UnprocessedItems ?? {}).length > 0)
      throw new Error('BatchWrite left deletes unprocessed');
  }
};

/**
 * The bulk once, then per round: 50 fresh therapists due today through the adapter's own create, the audit, the
 * rerun, and the 50 removed again, so every round sees exactly `therapists` therapists with exactly 50 due.
 */
const measureSize = async (endpoint: string, therapists: number): Promise<SizeFigures> => {
  const tableName = `scale-${therapists}`;
  await ensureTable(endpoint, tableName);
  const client = documentClient(endpoint);
  try {
    const start = performance.now();
    await seedBulk(client, tableName, therapists - DUE);
    const seedSeconds = (performance.now() - start) / 1000;
    const store = createDynamoApplicationStore(tableName, client);
    const rounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const dueNow = Array.from({ length: DUE }, (_, i) => dueTherapist(therapists + round * DUE + i));
      for (const app of dueNow) await store.create(app, []);
      if (round === 0) await checkLayout(client, tableName, dueNow[0] as Application);
      const indexed = await indexSize(endpoint, tableName);
      const due = await dueInIndex(client, tableName, AS_OF.toISOString());
      const first = await audit(endpoint, tableName);
      const rerun = await audit(endpoint, tableName);
      rounds.push({ indexed, due, first, rerun });
      await deleteApplications(
        client,
        tableName,
        dueNow.map((app) => app.id),
      );
    }
    return { therapists, seedSeconds, rounds };
  } finally {
    // In memory: a 100,000-item table would otherwise hold its heap for the rest of the run.
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    client.destroy();
  }
};

const describeRequests = (requests: ReadCounter['requests'], withTime = false) =>
  [...requests]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([command, { count, ms }]) => `${command} ${count}${withTime ? ` (${ms.toFixed(0)} ms)` : ''}`)
    .join(', ');

const requestCount = (run: Run) => [...run.requests.values()].reduce((sum, { count }) => sum + count, 0);

/** One value when every round agrees (they should), else each round's. */
const values = (list: readonly (number | string)[]) => [...new Set(list.map(String))].join(' / ');

const byTime = (runs: readonly Run[]) => [...runs].sort((a, b) => a.ms - b.ms);

/** Prints the figures; returns what failed (empty when the audit behaved and its cost did not grow). */
export const benchScale = async (
  sizes: readonly number[],
  table: (header: string[], rows: string[][]) => string,
): Promise<string[]> => {
  const dynamo = await startDynamoDb({});
  const figures: SizeFigures[] = [];
  try {
    // The first audits of the process pay for module loading, the SDK's first requests and both JITs, not for
    // scale: a table of only the due therapists takes them through every path first.
    await measureSize(dynamo.endpoint, DUE);
    for (const size of sizes) {
      console.error(`[scale] ${size} therapists…`);
      figures.push(await measureSize(dynamo.endpoint, size));
    }
  } finally {
    await dynamo.stop();
  }

  console.log('\n## dbs-audit at scale (DynamoDB Local in memory; the real dbsAudit and DynamoDB adapter)');
  console.log(
    `asOf ${AS_OF.toISOString()}; ${DUE} therapists due that day (insurance ends in 30 days), the rest 30+ days away.\n` +
      `seed s = BatchWrite of the bulk (25 items, ${SEED_CONCURRENCY} in parallel); then ${ROUNDS} rounds, each with ` +
      `${DUE} fresh due therapists written by the adapter's create (removed after the round): audit, rerun.\n` +
      'The mailer is an in-memory counter: this measures the read path, not SES. items read = items returned by ' +
      'Query + GetItem (DynamoDB Local reports no consumed capacity).\n',
  );
  const row = (f: SizeFigures, run: 'first' | 'rerun') => {
    const runs = f.rounds.map((r) => r[run]);
    const sorted = byTime(runs);
    return [
      f.therapists.toLocaleString('en-GB'),
      run === 'first' ? f.seedSeconds.toFixed(1) : '',
      run === 'first'
        ? `${values(f.rounds.map((r) => r.indexed.toLocaleString('en-GB')))} (${values(f.rounds.map((r) => r.due))} due)`
        : '',
      run,
      (sorted[Math.floor(sorted.length / 2)]?.ms ?? Number.NaN).toFixed(1),
      `${sorted[0]?.ms.toFixed(1)}–${sorted.at(-1)?.ms.toFixed(1)}`,
      values(runs.map((r) => r.itemsRead)),
      values(runs.map(requestCount)),
      values(runs.map((r) => r.result.reminders)),
      values(runs.map((r) => r.emails)),
    ];
  };
  console.log(
    table(
      [
        'therapists',
        'seed s',
        'compliance index',
        'run',
        `audit ms (median of ${ROUNDS})`,
        'min–max',
        'items read',
        'requests',
        'reminders',
        'emails',
      ],
      figures.flatMap((f) => [row(f, 'first'), row(f, 'rerun')]),
    ),
  );
  console.log('\nrequests by command in the median round (time inside the SDK calls, summed):');
  for (const f of figures) {
    for (const run of ['first', 'rerun'] as const) {
      const sorted = byTime(f.rounds.map((r) => r[run]));
      const median = sorted[Math.floor(sorted.length / 2)];
      console.log(
        `  ${f.therapists.toLocaleString('en-GB')} ${run}: ${describeRequests(median?.requests ?? new Map(), true)}`,
      );
    }
  }

  const failures: string[] = [];
  for (const f of figures) {
    f.rounds.forEach(({ indexed, due, first, rerun }, i) => {
      const where = `${f.therapists} therapists, round ${i + 1}`;
      if (indexed !== f.therapists)
        failures.push(`${where}: the compliance index holds ${indexed} therapists`);
      if (due !== DUE) failures.push(`${where}: ${due} therapists due in the index, not ${DUE}`);
      if (first.result.reminders !== DUE || first.emails !== DUE)
        failures.push(
          `${where}: the audit sent ${first.result.reminders} reminders (${first.emails} emails)`,
        );
      if (rerun.result.reminders !== 0 || rerun.emails !== 0)
        failures.push(
          `${where}: the rerun sent ${rerun.result.reminders} reminders (${rerun.emails} emails)`,
        );
    });
  }
  // Reads are deterministic: any difference means the audit reads something that grows with the table.
  const reads = (run: Run) => `${run.itemsRead} items (${describeRequests(run.requests)})`;
  const [reference] = figures.flatMap((f) => f.rounds);
  for (const f of figures) {
    f.rounds.forEach((round, i) => {
      for (const run of ['first', 'rerun'] as const) {
        const expected = reference ? reads(reference[run]) : '';
        if (reads(round[run]) !== expected) {
          failures.push(
            `${f.therapists} therapists, round ${i + 1}, ${run}: read ${reads(round[run])}, ` +
              `where ${figures[0]?.therapists} therapists read ${expected}`,
          );
        }
      }
    });
  }
  return failures;
};
