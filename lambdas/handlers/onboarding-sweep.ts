import { createDynamoApplicationStore } from '../adapters/dynamo-application-store.ts';
import { createSesMailer } from '../adapters/ses-mailer.ts';
import { createSfnWorkflow } from '../adapters/sfn-workflow.ts';
import { systemClock, unavailable } from '../adapters/unavailable.ts';
import { env, mailLinks } from '../shared/env.ts';
import { logger } from '../shared/logger.ts';
import { onboardingSweep, type SweepResult } from '../use-cases/onboarding-sweep.ts';

const ports = {
  store: createDynamoApplicationStore(env.tableName),
  documents: unavailable<never>('the documents bucket'),
  mailer: createSesMailer(env.mailFrom),
  workflow: createSfnWorkflow(env.stateMachineArn),
  clock: systemClock,
};

const links = mailLinks();

/** EventBridge Scheduler sends its own payload; `asOf` (ISO date or date-time) replays the sweep at a moment. */
export const handler = async (event: { asOf?: string } = {}): Promise<SweepResult> => {
  const asOf = event.asOf ? new Date(event.asOf) : new Date();
  if (Number.isNaN(asOf.getTime())) throw new Error('asOf must be an ISO 8601 date or date-time');
  const result = await onboardingSweep({ asOf }, ports, links);
  logger.info('onboarding sweep done', { ...result });
  return result;
};
