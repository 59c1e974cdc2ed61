import { dynamoTable, storeAddToDigest } from '../adapters/dynamo-application-store.ts';
import { wiredStore } from '../adapters/unavailable.ts';
import { changeMethods, stageChangePorts } from '../adapters/wiring.ts';
import { env, mailLinks } from '../shared/env.ts';
import { inductionSchema } from '../shared/schemas.ts';
import { staffActionHandler } from '../shared/staff-action.ts';
import { recordInduction } from '../use-cases/staff-actions.ts';

const table = dynamoTable(env.tableName);
const ports = stageChangePorts(wiredStore({ ...changeMethods(table), addToDigest: storeAddToDigest(table) }));
const links = mailLinks();

export const handler = staffActionHandler(inductionSchema, (id, input, staffId) =>
  recordInduction(id, input, ports, { staffId, links }),
);
