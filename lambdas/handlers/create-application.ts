import { MAILBOX_RULES } from '../../lib/config.ts';
import { dynamoTable, storeCreate, storeFindIdempotency } from '../adapters/dynamo-application-store.ts';
import { createS3DocumentStore } from '../adapters/s3-document-store.ts';
import { createSesMailer } from '../adapters/ses-mailer.ts';
import { createSfnWorkflow } from '../adapters/sfn-workflow.ts';
import { systemClock, wiredStore } from '../adapters/unavailable.ts';
import { changeMethods } from '../adapters/wiring.ts';
import { env } from '../shared/env.ts';
import { BadRequest } from '../shared/errors.ts';
import { httpHandler, json, parseWith, requestHeader } from '../shared/http.ts';
import { createApplicationSchema, idempotencyKeySchema } from '../shared/schemas.ts';
import { createApplication } from '../use-cases/create-application.ts';

const table = dynamoTable(env.tableName);
const ports = {
  store: wiredStore({
    ...changeMethods(table),
    create: storeCreate(table),
    findIdempotency: storeFindIdempotency(table),
  }),
  documents: createS3DocumentStore(env.documentsBucket),
  mailer: createSesMailer(env.mailFrom),
  workflow: createSfnWorkflow(env.stateMachineArn),
  clock: systemClock,
};
const siteUrl = env.siteUrl;

const idempotencyKey = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  const result = idempotencyKeySchema.safeParse(value);
  if (!result.success) {
    throw new BadRequest('Invalid Idempotency-Key', [
      { path: 'Idempotency-Key', message: result.error.issues[0]?.message ?? 'Invalid' },
    ]);
  }
  return value;
};

export const handler = httpHandler(
  async (event) => {
    const input = parseWith(createApplicationSchema, event.parsedBody);
    const result = await createApplication(
      input,
      {
        siteUrl,
        mailboxRules: MAILBOX_RULES,
        idempotencyKey: idempotencyKey(requestHeader(event, 'idempotency-key')),
        rawBody: event.body ?? '',
      },
      ports,
    );
    return json(201, result, { location: `/applications/${result.applicationId}` });
  },
  { body: true },
);
