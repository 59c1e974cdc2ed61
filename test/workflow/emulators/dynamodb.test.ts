import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTable, localClient, startDynamoDb } from '../../../lib/local/dynamodb.ts';
import { TABLE_KEYS } from '../../../lib/table.ts';

const TABLE = 'onboarding';

describe('DynamoDB Local emulator', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('creates the single table with both GSIs and TTL, idempotently, on a loopback endpoint', async () => {
    const db = await startDynamoDb();
    const client = localClient(db.endpoint);
    try {
      expect(db.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await ensureTable(db.endpoint, TABLE);
      await ensureTable(db.endpoint, TABLE);

      const { Table } = await client.send(new DescribeTableCommand({ TableName: TABLE }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      const indexes = Object.fromEntries((Table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i]));
      expect(indexes['by-stage']?.Projection?.ProjectionType).toBe('ALL');
      expect(indexes['by-due']?.KeySchema?.map((k: { AttributeName?: string }) => k.AttributeName)).toEqual([
        'duePk',
        'dueSk',
      ]);
      // The handlers sign with other credentials than ensureTable did: they must see the same table.
      const other = new DynamoDBClient({
        endpoint: db.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      });
      expect((await other.send(new ListTablesCommand({}))).TableNames).toEqual([TABLE]);
      other.destroy();
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));
      expect(ttl.TimeToLiveDescription).toMatchObject({
        TimeToLiveStatus: 'ENABLED',
        AttributeName: 'expiresAtEpoch',
      });

      // The application relies on transactions with conditions: a failing condition cancels the whole write.
      await client.send(
        new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'EMAIL#x' }, sk: { S: 'UNIQUE' } } }),
      );
      await expect(
        client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: TABLE, Item: { pk: { S: 'APP#1' }, sk: { S: 'APPLICATION' } } } },
              {
                Put: {
                  TableName: TABLE,
                  Item: { pk: { S: 'EMAIL#x' }, sk: { S: 'UNIQUE' } },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        ),
      ).rejects.toBeInstanceOf(TransactionCanceledException);
      const app = await client.send(
        new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'APP#1' }, sk: { S: 'APPLICATION' } } }),
      );
      expect(app.Item).toBeUndefined();
    } finally {
      client.destroy();
      await db.stop();
    }
  });

  it('keeps items, and the sparse index, under dataDir across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ddb-'));
    dirs.push(dataDir);
    const first = await startDynamoDb({ dataDir });
    const firstClient = localClient(first.endpoint);
    await ensureTable(first.endpoint, TABLE);
    await firstClient.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          pk: { S: 'APP#2' },
          sk: { S: 'APPLICATION' },
          duePk: { S: 'DUE' },
          dueSk: { S: '2030-01-01T00:00:00Z#2' },
        },
      }),
    );
    firstClient.destroy();
    await first.stop();
    await expect(fetch(first.endpoint)).rejects.toThrow();

    const second = await startDynamoDb({ dataDir });
    const client = localClient(second.endpoint);
    try {
      await ensureTable(second.endpoint, TABLE);
      const due = await client.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: 'by-due',
          KeyConditionExpression: 'duePk = :due',
          ExpressionAttributeValues: { ':due': { S: 'DUE' } },
        }),
      );
      expect(due.Items?.map((item) => item.pk?.S)).toEqual(['APP#2']);
    } finally {
      client.destroy();
      await second.stop();
    }
  });

  it('adds an index a table made by an earlier version lacks, with the items already there', async () => {
    const db = await startDynamoDb();
    const client = localClient(db.endpoint);
    try {
      // The table as it was before the by-verify index (issue 11): every other index of lib/table.ts.
      const older = TABLE_KEYS.indexes.filter((index) => index.name !== 'by-verify');
      await client.send(
        new CreateTableCommand({
          TableName: TABLE,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: ['pk', 'sk', ...older.flatMap((i) => [i.partitionKey, i.sortKey])].map(
            (name) => ({ AttributeName: name, AttributeType: 'S' }),
          ),
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: older.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
        }),
      );
      await client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: {
            pk: { S: 'APP#3' },
            sk: { S: 'APPLICATION' },
            verifyPk: { S: 'VERIFY' },
            verifySk: { S: '2030-01-01T00:00:00Z#3' },
          },
        }),
      );

      await ensureTable(db.endpoint, TABLE);
      const { Table } = await client.send(new DescribeTableCommand({ TableName: TABLE }));
      expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(
        TABLE_KEYS.indexes.map((i) => i.name).sort(),
      );
      const toVerify = await client.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: 'by-verify',
          KeyConditionExpression: 'verifyPk = :v',
          ExpressionAttributeValues: { ':v': { S: 'VERIFY' } },
        }),
      );
      expect(toVerify.Items?.map((item) => item.pk?.S)).toEqual(['APP#3']);
    } finally {
      client.destroy();
      await db.stop();
    }
  });
});
