/**
 * Fuzzing every route that takes a body: thousands of generated bodies — arbitrary JSON and near-misses of a valid
 * body (a field dropped, retyped, or an unknown key added) — never get a 5xx and never change the application.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { OPERATIONS } from '../../lambdas/shared/openapi.ts';
import { ROUTES } from '../../lib/routes.ts';
import { VALID_BODIES } from './fixtures.ts';
import { api, createApplication, staffToken, validApplication } from './support.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 250);

const SAMPLES: Record<string, Record<string, unknown>> = {
  'POST /applications': validApplication(),
  ...VALID_BODIES,
};

/** A valid body with one thing wrong, at any depth. */
const nearMiss = (sample: Record<string, unknown>): fc.Arbitrary<unknown> => {
  const paths: string[][] = [];
  const walk = (value: unknown, path: string[]) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) {
        paths.push([...path, k]);
        walk(v, [...path, k]);
      }
    }
  };
  walk(sample, []);
  return fc
    .record({
      path: fc.constantFrom(...paths),
      action: fc.constantFrom('drop', 'replace', 'extra'),
      value: fc.jsonValue({ maxDepth: 2 }),
      extraKey: fc.string({ minLength: 1, maxLength: 12 }),
    })
    .map(({ path, action, value, extraKey }) => {
      const copy = structuredClone(sample);
      let parent: Record<string, unknown> = copy;
      for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string, unknown>;
      const last = path.at(-1) as string;
      if (action === 'drop') delete parent[last];
      else if (action === 'replace') parent[last] = value;
      else parent[`${extraKey}_x`] = value;
      return copy;
    });
};

const bodyRoutes = ROUTES.filter((r) => r.method !== 'GET');

describe('fuzzing every route body', () => {
  it.each(bodyRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s', async (name, route) => {
    const operation = OPERATIONS[name];
    const schema = operation?.request as z.ZodType | undefined;
    const sample = SAMPLES[name];
    expect(sample, `a sample body for ${name}`).toBeDefined();
    const app = await createApplication();
    const token =
      route.auth === 'staff' ? await staffToken() : route.auth === 'applicant' ? app.accessToken : undefined;
    const path = route.path.replace('{id}', app.applicationId);
    const snapshot = async () =>
      (
        await api<{ updatedAt: string; stage: string }>('GET', `/staff/applications/${app.applicationId}`, {
          token: await staffToken(),
        })
      ).body;
    const before = await snapshot();
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 3 }), nearMiss(sample ?? {})), async (body) => {
        // Only schema-invalid bodies: a valid one may rightly change the application.
        fc.pre(!schema?.safeParse(body).success);
        const res = await api(route.method, path, { raw: JSON.stringify(body), token });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeLessThan(500);
        expect([400, 404, 409, 413, 415, 422]).toContain(res.status);
      }),
      { numRuns: RUNS },
    );
    const after = await snapshot();
    expect(after.updatedAt).toBe(before.updatedAt);
    expect(after.stage).toBe(before.stage);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
  });
});
