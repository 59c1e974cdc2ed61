import { dynamoTable, storeAddToDigest } from '../adapters/dynamo-application-store.ts';
import { wiredStore } from '../adapters/unavailable.ts';
import { changeMethods, contractStagePorts } from '../adapters/wiring.ts';
import { env, mailLinks } from '../shared/env.ts';
import { newDbsCertificateSchema } from '../shared/schemas.ts';
import { staffActionHandler } from '../shared/staff-action.ts';
import { recordDbs } from '../use-cases/staff-actions.ts';

const table = dynamoTable(env.tableName);
const ports = contractStagePorts(
  wiredStore({ ...changeMethods(table), addToDigest: storeAddToDigest(table) }),
);
const links = mailLinks();

export const handler = staffActionHandler(newDbsCertificateSchema, (id, input, staffId) =>
  recordDbs(id, input, ports, { staffId, links }),
);
