import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod';
import { createEventBridgePublisher } from '../adapters/eventbridge-publisher.ts';
import type { HistoryEntry } from '../domain/published-events.ts';
import { requireEnv } from '../shared/env.ts';
import { parseWith } from '../shared/http.ts';
import { logger } from '../shared/logger.ts';
import { type PublishResult, publishHistory, type StreamRecord } from '../use-cases/publish-events.ts';

const ports = { events: createEventBridgePublisher(requireEnv('EVENT_BUS_NAME')) };

/** A DynamoDB stream batch (NEW_IMAGE); the event source mapping passes only INSERTs of `EVENT#` items. */
const streamSchema = z.object({
  Records: z.array(
    z.object({
      eventName: z.string(),
      dynamodb: z.object({
        SequenceNumber: z.string().min(1),
        NewImage: z.record(z.string(), z.unknown()).optional(),
      }),
    }),
  ),
});

const entryOf = (image: Record<string, unknown> | undefined): HistoryEntry | undefined => {
  if (!image) return undefined;
  const item = unmarshall(image as Parameters<typeof unmarshall>[0]);
  const sk = typeof item.sk === 'string' ? item.sk : '';
  if (!sk.startsWith('EVENT#') || typeof item.applicationId !== 'string') return undefined;
  return {
    id: sk.slice(sk.lastIndexOf('#') + 1),
    applicationId: item.applicationId,
    at: String(item.at),
    type: String(item.type),
    ...(typeof item.stage === 'string' ? { stage: item.stage as HistoryEntry['stage'] } : {}),
    ...(item.details && typeof item.details === 'object'
      ? { details: item.details as HistoryEntry['details'] }
      : {}),
  };
};

export const handler = async (event: unknown): Promise<PublishResult> => {
  const { Records } = parseWith(streamSchema, event);
  const records: StreamRecord[] = Records.map((record) => {
    const entry = record.eventName === 'INSERT' ? entryOf(record.dynamodb.NewImage) : undefined;
    return { sequenceNumber: record.dynamodb.SequenceNumber, ...(entry ? { entry } : {}) };
  });
  const result = await publishHistory(records, ports);
  // Counts only: the events carry ids, but the log needs none of them.
  logger.info('published', {
    records: records.length,
    published: result.published,
    failed: result.batchItemFailures.length,
  });
  return result;
};
