import { dynamoTable } from '../adapters/dynamo-application-store.ts';
import { type GuardDutyScanEvent, scanOf } from '../adapters/guardduty-scan.ts';
import { createS3DocumentStore } from '../adapters/s3-document-store.ts';
import { createSesMailer } from '../adapters/ses-mailer.ts';
import { createSfnWorkflow } from '../adapters/sfn-workflow.ts';
import { systemClock, wiredStore } from '../adapters/unavailable.ts';
import { changeMethods } from '../adapters/wiring.ts';
import { env } from '../shared/env.ts';
import { documentScanned, type ScanOutcome } from '../use-cases/document-scanned.ts';

const ports = {
  store: wiredStore(changeMethods(dynamoTable(env.tableName))),
  documents: createS3DocumentStore(env.documentsBucket),
  mailer: createSesMailer(env.mailFrom),
  workflow: createSfnWorkflow(env.stateMachineArn),
  clock: systemClock,
};
const ctx = { siteUrl: env.siteUrl, staffEmail: env.staffEmail };

export const handler = async (event: GuardDutyScanEvent): Promise<{ outcome: ScanOutcome }> => {
  const { key, result } = scanOf(event);
  return { outcome: await documentScanned({ key, result }, ports, ctx) };
};
