import { createDynamoApplicationStore } from '../adapters/dynamo-application-store.ts';
import { systemClock, unavailable } from '../adapters/unavailable.ts';
import { env } from '../shared/env.ts';
import { dbsStatusCheckSchema } from '../shared/schemas.ts';
import { staffActionHandler } from '../shared/staff-action.ts';
import { recordDbsStatusCheck } from '../use-cases/staff-actions.ts';

/** Recording a status check sends nothing and spends no token: the table is all it needs. */
const ports = {
  store: createDynamoApplicationStore(env.tableName),
  documents: unavailable<never>('the documents bucket'),
  mailer: unavailable<never>('SES'),
  workflow: unavailable<never>('Step Functions'),
  clock: systemClock,
};

export const handler = staffActionHandler(dbsStatusCheckSchema, (id, input, staffId) =>
  recordDbsStatusCheck(id, input, ports, staffId),
);
