import { dynamoTable, storeAddToDigest } from '../adapters/dynamo-application-store.ts';
import { wiredStore } from '../adapters/unavailable.ts';
import { changeMethods, tablePorts } from '../adapters/wiring.ts';
import { env } from '../shared/env.ts';
import { dbsStatusCheckSchema } from '../shared/schemas.ts';
import { staffActionHandler } from '../shared/staff-action.ts';
import { recordDbsStatusCheck } from '../use-cases/staff-actions.ts';

/** Recording a status check sends nothing and spends no token. */
const table = dynamoTable(env.tableName);
const ports = tablePorts(wiredStore({ ...changeMethods(table), addToDigest: storeAddToDigest(table) }));

export const handler = staffActionHandler(dbsStatusCheckSchema, (id, input, staffId) =>
  recordDbsStatusCheck(id, input, ports, staffId),
);
