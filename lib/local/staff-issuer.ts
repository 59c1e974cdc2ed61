/**
 * A local stand-in for the Cognito user pool's token issuer: its own RSA key set, tokens with `cognito:groups`,
 * and verification as API Gateway's JWT authorizer does it (signature, issuer, audience, expiry).
 */
import { readFile, writeFile } from 'node:fs/promises';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';

export const STAFF_GROUP = 'affiliate-team';

export interface LocalIssuer {
  issuer: string;
  audience: string;
  token(opts?: { groups?: string[]; subject?: string; expiresInSeconds?: number }): Promise<string>;
  verify(token: string): Promise<JWTPayload>;
}

/** The signing key, kept in `keyFile` when given so staff sign-ins survive a restart of `npm run dev`. */
const signingKeys = async (keyFile?: string) => {
  if (keyFile) {
    try {
      const jwk = JSON.parse(await readFile(keyFile, 'utf8')) as JWK;
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
      return { privateKey: await importJWK(jwk, 'RS256'), publicKey: await importJWK(publicJwk, 'RS256') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const pair = await generateKeyPair('RS256', { extractable: true });
  if (keyFile) await writeFile(keyFile, JSON.stringify(await exportJWK(pair.privateKey)), { mode: 0o600 });
  return pair;
};

export const createLocalIssuer = async (
  issuer: string,
  audience = 'local-staff-client',
  keyFile?: string,
): Promise<LocalIssuer> => {
  const { publicKey, privateKey } = await signingKeys(keyFile);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicOnly } = await exportJWK(publicKey);
  const jwk = { ...publicOnly, kid: 'local-1', alg: 'RS256', use: 'sig' };
  const keySet = createLocalJWKSet({ keys: [jwk] });
  return {
    issuer,
    audience,
    token: ({ groups = [STAFF_GROUP], subject = 'local-staff-user', expiresInSeconds = 8 * 3600 } = {}) =>
      new SignJWT({ 'cognito:groups': groups, token_use: 'id', email: 'staff@affiliates.local' })
        .setProtectedHeader({ alg: 'RS256', kid: 'local-1' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime(`${expiresInSeconds}s`)
        .sign(privateKey),
    verify: async (token) => (await jwtVerify(token, keySet, { issuer, audience })).payload,
  };
};
