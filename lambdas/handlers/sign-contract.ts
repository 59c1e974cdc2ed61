import { dynamoTable, storeEvents } from '../adapters/dynamo-application-store.ts';
import { createS3DocumentStore } from '../adapters/s3-document-store.ts';
import { createSesMailer } from '../adapters/ses-mailer.ts';
import { createSfnWorkflow } from '../adapters/sfn-workflow.ts';
import { systemClock, wiredStore } from '../adapters/unavailable.ts';
import { changeMethods } from '../adapters/wiring.ts';
import { env, mailLinks } from '../shared/env.ts';
import { bearerToken, httpHandler, json, parseWith, pathParam, requestHeader } from '../shared/http.ts';
import { signatureSchema } from '../shared/schemas.ts';
import { applicantView } from '../use-cases/get-application.ts';
import { signContract } from '../use-cases/sign-contract.ts';

const table = dynamoTable(env.tableName);
const ports = {
  store: wiredStore({ ...changeMethods(table), events: storeEvents(table) }),
  documents: createS3DocumentStore(env.documentsBucket),
  mailer: createSesMailer(env.mailFrom),
  workflow: createSfnWorkflow(env.stateMachineArn),
  clock: systemClock,
};
const links = mailLinks();

export const handler = httpHandler(
  async (event) => {
    const caller = { applicationId: pathParam(event, 'id'), accessToken: bearerToken(event) };
    const input = parseWith(signatureSchema, event.parsedBody);
    const request = {
      ip: event.requestContext.http.sourceIp,
      userAgent: requestHeader(event, 'user-agent') ?? event.requestContext.http.userAgent ?? '',
    };
    const app = await signContract(caller, input, request, ports, links);
    return json(201, applicantView(app, await ports.store.events(app.id)));
  },
  { body: true },
);
