import { dynamoTable, storeEvents } from '../adapters/dynamo-application-store.ts';
import { wiredStore } from '../adapters/unavailable.ts';
import { changeMethods, mailPorts } from '../adapters/wiring.ts';
import { env, mailLinks } from '../shared/env.ts';
import { bearerToken, httpHandler, json, parseWith, pathParam } from '../shared/http.ts';
import { pauseSchema } from '../shared/schemas.ts';
import { applicantView } from '../use-cases/get-application.ts';
import { addPause } from '../use-cases/self-service.ts';

const table = dynamoTable(env.tableName);
const ports = mailPorts(wiredStore({ ...changeMethods(table), events: storeEvents(table) }));
const links = mailLinks();

export const handler = httpHandler(
  async (event) => {
    const caller = { applicationId: pathParam(event, 'id'), accessToken: bearerToken(event) };
    const app = await addPause(caller, parseWith(pauseSchema, event.parsedBody), ports, links);
    return json(201, applicantView(app, await ports.store.events(app.id)));
  },
  { body: true },
);
