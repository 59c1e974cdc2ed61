/**
 * The port sets handlers are built from, at cold start. Each set names only the adapters it needs, and each handler
 * passes a store with only the methods its use case calls, so a bundle carries only the AWS SDK clients and the
 * DynamoDB commands its Lambda uses (a port or method it does not have fails loudly if touched).
 */
import type { ApplicationStore, Ports } from '../ports/index.ts';
import { env } from '../shared/env.ts';
import { type DynamoTable, storeClearOutbox, storeGet, storeUpdate } from './dynamo-application-store.ts';
import { createS3DocumentStore } from './s3-document-store.ts';
import { createSesMailer } from './ses-mailer.ts';
import { createSfnWorkflow } from './sfn-workflow.ts';
import { systemClock, unavailable } from './unavailable.ts';

/** What every change of an application calls: read it, commit the change, clear the outbox entries it delivered. */
export const changeMethods = (table: DynamoTable) => ({
  get: storeGet(table),
  update: storeUpdate(table),
  clearOutbox: storeClearOutbox(table),
});

/** The table alone: a staff record that sends nothing and spends no token. */
export const tablePorts = (store: ApplicationStore): Ports => ({
  store,
  documents: unavailable('the documents bucket'),
  mailer: unavailable('SES'),
  workflow: unavailable('Step Functions'),
  clock: systemClock,
});

/** Table and mail: an active therapist's own change, which emails a receipt and spends no token. */
export const mailPorts = (store: ApplicationStore): Ports => ({
  store,
  documents: unavailable('the documents bucket'),
  mailer: createSesMailer(env.mailFrom),
  workflow: unavailable('Step Functions'),
  clock: systemClock,
});

/** Table, mail and workflow: what a change of stage needs (it emails and spends a task token). */
export const stageChangePorts = (store: ApplicationStore): Ports => ({
  store,
  documents: unavailable('the documents bucket'),
  mailer: createSesMailer(env.mailFrom),
  workflow: createSfnWorkflow(env.stateMachineArn),
  clock: systemClock,
});

/** A change of stage that can reach contract-sent: it also writes the contract PDF (and removes an unused one). */
export const contractStagePorts = (store: ApplicationStore): Ports => ({
  ...stageChangePorts(store),
  documents: createS3DocumentStore(env.documentsBucket),
});
