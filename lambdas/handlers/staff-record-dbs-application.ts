import { dynamoTable, storeAddToDigest } from '../adapters/dynamo-application-store.ts';
import { wiredStore } from '../adapters/unavailable.ts';
import { changeMethods, tablePorts } from '../adapters/wiring.ts';
import { env } from '../shared/env.ts';
import { dbsApplicationMadeSchema } from '../shared/schemas.ts';
import { staffActionHandler } from '../shared/staff-action.ts';
import { recordDbsApplication } from '../use-cases/staff-actions.ts';

/** Recording the provider's application sends nothing and spends no token. */
const table = dynamoTable(env.tableName);
const ports = tablePorts(wiredStore({ ...changeMethods(table), addToDigest: storeAddToDigest(table) }));

export const handler = staffActionHandler(dbsApplicationMadeSchema, (id, input, staffId) =>
  recordDbsApplication(id, input, ports, staffId),
);
