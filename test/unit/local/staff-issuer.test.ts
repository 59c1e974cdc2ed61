/**
 * The local staff-token check refuses what API Gateway's HTTP API JWT authorizer refuses: no kid, another kid, no
 * exp, an expired token, nbf or iat in the future, another issuer, another audience, a non-RSA algorithm.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalIssuer, type LocalIssuer } from '../../../lib/local/staff-issuer.ts';

const ISSUER = 'http://127.0.0.1/local-issuer';
const AUDIENCE = 'local-staff-client';
const now = () => Math.floor(Date.now() / 1000);

let dir: string;
let issuer: LocalIssuer;
let privateKey: CryptoKey;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'staff-issuer-'));
  const keyFile = join(dir, 'key.json');
  issuer = await createLocalIssuer(ISSUER, AUDIENCE, keyFile);
  privateKey = (await importJWK(JSON.parse(await readFile(keyFile, 'utf8')) as JWK, 'RS256')) as CryptoKey;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const sign = (payload: JWTPayload, header: Record<string, unknown> = { alg: 'RS256', kid: 'local-1' }) =>
  new SignJWT({ sub: 's', 'cognito:groups': ['affiliate-team'], ...payload })
    .setProtectedHeader(header as { alg: string })
    .sign(privateKey);

const valid = { iss: ISSUER, aud: AUDIENCE, iat: now() - 10, exp: now() + 600 };

describe('the local JWT check', () => {
  it('accepts a token of its own issuer, for its audience, in date', async () => {
    await expect(issuer.verify(await sign(valid))).resolves.toMatchObject({ sub: 's' });
    await expect(issuer.verify(await issuer.token())).resolves.toMatchObject({ iss: ISSUER });
  });

  it('accepts client_id as the audience only when there is no aud (Cognito access tokens)', async () => {
    const { aud: _aud, ...noAud } = valid;
    await expect(issuer.verify(await sign({ ...noAud, client_id: AUDIENCE }))).resolves.toBeDefined();
    await expect(issuer.verify(await sign({ ...noAud, client_id: 'other' }))).rejects.toThrow();
    await expect(
      issuer.verify(await sign({ ...valid, aud: 'other', client_id: AUDIENCE })),
    ).rejects.toThrow();
  });

  it.each([
    ['no kid', () => sign(valid, { alg: 'RS256' })],
    ['another kid', () => sign(valid, { alg: 'RS256', kid: 'other' })],
    ['no exp', () => sign({ iss: ISSUER, aud: AUDIENCE, iat: now() })],
    ['an expired token', () => sign({ ...valid, exp: now() - 1 })],
    ['iat in the future', () => sign({ ...valid, iat: now() + 120 })],
    ['nbf in the future', () => sign({ ...valid, nbf: now() + 120 })],
    ['another issuer', () => sign({ ...valid, iss: 'https://elsewhere.example' })],
    ['another audience', () => sign({ ...valid, aud: 'other' })],
    ['no audience at all', () => sign({ iss: ISSUER, iat: now(), exp: now() + 600 })],
  ])('refuses %s', async (_name, make) => {
    await expect(issuer.verify(await make())).rejects.toThrow();
  });

  it('refuses an HMAC token signed with the public key as secret', async () => {
    const secret = new TextEncoder().encode('local-1');
    const token = await new SignJWT(valid).setProtectedHeader({ alg: 'HS256', kid: 'local-1' }).sign(secret);
    await expect(issuer.verify(token)).rejects.toThrow();
  });

  it('issues no token with a group name Cognito refuses (white space)', () => {
    expect(() => issuer.token({ groups: ['x affiliate-team'] })).toThrow(/group name/);
    expect(() => issuer.token({ groups: ['x\taffiliate-team'] })).toThrow(/group name/);
  });
});
