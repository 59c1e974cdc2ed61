/**
 * The local cloud's principals (issue 8). Each function runs with an access key that names it, so the gateway in
 * front of the emulators can tell which function sent a call and evaluate that function's synthesized role. The
 * harness (global setup, tests reading tables directly, the stack creating its table) uses its own key, which the
 * gateway does not restrict. Keys are letters and digits only: DynamoDB Local rejects any other character.
 */
import { FUNCTIONS, type FunctionName } from '../functions.ts';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'eu-west-2';
/** The secret every local key shares: the emulators check signatures only against this one pair per key. */
export const LOCAL_SECRET = 'local-secret-not-a-secret';
export const HARNESS_ACCESS_KEY = 'LOCALHARNESS';

export const accessKeyFor = (name: FunctionName): string =>
  `LOCALFN${name.toUpperCase().replace(/[^A-Z0-9]/g, '')}`;

const byKey = new Map<string, FunctionName>(
  (Object.keys(FUNCTIONS) as FunctionName[]).map((name) => [accessKeyFor(name), name]),
);
if (byKey.size !== Object.keys(FUNCTIONS).length)
  throw new Error('Two functions map to one local access key');

/** Every local access key: the harness's and each function's. */
export const LOCAL_ACCESS_KEYS: readonly string[] = [HARNESS_ACCESS_KEY, ...byKey.keys()];

/** The function an access key belongs to; `harness` for the harness key; undefined for any other key. */
export const principalOf = (accessKeyId: string): FunctionName | 'harness' | undefined =>
  accessKeyId === HARNESS_ACCESS_KEY ? 'harness' : byKey.get(accessKeyId);

/** The credentials a function's environment carries (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). */
export const credentialsFor = (name: FunctionName | 'harness') => ({
  AWS_ACCESS_KEY_ID: name === 'harness' ? HARNESS_ACCESS_KEY : accessKeyFor(name),
  AWS_SECRET_ACCESS_KEY: LOCAL_SECRET,
});
