import { MAILBOX_RULES } from '../../lib/config.ts';
import { dynamoTable, storeFindByEmail } from '../adapters/dynamo-application-store.ts';
import { createSesMailer } from '../adapters/ses-mailer.ts';
import { systemClock, unavailable, wiredStore } from '../adapters/unavailable.ts';
import { changeMethods } from '../adapters/wiring.ts';
import type { Ports } from '../ports/index.ts';
import { env } from '../shared/env.ts';
import { httpHandler, json, parseWith } from '../shared/http.ts';
import { accessLinkRequestSchema } from '../shared/schemas.ts';
import { sendAccessLink } from '../use-cases/access-links.ts';

const table = dynamoTable(env.tableName);
const ports = {
  store: wiredStore({ ...changeMethods(table), findByEmail: storeFindByEmail(table) }),
  mailer: createSesMailer(env.mailFrom),
  workflow: unavailable<Ports['workflow']>('Step Functions'),
  clock: systemClock,
};
const ctx = { siteUrl: env.siteUrl, mailboxRules: MAILBOX_RULES };

/** The same 202 whether or not an application has the address (DESIGN §5). */
export const handler = httpHandler(
  async (event) => {
    await sendAccessLink(parseWith(accessLinkRequestSchema, event.parsedBody), ctx, ports);
    return json(202, {
      message: 'If an open application has this email address, we have emailed a new link to it.',
    });
  },
  { body: true },
);
