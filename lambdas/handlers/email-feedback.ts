import { MAILBOX_RULES } from '../../lib/config.ts';
import { dynamoTable, storeFindByEmail } from '../adapters/dynamo-application-store.ts';
import { feedbackOf, type SesFeedbackEvent } from '../adapters/ses-feedback.ts';
import { createSesMailer } from '../adapters/ses-mailer.ts';
import { systemClock, unavailable, wiredStore } from '../adapters/unavailable.ts';
import { changeMethods } from '../adapters/wiring.ts';
import type { Ports } from '../ports/index.ts';
import { env, mailLinks } from '../shared/env.ts';
import { logger } from '../shared/logger.ts';
import { recordEmailFeedback } from '../use-cases/email-feedback.ts';

const table = dynamoTable(env.tableName);
const ports = {
  store: wiredStore({ ...changeMethods(table), findByEmail: storeFindByEmail(table) }),
  mailer: createSesMailer(env.mailFrom),
  workflow: unavailable<Ports['workflow']>('Step Functions'),
  clock: systemClock,
};
const ctx = { links: mailLinks(), mailboxRules: MAILBOX_RULES };

export const handler = async (event: SesFeedbackEvent): Promise<{ marked: number }> => {
  const feedback = feedbackOf(event);
  const result = await recordEmailFeedback(feedback, ctx, ports);
  // Counts only: never an address.
  await logger.info('email feedback recorded', {
    reason: feedback.reason,
    permanent: feedback.permanent,
    recipients: feedback.recipients.length,
    ...result,
  });
  return result;
};
