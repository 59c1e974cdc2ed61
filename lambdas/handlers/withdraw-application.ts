import { dynamoTable, storeEvents } from '../adapters/dynamo-application-store.ts';
import { wiredStore } from '../adapters/unavailable.ts';
import { changeMethods, stageChangePorts } from '../adapters/wiring.ts';
import { env, mailLinks } from '../shared/env.ts';
import { bearerToken, httpHandler, json, parseWith, pathParam } from '../shared/http.ts';
import { withdrawalSchema } from '../shared/schemas.ts';
import { withdraw } from '../use-cases/applicant-actions.ts';
import { applicantView } from '../use-cases/get-application.ts';

const table = dynamoTable(env.tableName);
const ports = stageChangePorts(wiredStore({ ...changeMethods(table), events: storeEvents(table) }));
const links = mailLinks();

export const handler = httpHandler(
  async (event) => {
    const caller = { applicationId: pathParam(event, 'id'), accessToken: bearerToken(event) };
    const app = await withdraw(caller, parseWith(withdrawalSchema, event.parsedBody), ports, links);
    return json(200, applicantView(app, await ports.store.events(app.id)));
  },
  { body: true },
);
