import { createDynamoApplicationStore } from '../adapters/dynamo-application-store.ts';
import { systemClock, unavailable } from '../adapters/unavailable.ts';
import { env } from '../shared/env.ts';
import { dbsApplicationMadeSchema } from '../shared/schemas.ts';
import { staffActionHandler } from '../shared/staff-action.ts';
import { recordDbsApplication } from '../use-cases/staff-actions.ts';

/** Recording the provider's application sends nothing and spends no token: the table is all it needs. */
const ports = {
  store: createDynamoApplicationStore(env.tableName),
  documents: unavailable<never>('the documents bucket'),
  mailer: unavailable<never>('SES'),
  workflow: unavailable<never>('Step Functions'),
  clock: systemClock,
};

export const handler = staffActionHandler(dbsApplicationMadeSchema, (id, input, staffId) =>
  recordDbsApplication(id, input, ports, staffId),
);
