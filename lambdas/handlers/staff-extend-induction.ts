import { dynamoTable, storeAddToDigest } from '../adapters/dynamo-application-store.ts';
import { wiredStore } from '../adapters/unavailable.ts';
import { changeMethods, stageChangePorts } from '../adapters/wiring.ts';
import { env, mailLinks } from '../shared/env.ts';
import { inductionExtensionSchema } from '../shared/schemas.ts';
import { staffActionHandler } from '../shared/staff-action.ts';
import { extendInduction } from '../use-cases/staff-actions.ts';

/** Reopening a closed window spends the induction step's token, so this action can change the stage. */
const table = dynamoTable(env.tableName);
const ports = stageChangePorts(wiredStore({ ...changeMethods(table), addToDigest: storeAddToDigest(table) }));
const links = mailLinks();

export const handler = staffActionHandler(inductionExtensionSchema, (id, input, staffId) =>
  extendInduction(id, input, ports, { staffId, links }),
);
