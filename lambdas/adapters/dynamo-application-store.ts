/**
 * ApplicationStore on the single DynamoDB table (lib/table.ts). Every change is a transaction guarded by the
 * item's version; the staff-queue and due-index keys are derived here from the item, so no caller can forget them.
 *
 * One factory per store method, each taking the table: a handler wires only the methods its use case calls, so its
 * bundle carries only the DynamoDB commands it sends (issue 10: one object with every method carried every command
 * into every function). The commands are client-dynamodb's, marshalled here with util-dynamodb: lib-dynamodb's
 * package does not declare itself free of side effects, and its paginators keep Query and Scan in any bundle that
 * imports it.
 */
import { createHash } from 'node:crypto';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ulid } from 'ulid';
import { type Application, type ApplicationEvent, upgradeApplication } from '../domain/application.ts';
import { isClosed, isOpen, type Stage } from '../domain/stages.ts';
import {
  type ApplicationStore,
  type DigestChange,
  DuplicateEmail,
  type IdempotencyRecord,
  VersionConflict,
} from '../ports/index.ts';
import { capacityUpdates } from './dynamo-capacity-aggregate.ts';

type TransactItem = NonNullable<TransactWriteItemsCommandInput['TransactItems']>[number];
type Item = Record<string, unknown>;

const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

const appKey = (id: string) => ({ pk: `APP#${id}`, sk: 'APPLICATION' });
/** The uniqueness item of an inbox (domain/mailbox.ts), keyed by its hash: no address in a key. */
const emailKey = (mailbox: string) => ({
  pk: `EMAIL#${createHash('sha256').update(mailbox).digest('hex')}`,
  sk: 'UNIQUE',
});
const reservedKey = (app: Application) => emailKey(app.mailbox ?? app.applicant.email.trim().toLowerCase());
const idempotencyKey = (keyHash: string) => ({ pk: `IDEMPOTENCY#${keyHash}`, sk: 'REQUEST' });

const KEY_ATTRIBUTES = [
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'duePk',
  'dueSk',
  'compliancePk',
  'complianceSk',
  'retentionPk',
  'retentionSk',
  'verifyPk',
  'verifySk',
  'entity',
] as const;

const toItem = (app: Application) => ({
  ...appKey(app.id),
  entity: 'application',
  ...app,
  gsi1pk: `STAGE#${app.stage}`,
  gsi1sk: `${app.updatedAt}#${app.id}`,
  ...(app.dueAt ? { duePk: 'DUE', dueSk: `${app.dueAt}#${app.id}` } : {}),
  ...(app.complianceDueAt
    ? { compliancePk: 'COMPLIANCE', complianceSk: `${app.complianceDueAt}#${app.id}` }
    : {}),
  ...(app.retentionDueAt ? { retentionPk: 'RETENTION', retentionSk: `${app.retentionDueAt}#${app.id}` } : {}),
  ...verifyKeys(app),
});

/** The sparse to-verify index (issue 11 §2): only a therapist with a renewal waiting, oldest upload first. */
const verifyKeys = (app: Application) => {
  const waiting = Object.values(app.renewals ?? {})
    .map((stored) => stored.receivedAt)
    .sort();
  return waiting[0] ? { verifyPk: 'VERIFY', verifySk: `${waiting[0]}#${app.id}` } : {};
};

const digestKey = (date: string) => ({ pk: `DIGEST#${date}`, sk: 'DIGEST' });

const fromItem = (item: Record<string, unknown>): Application => {
  const copy = { ...item };
  for (const key of KEY_ATTRIBUTES) delete copy[key];
  return upgradeApplication(copy as unknown as Application);
};

const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

/** A cursor is opaque to clients; one that does not decode to a key object is bad input. */
export const decodeCursor = (cursor: string | undefined): Record<string, unknown> | undefined => {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && !Array.isArray(key)) return key as Record<string, unknown>;
  } catch {
    // falls through to the error below
  }
  throw new InvalidCursor();
};

export class InvalidCursor extends Error {
  override readonly name = 'InvalidCursor';
}

/** Plain values to DynamoDB attribute values, as lib-dynamodb did with `removeUndefinedValues`. */
const toAttributes = (value: Item) => marshall(value, { removeUndefinedValues: true });
const fromAttributes = (value: Parameters<typeof unmarshall>[0]): Item => unmarshall(value);

/** The table a store method works on: its name and the one client of the function. */
export interface DynamoTable {
  name: string;
  client: DynamoDBClient;
}

export const dynamoTable = (name: string, client: DynamoDBClient = new DynamoDBClient({})): DynamoTable => ({
  name,
  client,
});

const put = (
  tableName: string,
  item: Item,
  condition?: { expression: string; values?: Item },
): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: toAttributes(item),
    ...(condition
      ? {
          ConditionExpression: condition.expression,
          ...(condition.values ? { ExpressionAttributeValues: toAttributes(condition.values) } : {}),
        }
      : {}),
  },
});

/** An audit entry; with the stage the change left the application in, which its published event carries (the
 *  table stream's publish-events reads it from the entry alone). */
const eventPut = (tableName: string, event: ApplicationEvent, stage?: Stage): TransactItem =>
  put(tableName, {
    pk: `APP#${event.applicationId}`,
    sk: `EVENT#${event.at}#${ulid()}`,
    entity: 'event',
    ...event,
    ...(stage ? { stage } : {}),
  });

const getItem = async (
  { name, client }: DynamoTable,
  key: Item,
  projection?: string,
): Promise<Item | undefined> => {
  const result = await client.send(
    new GetItemCommand({
      TableName: name,
      Key: toAttributes(key),
      ConsistentRead: true,
      ...(projection ? { ProjectionExpression: projection } : {}),
    }),
  );
  return result.Item ? fromAttributes(result.Item) : undefined;
};

/** One page of a query: values and keys as plain objects, so a cursor is the same whatever the client. */
const queryPage = async (
  { name, client }: DynamoTable,
  input: Omit<QueryCommandInput, 'TableName' | 'ExpressionAttributeValues' | 'ExclusiveStartKey'> & {
    values: Item;
    startKey?: Item;
  },
): Promise<{ items: Item[]; lastKey?: Item }> => {
  const { values, startKey, ...rest } = input;
  const page = await client.send(
    new QueryCommand({
      ...rest,
      TableName: name,
      ExpressionAttributeValues: toAttributes(values),
      ...(startKey ? { ExclusiveStartKey: toAttributes(startKey) } : {}),
    }),
  );
  return {
    items: (page.Items ?? []).map(fromAttributes),
    ...(page.LastEvaluatedKey ? { lastKey: fromAttributes(page.LastEvaluatedKey) } : {}),
  };
};

const update = async (
  { name, client }: DynamoTable,
  key: Item,
  expression: { update: string; condition?: string; values: Item },
): Promise<void> => {
  await client.send(
    new UpdateItemCommand({
      TableName: name,
      Key: toAttributes(key),
      UpdateExpression: expression.update,
      ...(expression.condition ? { ConditionExpression: expression.condition } : {}),
      ExpressionAttributeValues: toAttributes(expression.values),
    }),
  );
};

const transact = async ({ client }: DynamoTable, items: TransactItem[]): Promise<void> => {
  await client.send(new TransactWriteItemsCommand({ TransactItems: items }));
};

const queryUpTo =
  (
    table: DynamoTable,
    index: string,
    pkName: string,
    pkValue: string,
    skName: string,
  ): ApplicationStore['due'] =>
  async (asOf, limit, cursor) => {
    const page = await queryPage(table, {
      IndexName: index,
      KeyConditionExpression: `${pkName} = :pk AND ${skName} <= :asOf`,
      values: { ':pk': pkValue, ':asOf': `${asOf}~` },
      Limit: limit,
      startKey: decodeCursor(cursor),
    });
    return { items: page.items.map(fromItem), cursor: encodeCursor(page.lastKey) };
  };

// --- one factory per ApplicationStore method ------------------------------------------------------------------------

export const storeCreate =
  (table: DynamoTable): ApplicationStore['create'] =>
  async (app, events, idempotency) => {
    const items: TransactItem[] = [
      put(table.name, toItem(app), { expression: 'attribute_not_exists(pk)' }),
      put(
        table.name,
        { ...reservedKey(app), entity: 'email-uniqueness', applicationId: app.id },
        { expression: 'attribute_not_exists(pk)' },
      ),
      ...events.map((event) => eventPut(table.name, event, app.stage)),
      ...capacityUpdates(table.name, [], [app]),
    ];
    if (idempotency) {
      items.push(
        put(
          table.name,
          {
            ...idempotencyKey(idempotency.keyHash),
            entity: 'idempotency',
            ...idempotency,
            expiresAtEpoch: Math.floor(Date.parse(idempotency.createdAt) / 1000) + IDEMPOTENCY_TTL_SECONDS,
          },
          { expression: 'attribute_not_exists(pk)' },
        ),
      );
    }
    try {
      await transact(table, items);
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const reasons = error.CancellationReasons ?? [];
        if (reasons[1]?.Code === 'ConditionalCheckFailed') throw new DuplicateEmail();
        if (idempotency && reasons[items.length - 1]?.Code === 'ConditionalCheckFailed')
          throw new VersionConflict();
      }
      throw error;
    }
  };

export const storeGet =
  (table: DynamoTable): ApplicationStore['get'] =>
  async (id) => {
    const item = await getItem(table, appKey(id));
    return item ? fromItem(item) : undefined;
  };

/** Audit events only, at most 100 to a transaction (DynamoDB's limit); the application item is not touched. */
export const storeRecordAccess =
  (table: DynamoTable): ApplicationStore['recordAccess'] =>
  async (events) => {
    for (let i = 0; i < events.length; i += 100) {
      await transact(
        table,
        events.slice(i, i + 100).map((event) => eventPut(table.name, event)),
      );
    }
  };

/** The application holding an inbox (open or active: closing frees it), if any. */
export const storeFindByEmail =
  (table: DynamoTable): ApplicationStore['findByEmail'] =>
  async (mailbox) => {
    const holder = await getItem(table, emailKey(mailbox));
    const id = holder?.applicationId;
    return typeof id === 'string' ? storeGet(table)(id) : undefined;
  };

export const storeUpdate =
  (table: DynamoTable): ApplicationStore['update'] =>
  async (app, before, events) => {
    const expectedVersion = before.version;
    const items: TransactItem[] = [
      put(table.name, toItem(app), {
        expression: 'version = :expected',
        values: { ':expected': expectedVersion },
      }),
      ...events.map((event) => eventPut(table.name, event, app.stage)),
      // The capacity aggregate changes in the same transaction as the therapist (issue 11 §1).
      ...capacityUpdates(table.name, [before], [app]),
    ];
    // The email stays reserved while an application is open; closing it frees the address for a new application.
    if (isOpen(before.stage) && isClosed(app.stage)) {
      items.push({
        Delete: {
          TableName: table.name,
          Key: toAttributes(reservedKey(before)),
          ConditionExpression: 'applicationId = :id',
          ExpressionAttributeValues: toAttributes({ ':id': app.id }),
        },
      });
    }
    try {
      await transact(table, items);
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      ) {
        throw new VersionConflict(`Application ${app.id} changed since version ${expectedVersion}`);
      }
      // Another therapist's change held an aggregate item at that moment: reading again and retrying is safe.
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.some((reason) => reason.Code === 'TransactionConflict')
      ) {
        throw new VersionConflict(`Application ${app.id}: a concurrent change, try again`);
      }
      throw error;
    }
  };

export const storeEvents =
  (table: DynamoTable): ApplicationStore['events'] =>
  async (id) => {
    const events: ApplicationEvent[] = [];
    let startKey: Item | undefined;
    do {
      const page = await queryPage(table, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        values: { ':pk': `APP#${id}`, ':prefix': 'EVENT#' },
        startKey,
        ConsistentRead: true,
      });
      for (const item of page.items) {
        // The stage is for the published event only (publish-events): the history reads as before.
        const { pk: _pk, sk: _sk, entity: _entity, stage: _stage, ...event } = item;
        events.push(event as unknown as ApplicationEvent);
      }
      startKey = page.lastKey;
    } while (startKey);
    return events;
  };

export const storeFindIdempotency =
  (table: DynamoTable): ApplicationStore['findIdempotency'] =>
  async (keyHash) => {
    const item = await getItem(table, idempotencyKey(keyHash));
    if (!item) return undefined;
    const { keyHash: k, bodySha256, applicationId, sealedToken, createdAt } = item;
    return { keyHash: k, bodySha256, applicationId, sealedToken, createdAt } as IdempotencyRecord;
  };

export const storeClearOutbox = (table: DynamoTable): ApplicationStore['clearOutbox'] => {
  const get = storeGet(table);
  return async (id, entryIds) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const app = await get(id);
      if (!app) return;
      const remaining = app.outbox.filter((entry) => !entryIds.includes(entry.id));
      if (remaining.length === app.outbox.length) return;
      try {
        // The version moves too: a change read before this one must not write the delivered entries back.
        await update(table, appKey(id), {
          update: 'SET outbox = :outbox, version = :next',
          condition: 'version = :version',
          values: { ':outbox': remaining, ':version': app.version, ':next': app.version + 1 },
        });
        return;
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    throw new VersionConflict(`Could not clear the outbox of ${id}`);
  };
};

export const storeByStage =
  (table: DynamoTable): ApplicationStore['byStage'] =>
  async (stage, limit, cursor) => {
    const page = await queryPage(table, {
      IndexName: 'by-stage',
      KeyConditionExpression: 'gsi1pk = :stage',
      values: { ':stage': `STAGE#${stage}` },
      ScanIndexForward: false,
      Limit: limit,
      startKey: decodeCursor(cursor),
    });
    return { items: page.items.map(fromItem), cursor: encodeCursor(page.lastKey) };
  };

/** How many applications a stage holds (the queue's tab counts): COUNT queries, page by page. */
export const storeCountByStage =
  (table: DynamoTable): ApplicationStore['countByStage'] =>
  async (stage) => {
    let count = 0;
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await table.client.send(
        new QueryCommand({
          TableName: table.name,
          IndexName: 'by-stage',
          KeyConditionExpression: 'gsi1pk = :stage',
          ExpressionAttributeValues: toAttributes({ ':stage': `STAGE#${stage}` }),
          Select: 'COUNT',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  };

export const storeDue = (table: DynamoTable): ApplicationStore['due'] =>
  queryUpTo(table, 'by-due', 'duePk', 'DUE', 'dueSk');

export const storeComplianceDue = (table: DynamoTable): ApplicationStore['complianceDue'] =>
  queryUpTo(table, 'by-compliance', 'compliancePk', 'COMPLIANCE', 'complianceSk');

export const storeRetentionDue = (table: DynamoTable): ApplicationStore['retentionDue'] =>
  queryUpTo(table, 'by-retention', 'retentionPk', 'RETENTION', 'retentionSk');

/** Therapists with a renewed document to verify, oldest upload first (the sparse by-verify index). */
export const storeToVerify =
  (table: DynamoTable): ApplicationStore['toVerify'] =>
  async (limit, cursor) => {
    const page = await queryPage(table, {
      IndexName: 'by-verify',
      KeyConditionExpression: 'verifyPk = :pk',
      values: { ':pk': 'VERIFY' },
      Limit: limit,
      startKey: decodeCursor(cursor),
    });
    return { items: page.items.map(fromItem), cursor: encodeCursor(page.lastKey) };
  };

export const storeDigest =
  (table: DynamoTable): ApplicationStore['digest'] =>
  async (date) => {
    const item = await getItem(table, digestKey(date));
    if (!item) return undefined;
    return {
      date,
      changes: (item.changes ?? []) as DigestChange[],
      sentAt: item.sentAt as string | undefined,
    };
  };

export const storeAddToDigest =
  (table: DynamoTable): ApplicationStore['addToDigest'] =>
  async (date, changes) => {
    if (changes.length === 0) return;
    await update(table, digestKey(date), {
      update: 'SET changes = list_append(if_not_exists(changes, :empty), :changes), entity = :entity',
      values: { ':changes': changes, ':empty': [], ':entity': 'digest' },
    });
  };

export const storeMarkDigestSent =
  (table: DynamoTable): ApplicationStore['markDigestSent'] =>
  async (date, at) => {
    try {
      await update(table, digestKey(date), {
        update: 'SET sentAt = :at, entity = :entity',
        condition: 'attribute_not_exists(sentAt)',
        values: { ':at': at, ':entity': 'digest' },
      });
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  };

export const storePurge =
  (table: DynamoTable): ApplicationStore['purge'] =>
  async (id, tombstone) => {
    let deleted = 0;
    for (;;) {
      const page = await queryPage(table, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        values: { ':pk': `APP#${id}`, ':prefix': 'EVENT#' },
        ProjectionExpression: 'pk, sk, #type',
        ExpressionAttributeNames: { '#type': 'type' },
        Limit: 25,
      });
      const events = page.items.filter((item) => item.type !== tombstone.type);
      if (events.length === 0) break;
      await table.client.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [table.name]: events.map((item) => ({
              DeleteRequest: { Key: toAttributes({ pk: item.pk, sk: item.sk }) },
            })),
          },
        }),
      );
      deleted += events.length;
    }
    // Last: the item and the tombstone together, so a run that stops earlier finds the item and finishes the job.
    await transact(table, [
      {
        Delete: {
          TableName: table.name,
          Key: toAttributes(appKey(id)),
          // An active therapist counts in the capacity aggregate: retention only ever deletes closed applications.
          ConditionExpression: 'attribute_not_exists(pk) OR #stage <> :active',
          ExpressionAttributeNames: { '#stage': 'stage' },
          ExpressionAttributeValues: toAttributes({ ':active': 'active' }),
        },
      },
      put(table.name, {
        pk: `APP#${id}`,
        sk: `EVENT#${tombstone.at}#${ulid()}`,
        entity: 'event',
        ...tombstone,
      }),
    ]);
    return deleted + 1;
  };

/**
 * Every method, for tests and the bench. A Lambda never uses this: it wires the methods its use case calls (see
 * wiring.ts), so its bundle does not carry the others' commands.
 */
export const createDynamoApplicationStore = (
  tableName: string,
  client: DynamoDBClient = new DynamoDBClient({}),
): ApplicationStore => {
  const table = dynamoTable(tableName, client);
  return {
    create: storeCreate(table),
    get: storeGet(table),
    findByEmail: storeFindByEmail(table),
    recordAccess: storeRecordAccess(table),
    update: storeUpdate(table),
    events: storeEvents(table),
    findIdempotency: storeFindIdempotency(table),
    clearOutbox: storeClearOutbox(table),
    due: storeDue(table),
    complianceDue: storeComplianceDue(table),
    retentionDue: storeRetentionDue(table),
    digest: storeDigest(table),
    addToDigest: storeAddToDigest(table),
    markDigestSent: storeMarkDigestSent(table),
    purge: storePurge(table),
    byStage: storeByStage(table),
    countByStage: storeCountByStage(table),
    toVerify: storeToVerify(table),
  };
};
