/**
 * The route table (DESIGN §4): the single source of the CDK HTTP API and of the local HTTP adapter.
 * `auth`: public (no credentials), applicant (Bearer access token, checked by the handler), staff (Cognito JWT
 * checked by API Gateway's JWT authorizer, group checked by the handler).
 */
import type { FunctionName } from './functions.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type RouteAuth = 'public' | 'applicant' | 'staff';

export interface Route {
  method: HttpMethod;
  /** API Gateway path syntax: `/applications/{id}`. */
  path: string;
  handler: FunctionName;
  auth: RouteAuth;
}

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/health', handler: 'health', auth: 'public' },
  { method: 'GET', path: '/openapi.json', handler: 'openapi', auth: 'public' },
  { method: 'POST', path: '/applications', handler: 'create-application', auth: 'public' },
  {
    method: 'POST',
    path: '/applications/access-links',
    handler: 'create-access-link',
    auth: 'public',
  },
  { method: 'GET', path: '/applications/{id}', handler: 'get-application', auth: 'applicant' },
  { method: 'POST', path: '/applications/{id}/uploads', handler: 'create-upload', auth: 'applicant' },
  { method: 'GET', path: '/applications/{id}/contract', handler: 'get-contract', auth: 'applicant' },
  {
    method: 'POST',
    path: '/applications/{id}/contract/signature',
    handler: 'sign-contract',
    auth: 'applicant',
  },
  { method: 'PUT', path: '/applications/{id}/availability', handler: 'give-availability', auth: 'applicant' },
  {
    method: 'PUT',
    path: '/applications/{id}/dbs-application',
    handler: 'request-dbs-application',
    auth: 'applicant',
  },
  {
    method: 'POST',
    path: '/applications/{id}/withdrawal',
    handler: 'withdraw-application',
    auth: 'applicant',
  },
  { method: 'GET', path: '/staff/applications', handler: 'staff-list-applications', auth: 'staff' },
  { method: 'GET', path: '/staff/applications/{id}', handler: 'staff-get-application', auth: 'staff' },
  { method: 'POST', path: '/staff/applications/{id}/review', handler: 'staff-review', auth: 'staff' },
  { method: 'POST', path: '/staff/applications/{id}/dbs', handler: 'staff-record-dbs', auth: 'staff' },
  {
    method: 'POST',
    path: '/staff/applications/{id}/induction',
    handler: 'staff-record-induction',
    auth: 'staff',
  },
  {
    method: 'POST',
    path: '/staff/applications/{id}/insurance',
    handler: 'staff-record-insurance',
    auth: 'staff',
  },
  {
    method: 'POST',
    path: '/staff/applications/{id}/dbs-application',
    handler: 'staff-record-dbs-application',
    auth: 'staff',
  },
  {
    method: 'POST',
    path: '/staff/applications/{id}/dbs-status-check',
    handler: 'staff-record-dbs-status-check',
    auth: 'staff',
  },
  { method: 'GET', path: '/staff/reports/dbs', handler: 'staff-dbs-report', auth: 'staff' },
];

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
    return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
  };
};
