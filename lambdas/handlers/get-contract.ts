import { dynamoTable, storeGet } from '../adapters/dynamo-application-store.ts';
import { createS3DocumentStore } from '../adapters/s3-document-store.ts';
import { systemClock, unavailable, wiredStore } from '../adapters/unavailable.ts';
import { env } from '../shared/env.ts';
import { bearerToken, httpHandler, json, pathParam } from '../shared/http.ts';
import { getContract } from '../use-cases/applicant-actions.ts';

const ports = {
  store: wiredStore({ get: storeGet(dynamoTable(env.tableName)) }),
  documents: createS3DocumentStore(env.documentsBucket),
  mailer: unavailable<never>('SES'),
  workflow: unavailable<never>('Step Functions'),
  clock: systemClock,
};

export const handler = httpHandler(async (event) =>
  json(
    200,
    await getContract({ applicationId: pathParam(event, 'id'), accessToken: bearerToken(event) }, ports),
  ),
);
