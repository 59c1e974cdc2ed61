import { createDynamoApplicationStore } from '../adapters/dynamo-application-store.ts';
import { createSesMailer } from '../adapters/ses-mailer.ts';
import { createSfnWorkflow } from '../adapters/sfn-workflow.ts';
import { systemClock, unavailable } from '../adapters/unavailable.ts';
import { env, mailLinks } from '../shared/env.ts';
import { httpHandler, json, parseWith, pathParam, requireStaff } from '../shared/http.ts';
import { inductionSchema } from '../shared/schemas.ts';
import { recordInduction } from '../use-cases/staff-actions.ts';

const ports = {
  store: createDynamoApplicationStore(env.tableName),
  documents: unavailable<never>('the documents bucket'),
  mailer: createSesMailer(env.mailFrom),
  workflow: createSfnWorkflow(env.stateMachineArn),
  clock: systemClock,
};
const links = mailLinks();

export const handler = httpHandler(
  async (event) => {
    const { staffId } = requireStaff(event);
    const id = pathParam(event, 'id');
    const app = await recordInduction(id, parseWith(inductionSchema, event.parsedBody), ports, {
      staffId,
      links,
    });
    return json(200, { applicationId: app.id, stage: app.stage, updatedAt: app.updatedAt });
  },
  { body: true },
);
