/**
 * Issue 11 §1: the capacity report reads the maintained aggregate, so its time and the items it reads do not grow
 * with the number of therapists (700 today, 10,000 and 100,000 to show the shape).
 *
 * For each size: a fresh table in DynamoDB Local with that many active therapists, generated deterministically —
 * start dates over the 400 days before the report's day, 5 % due to start in its first two weeks, 10 % with a
 * week's pause inside its four weeks, 10 % with a change of availability (issue 11 §2) taking effect inside them —
 * so that even 700 therapists touch every day the report reads (the figures
 * then compare like with like: the items read are bounded by the calendar, and a dense calendar is the worst case).
 *  - 700: every therapist written by the store's own create, which adds the aggregate's change in the same
 *    transaction; then the consistency check recomputes the aggregate from the items and must find no difference.
 *  - 10,000 and 100,000: the therapist items are BatchWritten, and the aggregate is SEEDED DIRECTLY with the
 *    items the domain computes from those therapists (aggregateChanges from none to all): one transaction per
 *    therapist would take DynamoDB Local the better part of an hour at 100,000. The 700 run shows the
 *    transactional path and the direct seeding agree.
 * Then the real report use case and DynamoDB adapter, 5 times; the report must equal the one computed in memory
 * from the therapists, and every size must read the same items as the first.
 */
import { deepStrictEqual } from 'node:assert/strict';
import { BatchWriteItemCommand, DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { ulid } from 'ulid';
import { createDynamoApplicationStore } from '../lambdas/adapters/dynamo-application-store.ts';
import { CAPACITY_PK, capacityAggregateRead } from '../lambdas/adapters/dynamo-capacity-aggregate.ts';
import type { Application } from '../lambdas/domain/application.ts';
import { WEEK_DAYS } from '../lambdas/domain/availability.ts';
import {
  aggregateChanges,
  type CapacityReport,
  type CapacityTherapist,
  capacityFromTherapists,
} from '../lambdas/domain/capacity.ts';
import { addDaysIso, type IsoDate } from '../lambdas/domain/dates.ts';
import { checkCapacityAggregate } from '../lambdas/use-cases/capacity-consistency.ts';
import { capacityReportAt } from '../lambdas/use-cases/capacity-report.ts';
import { ensureTable, localClient, startDynamoDb } from '../lib/local/dynamodb.ts';

export const CAPACITY_SIZES = [700, 10_000, 100_000] as const;
/** Sizes up to this are written through the store's transactional create; larger ones are seeded directly. */
const TRANSACTIONAL_UP_TO = 1_000;
const RUNS = 7;
const WEEKS = 4;
/** A Monday whose four weeks hold the March clock change (28 March 2027). */
const AS_OF: IsoDate = '2027-03-22';
const MINIMUM_COVER = 2;
const SEED_CONCURRENCY = 12;

/** A slot an hour later, or earlier when later would pass midnight. */
const movedAnHour = (slot: { day: string; start: string; end: string }) => {
  const shift = Number(slot.end.slice(0, 2)) <= 22 ? 1 : -1;
  const move = (time: string) =>
    `${String(Number(time.slice(0, 2)) + shift).padStart(2, '0')}${time.slice(2)}`;
  return { ...slot, start: move(slot.start), end: move(slot.end) };
};

/** A deterministic therapist: 2 to 5 slots of 2 to 4 hours, spread over the week and the clock. */
const generated = (n: number): CapacityTherapist & { id: string } => {
  const slots = 2 + (n % 4);
  const weeklySlots = Array.from({ length: slots }, (_, s) => {
    const day = WEEK_DAYS[(n * 3 + s * 2) % 7] as string;
    const hours = 2 + ((n + s) % 3);
    const from = (n * 7 + s * 5) % (24 - hours);
    return {
      day,
      start: `${String(from).padStart(2, '0')}:${(n + s) % 2 === 0 ? '00' : '30'}`,
      end: `${String(from + hours).padStart(2, '0')}:${(n + s) % 2 === 0 ? '00' : '30'}`,
    };
  });
  // Two slots on one day may overlap: the cover counts such a half-hour once, as weeklyHours does.
  const startDate = n % 20 === 0 ? addDaysIso(AS_OF, 1 + (n % 14)) : addDaysIso(AS_OF, -(n % 400));
  const pauses =
    n % 10 === 3 ? [{ from: addDaysIso(AS_OF, n % 28), to: addDaysIso(AS_OF, (n % 28) + 6) }] : undefined;
  // A change of availability inside the window: the first slot moved by an hour, one more patient.
  const availabilityChanges =
    n % 10 === 7
      ? [
          {
            patientsPerWeek: 4 + (n % 8),
            effectiveFrom: addDaysIso(AS_OF, n % 28),
            weeklySlots: weeklySlots.map((slot, s) => (s === 0 ? movedAnHour(slot) : slot)),
          },
        ]
      : undefined;
  return {
    id: ulid(),
    stage: 'active',
    availability: { patientsPerWeek: 3 + (n % 8), startDate, weeklySlots },
    ...(pauses ? { pauses } : {}),
    ...(availabilityChanges ? { availabilityChanges } : {}),
  };
};

/** An application item carrying what the cover needs (and the by-stage keys the consistency check reads). */
const applicationOf = (t: ReturnType<typeof generated>, n: number): Application =>
  ({
    id: t.id,
    version: 1,
    stage: 'active',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    stageEnteredAt: '2026-01-01T00:00:00.000Z',
    applicant: { email: `therapist.${n}@example.org` },
    dbs: { hasCertificate: false, applyOnMyBehalf: true, assessment: 'current', reasons: [] },
    outbox: [],
    remindersSent: [],
    availability: { ...t.availability, givenAt: '2026-01-01T00:00:00.000Z' },
    ...(t.pauses ? { pauses: t.pauses } : {}),
    ...(t.availabilityChanges ? { availabilityChanges: t.availabilityChanges } : {}),
  }) as unknown as Application;

const batchWrite = async (client: DynamoDBClient, tableName: string, items: Record<string, unknown>[]) => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const first = next;
      next = Math.min(items.length, next + 25);
      let requests = items
        .slice(first, next)
        .map((item) => ({ PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) } }));
      for (let attempt = 1; requests.length > 0; attempt++) {
        if (attempt > 8) throw new Error(`BatchWrite left ${requests.length} items unprocessed 8 times`);
        if (attempt > 1) await new Promise((done) => setTimeout(done, 50 * 2 ** attempt));
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
        requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
};

interface ReadCounter {
  requests: number;
  items: number;
}
const countReads = (client: DynamoDBClient): ReadCounter => {
  const counter = { requests: 0, items: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      counter.requests += 1;
      counter.items += (result.output as { Items?: unknown[] }).Items?.length ?? 0;
      return result;
    },
    { step: 'initialize', name: 'capacityReadCounter' },
  );
  return counter;
};

interface SizeFigures {
  therapists: number;
  seededBy: 'transactions' | 'directly';
  seedSeconds: number;
  aggregateItems: number;
  consistency?: { therapists: number; differences: number };
  ms: number[];
  itemsRead: number[];
  requests: number[];
  report: CapacityReport;
  expected: CapacityReport;
}

const measureSize = async (endpoint: string, size: number): Promise<SizeFigures> => {
  const tableName = `capacity-${size}`;
  await ensureTable(endpoint, tableName);
  const client = localClient(endpoint);
  try {
    const therapists = Array.from({ length: size }, (_, n) => generated(n));
    const aggregate = aggregateChanges([], therapists);
    const start = performance.now();
    const transactional = size <= TRANSACTIONAL_UP_TO;
    if (transactional) {
      const store = createDynamoApplicationStore(tableName, client);
      for (const [n, t] of therapists.entries()) await store.create(applicationOf(t, n), []);
    } else {
      await batchWrite(
        client,
        tableName,
        therapists.map((t, n) => {
          const app = applicationOf(t, n);
          return {
            pk: `APP#${app.id}`,
            sk: 'APPLICATION',
            entity: 'application',
            ...app,
            gsi1pk: 'STAGE#active',
            gsi1sk: `${app.updatedAt}#${app.id}`,
          };
        }),
      );
      await batchWrite(
        client,
        tableName,
        [...aggregate].map(([key, cover]) => ({
          pk: CAPACITY_PK,
          sk: key,
          entity: 'capacity',
          p: cover.patients,
          ...Object.fromEntries(cover.cells.flatMap((n, i) => (n === 0 ? [] : [[`h${i}`, n]]))),
        })),
      );
    }
    const seedSeconds = (performance.now() - start) / 1000;
    const capacity = { read: capacityAggregateRead({ name: tableName, client }) };
    const consistency = transactional
      ? await checkCapacityAggregate({ store: createDynamoApplicationStore(tableName, client), capacity })
      : undefined;

    const reader = localClient(endpoint);
    const counter = countReads(reader);
    const counted = { read: capacityAggregateRead({ name: tableName, client: reader }) };
    const figures: Pick<SizeFigures, 'ms' | 'itemsRead' | 'requests'> = {
      ms: [],
      itemsRead: [],
      requests: [],
    };
    let report: CapacityReport | undefined;
    for (let run = 0; run < RUNS; run++) {
      const before = { requests: counter.requests, items: counter.items };
      const t0 = performance.now();
      const result = await capacityReportAt(
        { asOf: new Date(`${AS_OF}T12:00:00Z`), weeks: WEEKS, minimumCover: MINIMUM_COVER },
        { capacity: counted },
      );
      figures.ms.push(performance.now() - t0);
      figures.itemsRead.push(counter.items - before.items);
      figures.requests.push(counter.requests - before.requests);
      report = result.report;
    }
    reader.destroy();
    if (!report) throw new Error('no report');
    return {
      therapists: size,
      seededBy: transactional ? 'transactions' : 'directly',
      seedSeconds,
      aggregateItems: aggregate.size,
      ...(consistency
        ? {
            consistency: {
              therapists: consistency.therapists,
              differences: consistency.differences.length,
            },
          }
        : {}),
      ...figures,
      report,
      expected: capacityFromTherapists(therapists, {
        asOf: AS_OF,
        weeks: WEEKS,
        minimumCover: MINIMUM_COVER,
      }),
    };
  } finally {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    client.destroy();
  }
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const distinct = (values: number[]) => [...new Set(values)].join(' / ');

/** Prints the figures; returns what failed (empty when the report is right and its reads did not grow). */
export const benchCapacity = async (
  sizes: readonly number[],
  table: (header: string[], rows: string[][]) => string,
): Promise<string[]> => {
  const dynamo = await startDynamoDb({});
  const figures: SizeFigures[] = [];
  try {
    // The first reports of the process pay for module loading and the JIT, not for scale.
    await measureSize(dynamo.endpoint, 50);
    for (const size of sizes) {
      console.error(`[capacity] ${size} therapists…`);
      figures.push(await measureSize(dynamo.endpoint, size));
    }
  } finally {
    await dynamo.stop();
  }

  console.log(
    '\n## capacity report at scale (DynamoDB Local in memory; the real report use case and adapter)',
  );
  console.log(
    `asOf ${AS_OF}, ${WEEKS} weeks (the March clock change inside), minimum cover ${MINIMUM_COVER}. Therapists: ` +
      'start dates over 400 days, 5 % due to start, 10 % paused a week, 10 % changing availability in the window.\n' +
      `Sizes up to ${TRANSACTIONAL_UP_TO.toLocaleString('en-GB')} are written by the store's create (aggregate in ` +
      'the same transaction) and then checked by the consistency check; larger sizes have their therapist items ' +
      'BatchWritten and the aggregate seeded directly from the domain.\n' +
      'items read = items returned by the Queries (DynamoDB Local reports no consumed capacity).\n',
  );
  console.log(
    table(
      [
        'therapists',
        'seeded by',
        'seed s',
        'aggregate items',
        'consistency check',
        `report ms (median of ${RUNS})`,
        'min–max',
        'items read',
        'requests',
        'gaps',
        'patients/week',
      ],
      figures.map((f) => [
        f.therapists.toLocaleString('en-GB'),
        f.seededBy,
        f.seedSeconds.toFixed(1),
        f.aggregateItems.toLocaleString('en-GB'),
        f.consistency
          ? `${f.consistency.differences} differences (${f.consistency.therapists} therapists)`
          : 'not run',
        median(f.ms).toFixed(1),
        `${Math.min(...f.ms).toFixed(1)}–${Math.max(...f.ms).toFixed(1)}`,
        distinct(f.itemsRead),
        distinct(f.requests),
        String(f.report.gaps.length),
        `${f.report.patientsPerWeek.active} + ${f.report.patientsPerWeek.pipeline}`,
      ]),
    ),
  );

  const failures: string[] = [];
  const reference = figures[0];
  for (const f of figures) {
    try {
      deepStrictEqual(f.report, f.expected);
    } catch {
      failures.push(
        `${f.therapists} therapists: the report differs from the one computed from the therapists`,
      );
    }
    if (f.consistency && f.consistency.differences > 0)
      failures.push(
        `${f.therapists} therapists: the consistency check found ${f.consistency.differences} items`,
      );
    if (f.consistency && f.consistency.therapists !== f.therapists)
      failures.push(`${f.therapists} therapists: the consistency check read ${f.consistency.therapists}`);
    if (reference && distinct(f.itemsRead) !== distinct(reference.itemsRead))
      failures.push(
        `${f.therapists} therapists: the report read ${distinct(f.itemsRead)} items, where ` +
          `${reference.therapists} therapists read ${distinct(reference.itemsRead)}`,
      );
    if (reference && distinct(f.requests) !== distinct(reference.requests))
      failures.push(
        `${f.therapists} therapists: ${distinct(f.requests)} requests, where ${reference.therapists} made ` +
          `${distinct(reference.requests)}`,
      );
  }
  return failures;
};
