import { createDynamoApplicationStore } from '../adapters/dynamo-application-store.ts';
import { systemClock } from '../adapters/unavailable.ts';
import { env } from '../shared/env.ts';
import { bearerToken, httpHandler, json, pathParam } from '../shared/http.ts';
import { getApplication } from '../use-cases/get-application.ts';

const ports = { store: createDynamoApplicationStore(env.tableName), clock: systemClock };

export const handler = httpHandler(async (event) =>
  json(
    200,
    await getApplication({ applicationId: pathParam(event, 'id'), accessToken: bearerToken(event) }, ports),
  ),
);
