import {
  dynamoTable,
  storeEvents,
  storeGet,
  storeRecordAccess,
} from '../adapters/dynamo-application-store.ts';
import { createS3DocumentStore } from '../adapters/s3-document-store.ts';
import { systemClock, wiredStore } from '../adapters/unavailable.ts';
import { env } from '../shared/env.ts';
import { httpHandler, json, pathParam, requireStaff } from '../shared/http.ts';
import { staffView } from '../use-cases/staff-queries.ts';

const table = dynamoTable(env.tableName);
const ports = {
  store: wiredStore({
    get: storeGet(table),
    events: storeEvents(table),
    recordAccess: storeRecordAccess(table),
  }),
  documents: createS3DocumentStore(env.documentsBucket),
  clock: systemClock,
};

export const handler = httpHandler(async (event) => {
  const { staffId } = requireStaff(event);
  return json(200, await staffView(pathParam(event, 'id'), ports, staffId));
});
