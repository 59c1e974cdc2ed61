/** Issue 9: the deployed site carries no source maps (the local stack's build keeps them for debugging). */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PUBLIC_SITE_BUILD } from '../../lib/constructs/site.ts';
import { buildSiteSync } from '../../web/build.ts';

const dirs: string[] = [];
const built = (options?: { sourceMaps?: boolean }) => {
  const dir = mkdtempSync(join(tmpdir(), 'site-'));
  dirs.push(dir);
  buildSiteSync(dir, options);
  const files = readdirSync(dir, { recursive: true }).map(String);
  const scripts = files.filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(dir, f), 'utf8'));
  return { files, scripts };
};

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the site build', () => {
  it('deployed: no .map file and no sourceMappingURL in any script', () => {
    expect(PUBLIC_SITE_BUILD.sourceMaps).toBe(false);
    const { files, scripts } = built(PUBLIC_SITE_BUILD);
    expect(scripts.length).toBeGreaterThan(3);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(scripts.filter((s) => s.includes('sourceMappingURL'))).toEqual([]);
  }, 120_000);

  it('local: linked source maps', () => {
    const { files, scripts } = built();
    expect(files.some((f) => f.endsWith('.js.map'))).toBe(true);
    expect(scripts.some((s) => s.includes('sourceMappingURL'))).toBe(true);
  }, 120_000);
});
