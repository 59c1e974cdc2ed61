import { dynamoTable, storeAddToDigest } from '../adapters/dynamo-application-store.ts';
import { wiredStore } from '../adapters/unavailable.ts';
import { changeMethods, tablePorts } from '../adapters/wiring.ts';
import { env } from '../shared/env.ts';
import { insuranceSchema } from '../shared/schemas.ts';
import { staffActionHandler } from '../shared/staff-action.ts';
import { recordInsurance } from '../use-cases/staff-actions.ts';

/** Recording a renewal sends nothing and spends no token. */
const table = dynamoTable(env.tableName);
const ports = tablePorts(wiredStore({ ...changeMethods(table), addToDigest: storeAddToDigest(table) }));

export const handler = staffActionHandler(insuranceSchema, (id, input, staffId) =>
  recordInsurance(id, input, ports, staffId),
);
