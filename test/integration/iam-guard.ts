/**
 * Least privilege, measured (issue 8): every integration and browser test file fails if a function was denied a
 * call while it ran (a grant the CDK stack is missing), naming the calls. Global teardown repeats the check for the
 * whole run, for anything that landed after the last file.
 */
import { afterAll, beforeAll, inject } from 'vitest';

interface Iam {
  enforced: boolean;
  denied: { function: string; action: string; resource: string; at: string }[];
}

const iam = async (): Promise<Iam> => {
  const res = await fetch(`${inject('apiUrl')}/__dev/iam`);
  if (!res.ok) throw new Error(`GET /__dev/iam answered ${res.status}`);
  return (await res.json()) as Iam;
};

let before = 0;
beforeAll(async () => {
  before = (await iam()).denied.length;
});

afterAll(async () => {
  const { denied } = await iam();
  const fresh = denied.slice(before);
  if (fresh.length > 0) {
    throw new Error(
      `IAM denied ${fresh.length} call(s) during this file (a grant is missing from the CDK stack):\n${fresh
        .map((d) => `  ${d.function}: ${d.action} on ${d.resource}`)
        .join('\n')}`,
    );
  }
});
