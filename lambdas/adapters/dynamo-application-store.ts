/**
 * ApplicationStore on the single DynamoDB table (lib/table.ts). Every change is a transaction guarded by the
 * item's version; the staff-queue and due-index keys are derived here from the item, so no caller can forget them.
 */
import { createHash } from 'node:crypto';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { type Application, type ApplicationEvent, upgradeApplication } from '../domain/application.ts';
import { isOpen } from '../domain/stages.ts';
import {
  type ApplicationStore,
  type DigestChange,
  DuplicateEmail,
  type IdempotencyRecord,
  VersionConflict,
} from '../ports/index.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

const appKey = (id: string) => ({ pk: `APP#${id}`, sk: 'APPLICATION' });
const emailKey = (email: string) => ({
  pk: `EMAIL#${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`,
  sk: 'UNIQUE',
});
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
});

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

const eventPut = (tableName: string, event: ApplicationEvent): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: { pk: `APP#${event.applicationId}`, sk: `EVENT#${event.at}#${ulid()}`, entity: 'event', ...event },
  },
});

const queryUpTo =
  (client: DynamoDBDocumentClient, tableName: string) =>
  async (
    index: string,
    pkName: string,
    pkValue: string,
    skName: string,
    asOf: string,
    limit: number,
    cursor?: string,
  ) => {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index,
        KeyConditionExpression: `${pkName} = :pk AND ${skName} <= :asOf`,
        ExpressionAttributeValues: { ':pk': pkValue, ':asOf': `${asOf}~` },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    return { items: (page.Items ?? []).map(fromItem), cursor: encodeCursor(page.LastEvaluatedKey) };
  };

export const createDynamoApplicationStore = (
  tableName: string,
  client: DynamoDBDocumentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  }),
): ApplicationStore => {
  const upTo = queryUpTo(client, tableName);
  return {
    async create(app, events, idempotency) {
      const items: TransactItem[] = [
        { Put: { TableName: tableName, Item: toItem(app), ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            TableName: tableName,
            Item: { ...emailKey(app.applicant.email), entity: 'email-uniqueness', applicationId: app.id },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...events.map((event) => eventPut(tableName, event)),
      ];
      if (idempotency) {
        items.push({
          Put: {
            TableName: tableName,
            Item: {
              ...idempotencyKey(idempotency.keyHash),
              entity: 'idempotency',
              ...idempotency,
              expiresAtEpoch: Math.floor(Date.parse(idempotency.createdAt) / 1000) + IDEMPOTENCY_TTL_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      }
      try {
        await client.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          const reasons = error.CancellationReasons ?? [];
          if (reasons[1]?.Code === 'ConditionalCheckFailed') throw new DuplicateEmail();
          if (idempotency && reasons[items.length - 1]?.Code === 'ConditionalCheckFailed')
            throw new VersionConflict();
        }
        throw error;
      }
    },

    async get(id) {
      const result = await client.send(
        new GetCommand({ TableName: tableName, Key: appKey(id), ConsistentRead: true }),
      );
      return result.Item ? fromItem(result.Item) : undefined;
    },

    async findByEmail(email) {
      const holder = await client.send(
        new GetCommand({ TableName: tableName, Key: emailKey(email), ConsistentRead: true }),
      );
      const id = holder.Item?.applicationId;
      return typeof id === 'string' ? this.get(id) : undefined;
    },

    async update(app, before, events) {
      const expectedVersion = before.version;
      const items: TransactItem[] = [
        {
          Put: {
            TableName: tableName,
            Item: toItem(app),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': expectedVersion },
          },
        },
        ...events.map((event) => eventPut(tableName, event)),
      ];
      // The email stays reserved while an application is open; closing it frees the address for a new application.
      if (isOpen(before.stage) && !isOpen(app.stage) && app.stage !== 'active') {
        items.push({
          Delete: {
            TableName: tableName,
            Key: emailKey(app.applicant.email),
            ConditionExpression: 'applicationId = :id',
            ExpressionAttributeValues: { ':id': app.id },
          },
        });
      }
      try {
        await client.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        if (
          error instanceof TransactionCanceledException &&
          error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
        ) {
          throw new VersionConflict(`Application ${app.id} changed since version ${expectedVersion}`);
        }
        throw error;
      }
    },

    async events(id) {
      const events: ApplicationEvent[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': `APP#${id}`, ':prefix': 'EVENT#' },
            ExclusiveStartKey: startKey,
            ConsistentRead: true,
          }),
        );
        for (const item of page.Items ?? []) {
          const { pk: _pk, sk: _sk, entity: _entity, ...event } = item;
          events.push(event as ApplicationEvent);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return events;
    },

    async findIdempotency(keyHash) {
      const result = await client.send(
        new GetCommand({ TableName: tableName, Key: idempotencyKey(keyHash), ConsistentRead: true }),
      );
      if (!result.Item) return undefined;
      const { keyHash: k, bodySha256, applicationId, sealedToken, createdAt } = result.Item;
      return { keyHash: k, bodySha256, applicationId, sealedToken, createdAt } as IdempotencyRecord;
    },

    async clearOutbox(id, entryIds) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const app = await this.get(id);
        if (!app) return;
        const remaining = app.outbox.filter((entry) => !entryIds.includes(entry.id));
        if (remaining.length === app.outbox.length) return;
        try {
          await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: appKey(id),
              UpdateExpression: 'SET outbox = :outbox',
              ConditionExpression: 'version = :version',
              ExpressionAttributeValues: { ':outbox': remaining, ':version': app.version },
            }),
          );
          return;
        } catch (error) {
          if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        }
      }
      throw new VersionConflict(`Could not clear the outbox of ${id}`);
    },

    async byStage(stage, limit, cursor) {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'by-stage',
          KeyConditionExpression: 'gsi1pk = :stage',
          ExpressionAttributeValues: { ':stage': `STAGE#${stage}` },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: decodeCursor(cursor),
        }),
      );
      return { items: (page.Items ?? []).map(fromItem), cursor: encodeCursor(page.LastEvaluatedKey) };
    },

    due(asOf, limit, cursor) {
      return upTo('by-due', 'duePk', 'DUE', 'dueSk', asOf, limit, cursor);
    },

    complianceDue(asOf, limit, cursor) {
      return upTo('by-compliance', 'compliancePk', 'COMPLIANCE', 'complianceSk', asOf, limit, cursor);
    },

    retentionDue(asOf, limit, cursor) {
      return upTo('by-retention', 'retentionPk', 'RETENTION', 'retentionSk', asOf, limit, cursor);
    },

    async digest(date) {
      const result = await client.send(
        new GetCommand({ TableName: tableName, Key: digestKey(date), ConsistentRead: true }),
      );
      if (!result.Item) return undefined;
      return {
        date,
        changes: (result.Item.changes ?? []) as DigestChange[],
        sentAt: result.Item.sentAt as string | undefined,
      };
    },

    async addToDigest(date, changes) {
      if (changes.length === 0) return;
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: digestKey(date),
          UpdateExpression:
            'SET changes = list_append(if_not_exists(changes, :empty), :changes), entity = :entity',
          ExpressionAttributeValues: { ':changes': changes, ':empty': [], ':entity': 'digest' },
        }),
      );
    },

    async markDigestSent(date, at) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: digestKey(date),
            UpdateExpression: 'SET sentAt = :at, entity = :entity',
            ConditionExpression: 'attribute_not_exists(sentAt)',
            ExpressionAttributeValues: { ':at': at, ':entity': 'digest' },
          }),
        );
        return true;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },

    async purge(id, tombstone) {
      let deleted = 0;
      for (;;) {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': `APP#${id}`, ':prefix': 'EVENT#' },
            ProjectionExpression: 'pk, sk, #type',
            ExpressionAttributeNames: { '#type': 'type' },
            Limit: 25,
          }),
        );
        const events = (page.Items ?? []).filter((item) => item.type !== tombstone.type);
        if (events.length === 0) break;
        await client.send(
          new BatchWriteCommand({
            RequestItems: {
              [tableName]: events.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
            },
          }),
        );
        deleted += events.length;
      }
      // Last: the item and the tombstone together, so a run that stops earlier finds the item and finishes the job.
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Delete: { TableName: tableName, Key: appKey(id) } },
            {
              Put: {
                TableName: tableName,
                Item: {
                  pk: `APP#${id}`,
                  sk: `EVENT#${tombstone.at}#${ulid()}`,
                  entity: 'event',
                  ...tombstone,
                },
              },
            },
          ],
        }),
      );
      return deleted + 1;
    },
  };
};
