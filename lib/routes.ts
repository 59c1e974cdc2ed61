/**
 * The route table (DESIGN §4): the single source of the CDK HTTP API, the local HTTP adapter and /openapi.json.
 * `auth`: public (no credentials), applicant (Bearer access token, checked by the handler), staff (Cognito JWT
 * checked by API Gateway's JWT authorizer, group checked by the handler), integration (the therapy platform's
 * Cognito client-credentials token, audience and INTEGRATION_SCOPE checked by a JWT authorizer of its own).
 * `responses`: every status the handler answers (the success first); the contract test fails on any other. What
 * API Gateway answers by itself (401 from the JWT authorizer, 413, 429, 431, 500 for a failed invocation) is
 * added by lambdas/shared/openapi.ts for every route.
 */
import type { FunctionName } from './functions.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type RouteAuth = 'public' | 'applicant' | 'staff' | 'integration';

/** The scope of the therapy platform's client-credentials tokens (Cognito resource server `affiliate`). */
export const INTEGRATION_RESOURCE_SERVER = 'affiliate';
export const INTEGRATION_SCOPE = `${INTEGRATION_RESOURCE_SERVER}/accounts`;

export interface Route {
  method: HttpMethod;
  /** API Gateway path syntax: `/applications/{id}`. */
  path: string;
  handler: FunctionName;
  auth: RouteAuth;
  responses: readonly number[];
  /** This route's own throttle, when its kind's (ROUTE_THROTTLES) does not fit. */
  throttle?: Throttle;
}

/** API Gateway's token bucket: steady requests per second, and the burst above it. */
export interface Throttle {
  rateLimit: number;
  burstLimit: number;
}

/**
 * Each route has its own bucket at the API stage (lib/constructs/api.ts), so a flood on a public route is refused
 * with 429 there and cannot use up what applicants' and staff routes need. Per IP, the WAF rules at the edge
 * (lib/constructs/waf.ts) come first.
 */
export const ROUTE_THROTTLES: Record<RouteAuth, Throttle> = {
  public: { rateLimit: 5, burstLimit: 10 },
  applicant: { rateLimit: 20, burstLimit: 40 },
  staff: { rateLimit: 20, burstLimit: 40 },
  integration: { rateLimit: 5, burstLimit: 10 },
};

export const routeThrottle = (route: Route): Throttle => route.throttle ?? ROUTE_THROTTLES[route.auth];

/** What each kind of route answers besides its success. */
const APPLICANT_READ = [401, 404] as const;
const APPLICANT_CHANGE = [400, 401, 404, 409, 413, 415, 422] as const;
const STAFF_CHANGE = [400, 401, 403, 404, 409, 413, 415, 422] as const;

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/health', handler: 'health', auth: 'public', responses: [200] },
  { method: 'GET', path: '/openapi.json', handler: 'openapi', auth: 'public', responses: [200] },
  {
    method: 'POST',
    path: '/applications',
    handler: 'create-application',
    auth: 'public',
    responses: [201, 400, 409, 413, 415, 422],
    // Each submission sends an email and starts a Standard execution; a campaign's busiest hour is far below.
    throttle: { rateLimit: 2, burstLimit: 5 },
  },
  {
    method: 'POST',
    path: '/applications/access-links',
    handler: 'create-access-link',
    auth: 'public',
    responses: [202, 400, 413, 415],
  },
  {
    method: 'GET',
    path: '/applications/{id}',
    handler: 'get-application',
    auth: 'applicant',
    responses: [200, ...APPLICANT_READ],
  },
  {
    method: 'POST',
    path: '/applications/{id}/uploads',
    handler: 'create-upload',
    auth: 'applicant',
    responses: [201, ...APPLICANT_CHANGE],
  },
  {
    method: 'GET',
    path: '/applications/{id}/contract',
    handler: 'get-contract',
    auth: 'applicant',
    responses: [200, ...APPLICANT_READ, 409],
  },
  {
    method: 'POST',
    path: '/applications/{id}/contract/signature',
    handler: 'sign-contract',
    auth: 'applicant',
    responses: [201, ...APPLICANT_CHANGE],
  },
  {
    method: 'PUT',
    path: '/applications/{id}/availability',
    handler: 'give-availability',
    auth: 'applicant',
    responses: [200, ...APPLICANT_CHANGE],
  },
  {
    method: 'POST',
    path: '/applications/{id}/pauses',
    handler: 'add-pause',
    auth: 'applicant',
    responses: [201, ...APPLICANT_CHANGE],
  },
  {
    method: 'PUT',
    path: '/applications/{id}/dbs-application',
    handler: 'request-dbs-application',
    auth: 'applicant',
    responses: [200, ...APPLICANT_CHANGE],
  },
  {
    method: 'POST',
    path: '/applications/{id}/withdrawal',
    handler: 'withdraw-application',
    auth: 'applicant',
    responses: [200, 400, 401, 404, 409, 413, 415],
  },
  {
    method: 'GET',
    path: '/staff/applications',
    handler: 'staff-list-applications',
    auth: 'staff',
    responses: [200, 400, 401, 403],
  },
  {
    method: 'GET',
    path: '/staff/applications/{id}',
    handler: 'staff-get-application',
    auth: 'staff',
    responses: [200, 401, 403, 404],
  },
  {
    method: 'POST',
    path: '/staff/applications/{id}/review',
    handler: 'staff-review',
    auth: 'staff',
    responses: [200, ...STAFF_CHANGE],
  },
  {
    method: 'POST',
    path: '/staff/applications/{id}/dbs',
    handler: 'staff-record-dbs',
    auth: 'staff',
    responses: [200, ...STAFF_CHANGE],
  },
  {
    method: 'POST',
    path: '/staff/applications/{id}/induction',
    handler: 'staff-record-induction',
    auth: 'staff',
    responses: [200, ...STAFF_CHANGE],
  },
  {
    method: 'POST',
    path: '/staff/applications/{id}/induction/extension',
    handler: 'staff-extend-induction',
    auth: 'staff',
    responses: [200, ...STAFF_CHANGE],
  },
  {
    method: 'POST',
    path: '/staff/applications/{id}/insurance',
    handler: 'staff-record-insurance',
    auth: 'staff',
    responses: [200, ...STAFF_CHANGE],
  },
  {
    method: 'POST',
    path: '/staff/applications/{id}/dbs-application',
    handler: 'staff-record-dbs-application',
    auth: 'staff',
    responses: [200, ...STAFF_CHANGE],
  },
  {
    method: 'POST',
    path: '/staff/applications/{id}/dbs-status-check',
    handler: 'staff-record-dbs-status-check',
    auth: 'staff',
    responses: [200, ...STAFF_CHANGE],
  },
  {
    method: 'POST',
    path: '/staff/applications/{id}/account',
    handler: 'staff-record-account',
    auth: 'staff',
    responses: [200, ...STAFF_CHANGE],
  },
  {
    method: 'POST',
    path: '/integrations/accounts/{id}',
    handler: 'integration-record-account',
    auth: 'integration',
    // 401 and 403 (a token without the scope) come from the JWT authorizer.
    responses: [200, 400, 404, 409, 413, 415, 422],
  },
  {
    method: 'GET',
    path: '/staff/reports/dbs',
    handler: 'staff-dbs-report',
    auth: 'staff',
    responses: [200, 400, 401, 403],
  },
  {
    method: 'GET',
    path: '/staff/reports/capacity',
    handler: 'staff-capacity-report',
    auth: 'staff',
    responses: [200, 400, 401, 403],
  },
];

/** A path segment as the handler sees it: percent-decoded, or as sent when its escapes are not valid UTF-8
 *  (`%FF`, `abc%zz`), so the handler refuses it like any other unknown id instead of the adapter failing. */
const decodeSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** Turns `/applications/{id}` into a matcher returning the path parameters, or undefined. */
export const compilePath = (path: string): ((actual: string) => Record<string, string> | undefined) => {
  const names: string[] = [];
  const pattern = new RegExp(
    `^${path.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    })}$`,
  );
  return (actual) => {
    const match = pattern.exec(actual);
    if (!match) return undefined;
    return Object.fromEntries(names.map((name, i) => [name, decodeSegment(match[i + 1] ?? '')]));
  };
};
