import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalS3, S3RVER_ACCESS_KEY, startS3 } from '../../../lib/local/s3.ts';

const BUCKET = 'documents';
const SITE = 'http://127.0.0.1:3001';
const MAX_BYTES = 1024;

function s3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'eu-west-2',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: S3RVER_ACCESS_KEY, secretAccessKey: 'S3RVER' },
  });
}

async function presign(client: S3Client, key: string, expires = 900) {
  return createPresignedPost(client, {
    Bucket: BUCKET,
    Key: key,
    Conditions: [
      ['content-length-range', 1, MAX_BYTES],
      ['eq', '$Content-Type', 'application/pdf'],
    ],
    Fields: { 'Content-Type': 'application/pdf' },
    Expires: expires,
  });
}

/** Posts the form as a browser would: the fields, then the file last. */
async function upload(url: string, fields: Record<string, string>, bytes: number, origin = SITE) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([Buffer.alloc(bytes, 0x25)], { type: 'application/pdf' }), 'certificate.pdf');
  const res = await fetch(url, { method: 'POST', body: form, headers: { origin } });
  return {
    status: res.status,
    text: await res.text(),
    allowOrigin: res.headers.get('access-control-allow-origin'),
  };
}

describe('S3 emulator with presigned-POST checks', () => {
  let dataDir: string;
  let s3: LocalS3;
  let client: S3Client;
  let events: S3Event[];
  let failuresToInject = 0;

  const start = async () => {
    s3 = await startS3({
      dataDir,
      bucket: BUCKET,
      corsOrigins: [SITE],
      port: 0,
      onObjectCreated: async (event) => {
        if (failuresToInject > 0) {
          failuresToInject--;
          throw new Error('document-received failed');
        }
        events.push(event);
      },
    });
    client = s3Client(s3.endpoint);
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 's3-'));
    await start();
  });
  beforeEach(() => {
    events = [];
    failuresToInject = 0;
  });
  afterAll(async () => {
    client.destroy();
    await s3.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const exists = async (key: string) =>
    client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(
      () => true,
      (err: { name?: string }) => {
        if (err.name === 'NotFound') return false;
        throw err;
      },
    );

  it('accepts an upload within the policy, stores it and delivers an ObjectCreated event', async () => {
    const key = 'applications/01ABC/dbs-certificate/my scan.pdf';
    const post = await presign(client, key);
    expect(post.url).toBe(`${s3.endpoint}/${BUCKET}`);

    const res = await upload(post.url, post.fields, 700);
    expect(res.status).toBe(204);
    expect(res.allowOrigin).toBe(SITE);

    await s3.whenIdle();
    expect(events).toHaveLength(1);
    const record = events[0]?.Records[0];
    expect(record?.eventName).toBe('ObjectCreated:Post');
    expect(record?.s3.bucket.name).toBe(BUCKET);
    expect(record?.s3.object.key).toBe('applications/01ABC/dbs-certificate/my+scan.pdf');
    expect(record?.s3.object.size).toBe(700);
    expect(record?.s3.object.eTag).toMatch(/^[0-9a-f]{32}$/);

    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(object.ContentType).toBe('application/pdf');
    expect((await object.Body?.transformToByteArray())?.length).toBe(700);

    // Staff download links are presigned GETs through the same endpoint.
    const link = await getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: key }), {
      expiresIn: 60,
    });
    const download = await fetch(link, { headers: { origin: SITE } });
    expect(download.status).toBe(200);
    expect(download.headers.get('access-control-allow-origin')).toBe(SITE);
    expect((await download.arrayBuffer()).byteLength).toBe(700);
  });

  it('refuses a file over the content-length-range with 400 EntityTooLarge and stores nothing', async () => {
    const key = 'applications/01ABC/indemnity-insurance/big.pdf';
    const post = await presign(client, key);
    const res = await upload(post.url, post.fields, MAX_BYTES + 1);
    expect(res.status).toBe(400);
    expect(res.text).toContain('<Code>EntityTooLarge</Code>');
    expect(res.text).toContain(`<MaxSizeAllowed>${MAX_BYTES}</MaxSizeAllowed>`);
    expect(res.allowOrigin).toBe(SITE);
    await s3.whenIdle();
    expect(events).toEqual([]);
    expect(await exists(key)).toBe(false);
  });

  it('refuses a content type the policy does not allow with 403 AccessDenied', async () => {
    const key = 'applications/01ABC/indemnity-insurance/page.html';
    const post = await presign(client, key);
    const res = await upload(post.url, { ...post.fields, 'Content-Type': 'text/html' }, 10);
    expect(res.status).toBe(403);
    expect(res.text).toContain('<Code>AccessDenied</Code>');
    expect(res.text).toContain(
      'Invalid according to Policy: Policy Condition failed: [&quot;eq&quot;,&quot;$Content-Type&quot;',
    );
    expect(await exists(key)).toBe(false);
  });

  it('refuses a key other than the one signed for', async () => {
    const post = await presign(client, 'applications/01ABC/dbs-certificate/a.pdf');
    const res = await upload(
      post.url,
      { ...post.fields, key: 'applications/01XYZ/dbs-certificate/a.pdf' },
      10,
    );
    expect(res.status).toBe(403);
    expect(res.text).toContain('Policy Condition failed');
    expect(await exists('applications/01XYZ/dbs-certificate/a.pdf')).toBe(false);
  });

  it('refuses a policy edited after signing with 403 SignatureDoesNotMatch', async () => {
    const key = 'applications/01ABC/dbs-certificate/tampered.pdf';
    const post = await presign(client, key);
    const policy = JSON.parse(Buffer.from(post.fields.Policy ?? '', 'base64').toString('utf8'));
    policy.conditions = policy.conditions.map((c: unknown) =>
      Array.isArray(c) && c[0] === 'content-length-range' ? ['content-length-range', 1, 10_000_000] : c,
    );
    const forged = Buffer.from(JSON.stringify(policy)).toString('base64');
    const res = await upload(post.url, { ...post.fields, Policy: forged }, MAX_BYTES + 1);
    expect(res.status).toBe(403);
    expect(res.text).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(await exists(key)).toBe(false);
  });

  it('refuses an expired policy with 403', async () => {
    const key = 'applications/01ABC/dbs-certificate/late.pdf';
    const post = await presign(client, key, -60);
    const res = await upload(post.url, post.fields, 10);
    expect(res.status).toBe(403);
    expect(res.text).toContain('Invalid according to Policy: Policy expired.');
    expect(await exists(key)).toBe(false);
  });

  it('refuses form fields no condition covers', async () => {
    const post = await presign(client, 'applications/01ABC/dbs-certificate/extra.pdf');
    const res = await upload(post.url, { ...post.fields, acl: 'public-read' }, 10);
    expect(res.status).toBe(403);
    expect(res.text).toContain('Extra input fields: acl');
  });

  it('answers CORS preflights for the site origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${s3.endpoint}/${BUCKET}`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const ok = await preflight(SITE);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SITE);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')).toBe('content-type');

    const refused = await preflight('http://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('retries a failing event delivery, as Lambda retries an asynchronous invocation', async () => {
    failuresToInject = 2;
    const post = await presign(client, 'applications/01ABC/dbs-certificate/retry.pdf');
    expect((await upload(post.url, post.fields, 5)).status).toBe(204);
    await s3.whenIdle();
    expect(events.map((e) => e.Records[0]?.s3.object.key)).toEqual([
      'applications/01ABC/dbs-certificate/retry.pdf',
    ]);
  });

  it('keeps objects under dataDir across a restart', async () => {
    const key = 'applications/01ABC/indemnity-insurance/kept.pdf';
    const post = await presign(client, key);
    expect((await upload(post.url, post.fields, 42)).status).toBe(204);
    client.destroy();
    await s3.stop();

    await start();
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ContentLength).toBe(42);
  });
});
