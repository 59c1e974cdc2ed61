/**
 * S3 for the local stack: s3rver stores the objects (under dataDir, so they survive a restart) on an internal
 * port, and a small proxy on the public endpoint makes browser uploads behave as on S3:
 *  - presigned POST (multipart/form-data to `<endpoint>/<bucket>`): the SigV4 policy signature is verified
 *    (secret `S3RVER` for the key `S3RVER`, LOCAL_SECRET for the local principals' keys), then expiration, every condition (eq / starts-with / content-length-range, the
 *    bucket) and "every form field must be covered by a condition", with S3's XML error codes and statuses;
 *  - CORS for the configured origins (preflight and response headers), as a bucket CORS rule would;
 *  - ListObjectVersions (which s3rver lacks) is answered as for a never-versioned bucket (VersionId "null");
 *  - everything else (SDK calls, presigned GETs) is forwarded untouched.
 * Each ObjectCreated event s3rver emits is delivered to `onObjectCreated` as an S3Event, one at a time, with up to
 * 3 attempts (as Lambda's asynchronous invocation: the call plus 2 retries).
 *
 * Differences from AWS:
 *  - Signatures of requests other than POST uploads are not checked (s3rver ignores them); the access key must
 *    be `S3RVER` or a local principal's (lib/local/credentials.ts); use forcePathStyle and
 *    requestChecksumCalculation: 'WHEN_REQUIRED'.
 *  - A POST body is buffered in memory and refused above 64 MiB whatever the policy says; `${filename}` in
 *    the key field is not substituted; only SigV4 POST policies are accepted (no SigV2).
 *  - No versioning, encryption, lifecycle or Block Public Access; events are delivered once the object is stored,
 *    retried after 0.2 s and 0.4 s rather than minutes; a delivery that fails 3 times is logged and dropped.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { LOCAL_ACCESS_KEYS, LOCAL_SECRET, principalOf } from './credentials.ts';
import { closeServer, LOOPBACK, listenLoopback } from './ports.ts';

export const S3RVER_ACCESS_KEY = 'S3RVER';
const S3RVER_SECRET_KEY = 'S3RVER';
const MAX_POST_BYTES = 64 * 1024 * 1024;
const DELIVERY_ATTEMPTS = 3;
const CORS_METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'];
const REGION = 'eu-west-2';

export interface S3Options {
  dataDir: string;
  bucket: string;
  /** Origins allowed to call the bucket from a browser ('*' = any). */
  corsOrigins: string[];
  onObjectCreated: (event: S3Event) => Promise<void>;
  port?: number;
}

export interface LocalS3 {
  /** The public endpoint (the checking proxy): give this to clients. */
  endpoint: string;
  /** s3rver itself, bypassing the checks. */
  s3rverEndpoint: string;
  /** Resolves once every object event received so far has been delivered (or given up on). */
  whenIdle(): Promise<void>;
  stop(): Promise<void>;
}

interface S3rverRecord {
  eventName: string;
  eventTime: string;
  s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string; sequencer: string } };
}
interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: { Records: S3rverRecord[] }) => void): void;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

class S3Failure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail: Record<string, string | number> = {},
  ) {
    super(message);
  }
}

const xmlEscape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);

function errorXml(failure: S3Failure): string {
  const detail = Object.entries(failure.detail)
    .map(([key, value]) => `<${key}>${xmlEscape(String(value))}</${key}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${failure.code}</Code><Message>${xmlEscape(failure.message)}</Message>${detail}<RequestId>LOCAL</RequestId></Error>`;
}

/** S3 notifications carry the key form-encoded (space as '+', '/' kept), as Java's URLEncoder does. */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** The secret of an access key the local S3 knows: s3rver's own, or a local principal's (lib/local/credentials.ts). */
const secretOf = (accessKey: string): string | undefined =>
  accessKey === S3RVER_ACCESS_KEY ? S3RVER_SECRET_KEY : principalOf(accessKey) ? LOCAL_SECRET : undefined;

function policySignature(policy: string, date: string, region: string, secret: string): string {
  const signingKey = ['s3', 'aws4_request'].reduce<Buffer>(
    (key, part) => hmac(key, part),
    hmac(hmac(`AWS4${secret}`, date), region),
  );
  return hmac(signingKey, policy).toString('hex');
}

const policyFailed = (condition: unknown) =>
  new S3Failure(
    403,
    'AccessDenied',
    `Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`,
  );

/** Checks a browser form upload as S3 does; throws the S3Failure S3 would answer with. */
export function checkPostPolicy(form: FormData, bucket: string, now = new Date()): void {
  const fields = new Map<string, string>();
  let file: File | undefined;
  for (const [name, value] of form.entries()) {
    const lower = name.toLowerCase();
    if (typeof value !== 'string') {
      if (lower === 'file' && !file) file = value;
      continue;
    }
    if (!fields.has(lower)) fields.set(lower, value);
  }
  if (!file) {
    throw new S3Failure(400, 'InvalidArgument', 'POST requires exactly one file upload per request.', {
      ArgumentName: 'file',
      ArgumentValue: 0,
    });
  }
  const policy = fields.get('policy');
  if (policy === undefined) throw new S3Failure(403, 'AccessDenied', 'Access Denied');

  const credential = fields.get('x-amz-credential');
  const signature = fields.get('x-amz-signature');
  if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256' || !credential || !signature) {
    throw new S3Failure(
      400,
      'InvalidRequest',
      'Only AWS4-HMAC-SHA256 POST policies with x-amz-credential and x-amz-signature are supported.',
    );
  }
  const [accessKey = '', date = '', region = ''] = credential.split('/');
  const secret = secretOf(accessKey);
  if (!secret) {
    throw new S3Failure(
      403,
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
      {
        AWSAccessKeyId: accessKey,
      },
    );
  }
  const expected = Buffer.from(policySignature(policy, date, region, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new S3Failure(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }

  let document: { expiration?: unknown; conditions?: unknown };
  try {
    document = JSON.parse(Buffer.from(policy, 'base64').toString('utf8'));
  } catch {
    throw new S3Failure(400, 'InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.');
  }
  if (typeof document.expiration !== 'string' || Number.isNaN(Date.parse(document.expiration))) {
    throw new S3Failure(400, 'InvalidPolicyDocument', 'Invalid Policy: Policy missing expiration.');
  }
  if (Date.parse(document.expiration) < now.getTime()) {
    throw new S3Failure(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
  }
  if (!Array.isArray(document.conditions)) {
    throw new S3Failure(400, 'InvalidPolicyDocument', 'Invalid Policy: Policy missing conditions.');
  }

  const covered = new Set(['policy', 'x-amz-signature', 'file']);
  const fieldValue = (field: string) => (field === 'bucket' ? bucket : fields.get(field));
  let sizeRange: [number, number] | undefined;
  for (const condition of document.conditions as unknown[]) {
    if (Array.isArray(condition)) {
      const [operator, target, expected] = condition as [unknown, unknown, unknown];
      if (operator === 'content-length-range') {
        sizeRange = [Number(target), Number(expected)];
        continue;
      }
      if (typeof target !== 'string' || !target.startsWith('$') || typeof expected !== 'string') {
        throw new S3Failure(
          400,
          'InvalidPolicyDocument',
          `Invalid Policy: Invalid Condition: ${JSON.stringify(condition)}`,
        );
      }
      const field = target.slice(1).toLowerCase();
      covered.add(field);
      const actual = fieldValue(field);
      const matches =
        operator === 'eq'
          ? actual === expected
          : operator === 'starts-with'
            ? // S3 lets a Content-Type hold several comma-separated types; each must match.
              (field === 'content-type' ? (actual ?? '').split(',') : [actual ?? '']).every((part) =>
                part.trim().startsWith(expected),
              )
            : undefined;
      if (matches === undefined) {
        throw new S3Failure(
          400,
          'InvalidPolicyDocument',
          `Invalid Policy: Invalid Condition: ${JSON.stringify(condition)}`,
        );
      }
      if (!matches) throw policyFailed(condition);
    } else if (condition && typeof condition === 'object') {
      for (const [name, expected] of Object.entries(condition)) {
        const field = name.toLowerCase();
        covered.add(field);
        if (fieldValue(field) !== expected) throw policyFailed(['eq', `$${name}`, expected]);
      }
    }
  }
  const extra = [...fields.keys()].filter((field) => !covered.has(field) && !field.startsWith('x-ignore-'));
  if (extra.length > 0) {
    throw new S3Failure(
      403,
      'AccessDenied',
      `Invalid according to Policy: Extra input fields: ${extra.join(', ')}`,
    );
  }
  if (sizeRange) {
    const [min, max] = sizeRange;
    if (file.size > max) {
      throw new S3Failure(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
        ProposedSize: file.size,
        MaxSizeAllowed: max,
      });
    }
    if (file.size < min) {
      throw new S3Failure(
        400,
        'EntityTooSmall',
        'Your proposed upload is smaller than the minimum allowed size',
        {
          ProposedSize: file.size,
          MinSizeAllowed: min,
        },
      );
    }
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      throw new S3Failure(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
        MaxSizeAllowed: limit,
      });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function toLambdaRecord(record: S3rverRecord, bucket: string): S3EventRecord {
  const { object } = record.s3;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: REGION,
    eventTime: record.eventTime,
    eventName: record.eventName as S3EventRecord['eventName'],
    userIdentity: { principalId: 'AWS:LOCAL' },
    requestParameters: { sourceIPAddress: LOOPBACK },
    responseElements: { 'x-amz-request-id': 'LOCAL', 'x-amz-id-2': 'LOCAL' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'local',
      bucket: { name: bucket, ownerIdentity: { principalId: 'LOCAL' }, arn: `arn:aws:s3:::${bucket}` },
      object: {
        key: encodeEventKey(object.key),
        size: object.size ?? 0,
        eTag: object.eTag ?? '',
        sequencer: object.sequencer,
      },
    },
  };
}

export async function startS3({
  dataDir,
  bucket,
  corsOrigins,
  onObjectCreated,
  port,
}: S3Options): Promise<LocalS3> {
  await mkdir(dataDir, { recursive: true });
  const require = createRequire(import.meta.url);
  const S3rver = require('s3rver') as S3rverConstructor;
  // s3rver knows one key pair (S3RVER); the local principals' keys are added to its account, so the functions'
  // own credentials reach it unchanged through the IAM gateway.
  const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as {
    DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
  };
  for (const accessKey of LOCAL_ACCESS_KEYS) DUMMY_ACCOUNT.createKeyPair(accessKey, LOCAL_SECRET);
  const s3rver = new S3rver({
    address: LOOPBACK,
    port: 0,
    silent: true,
    directory: dataDir,
    vhostBuckets: false,
    allowMismatchedSignatures: true,
    configureBuckets: [{ name: bucket }],
  });
  const internal = await s3rver.run();
  const s3rverEndpoint = `http://${LOOPBACK}:${internal.port}`;

  let deliveries: Promise<void> = Promise.resolve();
  const deliver = async (event: S3Event) => {
    const key = event.Records[0]?.s3.object.key;
    for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt++) {
      try {
        await onObjectCreated(event);
        return;
      } catch (err) {
        const last = attempt === DELIVERY_ATTEMPTS;
        console.error(
          `[local s3] object event for ${key} failed (attempt ${attempt}/${DELIVERY_ATTEMPTS})${last ? ', dropped' : ''}:`,
          err,
        );
        if (!last) await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  };
  s3rver.on('event', (event) => {
    for (const record of event.Records) {
      if (!record.eventName.startsWith('ObjectCreated:')) continue;
      const lambdaEvent: S3Event = { Records: [toLambdaRecord(record, bucket)] };
      deliveries = deliveries.then(() => deliver(lambdaEvent));
    }
  });

  const allowedOrigin = (origin: string | undefined) =>
    origin !== undefined && (corsOrigins.includes('*') || corsOrigins.includes(origin)) ? origin : undefined;

  const corsHeaders = (req: IncomingMessage): Record<string, string> => {
    const origin = allowedOrigin(req.headers.origin);
    if (!origin) return {};
    return {
      'access-control-allow-origin': origin,
      'access-control-expose-headers': 'ETag, Location',
      vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    };
  };

  const sendError = (req: IncomingMessage, res: ServerResponse, failure: S3Failure) => {
    const body = errorXml(failure);
    res.writeHead(failure.status, {
      ...corsHeaders(req),
      'content-type': 'application/xml',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  };

  const preflight = (req: IncomingMessage, res: ServerResponse) => {
    const method = req.headers['access-control-request-method'];
    if (!req.headers.origin || !method) {
      throw new S3Failure(400, 'BadRequest', 'Insufficient information. Origin request header needed.');
    }
    const origin = allowedOrigin(req.headers.origin);
    if (!origin || !CORS_METHODS.includes(method.toUpperCase())) {
      throw new S3Failure(
        403,
        'AccessForbidden',
        "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
        { Method: method, ResourceType: 'OBJECT' },
      );
    }
    const requested = req.headers['access-control-request-headers'];
    res.writeHead(200, {
      ...corsHeaders(req),
      'access-control-allow-methods': CORS_METHODS.join(', '),
      ...(requested ? { 'access-control-allow-headers': requested } : {}),
      'access-control-max-age': '3000',
      'content-length': 0,
    });
    res.end();
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body?: Buffer) => {
    const headers = { ...req.headers };
    if (body) headers['content-length'] = String(body.length);
    const upstream = request(
      { host: LOOPBACK, port: internal.port, method: req.method, path: req.url, headers, agent: false },
      (answer) => {
        const answerHeaders = Object.fromEntries(
          Object.entries(answer.headers).filter(([name]) => !name.startsWith('access-control-')),
        );
        res.writeHead(answer.statusCode ?? 502, { ...answerHeaders, ...corsHeaders(req) });
        answer.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      if (!res.headersSent)
        sendError(req, res, new S3Failure(502, 'InternalError', `s3rver: ${err.message}`));
      else res.destroy(err);
    });
    if (body) upstream.end(body);
    else req.pipe(upstream);
  };

  const isFormUpload = (req: IncomingMessage) => {
    const path = (req.url ?? '').split('?')[0]?.replace(/\/$/, '');
    return (
      req.method === 'POST' &&
      path === `/${bucket}` &&
      (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data')
    );
  };

  /**
   * ListObjectVersions, which s3rver lacks, answered as S3 answers it for a bucket that never had versioning
   * enabled: each current object is its only version, with VersionId "null". Retention deletes with it.
   */
  const listVersions = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const query = new URLSearchParams({ prefix: url.searchParams.get('prefix') ?? '' });
    if (url.searchParams.get('key-marker')) query.set('marker', url.searchParams.get('key-marker') ?? '');
    query.set('max-keys', url.searchParams.get('max-keys') ?? '1000');
    const listing = await fetch(`http://${LOOPBACK}:${internal.port}/${bucket}?${query}`);
    const xml = await listing.text();
    if (!listing.ok) {
      res.writeHead(listing.status, { 'content-type': 'application/xml', ...corsHeaders(req) });
      return res.end(xml);
    }
    const field = (block: string, name: string) =>
      new RegExp(`<${name}>([^<]*)</${name}>`).exec(block)?.[1] ?? '';
    const contents = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map((m) => m[1] ?? '');
    const truncated = field(xml, 'IsTruncated') === 'true';
    const lastKey = contents.length ? field(contents.at(-1) ?? '', 'Key') : '';
    const versions = contents
      .map(
        (c) =>
          `<Version><Key>${field(c, 'Key')}</Key><VersionId>null</VersionId><IsLatest>true</IsLatest><LastModified>${field(c, 'LastModified')}</LastModified><ETag>${field(c, 'ETag')}</ETag><Size>${field(c, 'Size')}</Size><StorageClass>STANDARD</StorageClass></Version>`,
      )
      .join('');
    const body = `<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${query.get('prefix')}</Prefix><KeyMarker>${url.searchParams.get('key-marker') ?? ''}</KeyMarker><VersionIdMarker></VersionIdMarker><MaxKeys>${query.get('max-keys')}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextKeyMarker>${lastKey}</NextKeyMarker><NextVersionIdMarker>null</NextVersionIdMarker>` : ''}${versions}</ListVersionsResult>`;
    res.writeHead(200, { 'content-type': 'application/xml', ...corsHeaders(req) });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'OPTIONS') return preflight(req, res);
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}`);
    if (
      req.method === 'GET' &&
      url.pathname.replace(/\/$/, '') === `/${bucket}` &&
      url.searchParams.has('versions')
    ) {
      return listVersions(req, res, url);
    }
    if (!isFormUpload(req)) return forward(req, res);
    const body = await readBody(req, MAX_POST_BYTES);
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body), {
        headers: { 'content-type': req.headers['content-type'] ?? '' },
      }).formData();
    } catch {
      throw new S3Failure(
        400,
        'MalformedPOSTRequest',
        'The body of your POST request is not well-formed multipart/form-data.',
      );
    }
    checkPostPolicy(form, bucket);
    forward(req, res, body);
  };

  const proxy = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const failure =
        err instanceof S3Failure
          ? err
          : new S3Failure(500, 'InternalError', 'We encountered an internal error.');
      if (!(err instanceof S3Failure)) console.error('[local s3] proxy error:', err);
      if (res.headersSent) return res.destroy();
      sendError(req, res, failure);
      // The client may still be sending a body we refused to read.
      req.resume();
    });
  });
  const publicPort = await listenLoopback(proxy, port ?? 0);

  return {
    endpoint: `http://${LOOPBACK}:${publicPort}`,
    s3rverEndpoint,
    whenIdle: () => deliveries,
    async stop() {
      await closeServer(proxy);
      await s3rver.close();
      await deliveries;
    },
  };
}
