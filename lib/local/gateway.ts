/**
 * The IAM gateway (issue 8): one HTTP proxy in front of each emulator (DynamoDB Local, the S3 front of
 * lib/local/s3.ts, the SES emulator, the Step Functions API). It reads who is calling from the SigV4 credential
 * (the `Authorization` header, a presigned URL's `X-Amz-Credential`, or a browser form upload's `x-amz-credential`
 * field, which names the function that signed the upload policy), maps the request to the IAM actions and
 * resources it needs (lib/local/iam.ts) and evaluates the calling function's synthesized role policies.
 *  - Allowed: recorded as used, then the fault hook may answer instead, else the request is forwarded unchanged.
 *  - Denied: answered with the error AWS returns for that service (DynamoDB and Step Functions 400
 *    AccessDeniedException, S3 403 AccessDenied XML, SES v2 403 AccessDeniedException), logged and recorded.
 *  - The harness key is never restricted (and never faulted); an unknown key is refused as AWS refuses it
 *    (UnrecognizedClientException / InvalidAccessKeyId), an unsigned request as anonymous.
 *  - `enforce: false` (IAM=off) forwards everything, still recording what each function used.
 *
 * Differences from AWS: signatures are not verified (the key alone names the caller; s3.ts verifies form-upload
 * policy signatures); only identity policies are evaluated (no bucket or key policy, no SCPs); KMS is not
 * evaluated, since no local emulator encrypts (README).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { FunctionName } from '../functions.ts';
import { principalOf } from './credentials.ts';
import {
  createPolicyEvaluator,
  deniedMessage,
  type GatewayService,
  type IamCall,
  type MappedRequest,
  mapDynamoDb,
  mapEvents,
  mapS3,
  mapSes,
  mapSfn,
  type Policies,
  UnmappedRequest,
  type Verdict,
} from './iam.ts';
import { closeServer, LOOPBACK, listenLoopback } from './ports.ts';

export interface FaultResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}
/** The fault hook (lib/local/faults.ts): asked after every allowed call; an answer replaces the emulator's. */
export interface FaultDecider {
  decide(call: { service: GatewayService; action: string; function?: string }): FaultResponse | undefined;
}

export interface GatewayOptions {
  /**
   * The emulators' own endpoints, read at each request: the stack starts the gateway before Step Functions (whose
   * resumed executions may call the others at once) and fills `sfn` in afterwards.
   */
  upstream: { dynamodb: string; s3: string; sesv2: string; sfn: string; events?: string };
  /** Each function's identity policies (lib/local/template.ts). */
  policies: Partial<Record<FunctionName, Policies>>;
  /** The SES identities of the template (a sender address is checked against the one it belongs to). */
  identities: readonly string[];
  /** Each identity's default configuration set (SendEmail needs it on that configuration set too). */
  configurationSets?: Readonly<Record<string, string>>;
  /** Default true. False forwards every request (IAM=off) but still records what was used. */
  enforce?: boolean;
  faults?: FaultDecider;
  log?: (line: string) => void;
}

export interface Denial {
  function: FunctionName;
  action: string;
  resource: string;
  at: string;
}
export interface Use {
  function: FunctionName;
  action: string;
  resource: string;
  count: number;
}

export interface IamGateway {
  /** Give these to the SDK (AWS_ENDPOINT_URL_*). */
  endpoints: { dynamodb: string; s3: string; sesv2: string; sfn: string; events: string };
  enforced: boolean;
  denied(): Denial[];
  /** Every allowed (function, action, resource), with how often. */
  used(): Use[];
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 80 * 1024 * 1024;

type Caller =
  | { kind: 'function'; name: FunctionName }
  | { kind: 'harness' }
  | { kind: 'unknown'; key: string }
  | {
      kind: 'anonymous';
    };

const callerOf = (accessKey: string | undefined): Caller => {
  if (!accessKey) return { kind: 'anonymous' };
  const principal = principalOf(accessKey);
  if (principal === 'harness') return { kind: 'harness' };
  if (principal) return { kind: 'function', name: principal };
  return { kind: 'unknown', key: accessKey };
};

const credentialKey = (credential: string | null | undefined) => credential?.split('/')[0] || undefined;

const headerKey = (req: IncomingMessage) =>
  /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];

// ---------------------------------------------------------------------------------------------------------------
// The errors AWS answers with
// ---------------------------------------------------------------------------------------------------------------

type Refusal = 'AccessDenied' | 'UnrecognizedClient' | 'MissingAuthentication' | 'NotImplemented';

const xmlEscape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);

export const refusal = (service: GatewayService, kind: Refusal, message: string): FaultResponse => {
  const requestId = randomUUID();
  if (kind === 'NotImplemented') {
    return {
      status: 501,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
      body: JSON.stringify({ __type: 'NotImplemented', message }),
    };
  }
  switch (service) {
    case 's3': {
      // S3 answers an unsigned request to a private bucket with AccessDenied, like a denied one.
      const code = kind === 'UnrecognizedClient' ? 'InvalidAccessKeyId' : 'AccessDenied';
      return {
        status: 403,
        headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message><RequestId>${requestId}</RequestId><HostId>local</HostId></Error>`,
      };
    }
    case 'ses': {
      const type =
        kind === 'AccessDenied'
          ? 'AccessDeniedException'
          : kind === 'UnrecognizedClient'
            ? 'UnrecognizedClientException'
            : 'MissingAuthenticationTokenException';
      return {
        status: 403,
        headers: {
          'content-type': 'application/json',
          'x-amzn-errortype': type,
          'x-amzn-requestid': requestId,
        },
        body: JSON.stringify({ message }),
      };
    }
    case 'dynamodb':
    case 'sfn':
    case 'events': {
      const type =
        kind === 'AccessDenied'
          ? 'AccessDeniedException'
          : kind === 'UnrecognizedClient'
            ? 'UnrecognizedClientException'
            : 'MissingAuthenticationTokenException';
      return {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId },
        body: JSON.stringify({
          __type: service === 'dynamodb' ? `com.amazon.coral.service#${type}` : type,
          message,
        }),
      };
    }
  }
};

const UNKNOWN_KEY_MESSAGE: Record<GatewayService, string> = {
  dynamodb: 'The security token included in the request is invalid.',
  s3: 'The AWS Access Key Id you provided does not exist in our records.',
  ses: 'The security token included in the request is invalid.',
  sfn: 'The security token included in the request is invalid.',
  events: 'The security token included in the request is invalid.',
};

// ---------------------------------------------------------------------------------------------------------------
// The proxies
// ---------------------------------------------------------------------------------------------------------------

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large for the local gateway');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};

const parseJson = (body: Buffer): Record<string, unknown> | undefined => {
  try {
    const value = JSON.parse(body.toString('utf8') || '{}') as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

const send = (req: IncomingMessage, res: ServerResponse, answer: FaultResponse) => {
  const body = req.method === 'HEAD' ? '' : answer.body;
  res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

/** Looks at the emulator's status before answering: may replace the answer (S3's 404 without ListBucket). */
type Intercept = (status: number) => Promise<FaultResponse | undefined>;

const forward = (
  req: IncomingMessage,
  res: ServerResponse,
  upstream: URL,
  body?: Buffer,
  intercept?: Intercept,
) => {
  const headers = { ...req.headers };
  if (body) {
    headers['content-length'] = String(body.length);
    delete headers['transfer-encoding'];
  }
  const outgoing = request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers,
      agent: false,
    },
    (answer) => {
      const status = answer.statusCode ?? 502;
      const pass = () => {
        res.writeHead(status, answer.headers);
        answer.pipe(res);
      };
      if (!intercept) return pass();
      intercept(status).then(
        (replacement) => {
          if (!replacement) return pass();
          answer.resume();
          send(req, res, replacement);
        },
        (error: Error) => {
          answer.resume();
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`local gateway: ${error.message}`);
        },
      );
    },
  );
  outgoing.on('error', (error) => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`local gateway: ${upstream.origin} did not answer: ${error.message}`);
    } else res.destroy(error);
  });
  if (body) outgoing.end(body);
  else req.pipe(outgoing);
};

/** Reads what the gateway needs from a request: the body when it must, the caller's key, the IAM mapping. */
type Inspect = (
  req: IncomingMessage,
  url: URL,
) => Promise<{ body?: Buffer; accessKey?: string; map: () => MappedRequest }>;

const isFormUpload = (req: IncomingMessage, url: URL) =>
  req.method === 'POST' &&
  url.pathname.split('/').filter(Boolean).length === 1 &&
  (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');

const formFieldsOf = async (req: IncomingMessage, body: Buffer): Promise<Map<string, string> | undefined> => {
  try {
    const form = await new Response(new Uint8Array(body), {
      headers: { 'content-type': req.headers['content-type'] ?? '' },
    }).formData();
    const fields = new Map<string, string>();
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string' && !fields.has(name.toLowerCase())) fields.set(name.toLowerCase(), value);
    }
    return fields;
  } catch {
    return undefined;
  }
};

export const startIamGateway = async (options: GatewayOptions): Promise<IamGateway> => {
  const enforce = options.enforce ?? true;
  const log = options.log ?? ((line: string) => console.warn(line));
  const evaluator = createPolicyEvaluator(options.policies);
  const denials: Denial[] = [];
  const uses = new Map<string, Use>();

  const record = (name: FunctionName, calls: IamCall[]) => {
    for (const call of calls) {
      const key = `${name}\0${call.action}\0${call.resource}`;
      const use = uses.get(key);
      if (use) use.count++;
      else uses.set(key, { function: name, ...call, count: 1 });
    }
  };

  const handle = async (
    service: GatewayService,
    upstream: URL,
    inspect: Inspect,
    req: IncomingMessage,
    res: ServerResponse,
  ) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    // CORS preflights carry no credentials; the S3 front answers them as the bucket's CORS rules say.
    if (service === 's3' && req.method === 'OPTIONS') return forward(req, res, upstream);
    const { body, accessKey, map } = await inspect(req, url);
    const caller = callerOf(accessKey);
    if (caller.kind === 'harness') return forward(req, res, upstream, body);

    let mapped: MappedRequest | undefined;
    try {
      mapped = map();
    } catch (error) {
      if (!(error instanceof UnmappedRequest)) throw error;
      if (enforce) {
        log(`[iam] not mapped, refused: ${error.message}`);
        return send(req, res, refusal(service, 'NotImplemented', `local IAM gateway: ${error.message}`));
      }
    }

    if (caller.kind !== 'function') {
      if (enforce) {
        return send(
          req,
          res,
          caller.kind === 'unknown'
            ? refusal(service, 'UnrecognizedClient', UNKNOWN_KEY_MESSAGE[service])
            : service === 's3'
              ? refusal(service, 'AccessDenied', 'Access Denied')
              : refusal(service, 'MissingAuthentication', 'Request is missing Authentication Token'),
        );
      }
      return forward(req, res, upstream, body);
    }

    const name = caller.name;
    if (mapped) {
      const denied = await check(service, name, mapped.calls);
      if (denied) return send(req, res, denied);
      record(name, mapped.calls);
      const fault = options.faults?.decide({ service, action: mapped.operation, function: name });
      if (fault) return send(req, res, fault);
      const missingObject = missingObjectCheck(name, mapped);
      if (missingObject) return forward(req, res, upstream, body, missingObject);
    }
    forward(req, res, upstream, body);
  };

  /** The first refusal among `calls` (each denial recorded and logged), or undefined when all are allowed. */
  const check = async (
    service: GatewayService,
    name: FunctionName,
    calls: IamCall[],
  ): Promise<FaultResponse | undefined> => {
    if (!enforce) return undefined;
    const verdicts = await Promise.all(
      calls.map(async (call) => [call, await evaluator.evaluate(name, call)] as [IamCall, Verdict]),
    );
    const refused = verdicts.filter(([, verdict]) => verdict !== 'Allowed');
    if (refused.length === 0) return undefined;
    const at = new Date().toISOString();
    for (const [call] of refused) {
      denials.push({ function: name, action: call.action, resource: call.resource, at });
      log(`[iam] DENIED ${name}: ${call.action} on ${call.resource}`);
    }
    const [call, verdict] = refused[0] as [IamCall, Verdict];
    return refusal(service, 'AccessDenied', deniedMessage(name, call, verdict));
  };

  /**
   * S3 tells a caller that an object is missing (404 NoSuchKey) only if it may list the bucket; without
   * s3:ListBucket it answers 403 AccessDenied, so code that handles NoSuchKey needs that grant.
   */
  const missingObjectCheck = (name: FunctionName, mapped: MappedRequest): Intercept | undefined => {
    if (mapped.service !== 's3' || !['GetObject', 'HeadObject'].includes(mapped.operation)) return undefined;
    const object = mapped.calls[0]?.resource ?? '';
    const slash = object.indexOf('/');
    const bucket = slash < 0 ? object : object.slice(0, slash);
    return async (status) => {
      if (status !== 404) return undefined;
      const list = { action: 's3:ListBucket', resource: bucket };
      const denied = await check('s3', name, [list]);
      if (!denied) record(name, [list]);
      return denied;
    };
  };

  const jsonInspect =
    (mapper: (req: IncomingMessage, url: URL, json: Record<string, unknown>) => MappedRequest): Inspect =>
    async (req, url) => {
      const body = await readBody(req);
      const json = parseJson(body);
      return {
        body,
        accessKey: headerKey(req),
        map: () => {
          if (!json) throw new UnmappedRequest('the request body is not JSON');
          return mapper(req, url, json);
        },
      };
    };

  const inspectors: Record<GatewayService, Inspect> = {
    dynamodb: jsonInspect((req, _url, json) => mapDynamoDb(String(req.headers['x-amz-target'] ?? ''), json)),
    sfn: jsonInspect((req, _url, json) => mapSfn(String(req.headers['x-amz-target'] ?? ''), json)),
    events: jsonInspect((req, _url, json) => mapEvents(String(req.headers['x-amz-target'] ?? ''), json)),
    ses: jsonInspect((req, url, json) =>
      mapSes(req.method ?? 'GET', url.pathname, json, options.identities, options.configurationSets),
    ),
    s3: async (req, url) => {
      const shape = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
      };
      if (req.method !== 'POST') {
        return {
          accessKey: headerKey(req) ?? credentialKey(url.searchParams.get('X-Amz-Credential')),
          map: () => mapS3(shape),
        };
      }
      const body = await readBody(req);
      if (isFormUpload(req, url)) {
        const formFields = await formFieldsOf(req, body);
        return {
          body,
          accessKey: credentialKey(formFields?.get('x-amz-credential')),
          map: () => {
            if (!formFields) throw new UnmappedRequest('a form upload that is not multipart/form-data');
            return mapS3({ ...shape, formFields });
          },
        };
      }
      return {
        body,
        accessKey: headerKey(req) ?? credentialKey(url.searchParams.get('X-Amz-Credential')),
        map: () => mapS3({ ...shape, body }),
      };
    },
  };

  const servers: Server[] = [];
  const listen = async (
    service: GatewayService,
    upstream: keyof GatewayOptions['upstream'],
  ): Promise<string> => {
    const server = createServer((req, res) => {
      const target = options.upstream[upstream];
      if (!target) {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end(`local gateway: ${service} is not started yet`);
        return;
      }
      handle(service, new URL(target), inspectors[service], req, res).catch((error: Error) => {
        log(`[iam] ${service} gateway error: ${error.stack ?? error.message}`);
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`local gateway: ${error.message}`);
        } else res.destroy(error);
      });
    });
    servers.push(server);
    const port = await listenLoopback(server, 0);
    return `http://${LOOPBACK}:${port}`;
  };

  const endpoints = {
    dynamodb: await listen('dynamodb', 'dynamodb'),
    s3: await listen('s3', 's3'),
    sesv2: await listen('ses', 'sesv2'),
    sfn: await listen('sfn', 'sfn'),
    events: await listen('events', 'events'),
  };

  return {
    endpoints,
    enforced: enforce,
    denied: () => [...denials],
    used: () => [...uses.values()].map((use) => ({ ...use })),
    async stop() {
      await Promise.all(servers.map((server) => closeServer(server)));
    },
  };
};
