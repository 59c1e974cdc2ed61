/**
 * A local stand-in for the Cognito user pool's token issuer: its own RSA key set, tokens with `cognito:groups`,
 * and verification as API Gateway's HTTP API JWT authorizer does it: an RSA signature by the key its `kid` names,
 * `iss` equal to the issuer, `aud` (or, only when there is no `aud`, `client_id`) one of the audiences, `exp` after
 * now, `nbf` and `iat` not after now. Anything else is 401.
 */
import { readFile, writeFile } from 'node:fs/promises';
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';

export const STAFF_GROUP = 'affiliate-team';

/** Cognito's rule for a group name (CreateGroup): 1 to 128 letters, marks, symbols, digits or punctuation. */
const COGNITO_GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

export class InvalidGroupName extends Error {
  override readonly name = 'InvalidGroupName';
}

/** The JWT authorizer accepts RSA signatures only. */
const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512'];

/** The claim checks of the JWT authorizer that jose leaves to its caller. */
export const checkAuthorizerClaims = (
  payload: JWTPayload,
  audience: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): void => {
  if (typeof payload.exp !== 'number') throw new Error('the token has no exp');
  if (typeof payload.iat === 'number' && payload.iat > nowSeconds)
    throw new Error('the token is issued later');
  const audiences = payload.aud === undefined ? [payload.client_id] : [payload.aud].flat();
  if (!audiences.includes(audience)) throw new Error('the token does not have a valid audience');
};

export interface LocalIssuer {
  issuer: string;
  audience: string;
  token(opts?: { groups?: string[]; subject?: string; expiresInSeconds?: number }): Promise<string>;
  /**
   * A client-credentials access token as Cognito issues one (no `aud`, no groups: `client_id` and `scope`), for the
   * therapy platform's route (DESIGN §6 `GET /__dev/integration-token`).
   */
  clientToken(opts?: { clientId?: string; scopes?: string[]; expiresInSeconds?: number }): Promise<string>;
  /** Checks a token as a JWT authorizer whose audience is `audience` (default: the staff client) would. */
  verify(token: string, audience?: string): Promise<JWTPayload>;
}

/** The therapy platform's app client, locally (the integration route's audience). */
export const LOCAL_PLATFORM_CLIENT = 'local-therapy-platform';

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
    token: ({ groups = [STAFF_GROUP], subject = 'local-staff-user', expiresInSeconds = 8 * 3600 } = {}) => {
      const invalid = groups.find((group) => !COGNITO_GROUP_NAME.test(group));
      if (invalid !== undefined)
        throw new InvalidGroupName(`Cognito refuses the group name ${JSON.stringify(invalid)}`);
      return new SignJWT({ 'cognito:groups': groups, token_use: 'id', email: 'staff@affiliates.local' })
        .setProtectedHeader({ alg: 'RS256', kid: 'local-1' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime(`${expiresInSeconds}s`)
        .sign(privateKey);
    },
    clientToken: ({ clientId = LOCAL_PLATFORM_CLIENT, scopes = [], expiresInSeconds = 3600 } = {}) =>
      new SignJWT({ client_id: clientId, scope: scopes.join(' '), token_use: 'access' })
        .setProtectedHeader({ alg: 'RS256', kid: 'local-1' })
        .setIssuer(issuer)
        .setSubject(clientId)
        .setIssuedAt()
        .setExpirationTime(`${expiresInSeconds}s`)
        .sign(privateKey),
    verify: async (token, expected = audience) => {
      // Without a kid the authorizer finds no key, even when the key set holds only one.
      if (typeof decodeProtectedHeader(token).kid !== 'string') throw new Error('the token has no kid');
      const { payload } = await jwtVerify(token, keySet, { issuer, algorithms: RSA_ALGORITHMS });
      checkAuthorizerClaims(payload, expected);
      return payload;
    },
  };
};
