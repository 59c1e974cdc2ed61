import { httpHandler, json } from '../shared/http.ts';
import { openApiDocument } from '../shared/openapi.ts';

const document = openApiDocument();

export const handler = httpHandler(async () =>
  json(200, document, { 'cache-control': 'public, max-age=300' }),
);
