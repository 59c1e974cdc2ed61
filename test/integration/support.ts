/**
 * Helpers for tests that drive the local stack over HTTP, as a browser or a client would. Every response `api()`
 * sees is checked against the served /openapi.json (test/support/contract.ts): an undocumented status, content
 * type or body fails the test that met it.
 */
import { inject } from 'vitest';
import { type Contract, createContract, type OpenApiDocument } from '../support/contract.ts';
import { validApplication } from './fixtures.ts';

export const apiUrl = () => inject('apiUrl');

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

let served: Promise<Contract> | undefined;
/** The contract as the stack serves it, fetched once per test file. */
export const contract = (): Promise<Contract> => {
  served ??= fetch(`${apiUrl()}/openapi.json`)
    .then((response) => response.json() as Promise<OpenApiDocument>)
    .then(createContract);
  return served;
};

export const api = async <T = Record<string, unknown>>(
  method: string,
  path: string,
  opts: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> => {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined || opts.raw !== undefined) headers['content-type'] ??= 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const response = await fetch(`${apiUrl()}${path}`, {
    method,
    headers,
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type');
  const body = /[/+]json\s*(;|$)/i.test(contentType ?? '') ? JSON.parse(text) : text;
  // Dev-only routes are not part of the API.
  if (!path.startsWith('/__dev/')) {
    const problems = (await contract()).check({ method, path, status: response.status, contentType, body });
    if (problems.length > 0) throw new Error(`Response breaks /openapi.json:\n${problems.join('\n')}`);
  }
  return { status: response.status, headers: response.headers, body: body as T };
};

export { isoDaysFromToday, uniqueEmail, validApplication } from './fixtures.ts';

export interface Upload {
  document: string;
  contentType: string;
  url: string;
  fields: Record<string, string>;
  maxBytes: number;
  expiresAt: string;
}

export interface Created {
  applicationId: string;
  accessToken: string;
  stage: string;
  dbs: { assessment: string; reasons: string[] };
  uploads: Upload[];
}

export const createApplication = async (body = validApplication()) => {
  const response = await api<Created>('POST', '/applications', { body });
  if (response.status !== 201)
    throw new Error(`create failed ${response.status} ${JSON.stringify(response.body)}`);
  return { ...response.body, email: body.applicant.email };
};

export const PDF_BYTES = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
export const PNG_BYTES = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);

/** A browser-style form POST of a presigned upload. */
export const postUpload = async (upload: Upload, bytes: Uint8Array, contentType = upload.contentType) => {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.set('Content-Type', contentType);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: contentType }), 'document');
  const response = await fetch(upload.url, { method: 'POST', body: form });
  return { status: response.status, text: await response.text() };
};

export interface DevEmail {
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: string;
}

export const emailsTo = async (address: string): Promise<DevEmail[]> => {
  const response = await api<{ emails: DevEmail[] }>('GET', '/__dev/emails');
  return response.body.emails.filter((e) => e.destination.to.includes(address));
};

/** Every status link of an email, in its text and its HTML: the id and the token it carries, if any. */
export const statusLinks = (email: DevEmail): { id: string; token?: string }[] =>
  [
    ...(email.body.text ?? '').matchAll(/\/status\.html#id=(\w+)(?:&token=([\w-]+))?/g),
    ...(email.body.html ?? '').matchAll(/\/status\.html#id=(\w+)(?:&amp;token=([\w-]+))?/g),
  ].map((m) => ({ id: m[1] ?? '', ...(m[2] ? { token: m[2] } : {}) }));

/** Polls until the check passes (S3 events and the state machine run asynchronously). */
export const eventually = async <T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw lastError;
};

export const staffToken = async (): Promise<string> =>
  (await api<{ token: string }>('GET', '/__dev/staff-token')).body.token;

/** A client-credentials token of the therapy platform (scope affiliate/accounts; `scopes` overrides it). */
export const integrationToken = async (scopes?: string): Promise<string> => {
  const query = scopes === undefined ? '' : `?scopes=${encodeURIComponent(scopes)}`;
  return (await api<{ token: string }>('GET', `/__dev/integration-token${query}`)).body.token;
};

export const STAFF_EMAIL = 'affiliate-team@affiliates.local';

export const view = (app: { applicationId: string; accessToken: string }) =>
  api<{
    stage: string;
    documents: { document: string; received: boolean; rejectedReason?: string }[];
    blocking: string[];
    deadlines: { id: string; date: string }[];
    checklist: { id: string; status: string }[];
    timeline: { type: string; summary: string }[];
  }>('GET', `/applications/${app.applicationId}`, { token: app.accessToken });

/** Uploads every required document and waits for in-review. */
export const uploadAll = async (app: Created) => {
  for (const upload of app.uploads) {
    const result = await postUpload(upload, PDF_BYTES);
    if (result.status !== 204) throw new Error(`upload failed ${result.status} ${result.text}`);
  }
};

export const waitForStage = (app: { applicationId: string; accessToken: string }, stage: string) =>
  eventually(async () => {
    const v = await view(app);
    if (v.body.stage !== stage) throw new Error(`stage is ${v.body.stage}, waiting for ${stage}`);
    return v.body;
  });

export const ALL_CHECKS = {
  dbsOriginalSeen: true,
  dbsCheckMethod: 'update-service',
  insuranceVerified: true,
  registerChecked: true,
} as const;
