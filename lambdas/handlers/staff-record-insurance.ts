import { createDynamoApplicationStore } from '../adapters/dynamo-application-store.ts';
import { systemClock, unavailable } from '../adapters/unavailable.ts';
import { env } from '../shared/env.ts';
import { insuranceSchema } from '../shared/schemas.ts';
import { staffActionHandler } from '../shared/staff-action.ts';
import { recordInsurance } from '../use-cases/staff-actions.ts';

/** Recording a renewal sends nothing and spends no token: the table is all it needs. */
const ports = {
  store: createDynamoApplicationStore(env.tableName),
  documents: unavailable<never>('the documents bucket'),
  mailer: unavailable<never>('SES'),
  workflow: unavailable<never>('Step Functions'),
  clock: systemClock,
};

export const handler = staffActionHandler(insuranceSchema, (id, input, staffId) =>
  recordInsurance(id, input, ports, staffId),
);
