/** The local stage's synthesized template, read into what the local cloud runs each function with (issue 8). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionName } from '../../lib/functions.ts';
import { type LocalTemplate, localArns, localTemplate, synthesizeLocal } from '../../lib/local/template.ts';

const cacheDir = mkdtempSync(join(tmpdir(), 'local-template-'));
let template: LocalTemplate;

beforeAll(async () => {
  template = await localTemplate({ cacheDir, siteUrl: 'http://127.0.0.1:4001' });
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('localTemplate', () => {
  it('has every function of the registry, with its timeout and memory', () => {
    for (const [name, spec] of Object.entries(FUNCTIONS) as [
      FunctionName,
      (typeof FUNCTIONS)[FunctionName],
    ][]) {
      const fn = template.functions[name];
      expect(fn.timeoutSeconds).toBe(spec.timeoutSeconds ?? 10);
      expect(fn.memoryMb).toBe(spec.memoryMb ?? 256);
    }
  });

  it('resolves every environment variable to the local names', () => {
    for (const [name, spec] of Object.entries(FUNCTIONS) as [
      FunctionName,
      (typeof FUNCTIONS)[FunctionName],
    ][]) {
      const env = template.functions[name].environment;
      expect(env.POWERTOOLS_SERVICE_NAME).toBe(name);
      expect(env.TABLE_NAME).toBe(spec.uses.table ? 'affiliate-onboarding' : undefined);
      expect(env.DOCUMENTS_BUCKET).toBe(spec.uses.documents ? 'affiliate-onboarding-documents' : undefined);
      expect(env.STATE_MACHINE_ARN).toBe(spec.uses.workflow ? localArns.stateMachine() : undefined);
      if (spec.uses.mail) {
        expect(env.SITE_URL).toBe('http://127.0.0.1:4001');
        expect(env.MAIL_FROM).toBe('onboarding@affiliates.local');
      }
    }
  });

  it("gives each function its role's policies with local ARNs only", () => {
    const retention = JSON.stringify(template.functions.retention.policies);
    expect(retention).toContain('dynamodb:BatchWriteItem');
    const arns = (Object.values(template.functions) as LocalTemplate['functions'][FunctionName][])
      .flatMap((fn) => fn.policies)
      .flatMap((p) => p.policy.Statement)
      .flatMap((s) => [s.Resource ?? []].flat());
    for (const arn of arns) {
      expect(arn === '*' || /^arn:aws:[a-z0-9-]+:(eu-west-2)?:(000000000000)?:/.test(arn), arn).toBe(true);
    }
    expect(arns).toContain('arn:aws:ses:eu-west-2:000000000000:identity/affiliates.local');
    expect(template.identities).toEqual(['affiliates.local']);
  });

  it('reuses the synthesized template while its inputs are unchanged', async () => {
    const started = Date.now();
    const again = await synthesizeLocal({ cacheDir });
    expect(again.dir).toBe(template.assemblyDir);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
