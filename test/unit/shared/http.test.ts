import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { VersionConflict } from '../../../lambdas/ports/index.ts';
import {
  bearerToken,
  claimGroups,
  type HttpEvent,
  httpHandler,
  isJsonContentType,
  json,
  toProblem,
} from '../../../lambdas/shared/http.ts';

const ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const TOKEN = 'a'.repeat(43);

const event = (over: Partial<HttpEvent> & { claims?: Record<string, unknown> } = {}): HttpEvent => {
  const { claims, ...rest } = over;
  return {
    version: '2.0',
    routeKey: 'POST /applications/{id}/withdrawal',
    rawPath: '/',
    rawQueryString: '',
    headers: {},
    pathParameters: { id: ID },
    isBase64Encoded: false,
    requestContext: { ...(claims ? { authorizer: { jwt: { claims } } } : {}) },
    ...rest,
  } as unknown as HttpEvent;
};

const run = async (e: HttpEvent) => {
  const handler = httpHandler(async () => json(200, { ok: true }), { body: true });
  const result = await handler(e, {} as Context);
  return result.statusCode;
};

describe('the order of the checks before a handler', () => {
  it('an applicant route without a token is 401 whatever the body, id or media type', async () => {
    expect(await run(event({ body: '{', headers: { 'content-type': 'text/plain' } }))).toBe(401);
    expect(await run(event({ body: '{', pathParameters: { id: 'x'.repeat(3000) } }))).toBe(401);
  });

  it('then the id (404), then the media type (415), then the body (400)', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect(await run(event({ headers: auth, body: '{', pathParameters: { id: 'nope' } }))).toBe(404);
    expect(await run(event({ headers: { ...auth, 'content-type': 'text/plain' }, body: '{' }))).toBe(415);
    expect(await run(event({ headers: { ...auth, 'content-type': 'application/json' }, body: '{' }))).toBe(
      400,
    );
    expect(await run(event({ headers: { ...auth, 'content-type': 'application/json' }, body: '{}' }))).toBe(
      200,
    );
  });

  it('a staff route outside the team is 403 before the body is read', async () => {
    const staff = (groups: unknown) =>
      event({
        routeKey: 'POST /staff/applications/{id}/induction',
        body: '{',
        claims: { sub: 's', 'cognito:groups': groups },
      });
    expect(await run(staff('[someone-else]'))).toBe(403);
    expect(await run(staff('[affiliate-team]'))).toBe(415);
  });
});

describe('claimGroups: the cognito:groups claim, name by name', () => {
  it('reads the array of the token and the "[a b]" form API Gateway passes on', () => {
    expect(claimGroups(['affiliate-team', 'x'])).toEqual(['affiliate-team', 'x']);
    expect(claimGroups('[affiliate-team x]')).toEqual(['affiliate-team', 'x']);
    expect(claimGroups('[affiliate-team]')).toEqual(['affiliate-team']);
    expect(claimGroups(undefined)).toEqual([]);
  });

  it('never splits a name on punctuation, so only the exact name matches', () => {
    expect(claimGroups('[x,affiliate-team]')).toEqual(['x,affiliate-team']);
    expect(claimGroups(['x affiliate-team'])).toEqual(['x affiliate-team']);
    expect(claimGroups('[[affiliate-team]]')).toEqual(['[affiliate-team]']);
  });
});

describe('isJsonContentType', () => {
  it.each([
    'application/json',
    'APPLICATION/JSON',
    'application/json; charset=utf-8',
    'application/json;charset="UTF-8"',
  ])('accepts %s', (value) => expect(isJsonContentType(value)).toBe(true));
  it.each([
    '',
    'application/problem+json',
    'application/merge-patch+json',
    'application/json; charset=iso-8859-1',
    'application/json; foo=bar',
    'application/jsonp',
    'text/json',
  ])('refuses %s', (value) => expect(isJsonContentType(value)).toBe(false));
});

describe('bearerToken', () => {
  it('takes the scheme in any case, and nothing else', () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER'])
      expect(bearerToken(event({ headers: { authorization: `${scheme} ${TOKEN}` } }))).toBe(TOKEN);
    expect(() => bearerToken(event({ headers: { authorization: `Basic ${TOKEN}` } }))).toThrow();
    expect(() => bearerToken(event({ headers: { authorization: TOKEN } }))).toThrow();
  });
});

describe('toProblem', () => {
  it('a version conflict that outlasted the retries is a 409, never a 500', () => {
    expect(toProblem(new VersionConflict('changed')).status).toBe(409);
  });
});
