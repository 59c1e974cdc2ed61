/**
 * Applicant access tokens (DESIGN §5): 256 random bits, only a SHA-256 stored, compared in constant time.
 * Idempotent replays need the token again without storing it: it is sealed with AES-256-GCM under a key derived
 * (HKDF) from the Idempotency-Key, which only the client holds; the table keeps only the key's hash.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

export const newAccessToken = (): string => randomBytes(32).toString('base64url');

export const sha256Hex = (value: string | Uint8Array): string =>
  createHash('sha256').update(value).digest('hex');

export const hashToken = (token: string): string => sha256Hex(`access-token:${token}`);

export const tokenMatches = (token: string, storedHash: string): boolean => {
  const candidate = Buffer.from(hashToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return candidate.length === stored.length && timingSafeEqual(candidate, stored);
};

/** True when the token opens one of the hashes; every hash is compared, so timing does not say which. */
export const tokenMatchesAny = (token: string, storedHashes: readonly string[]): boolean =>
  storedHashes.reduce((found, hash) => tokenMatches(token, hash) || found, false);

const sealKey = (idempotencyKey: string): Buffer =>
  Buffer.from(hkdfSync('sha256', idempotencyKey, 'affiliate-onboarding', 'access-token-seal', 32));

export const sealToken = (token: string, idempotencyKey: string): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(idempotencyKey), iv);
  const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
};

export const unsealToken = (sealed: string, idempotencyKey: string): string => {
  const raw = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', sealKey(idempotencyKey), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
};
