import { dynamoTable, storeGet } from '../adapters/dynamo-application-store.ts';
import { createS3DocumentStore } from '../adapters/s3-document-store.ts';
import { systemClock, unavailable, wiredStore } from '../adapters/unavailable.ts';
import { env } from '../shared/env.ts';
import { bearerToken, httpHandler, json, parseWith, pathParam } from '../shared/http.ts';
import { createUploadSchema } from '../shared/schemas.ts';
import { createUpload } from '../use-cases/create-upload.ts';

const ports = {
  store: wiredStore({ get: storeGet(dynamoTable(env.tableName)) }),
  documents: createS3DocumentStore(env.documentsBucket),
  mailer: unavailable<never>('SES'),
  workflow: unavailable<never>('Step Functions'),
  clock: systemClock,
};

export const handler = httpHandler(
  async (event) => {
    const accessToken = bearerToken(event);
    const input = parseWith(createUploadSchema, event.parsedBody);
    const offer = await createUpload({ applicationId: pathParam(event, 'id'), accessToken, ...input }, ports);
    return json(201, offer);
  },
  { body: true },
);
