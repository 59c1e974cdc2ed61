/**
 * Interim fault injection (issue 8) until the IAM gateway (lib/local/gateway.ts) asks `faults.decide()` itself: a
 * plain proxy in front of one emulator that names the call (service, API operation, calling function from the
 * SigV4 access key), lets `decide()` answer with a fault, and otherwise forwards the request unchanged. Calls
 * made with the harness key are never faulted.
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { principalOf } from './credentials.ts';
import type { FaultCall, Faults } from './faults.ts';
import { closeServer, LOOPBACK, listenLoopback } from './ports.ts';

export interface FaultProxy {
  endpoint: string;
  stop(): Promise<void>;
}

/** The API operation of a request, as precisely as a fault needs it (for logs and `functions` filtering). */
const operationOf = (service: FaultCall['service'], req: IncomingMessage): string => {
  const target = String(req.headers['x-amz-target'] ?? '');
  if (service === 'dynamodb' || service === 'sfn') return target.split('.').pop() || 'Unknown';
  if (service === 'ses')
    return /\/outbound-emails$/.test(req.url ?? '') ? 'SendEmail' : `${req.method} ${req.url}`;
  return req.method ?? 'GET';
};

export const startFaultProxy = async (
  service: FaultCall['service'],
  upstream: string,
  faults: Faults,
): Promise<FaultProxy> => {
  const target = new URL(upstream);
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const key = /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    const principal = key ? principalOf(key) : undefined;
    if (principal !== 'harness') {
      const fault = faults.decide({
        service,
        action: operationOf(service, req),
        ...(principal ? { function: principal } : {}),
      });
      if (fault) {
        // Drain the request first: the SDK may still be writing it.
        req.resume();
        req.on('end', () => {
          res.writeHead(fault.status, { ...fault.headers, 'content-length': Buffer.byteLength(fault.body) });
          res.end(fault.body);
        });
        return;
      }
    }
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        // One upstream connection per request, closed after it: a kept-alive one would outlive stop().
        headers: { ...req.headers, connection: 'close' },
        agent: false,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    outgoing.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(outgoing);
  };
  const server = createServer(handle);
  const port = await listenLoopback(server, 0);
  return { endpoint: `http://${LOOPBACK}:${port}`, stop: () => closeServer(server) };
};
