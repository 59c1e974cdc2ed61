/**
 * The table stream → publish-events, locally: what Lambda's event source mapping does on AWS (lib/history-stream.ts
 * holds its settings). DynamoDB Local has streams; this poller turns them on for the table (NEW_IMAGE), reads each
 * shard in order, keeps the records the mapping's filter passes, and invokes the function in its worker with
 * batches shaped as Lambda's DynamoDB stream events.
 *
 * As the mapping does, a failure half-way loses nothing: records the function names in `batchItemFailures` are
 * sent again from the first of them; a batch whose invocation fails is split in two (bisect) and each half retried;
 * after `retryAttempts` a batch is given up, logged and listed (`failures()`), as the on-failure queue keeps it on
 * AWS. The position reached in each shard is saved in `<dataDir>/streams.json`, so a restart goes on from there.
 *
 * Differences from AWS: one poller for the table (shards in turn, not in parallel); no record-age limit.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { DescribeTableCommand, type DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { HISTORY_STREAM, matchesHistoryFilter } from '../history-stream.ts';
import { LOCAL_REGION } from './credentials.ts';
import { localClient } from './dynamodb.ts';

/** A Lambda DynamoDB stream event record (what the function receives). */
export interface LambdaStreamRecord {
  eventID?: string;
  eventName?: string;
  eventVersion?: string;
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  eventSourceARN: string;
  dynamodb: Record<string, unknown> & { SequenceNumber: string };
}

export type Deliver = (event: { Records: LambdaStreamRecord[] }) => Promise<unknown>;

export interface HistoryStream {
  /** Batches given up after the retries (on AWS: a message in the on-failure queue). */
  failures(): { shardId: string; firstSequenceNumber: string; lastSequenceNumber: string; at: string }[];
  stop(): Promise<void>;
}

const POLL_MS = 200;
const RETRY_PAUSE_MS = 200;
const STOP_WAIT_MS = 3_000;

/** Turns the table's stream on (NEW_IMAGE) unless it is; returns its ARN. */
export const ensureStream = async (client: DynamoDBClient, tableName: string): Promise<string> => {
  const table = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  if (table?.StreamSpecification?.StreamEnabled && table.LatestStreamArn) return table.LatestStreamArn;
  const updated = await client.send(
    new UpdateTableCommand({
      TableName: tableName,
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );
  const arn = updated.TableDescription?.LatestStreamArn;
  if (!arn) throw new Error(`DynamoDB Local gave ${tableName} no stream`);
  return arn;
};

const toLambdaRecord = (record: StreamRecord, streamArn: string): LambdaStreamRecord => {
  const { ApproximateCreationDateTime, ...rest } = record.dynamodb ?? {};
  return {
    ...(record.eventID ? { eventID: record.eventID } : {}),
    ...(record.eventName ? { eventName: record.eventName } : {}),
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: LOCAL_REGION,
    eventSourceARN: streamArn,
    dynamodb: {
      ...rest,
      ...(ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(ApproximateCreationDateTime.getTime() / 1000) }
        : {}),
      SequenceNumber: rest.SequenceNumber ?? '',
    },
  };
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

export const startHistoryStream = async ({
  endpoint,
  tableName,
  checkpointFile,
  deliver,
  log,
}: {
  /** DynamoDB Local's own endpoint (the stream is read as the Lambda service reads it, not by the function). */
  endpoint: string;
  tableName: string;
  checkpointFile: string;
  deliver: Deliver;
  log: (line: string) => void;
}): Promise<HistoryStream> => {
  const tables = localClient(endpoint);
  const streamArn = await ensureStream(tables, tableName);
  tables.destroy();
  const streams = new DynamoDBStreamsClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const saved = JSON.parse(await readFile(checkpointFile, 'utf8').catch(() => '{}')) as {
    streamArn?: string;
    shards?: Record<string, string>;
  };
  // A position of another stream (the table was recreated) means nothing here.
  const positions: Record<string, string> = saved.streamArn === streamArn ? (saved.shards ?? {}) : {};
  const iterators = new Map<string, string | undefined>();
  const done = new Set<string>();
  const failures: ReturnType<HistoryStream['failures']> = [];
  let stopped = false;

  const save = () => writeFile(checkpointFile, JSON.stringify({ streamArn, shards: positions }));

  /** One batch to the function, as the mapping delivers it; true once it is handled or given up. */
  const deliverBatch = async (shardId: string, batch: LambdaStreamRecord[], attempt = 0): Promise<void> => {
    if (batch.length === 0) return;
    let failedFrom: number;
    try {
      const result = (await deliver({ Records: batch })) as
        | { batchItemFailures?: { itemIdentifier: string }[] }
        | undefined;
      const failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      failedFrom = batch.findIndex((record) => failed.has(record.dynamodb.SequenceNumber));
      if (failedFrom < 0) return;
    } catch (error) {
      log(`[streams] publish-events failed: ${(error as Error).name}`);
      // Stopping: the position is not saved past this batch, so the next start delivers it again.
      if (stopped) throw error;
      if (attempt >= HISTORY_STREAM.retryAttempts) return giveUp(shardId, batch);
      await pause(RETRY_PAUSE_MS * (attempt + 1));
      if (HISTORY_STREAM.bisectBatchOnError && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        await deliverBatch(shardId, batch.slice(0, half), attempt + 1);
        await deliverBatch(shardId, batch.slice(half), attempt + 1);
        return;
      }
      return deliverBatch(shardId, batch, attempt + 1);
    }
    // Reported failures: the mapping retries from the first one named (what came before it is done).
    if (stopped) throw new Error('stopped with records not published');
    if (attempt >= HISTORY_STREAM.retryAttempts) return giveUp(shardId, batch.slice(failedFrom));
    await pause(RETRY_PAUSE_MS * (attempt + 1));
    return deliverBatch(shardId, batch.slice(failedFrom), attempt + 1);
  };

  const giveUp = (shardId: string, batch: LambdaStreamRecord[]) => {
    const entry = {
      shardId,
      firstSequenceNumber: batch[0]?.dynamodb.SequenceNumber ?? '',
      lastSequenceNumber: batch.at(-1)?.dynamodb.SequenceNumber ?? '',
      at: new Date().toISOString(),
    };
    failures.push(entry);
    log(
      `[streams] gave up a batch of ${batch.length} after ${HISTORY_STREAM.retryAttempts} retries: ${JSON.stringify(entry)}`,
    );
  };

  const iteratorFor = async (shardId: string): Promise<string | undefined> => {
    const after = positions[shardId];
    const answer = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return answer.ShardIterator;
  };

  const pollShard = async (shardId: string) => {
    if (!iterators.has(shardId)) iterators.set(shardId, await iteratorFor(shardId));
    const iterator = iterators.get(shardId);
    if (!iterator) {
      done.add(shardId);
      return;
    }
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    const records = page.Records ?? [];
    const passing = records.filter(matchesHistoryFilter).map((r) => toLambdaRecord(r, streamArn));
    for (let i = 0; i < passing.length; i += HISTORY_STREAM.batchSize) {
      await deliverBatch(shardId, passing.slice(i, i + HISTORY_STREAM.batchSize));
    }
    const last = records.at(-1)?.dynamodb?.SequenceNumber;
    if (last) {
      positions[shardId] = last;
      await save();
    }
    iterators.set(shardId, page.NextShardIterator);
    if (!page.NextShardIterator) done.add(shardId);
  };

  const poll = async () => {
    const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription
      ?.Shards;
    for (const shard of shards ?? []) {
      if (stopped) return;
      if (shard.ShardId && !done.has(shard.ShardId)) await pollShard(shard.ShardId);
    }
  };

  const loop = (async () => {
    while (!stopped) {
      try {
        await poll();
      } catch (error) {
        if (!stopped) log(`[streams] reading the table stream failed: ${(error as Error).message}`);
        // An expired iterator is asked for again from the saved position.
        iterators.clear();
      }
      await pause(POLL_MS);
    }
  })();

  return {
    failures: () => [...failures],
    async stop() {
      stopped = true;
      // A poll in flight ends at its next step (a failing batch is not retried once stopping).
      await Promise.race([loop, pause(STOP_WAIT_MS)]);
      streams.destroy();
    },
  };
};
