import { dynamoTable, storeEvents, storeGet } from '../adapters/dynamo-application-store.ts';
import { systemClock, wiredStore } from '../adapters/unavailable.ts';
import { env } from '../shared/env.ts';
import { bearerToken, httpHandler, json, pathParam } from '../shared/http.ts';
import { getApplication } from '../use-cases/get-application.ts';

const table = dynamoTable(env.tableName);
const ports = { store: wiredStore({ get: storeGet(table), events: storeEvents(table) }), clock: systemClock };

export const handler = httpHandler(async (event) =>
  json(
    200,
    await getApplication({ applicationId: pathParam(event, 'id'), accessToken: bearerToken(event) }, ports),
  ),
);
