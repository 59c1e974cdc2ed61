import { dynamoTable, storeDue } from '../adapters/dynamo-application-store.ts';
import { wiredStore } from '../adapters/unavailable.ts';
import { changeMethods, stageChangePorts } from '../adapters/wiring.ts';
import { env, mailLinks } from '../shared/env.ts';
import { logger } from '../shared/logger.ts';
import { onboardingSweep, type SweepResult } from '../use-cases/onboarding-sweep.ts';

const table = dynamoTable(env.tableName);
const ports = stageChangePorts(wiredStore({ ...changeMethods(table), due: storeDue(table) }));

const links = mailLinks();

/** EventBridge Scheduler sends its own payload; `asOf` (ISO date or date-time) replays the sweep at a moment. */
export const handler = async (event: { asOf?: string } = {}): Promise<SweepResult> => {
  const asOf = event.asOf ? new Date(event.asOf) : new Date();
  if (Number.isNaN(asOf.getTime())) throw new Error('asOf must be an ISO 8601 date or date-time');
  const result = await onboardingSweep({ asOf }, ports, links);
  await logger.info('onboarding sweep done', { ...result });
  return result;
};
