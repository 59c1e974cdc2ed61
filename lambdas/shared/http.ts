/**
 * The HTTP edge shared by every API handler: one middy chain that limits, checks and parses JSON bodies and maps
 * every named error to an RFC 9457 problem (DESIGN §5) exactly once. No stack traces, no echo of submitted values.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/v4/core';
import { ROUTES, type RouteAuth } from '../../lib/routes.ts';
import { RuleViolation } from '../domain/errors.ts';
import { isApplicationId } from '../domain/ids.ts';
import { VersionConflict } from '../ports/index.ts';
import {
  BadRequest,
  Conflict,
  type FieldError,
  Forbidden,
  NotFound,
  PayloadTooLarge,
  Unauthorized,
  UnsupportedMediaType,
} from './errors.ts';
import { errorSummary, logger } from './logger.ts';

export type HttpEvent = APIGatewayProxyEventV2 & { parsedBody?: unknown };
export type HttpResult = APIGatewayProxyStructuredResultV2;

export const MAX_BODY_BYTES = 64 * 1024;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

export const problem = (p: Problem, headers: Record<string, string> = {}): HttpResult => ({
  statusCode: p.status,
  headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(p),
});

const problemType = (slug: string) => `https://affiliate-onboarding.dev/problems/${slug}`;

/** Maps zod issues to field paths; an unknown key is reported at its own path (`applicant.isAdmin`). */
export const fieldErrors = (error: z.$ZodError): FieldError[] =>
  error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: base ? `${base}.${key}` : key, message: 'Unknown field' }));
    }
    return [{ path: base, message: issue.message }];
  });

/** A zod schema, full or mini (schemas.ts is zod/mini): both parse the same way. */
export type Parser = z.$ZodType & {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: z.$ZodError };
};

/** Parses a value with a schema or throws a 400 naming every failing field. */
export const parseWith = <S extends Parser>(schema: S, value: unknown): z.output<S> => {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new BadRequest('The request does not match the schema', fieldErrors(result.error));
  return result.data as z.output<S>;
};

export const toProblem = (error: unknown): Problem => {
  if (error instanceof BadRequest) {
    return {
      type: problemType('invalid-request'),
      title: 'Invalid request',
      status: 400,
      detail: error.message,
      errors: error.errors,
    };
  }
  if (error instanceof RuleViolation) {
    return {
      type: problemType('rule-violation'),
      title: 'The request breaks a rule',
      status: 422,
      detail: error.message,
      errors: error.violations,
    };
  }
  if (error instanceof Unauthorized) {
    return { type: problemType('unauthorized'), title: 'Unauthorized', status: 401, detail: error.message };
  }
  if (error instanceof Forbidden) {
    return { type: problemType('forbidden'), title: 'Forbidden', status: 403, detail: error.message };
  }
  if (error instanceof NotFound) {
    return { type: problemType('not-found'), title: 'Not found', status: 404, detail: error.message };
  }
  if (error instanceof Conflict) {
    return { type: problemType('conflict'), title: 'Conflict', status: 409, detail: error.message };
  }
  // Concurrent changes outlasted every retry: nothing was saved, and the caller may try again.
  if (error instanceof VersionConflict) {
    return {
      type: problemType('conflict'),
      title: 'Conflict',
      status: 409,
      detail: 'The application changed while this request was saved; nothing was changed, try again',
    };
  }
  if (error instanceof PayloadTooLarge) {
    return { type: problemType('too-large'), title: 'Payload too large', status: 413, detail: error.message };
  }
  if (error instanceof UnsupportedMediaType) {
    return {
      type: problemType('unsupported-media-type'),
      title: 'Unsupported media type',
      status: 415,
      detail: error.message,
    };
  }
  return {
    type: problemType('internal'),
    title: 'Something went wrong on our side',
    status: 500,
    detail: 'Nothing was changed. Please try again in a moment.',
  };
};

const header = (event: APIGatewayProxyEventV2, name: string): string | undefined =>
  event.headers?.[name.toLowerCase()];

/** `application/json`, with at most a UTF-8 charset: not problem+json, merge-patch+json or any other type. */
export const isJsonContentType = (value: string): boolean =>
  /^application\/json[ \t]*(?:;[ \t]*charset=(?:utf-8|"utf-8")[ \t]*)?$/i.test(value);

const readJsonBody = (event: HttpEvent): unknown => {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES)
    throw new PayloadTooLarge(`The body is over ${MAX_BODY_BYTES / 1024} KB`);
  if (!isJsonContentType(header(event, 'content-type') ?? '')) {
    throw new UnsupportedMediaType('Send the body as JSON with Content-Type: application/json');
  }
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BadRequest('The body is not valid JSON');
  }
};

export type HttpHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

const AUTH_BY_ROUTE_KEY = new Map<string, RouteAuth>(ROUTES.map((r) => [`${r.method} ${r.path}`, r.auth]));

/**
 * What every request passes before its handler runs, in this order, as API Gateway orders its own checks:
 * who asks (the route table's `auth`: 401 without credentials, 403 outside the team), then the path (an id that is
 * not a ULID is 404 before any lookup), then the body (413, 415, 400). So an unauthenticated caller learns nothing
 * about what it sent.
 */
const checkRequest = (event: HttpEvent, opts: { body?: boolean }) => {
  const auth = AUTH_BY_ROUTE_KEY.get(event.routeKey);
  if (auth === 'applicant') bearerToken(event);
  if (auth === 'staff') requireStaff(event);
  if (auth === 'integration') requireIntegration(event);
  for (const value of Object.values(event.pathParameters ?? {})) {
    // Every path parameter of the API is an application id.
    if (value === undefined || !isApplicationId(value)) throw new NotFound();
  }
  if (opts.body) event.parsedBody = readJsonBody(event);
};

/** Wraps a handler: the request checked (see checkRequest), errors mapped to problems. */
export const httpHandler = (handler: HttpHandler, opts: { body?: boolean } = {}) =>
  middy<HttpEvent, HttpResult>()
    .before((request) => checkRequest(request.event, opts))
    .onError((request) => {
      const p = toProblem(request.error);
      if (p.status >= 500) {
        logger.error('request failed', {
          routeKey: request.event.routeKey,
          error: errorSummary(request.error),
        });
      } else {
        logger.info('request refused', { routeKey: request.event.routeKey, status: p.status });
      }
      request.response = problem(p);
    })
    .handler(handler);

/** The Bearer token of the Authorization header (the scheme is case-insensitive, RFC 9110), or a 401. */
export const bearerToken = (event: APIGatewayProxyEventV2): string => {
  const value = header(event, 'authorization');
  const match = value ? /^Bearer +([A-Za-z0-9_-]{20,128})$/i.exec(value) : null;
  if (!match?.[1]) throw new Unauthorized('Send your access token as Authorization: Bearer <token>');
  return match[1];
};

export const pathParam = (event: APIGatewayProxyEventV2, name: string): string => {
  const value = event.pathParameters?.[name];
  if (!value) throw new NotFound();
  return value;
};

export const requestHeader = header;

export const STAFF_GROUP = 'affiliate-team';

/**
 * The groups of a `cognito:groups` claim, exactly. The token carries an array; API Gateway flattens array claims to
 * "[a b]" before the handler sees them. Cognito group names cannot contain white space (pattern
 * `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`), so splitting that form on single spaces gives back each name whole; commas and
 * other punctuation belong to the names.
 */
export const claimGroups = (raw: unknown): string[] => {
  if (Array.isArray(raw)) return raw.filter((g): g is string => typeof g === 'string');
  if (typeof raw !== 'string') return [];
  const inner = /^\[(.*)\]$/s.exec(raw)?.[1] ?? raw;
  return inner.split(' ').filter(Boolean);
};

/**
 * The staff member behind a request. API Gateway's JWT authorizer has already checked the token (401 otherwise);
 * here the group is checked, by exact name (403 without it).
 */
/**
 * The therapy platform's client (its client-credentials token's `client_id`): API Gateway's JWT authorizer has
 * checked the audience and the scope; without its claims the request did not come through it.
 */
export const requireIntegration = (event: APIGatewayProxyEventV2): { clientId: string } => {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } })
    .authorizer?.jwt?.claims;
  if (!claims || typeof claims.client_id !== 'string')
    throw new Unauthorized("Use a client-credentials token of the therapy platform's app client");
  return { clientId: claims.client_id };
};

export const requireStaff = (event: APIGatewayProxyEventV2): { staffId: string } => {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } })
    .authorizer?.jwt?.claims;
  if (!claims || typeof claims.sub !== 'string')
    throw new Unauthorized('Sign in as a member of the affiliate team');
  if (!claimGroups(claims['cognito:groups']).includes(STAFF_GROUP))
    throw new Forbidden('Only the affiliate team can do this');
  return { staffId: claims.sub };
};
