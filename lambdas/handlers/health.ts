import { httpHandler, json } from '../shared/http.ts';

export const handler = httpHandler(async () => json(200, { status: 'ok' }));
