import { dynamoTable, storeEvents } from '../adapters/dynamo-application-store.ts';
import { createSesMailer } from '../adapters/ses-mailer.ts';
import { systemClock, unavailable, wiredStore } from '../adapters/unavailable.ts';
import { changeMethods } from '../adapters/wiring.ts';
import { env, mailLinks } from '../shared/env.ts';
import { bearerToken, httpHandler, json, parseWith, pathParam } from '../shared/http.ts';
import { dbsApplicationRequestSchema } from '../shared/schemas.ts';
import { requestDbsApplication } from '../use-cases/applicant-actions.ts';
import { applicantView } from '../use-cases/get-application.ts';

/** The fee consent emails staff but moves no stage: no workflow. */
const table = dynamoTable(env.tableName);
const ports = {
  store: wiredStore({ ...changeMethods(table), events: storeEvents(table) }),
  documents: unavailable<never>('the documents bucket'),
  mailer: createSesMailer(env.mailFrom),
  workflow: unavailable<never>('Step Functions'),
  clock: systemClock,
};
const links = mailLinks();

export const handler = httpHandler(
  async (event) => {
    const caller = { applicationId: pathParam(event, 'id'), accessToken: bearerToken(event) };
    const input = parseWith(dbsApplicationRequestSchema, event.parsedBody);
    const app = await requestDbsApplication(caller, input, ports, links);
    return json(200, applicantView(app, await ports.store.events(app.id)));
  },
  { body: true },
);
