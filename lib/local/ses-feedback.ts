/**
 * SES bounces and complaints, locally: AWS's mailbox simulator addresses behave as they do on SES. A message sent
 * through a configuration set to `bounce@simulator.amazonses.com` bounces (permanent), to
 * `complaint@simulator.amazonses.com` draws a complaint (each with an optional `+label`, as on SES); the configuration set's EventBridge destination then
 * carries an `Email Bounced` / `Email Complaint Received` event, which the CDK rule EmailFeedback sends to
 * email-feedback. Here a small proxy sits between the IAM gateway and the SES emulator: it forwards every request
 * unchanged and, once the emulator has accepted a SendEmail naming a simulator address, builds that event (the
 * fields SES documents for its EventBridge events) and hands it to `deliver`.
 *
 * Differences from AWS: only these two addresses (SES also simulates `success@`, `ooto@` and
 * `suppressionlist@`); the event follows the send at once rather than seconds later; no account-level suppression
 * list is kept (a second send to a bounced address is accepted again); events of messages sent without a
 * configuration set are not emitted (as on AWS: the rule matches only the configuration set's events).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import { identityOf } from './iam.ts';
import { closeServer, LOOPBACK, listenLoopback } from './ports.ts';

/** `bounce@` or `complaint@simulator.amazonses.com`, with an optional `+label` as SES allows. */
const SIMULATED = /^(bounce|complaint)(\+[^@]*)?@simulator\.amazonses\.com$/i;

export const simulatedOutcome = (address: string): 'bounce' | 'complaint' | undefined =>
  SIMULATED.exec(address.trim())?.[1]?.toLowerCase() as 'bounce' | 'complaint' | undefined;

/** The EventBridge event of SES's configuration-set event destination (the parts SES documents). */
export interface SesFeedbackEvent {
  version: '0';
  id: string;
  'detail-type': 'Email Bounced' | 'Email Complaint Received';
  source: 'aws.ses';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    eventType: 'Bounce' | 'Complaint';
    mail: {
      timestamp: string;
      source: string;
      messageId: string;
      destination: string[];
      tags: Record<string, string[]>;
    };
    bounce?: {
      feedbackId: string;
      bounceType: 'Permanent';
      bounceSubType: 'General';
      bouncedRecipients: { emailAddress: string; action: 'failed'; status: string; diagnosticCode: string }[];
      timestamp: string;
      reportingMTA: string;
    };
    complaint?: {
      feedbackId: string;
      complainedRecipients: { emailAddress: string }[];
      complaintFeedbackType: 'abuse';
      timestamp: string;
    };
  };
}

export interface SesFeedbackOptions {
  /** The SES emulator. */
  upstream: string;
  /** The template's SES identities and each one's default configuration set (as the IAM gateway reads them). */
  identities: readonly string[];
  configurationSets: Readonly<Record<string, string>>;
  account: string;
  region: string;
  deliver: (event: SesFeedbackEvent) => Promise<void>;
}

interface SendEmailBody {
  FromEmailAddress?: string;
  ConfigurationSetName?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
}

const recipientsOf = (body: SendEmailBody): string[] => [
  ...(body.Destination?.ToAddresses ?? []),
  ...(body.Destination?.CcAddresses ?? []),
  ...(body.Destination?.BccAddresses ?? []),
];

/** The events SES would emit for one accepted message; none when it names no simulator address. */
export const feedbackEvents = (
  body: SendEmailBody,
  messageId: string,
  opts: Pick<SesFeedbackOptions, 'identities' | 'configurationSets' | 'account' | 'region'>,
  now = new Date(),
): SesFeedbackEvent[] => {
  const from = body.FromEmailAddress;
  if (!from) return [];
  const configurationSet =
    body.ConfigurationSetName ?? opts.configurationSets[identityOf(from, opts.identities)];
  if (!configurationSet) return [];
  const recipients = recipientsOf(body);
  const bounced = recipients.filter((r) => simulatedOutcome(r) === 'bounce');
  const complained = recipients.filter((r) => simulatedOutcome(r) === 'complaint');
  const time = now.toISOString();
  const base = {
    version: '0' as const,
    source: 'aws.ses' as const,
    account: opts.account,
    time,
    region: opts.region,
    resources: [`arn:aws:ses:${opts.region}:${opts.account}:configuration-set/${configurationSet}`],
  };
  const mail = {
    timestamp: time,
    source: from,
    messageId,
    destination: recipients,
    tags: { 'ses:configuration-set': [configurationSet], 'ses:from-domain': [from.split('@').pop() ?? ''] },
  };
  const events: SesFeedbackEvent[] = [];
  if (bounced.length > 0) {
    events.push({
      ...base,
      id: randomUUID(),
      'detail-type': 'Email Bounced',
      detail: {
        eventType: 'Bounce',
        mail,
        bounce: {
          feedbackId: randomUUID(),
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: bounced.map((emailAddress) => ({
            emailAddress,
            action: 'failed' as const,
            status: '5.1.1',
            diagnosticCode: 'smtp; 550 5.1.1 user unknown',
          })),
          timestamp: time,
          reportingMTA: `dns; a1-1.smtp-out.${opts.region}.amazonses.com`,
        },
      },
    });
  }
  if (complained.length > 0) {
    events.push({
      ...base,
      id: randomUUID(),
      'detail-type': 'Email Complaint Received',
      detail: {
        eventType: 'Complaint',
        mail,
        complaint: {
          feedbackId: randomUUID(),
          complainedRecipients: complained.map((emailAddress) => ({ emailAddress })),
          complaintFeedbackType: 'abuse',
          timestamp: time,
        },
      },
    });
  }
  return events;
};

const SEND_EMAIL_PATH = '/v2/email/outbound-emails';

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const parse = (body: Buffer): SendEmailBody | undefined => {
  try {
    return JSON.parse(body.toString('utf8')) as SendEmailBody;
  } catch {
    return undefined;
  }
};

export interface LocalSesFeedback {
  /** Where the gateway sends SES calls (instead of the emulator itself). */
  endpoint: string;
  /** Resolves when every event so far has been delivered (or has failed for good). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export const startSesFeedback = async (opts: SesFeedbackOptions): Promise<LocalSesFeedback> => {
  const upstream = new URL(opts.upstream);
  const pending = new Set<Promise<void>>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const isSend = req.method === 'POST' && (req.url ?? '').replace(/\/$/, '') === SEND_EMAIL_PATH;
      const outgoing = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, 'content-length': String(body.length) },
          agent: false,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => {
            const answered = Buffer.concat(chunks);
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(answered);
            if (!isSend || answer.statusCode !== 200) return;
            const sent = parse(body);
            const messageId = (parse(answered) as { MessageId?: string } | undefined)?.MessageId;
            if (!sent) return;
            for (const event of feedbackEvents(sent, messageId ?? randomUUID(), opts)) {
              const delivery: Promise<void> = opts
                .deliver(event)
                .catch(() => undefined)
                .finally(() => pending.delete(delivery));
              pending.add(delivery);
            }
          });
        },
      );
      outgoing.on('error', (error) => {
        if (res.headersSent) return res.destroy(error);
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`local SES feedback: the SES emulator did not answer: ${error.message}`);
      });
      outgoing.end(body);
    })().catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`local SES feedback: ${error.message}`);
    });
  });
  const port = await listenLoopback(server, 0);
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    stop: () => closeServer(server),
  };
};
