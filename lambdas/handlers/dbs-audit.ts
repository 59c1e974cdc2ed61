import {
  dynamoTable,
  storeAddToDigest,
  storeComplianceDue,
  storeDigest,
  storeMarkDigestSent,
} from '../adapters/dynamo-application-store.ts';
import { createSesMailer } from '../adapters/ses-mailer.ts';
import { systemClock, unavailable, wiredStore } from '../adapters/unavailable.ts';
import { changeMethods } from '../adapters/wiring.ts';
import { env, mailLinks } from '../shared/env.ts';
import { logger } from '../shared/logger.ts';
import { type AuditResult, dbsAudit } from '../use-cases/dbs-audit.ts';

const table = dynamoTable(env.tableName);
const ports = {
  store: wiredStore({
    ...changeMethods(table),
    complianceDue: storeComplianceDue(table),
    addToDigest: storeAddToDigest(table),
    digest: storeDigest(table),
    markDigestSent: storeMarkDigestSent(table),
  }),
  documents: unavailable<never>('the documents bucket'),
  mailer: createSesMailer(env.mailFrom),
  workflow: unavailable<never>('Step Functions'),
  clock: systemClock,
};
const links = mailLinks();

/** EventBridge Scheduler passes `asOf` (the scheduled time); without it, now. */
export const handler = async (event: { asOf?: string } = {}): Promise<AuditResult> => {
  const asOf = event.asOf ? new Date(event.asOf) : new Date();
  if (Number.isNaN(asOf.getTime())) throw new Error('asOf must be an ISO 8601 date or date-time');
  const result = await dbsAudit({ asOf }, ports, links);
  await logger.info('dbs-audit done', { ...result });
  return result;
};
