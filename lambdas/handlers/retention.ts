import {
  dynamoTable,
  storeGet,
  storePurge,
  storeRetentionDue,
  storeUpdate,
} from '../adapters/dynamo-application-store.ts';
import { createS3DocumentStore } from '../adapters/s3-document-store.ts';
import { systemClock, unavailable, wiredStore } from '../adapters/unavailable.ts';
import { env } from '../shared/env.ts';
import { logger } from '../shared/logger.ts';
import { type RetentionResult, retention } from '../use-cases/retention.ts';

const table = dynamoTable(env.tableName);
const ports = {
  store: wiredStore({
    retentionDue: storeRetentionDue(table),
    purge: storePurge(table),
    get: storeGet(table),
    update: storeUpdate(table),
  }),
  documents: createS3DocumentStore(env.documentsBucket),
  mailer: unavailable<never>('SES'),
  workflow: unavailable<never>('Step Functions'),
  clock: systemClock,
};

/** EventBridge Scheduler passes `asOf` (the scheduled time); without it, now. */
export const handler = async (event: { asOf?: string } = {}): Promise<RetentionResult> => {
  const asOf = event.asOf ? new Date(event.asOf) : new Date();
  if (Number.isNaN(asOf.getTime())) throw new Error('asOf must be an ISO 8601 date or date-time');
  const result = await retention({ asOf }, ports);
  await logger.info('retention done', { ...result });
  return result;
};
