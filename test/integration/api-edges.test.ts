/**
 * The API at its edges (issue 10): path ids, escapes, impossible dates, the order of checks, the auth scheme, media
 * types, what API Gateway answers by itself, and concurrent identical staff actions. Each case is one an
 * independent run against the local stack found wrong.
 */
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../lib/routes.ts';
import { VALID_BODIES } from './fixtures.ts';
import { toActive } from './journey.ts';
import { api, createApplication, integrationToken, staffToken } from './support.ts';

const key = (route: (typeof ROUTES)[number]) => `${route.method} ${route.path}`;
const idRoutes = ROUTES.filter((route) => route.path.includes('{id}'));
const bodyFor = (route: (typeof ROUTES)[number]) =>
  route.method === 'GET' ? undefined : (VALID_BODIES[key(route)] ?? {});

describe('path ids are ULIDs: anything else is 404 before any lookup', () => {
  const notUlids = [
    'A'.repeat(2045),
    'A'.repeat(2044),
    '01arz3ndektsv4rrffq69g5fav',
    '81ARZ3NDEKTSV4RRFFQ69G5FAV',
    '01ARZ3NDEKTSV4RRFFQ69G5FA',
  ];

  it.each(idRoutes.map((route) => [key(route), route] as const))('%s', async (_name, route) => {
    const app = await createApplication();
    const token =
      route.auth === 'staff'
        ? await staffToken()
        : route.auth === 'integration'
          ? await integrationToken()
          : app.accessToken;
    for (const id of notUlids) {
      const res = await api(route.method, route.path.replace('{id}', id), { token, body: bodyFor(route) });
      expect(res.status, id.slice(0, 30)).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});

describe('a malformed percent-escape in the path', () => {
  it.each(['%FF', 'abc%zz', '%', '%E0%A4%A'])(
    '/applications/%s: 401 without a token, 404 with one',
    async (id) => {
      expect((await api('GET', `/applications/${id}`)).status).toBe(401);
      const app = await createApplication();
      const res = await api('GET', `/applications/${id}`, { token: app.accessToken });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const staffRes = await api('GET', `/staff/applications/${id}`, { token: await staffToken() });
      expect(staffRes.status).toBe(404);
    },
  );
});

describe('impossible dates are 400 everywhere', () => {
  const impossible = ['2026-02-30', '0000-01-01', '2025-02-29', '2026-13-01', '2026-04-31'];

  it.each(impossible)('?asOf=%s on the DBS report', async (asOf) => {
    const res = await api<{ errors: { path: string }[] }>('GET', `/staff/reports/dbs?asOf=${asOf}`, {
      token: await staffToken(),
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e) => e.path)).toEqual(['asOf']);
  });

  it('accepts a real leap day and date-times on real dates', async () => {
    const token = await staffToken();
    for (const asOf of [
      '2028-02-29',
      '2026-03-01T10:00:00Z',
      '2026-03-01T10:00%2B01:00',
      '0014-02-10%2010:00',
    ]) {
      const res = await api<{ asOf: string }>('GET', `/staff/reports/dbs?asOf=${asOf}`, { token });
      expect(res.status, asOf).toBe(200);
    }
    expect((await api('GET', '/staff/reports/dbs?asOf=2026-03-01T25:00', { token })).status).toBe(400);
  });

  it('in every body date field', async () => {
    const app = await createApplication();
    const token = await staffToken();
    const cases: [string, string, Record<string, unknown>, string][] = [
      ['POST', '/staff/applications/{id}/induction', { attendedOn: '2026-02-30' }, 'attendedOn'],
      [
        'POST',
        '/staff/applications/{id}/dbs',
        { certificateNumber: '000000000001', issueDate: '0000-01-01', level: 'enhanced' },
        'issueDate',
      ],
      [
        'POST',
        '/staff/applications/{id}/dbs-application',
        { appliedOn: '2026-02-29', reference: 'E1' },
        'appliedOn',
      ],
      [
        'POST',
        '/staff/applications/{id}/dbs-status-check',
        { checkedOn: '2026-06-31', result: 'no-new-information' },
        'checkedOn',
      ],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await api<{ errors: { path: string; message: string }[] }>(
        method,
        path.replace('{id}', app.applicationId),
        { token, body },
      );
      expect(res.status, path).toBe(400);
      expect(res.body.errors).toEqual([{ path: field, message: 'This is not a real calendar date' }]);
    }
    const availability = await api<{ errors: { path: string }[] }>(
      'PUT',
      `/applications/${app.applicationId}/availability`,
      {
        token: app.accessToken,
        body: { ...VALID_BODIES['PUT /applications/{id}/availability'], startDate: '2030-02-29' },
      },
    );
    expect(availability.status).toBe(400);
    expect(availability.body.errors.map((e) => e.path)).toEqual(['startDate']);
  });
});

describe('authentication comes before validation', () => {
  const applicantBodyRoutes = ROUTES.filter((r) => r.auth === 'applicant' && r.method !== 'GET');
  const staffBodyRoutes = ROUTES.filter((r) => r.auth === 'staff' && r.method !== 'GET');

  it.each(applicantBodyRoutes.map((route) => [key(route), route] as const))(
    '%s: 401 for a bad body, a bad media type or a bad id without a token',
    async (_name, route) => {
      const app = await createApplication();
      const path = route.path.replace('{id}', app.applicationId);
      expect((await api(route.method, path, { raw: '{' })).status).toBe(401);
      expect((await api(route.method, path, { raw: '[]' })).status).toBe(401);
      expect(
        (await api(route.method, path, { raw: '{}', headers: { 'content-type': 'text/plain' } })).status,
      ).toBe(401);
      expect((await api(route.method, route.path.replace('{id}', 'nope'), { raw: '{' })).status).toBe(401);
    },
  );

  it.each(staffBodyRoutes.map((route) => [key(route), route] as const))(
    '%s: 401 without a token, 403 outside the team, whatever the body',
    async (_name, route) => {
      const app = await createApplication();
      const path = route.path.replace('{id}', app.applicationId);
      expect((await api(route.method, path, { raw: '{' })).status).toBe(401);
      const outsider = (await api<{ token: string }>('GET', '/__dev/staff-token?groups=')).body.token;
      expect((await api(route.method, path, { raw: '{', token: outsider })).status).toBe(403);
      expect(
        (
          await api(route.method, path, {
            raw: '{}',
            token: outsider,
            headers: { 'content-type': 'application/xml' },
          })
        ).status,
      ).toBe(403);
    },
  );
});

describe('the auth scheme is case-insensitive (RFC 9110)', () => {
  it.each(['bearer', 'BEARER', 'Bearer', 'bEaReR'])(
    '%s <token> on applicant and staff routes',
    async (scheme) => {
      const app = await createApplication();
      const mine = await api('GET', `/applications/${app.applicationId}`, {
        headers: { authorization: `${scheme} ${app.accessToken}` },
      });
      expect(mine.status).toBe(200);
      const theirs = await api('GET', `/staff/applications/${app.applicationId}`, {
        headers: { authorization: `${scheme} ${await staffToken()}` },
      });
      expect(theirs.status).toBe(200);
    },
  );

  it('the JWT authorizer also takes the token alone, as API Gateway documents for its identity source', async () => {
    const res = await api('GET', '/staff/applications', { headers: { authorization: await staffToken() } });
    expect(res.status).toBe(200);
  });

  it('another scheme is still 401', async () => {
    const app = await createApplication();
    const res = await api('GET', `/applications/${app.applicationId}`, {
      headers: { authorization: `Basic ${app.accessToken}` },
    });
    expect(res.status).toBe(401);
  });
});

describe('only application/json bodies are accepted', () => {
  it.each([
    'application/problem+json',
    'application/merge-patch+json',
    'application/json-patch+json',
    'text/json',
    'application/json; charset=latin1',
    'application/jsonx',
    'text/plain',
  ])('%s: 415', async (contentType) => {
    const app = await createApplication();
    const res = await api('POST', `/applications/${app.applicationId}/uploads`, {
      token: app.accessToken,
      raw: JSON.stringify(VALID_BODIES['POST /applications/{id}/uploads']),
      headers: { 'content-type': contentType },
    });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it.each([
    'application/json',
    'Application/JSON',
    'application/json; charset=utf-8',
    'application/json;charset="UTF-8"',
  ])('%s: accepted', async (contentType) => {
    const app = await createApplication();
    const res = await api('POST', `/applications/${app.applicationId}/uploads`, {
      token: app.accessToken,
      raw: JSON.stringify(VALID_BODIES['POST /applications/{id}/uploads']),
      headers: { 'content-type': contentType },
    });
    expect(res.status).toBe(201);
  });
});

describe("API Gateway's own answers, as AWS gives them", () => {
  const gateway = (
    res: { status: number; headers: Headers; body: unknown },
    status: number,
    message: string,
  ) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body).toEqual({ message });
  };

  it('404 for no route, and for a known path with another method', async () => {
    gateway(await api('GET', '/nothing-here'), 404, 'Not Found');
    gateway(await api('DELETE', '/health'), 404, 'Not Found');
  });

  it('401 from the JWT authorizer, before the handler', async () => {
    gateway(await api('GET', '/staff/applications'), 401, 'Unauthorized');
    gateway(await api('GET', '/staff/applications', { token: 'not.a.jwt' }), 401, 'Unauthorized');
  });

  it('431 for headers over 10 KB', async () => {
    gateway(
      await api('GET', '/health', { headers: { 'x-padding': 'a'.repeat(11 * 1024) } }),
      431,
      'Request Header Fields Too Large',
    );
  });

  it('413 for a body over 10 MB', async () => {
    gateway(
      await api('POST', '/applications', { raw: `"${'a'.repeat(10 * 1024 * 1024)}"` }),
      413,
      'Request Entity Too Large',
    );
  });

  it('a handler’s own refusals are problem+json', async () => {
    const res = await api('POST', '/applications', { raw: '{' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('staff groups are compared exactly', () => {
  it('a group name Cognito would refuse is never issued', async () => {
    const res = await api('GET', `/__dev/staff-token?groups=${encodeURIComponent('x affiliate-team')}`);
    expect(res.status).toBe(400);
  });

  // A name with a comma is a unit case (test/unit/shared/http.test.ts): the dev route splits ?groups= on commas.
  it.each(['affiliate-team-x', 'Affiliate-Team', '[affiliate-team]'])(
    'a token with only the group %s is 403',
    async (group) => {
      const { token } = (
        await api<{ token: string }>('GET', `/__dev/staff-token?groups=${encodeURIComponent(group)}`)
      ).body;
      expect((await api('GET', '/staff/applications', { token })).status).toBe(403);
    },
  );
});

describe('concurrent identical staff actions', () => {
  it('eight identical insurance renewals at once: 2xx or 409, never 5xx, one renewal kept', async () => {
    const app = await toActive();
    const token = await staffToken();
    const body = VALID_BODIES['POST /staff/applications/{id}/insurance'];
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        api('POST', `/staff/applications/${app.applicationId}/insurance`, { token, body }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(
      statuses.every((s) => s === 200 || s === 409),
      statuses.join(','),
    ).toBe(true);
    expect(statuses).toContain(200);
    const detail = await api<{ insurance: { policyNumber: string } }>(
      'GET',
      `/staff/applications/${app.applicationId}`,
      { token },
    );
    expect(detail.body.insurance.policyNumber).toBe(body?.policyNumber);
  });
});
