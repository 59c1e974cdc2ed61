import { createDynamoApplicationStore } from '../adapters/dynamo-application-store.ts';
import { createS3DocumentStore } from '../adapters/s3-document-store.ts';
import { env } from '../shared/env.ts';
import { httpHandler, json, pathParam, requireStaff } from '../shared/http.ts';
import { staffView } from '../use-cases/staff-queries.ts';

const ports = {
  store: createDynamoApplicationStore(env.tableName),
  documents: createS3DocumentStore(env.documentsBucket),
};

export const handler = httpHandler(async (event) => {
  requireStaff(event);
  return json(200, await staffView(pathParam(event, 'id'), ports));
});
