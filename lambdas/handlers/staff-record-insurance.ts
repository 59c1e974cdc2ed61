import { createDynamoApplicationStore } from '../adapters/dynamo-application-store.ts';
import { systemClock, unavailable } from '../adapters/unavailable.ts';
import { env } from '../shared/env.ts';
import { httpHandler, json, parseWith, pathParam, requireStaff } from '../shared/http.ts';
import { insuranceSchema } from '../shared/schemas.ts';
import { recordInsurance } from '../use-cases/staff-actions.ts';

const ports = {
  store: createDynamoApplicationStore(env.tableName),
  documents: unavailable<never>('the documents bucket'),
  mailer: unavailable<never>('SES'),
  workflow: unavailable<never>('Step Functions'),
  clock: systemClock,
};

export const handler = httpHandler(
  async (event) => {
    const { staffId } = requireStaff(event);
    const app = await recordInsurance(
      pathParam(event, 'id'),
      parseWith(insuranceSchema, event.parsedBody),
      ports,
      staffId,
    );
    return json(200, { applicationId: app.id, stage: app.stage, updatedAt: app.updatedAt });
  },
  { body: true },
);
