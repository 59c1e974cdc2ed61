/**
 * SES v2 for the local stack: aws-ses-v2-local, which accepts SESv2 SendEmail (and v1 SendEmail/SendRawEmail),
 * keeps every message in memory and shows them in a web inbox.
 *
 * Differences from AWS:
 *  - Nothing is delivered and nothing is verified: any sender and recipient are accepted; no sandbox, quotas or
 *    bounces. Messages are lost when the process stops.
 *  - The store is one per process: two instances started in one process share their messages.
 *  - v1 SendTemplatedEmail hangs; use SESv2 (the application does).
 */
import type { Server } from 'node:http';
import * as sesLocal from 'aws-ses-v2-local';
import { closeServer, LOOPBACK } from './ports.ts';

export interface StoredEmail {
  messageId: string;
  from: string;
  replyTo?: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  attachments: { content: string; contentType: string; filename?: string; size: number }[];
  /** Epoch seconds. */
  at: number;
}

export interface LocalSes {
  endpoint: string;
  /** The web inbox. */
  viewerUrl: string;
  emails(): Promise<StoredEmail[]>;
  clear(): Promise<void>;
  stop(): Promise<void>;
}

type StartServer = (config?: { host?: string; port?: number }) => Promise<Server>;

// The package is CommonJS with a `default` export; loaders disagree on whether that lands on `.default` once or twice.
function startServerFn(): StartServer {
  const first = (sesLocal as unknown as { default: unknown }).default;
  const fn = typeof first === 'function' ? first : (first as { default: unknown }).default;
  if (typeof fn !== 'function') throw new Error('aws-ses-v2-local: no server function exported');
  return fn as StartServer;
}

export async function startSes({ port }: { port?: number } = {}): Promise<LocalSes> {
  // The default host is '::' (every interface): the local stack binds loopback only.
  const server = await startServerFn()({ host: LOOPBACK, port: port ?? 0 });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('aws-ses-v2-local did not report its port');
  const endpoint = `http://${LOOPBACK}:${address.port}`;

  return {
    endpoint,
    viewerUrl: `${endpoint}/`,
    async emails() {
      const res = await fetch(`${endpoint}/store`);
      if (!res.ok) throw new Error(`SES store answered ${res.status}`);
      const { emails } = (await res.json()) as { emails: StoredEmail[] };
      return emails;
    },
    async clear() {
      const res = await fetch(`${endpoint}/clear-store`, { method: 'POST' });
      if (!res.ok) throw new Error(`SES clear-store answered ${res.status}`);
    },
    stop: () => closeServer(server),
  };
}
