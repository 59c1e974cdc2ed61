/**
 * A local stand-in for the Cognito user pool's token issuer: its own RSA key set, tokens with `cognito:groups`,
 * and verification as API Gateway's JWT authorizer does it (signature, issuer, audience, expiry).
 */
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWTPayload, jwtVerify, SignJWT } from 'jose';

export const STAFF_GROUP = 'affiliate-team';

export interface LocalIssuer {
  issuer: string;
  audience: string;
  token(opts?: { groups?: string[]; subject?: string; expiresInSeconds?: number }): Promise<string>;
  verify(token: string): Promise<JWTPayload>;
}

export const createLocalIssuer = async (
  issuer: string,
  audience = 'local-staff-client',
): Promise<LocalIssuer> => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'local-1', alg: 'RS256', use: 'sig' };
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
