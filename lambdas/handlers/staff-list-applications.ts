import {
  dynamoTable,
  InvalidCursor,
  storeByStage,
  storeCountByStage,
  storeToVerify,
} from '../adapters/dynamo-application-store.ts';
import { wiredStore } from '../adapters/unavailable.ts';
import { env } from '../shared/env.ts';
import { BadRequest } from '../shared/errors.ts';
import { httpHandler, json, parseWith, requireStaff } from '../shared/http.ts';
import { staffListQuerySchema } from '../shared/schemas.ts';
import { listApplications } from '../use-cases/staff-queries.ts';

const table = dynamoTable(env.tableName);
const ports = {
  store: wiredStore({
    byStage: storeByStage(table),
    countByStage: storeCountByStage(table),
    toVerify: storeToVerify(table),
  }),
};

export const handler = httpHandler(async (event) => {
  requireStaff(event);
  const query = parseWith(staffListQuerySchema, event.queryStringParameters ?? {});
  try {
    return json(200, await listApplications(query, ports));
  } catch (error) {
    if (error instanceof InvalidCursor)
      throw new BadRequest('Invalid cursor', [
        { path: 'cursor', message: 'Use the cursor of the previous page' },
      ]);
    throw error;
  }
});
