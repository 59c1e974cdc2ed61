import { dynamoTable, storeEvents } from '../adapters/dynamo-application-store.ts';
import { wiredStore } from '../adapters/unavailable.ts';
import { changeMethods, stageChangePorts } from '../adapters/wiring.ts';
import { env, mailLinks } from '../shared/env.ts';
import { bearerToken, httpHandler, json, parseWith, pathParam } from '../shared/http.ts';
import { availabilityChangeSchema, availabilitySchema } from '../shared/schemas.ts';
import { giveAvailability } from '../use-cases/applicant-actions.ts';
import { applicantView } from '../use-cases/get-application.ts';
import { changeAvailability } from '../use-cases/self-service.ts';

const table = dynamoTable(env.tableName);
const ports = stageChangePorts(wiredStore({ ...changeMethods(table), events: storeEvents(table) }));
const links = mailLinks();

/** A body naming `effectiveFrom` is an active therapist's change (DESIGN §5); any other, the questionnaire. */
const isChange = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && !Array.isArray(body) && 'effectiveFrom' in body;

export const handler = httpHandler(
  async (event) => {
    const caller = { applicationId: pathParam(event, 'id'), accessToken: bearerToken(event) };
    const body = event.parsedBody;
    const app = isChange(body)
      ? await changeAvailability(caller, parseWith(availabilityChangeSchema, body), ports, links)
      : await giveAvailability(caller, parseWith(availabilitySchema, body), ports, links);
    return json(200, applicantView(app, await ports.store.events(app.id)));
  },
  { body: true },
);
