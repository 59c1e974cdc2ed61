/** Mailer on SES v2 SendEmail: text and HTML bodies, from the configured identity. */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { type Mailer, Undeliverable } from '../ports/index.ts';

/** SES v2 errors that the same message will meet again: retrying cannot help (throttles and quotas can). */
export const PERMANENT_SES_ERRORS = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'SendingPausedException',
  'BadRequestException',
  'NotFoundException',
]);

export const createSesMailer = (from: string, client = new SESv2Client({})): Mailer => ({
  async send(email) {
    try {
      await sendEmail(client, from, email);
    } catch (error) {
      const name = (error as Error).name;
      if (PERMANENT_SES_ERRORS.has(name)) throw new Undeliverable(name);
      throw error;
    }
  },
});

const sendEmail = (client: SESv2Client, from: string, email: Parameters<Mailer['send']>[0]) =>
  client.send(
    new SendEmailCommand({
      FromEmailAddress: from,
      Destination: { ToAddresses: [email.to] },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: email.text, Charset: 'UTF-8' },
            Html: { Data: email.html, Charset: 'UTF-8' },
          },
        },
      },
    }),
  );
