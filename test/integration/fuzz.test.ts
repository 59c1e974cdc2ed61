/**
 * A schema-driven fuzz of every operation, from the served /openapi.json and not from our fixtures: bodies drawn
 * from each request schema, near misses of them (a key dropped, a value replaced, an unknown key) and arbitrary
 * JSON; path ids that are the application's, unknown or not ids at all; query parameters valid or not. Every answer
 * is checked against the document by `api()`, none is a 5xx, and a body is refused as 400 exactly when the published
 * schema refuses it. `npm test` runs FUZZ_RUNS (default 30) requests an operation; `npm run fuzz` runs 1,000.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../lib/routes.ts';
import { arbitraryFor, type JsonSchema, nearMiss } from '../support/json-schema-arbitrary.ts';
import { api, contract, createApplication, integrationToken, staffToken } from './support.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const UNKNOWN_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

interface Parameter {
  name: string;
  in: string;
  schema: JsonSchema;
}

describe('schema-driven fuzz of every operation', () => {
  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s',
    async (_name, route) => {
      const c = await contract();
      const found = c.operations.find((o) => o.method === route.method && o.template === route.path);
      if (!found) throw new Error(`no operation for ${route.method} ${route.path}`);
      const { operation } = found;
      const app = await createApplication();
      const token =
        route.auth === 'staff'
          ? await staffToken()
          : route.auth === 'integration'
            ? await integrationToken()
            : route.auth === 'applicant'
              ? app.accessToken
              : undefined;
      const bodySchema = c.requestSchema(operation);
      const query = ((operation as unknown as { parameters?: Parameter[] }).parameters ?? []).filter(
        (p) => p.in === 'query',
      );

      const body = bodySchema
        ? fc.oneof(
            { weight: 2, arbitrary: arbitraryFor(bodySchema, c.resolve) },
            { weight: 3, arbitrary: nearMiss(bodySchema, c.resolve) },
            { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
          )
        : fc.constant(undefined);
      const id = fc.oneof(
        { weight: 6, arbitrary: fc.constant(app.applicationId) },
        { weight: 1, arbitrary: fc.constant(UNKNOWN_ID) },
        { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) },
      );
      const params = fc.record(
        Object.fromEntries(
          query.map((p) => [
            p.name,
            fc.option(fc.oneof(arbitraryFor(p.schema, c.resolve).map(String), fc.string({ maxLength: 12 }))),
          ]),
        ),
      );

      const statuses = new Map<number, number>();
      let validReached = 0;
      await fc.assert(
        fc.asyncProperty(body, id, params, async (b, i, q) => {
          const search = new URLSearchParams(
            Object.entries(q).filter((e): e is [string, string] => e[1] !== null),
          ).toString();
          const path = `${route.path.replace('{id}', encodeURIComponent(i))}${search ? `?${search}` : ''}`;
          const res = await api(route.method, path, {
            token,
            ...(b === undefined ? {} : { raw: JSON.stringify(b) }),
          });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
          if (bodySchema && (i === app.applicationId || !route.path.includes('{id}'))) {
            // Authenticated, a real id: the body alone decides whether the answer is a 400.
            const valid = c.requestValid(operation, b);
            expect(res.status === 400, JSON.stringify({ b, res: res.body })).toBe(!valid);
            if (valid) validReached++;
          }
        }),
        { numRuns: RUNS },
      );
      // The fuzz got past validation too, not only into it.
      if (bodySchema) expect(validReached, JSON.stringify([...statuses])).toBeGreaterThan(0);
    },
    Math.max(60_000, RUNS * 300),
  );
});
