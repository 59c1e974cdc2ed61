/**
 * /openapi.json is the whole truth: it passes Redocly's recommended ruleset with no error and no warning, every
 * route documents its statuses, and every request schema accepts exactly what the server's zod schema accepts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { OPERATIONS, openApiDocument } from '../../../lambdas/shared/openapi.ts';
import { ROUTES } from '../../../lib/routes.ts';
import { createContract, type OpenApiDocument } from '../../support/contract.ts';
import { arbitraryFor, nearMiss } from '../../support/json-schema-arbitrary.ts';

const root = resolve(import.meta.dirname, '../../..');
const doc = openApiDocument() as unknown as OpenApiDocument;
const contract = createContract(doc);
const operationOf = (method: string, path: string) => {
  const operation = doc.paths[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`no operation ${method} ${path}`);
  return operation;
};

describe('the OpenAPI document', () => {
  it('passes Redocly’s recommended ruleset with no error and no warning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      await writeFile(file, JSON.stringify(doc));
      const { stdout } = await promisify(execFile)(
        join(root, 'node_modules/.bin/redocly'),
        ['lint', file, '--config', join(root, 'redocly.yaml'), '--format', 'json'],
        { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
      );
      const report = JSON.parse(stdout) as {
        totals: { errors: number; warnings: number };
        problems: { ruleId: string; message: string }[];
      };
      expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s documents every status of the route, the gateway’s and a schema for each',
    (_name, route) => {
      const operation = operationOf(route.method, route.path);
      const documented = Object.keys(operation.responses).map(Number);
      for (const status of [...route.responses, 413, 429, 431, 500]) expect(documented).toContain(status);
      // API Gateway's own 401 only where its JWT authorizer runs.
      if (route.auth === 'staff')
        expect(operation.responses['401']?.content).toHaveProperty('application/json');
      if (route.auth === 'applicant')
        expect(operation.responses['401']?.content).not.toHaveProperty('application/json');
      for (const [status, response] of Object.entries(operation.responses)) {
        expect(Object.keys(response.content ?? {}).length, status).toBeGreaterThan(0);
        if (Number(status) >= 400 && route.responses.includes(Number(status)))
          expect(response.content, status).toHaveProperty('application/problem+json');
      }
    },
  );

  it('documents the parameters, headers and media types clients need', () => {
    const names = (method: string, path: string) =>
      (
        (operationOf(method, path) as unknown as { parameters?: { name: string; in: string }[] })
          .parameters ?? []
      ).map((p) => `${p.in}:${p.name}`);
    expect(names('GET', '/staff/applications')).toEqual([
      'query:stage',
      'query:limit',
      'query:cursor',
      'query:view',
    ]);
    expect(names('GET', '/staff/reports/dbs')).toEqual(['query:asOf', 'query:format']);
    expect(names('POST', '/applications')).toEqual(['header:Idempotency-Key']);
    expect(names('GET', '/applications/{id}')).toEqual(['path:id']);
    const created = operationOf('POST', '/applications').responses['201'] as {
      headers?: Record<string, unknown>;
    };
    expect(created.headers).toHaveProperty('Location');
    expect(operationOf('GET', '/staff/reports/dbs').responses['200']?.content).toHaveProperty('text/csv');
    for (const route of ROUTES.filter((r) => r.auth === 'public'))
      expect((operationOf(route.method, route.path) as unknown as { security: unknown[] }).security).toEqual(
        [],
      );
  });
});

describe('request schemas are exactly as strict as the server', () => {
  const withBodies = ROUTES.filter((route) => OPERATIONS[`${route.method} ${route.path}`]?.request);

  it('refuses what the server refuses: a phone ending in a space, a name of spaces, an impossible date', () => {
    const create = operationOf('POST', '/applications');
    const schema = contract.requestSchema(create);
    expect(schema).toBeDefined();
    const valid = fc.sample(arbitraryFor(schema ?? {}, contract.resolve), { numRuns: 1, seed: 1 })[0] as {
      applicant: Record<string, string>;
    };
    const applicant = (over: Record<string, string>) => ({
      ...valid,
      applicant: { ...valid.applicant, ...over },
    });
    expect(contract.requestValid(create, valid)).toBe(true);
    expect(contract.requestValid(create, applicant({ phone: '+835958 ' }))).toBe(false);
    expect(contract.requestValid(create, applicant({ phone: ' +44 7700 900123 ' }))).toBe(true);
    expect(contract.requestValid(create, applicant({ firstName: '   ' }))).toBe(false);
    expect(contract.requestValid(create, applicant({ dateOfBirth: '1990-02-29' }))).toBe(false);
    expect(contract.requestValid(create, applicant({ dateOfBirth: '0000-01-01' }))).toBe(false);
  });

  it.each(withBodies.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: the published schema and the server agree on generated bodies and near misses',
    (name, route) => {
      const operation = operationOf(route.method, route.path);
      const schema = contract.requestSchema(operation) ?? {};
      const server = OPERATIONS[name]?.request as z.ZodType;
      fc.assert(
        fc.property(
          fc.oneof(arbitraryFor(schema, contract.resolve), nearMiss(schema, contract.resolve)),
          (body) => {
            expect(contract.requestValid(operation, body)).toBe(server.safeParse(body).success);
          },
        ),
        { numRuns: 300 },
      );
    },
  );
});
