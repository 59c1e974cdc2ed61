/**
 * The port sets handlers are built from, at cold start. Each set names only the adapters it needs, so a bundle
 * carries only the AWS SDK clients its Lambda uses (a port it does not have fails loudly if touched).
 */
import type { Ports } from '../ports/index.ts';
import { env } from '../shared/env.ts';
import { createDynamoApplicationStore } from './dynamo-application-store.ts';
import { createS3DocumentStore } from './s3-document-store.ts';
import { createSesMailer } from './ses-mailer.ts';
import { createSfnWorkflow } from './sfn-workflow.ts';
import { systemClock, unavailable } from './unavailable.ts';

/** The table alone: a staff record that sends nothing and spends no token. */
export const tablePorts = (): Ports => ({
  store: createDynamoApplicationStore(env.tableName),
  documents: unavailable('the documents bucket'),
  mailer: unavailable('SES'),
  workflow: unavailable('Step Functions'),
  clock: systemClock,
});

/** Table, mail and workflow: what a change of stage needs (it emails and spends a task token). */
export const stageChangePorts = (): Ports => ({
  store: createDynamoApplicationStore(env.tableName),
  documents: unavailable('the documents bucket'),
  mailer: createSesMailer(env.mailFrom),
  workflow: createSfnWorkflow(env.stateMachineArn),
  clock: systemClock,
});

/** A change of stage that can reach contract-sent: it also writes the contract PDF (and removes an unused one). */
export const contractStagePorts = (): Ports => ({
  ...stageChangePorts(),
  documents: createS3DocumentStore(env.documentsBucket),
});
