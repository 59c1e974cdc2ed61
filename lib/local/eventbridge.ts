/**
 * The stack's event bus, locally (DESIGN §5 Events, §6 `GET /__dev/events`): an EventBridge PutEvents endpoint
 * behind the IAM gateway (a function needs events:PutEvents on the bus) that keeps what it accepts, in order, and
 * appends it to `<dataDir>/events.jsonl` so the list survives a restart.
 *
 * Differences from AWS: only PutEvents; no rules, targets, archive or replay (what the bus carried is the list);
 * an entry for another bus than the stack's is refused as a missing bus; at most 10 entries and 256 KB a call, as
 * on AWS.
 */
import { randomUUID } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, LOOPBACK, listenLoopback } from './ports.ts';

export interface PublishedOnBus {
  id: string;
  bus: string;
  source: string;
  detailType: string;
  detail: unknown;
  /** The event's own time (its `Time`, else when it arrived). */
  time: string;
  /** When the bus accepted it. */
  at: string;
}

export interface LocalEventBus {
  endpoint: string;
  /** Everything the bus accepted, oldest first. */
  events(): PublishedOnBus[];
  stop(): Promise<void>;
}

const MAX_ENTRIES = 10;
const MAX_BYTES = 256 * 1024;

const json11 = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-requestid': randomUUID(),
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
};

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** An EventBridge time: epoch seconds (as the SDK sends a Date) or an ISO string. */
const timeOf = (value: unknown): string | undefined => {
  if (typeof value === 'number') return new Date(value * 1000).toISOString();
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  return undefined;
};

export const startEventBus = async ({
  busName,
  file,
}: {
  /** The stack's bus (the name publish-events is given). */
  busName: string;
  /** Where accepted events are appended (JSON lines); read back at start. */
  file: string;
}): Promise<LocalEventBus> => {
  const stored: PublishedOnBus[] = [];
  const existing = await readFile(file, 'utf8').catch(() => '');
  for (const line of existing.split('\n')) if (line.trim()) stored.push(JSON.parse(line) as PublishedOnBus);
  // One append at a time, so the file keeps the order of the list.
  let appending: Promise<void> = Promise.resolve();

  const putEvents = async (body: Record<string, unknown>, res: ServerResponse) => {
    const entries = Array.isArray(body.Entries) ? (body.Entries as Record<string, unknown>[]) : undefined;
    if (!entries || entries.length === 0 || entries.length > MAX_ENTRIES) {
      return json11(res, 400, {
        __type: 'ValidationException',
        message: `Entries must hold 1 to ${MAX_ENTRIES} entries`,
      });
    }
    const now = new Date().toISOString();
    const results: Record<string, string>[] = [];
    const accepted: PublishedOnBus[] = [];
    for (const entry of entries) {
      const bus = String(entry.EventBusName ?? 'default');
      if (bus !== busName && !bus.endsWith(`:event-bus/${busName}`)) {
        return json11(res, 400, {
          __type: 'ResourceNotFoundException',
          message: `Event bus ${bus} does not exist.`,
        });
      }
      let detail: unknown;
      try {
        detail = JSON.parse(String(entry.Detail ?? ''));
      } catch {
        detail = undefined;
      }
      if (typeof entry.Source !== 'string' || typeof entry.DetailType !== 'string') {
        results.push({
          ErrorCode: 'InvalidArgument',
          ErrorMessage: 'Parameter Source or DetailType is not valid.',
        });
      } else if (!detail || typeof detail !== 'object' || Array.isArray(detail)) {
        results.push({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
      } else {
        const id = randomUUID();
        accepted.push({
          id,
          bus: busName,
          source: entry.Source,
          detailType: entry.DetailType,
          detail,
          time: timeOf(entry.Time) ?? now,
          at: now,
        });
        results.push({ EventId: id });
      }
    }
    stored.push(...accepted);
    const lines = accepted.map((event) => `${JSON.stringify(event)}\n`).join('');
    appending = appending.then(() => (lines ? appendFile(file, lines) : undefined));
    await appending;
    json11(res, 200, {
      FailedEntryCount: results.filter((r) => r.ErrorCode).length,
      Entries: results,
    });
  };

  const server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      if (Buffer.byteLength(text) > MAX_BYTES) {
        return json11(res, 413, {
          __type: 'ValidationException',
          message: 'Total size of the entries is over 256 KB',
        });
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
        return json11(res, 400, {
          __type: 'UnknownOperationException',
          message: `${target} is not emulated`,
        });
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text || '{}') as Record<string, unknown>;
      } catch {
        return json11(res, 400, { __type: 'SerializationException', message: 'The body is not JSON' });
      }
      await putEvents(body, res);
    })().catch((error: Error) => {
      if (!res.headersSent) json11(res, 500, { __type: 'InternalException', message: error.message });
    });
  });
  const port = await listenLoopback(server, 0);
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    events: () => [...stored],
    stop: () => closeServer(server),
  };
};
