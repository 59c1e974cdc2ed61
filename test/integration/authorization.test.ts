/**
 * Authorization, generated from the route table so a new route cannot escape it: every applicant route refuses a
 * missing token (401) and answers another applicant's token exactly as an unknown id (404); every staff route
 * refuses a missing or forged token (401) and a valid token outside the affiliate team (403).
 */
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../lib/routes.ts';
import { VALID_BODIES } from './fixtures.ts';
import { api, createApplication, eventually, staffToken } from './support.ts';

/** Bodies that pass each route's schema, so the answer is about who asks, never about what was sent. */

const key = (route: (typeof ROUTES)[number]) => `${route.method} ${route.path}`;
const pathFor = (route: (typeof ROUTES)[number], id: string) => route.path.replace('{id}', id);
const bodyFor = (route: (typeof ROUTES)[number]) =>
  route.method === 'GET' ? undefined : (VALID_BODIES[key(route)] ?? {});

const applicantRoutes = ROUTES.filter((r) => r.auth === 'applicant');
const staffRoutes = ROUTES.filter((r) => r.auth === 'staff');

describe('applicant routes', () => {
  it('covers every applicant route of the table', () => {
    expect(applicantRoutes.length).toBeGreaterThanOrEqual(6);
  });

  it.each(applicantRoutes.map((r) => [key(r), r] as const))(
    '%s: 401 without a token, 404 with another applicant’s',
    async (_name, route) => {
      const mine = await createApplication();
      const theirs = await createApplication();
      const visible = async () => {
        const res = await api<{ stage: string; timeline: unknown[]; documents: unknown[] }>(
          'GET',
          `/applications/${mine.applicationId}`,
          {
            token: mine.accessToken,
          },
        );
        return { stage: res.body.stage, timeline: res.body.timeline, documents: res.body.documents };
      };
      // Once the workflow waits on the documents, nothing but the caller changes the application.
      const before = await eventually(async () => {
        const detail = await api<{ waitingOn?: string }>('GET', `/staff/applications/${mine.applicationId}`, {
          token: await staffToken(),
        });
        expect(detail.body.waitingOn).toBe('documents');
        return visible();
      });

      const anonymous = await api(route.method, pathFor(route, mine.applicationId), { body: bodyFor(route) });
      expect(anonymous.status).toBe(401);

      const crossed = await api(route.method, pathFor(route, mine.applicationId), {
        body: bodyFor(route),
        token: theirs.accessToken,
      });
      const unknown = await api(route.method, pathFor(route, '01ARZ3NDEKTSV4RRFFQ69G5FAV'), {
        body: bodyFor(route),
        token: theirs.accessToken,
      });
      expect(crossed.status).toBe(404);
      expect(crossed.body).toEqual(unknown.body);

      expect(await visible()).toEqual(before);
    },
  );
});

describe('staff routes', () => {
  it('covers every staff route of the table', () => {
    expect(staffRoutes.length).toBeGreaterThanOrEqual(5);
  });

  it.each(staffRoutes.map((r) => [key(r), r] as const))(
    '%s: 401 without or with a forged token, 403 outside the team',
    async (_name, route) => {
      const app = await createApplication();
      const path = pathFor(route, app.applicationId);
      expect((await api(route.method, path, { body: bodyFor(route) })).status).toBe(401);
      expect((await api(route.method, path, { body: bodyFor(route), token: app.accessToken })).status).toBe(
        401,
      );
      const real = await staffToken();
      const [header, payload] = real.split('.');
      const forged = `${header}.${payload}.${'A'.repeat(342)}`;
      expect((await api(route.method, path, { body: bodyFor(route), token: forged })).status).toBe(401);

      const outsider = (await api<{ token: string }>('GET', '/__dev/staff-token?groups=')).body.token;
      const refused = await api<{ status: number; title: string }>(route.method, path, {
        body: bodyFor(route),
        token: outsider,
      });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      const view = await api<{ stage: string }>('GET', `/applications/${app.applicationId}`, {
        token: app.accessToken,
      });
      expect(view.body.stage).toBe('awaiting-documents');
    },
  );
});
