import type { S3Event } from 'aws-lambda';
import { dynamoTable } from '../adapters/dynamo-application-store.ts';
import { createS3DocumentStore } from '../adapters/s3-document-store.ts';
import { createSesMailer } from '../adapters/ses-mailer.ts';
import { createSfnWorkflow } from '../adapters/sfn-workflow.ts';
import { systemClock, wiredStore } from '../adapters/unavailable.ts';
import { changeMethods } from '../adapters/wiring.ts';
import { env } from '../shared/env.ts';
import { documentReceived } from '../use-cases/document-received.ts';

const ports = {
  store: wiredStore(changeMethods(dynamoTable(env.tableName))),
  documents: createS3DocumentStore(env.documentsBucket),
  mailer: createSesMailer(env.mailFrom),
  workflow: createSfnWorkflow(env.stateMachineArn),
  clock: systemClock,
};
const ctx = { siteUrl: env.siteUrl, staffEmail: env.staffEmail };

/** S3 delivers keys URL-encoded with '+' for spaces. */
const objectKey = (raw: string): string => decodeURIComponent(raw.replace(/\+/g, ' '));

export const handler = async (event: S3Event): Promise<void> => {
  for (const record of event.Records) {
    await documentReceived({ key: objectKey(record.s3.object.key) }, ports, ctx);
  }
};
