/**
 * Real bundling, offline: esbuild builds every function as a minified ESM bundle with the AWS SDK inside, and the
 * site is built by web/build.ts. Slower than the template tests (a few seconds per function), so it runs once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { PDF_ENGINE } from '../../lib/bundling.ts';
import { FUNCTION_METADATA_KEY } from '../../lib/constructs/function.ts';
import { FUNCTIONS, type FunctionName } from '../../lib/functions.ts';
import { resourcesOf, type Synthesized, synth } from './synth.ts';

let s: Synthesized;
const assetDir = new Map<FunctionName, string>();

// Real esbuild bundling of every function: about 1 s each on a quiet machine, but 150 s and more when the
// other test projects (Lambda workers, the browser) share the 2 cores, so its own limit rather than the project's.
beforeAll(() => {
  s = synth({ bundling: true });
  for (const r of Object.values(resourcesOf(s.statelessTemplate, 'AWS::Lambda::Function'))) {
    const name = r.Metadata?.[FUNCTION_METADATA_KEY] as FunctionName | undefined;
    const key = (r.Properties.Code as { S3Key: string }).S3Key;
    if (name) assetDir.set(name, join(s.outdir, `asset.${key.replace(/\.zip$/, '')}`));
  }
}, 600_000);

describe('function bundles', () => {
  it.each(Object.keys(FUNCTIONS) as FunctionName[])(
    '%s is a minified ESM bundle with the SDK inside and a source map',
    (name) => {
      const dir = assetDir.get(name) ?? '';
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(
        code.startsWith(
          "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        ),
      ).toBe(true);
      expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
      // Nothing is left for the runtime to resolve: no bare import of the SDK or of any package.
      expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
      expect(code).not.toMatch(/import\(["']@aws-sdk\//);
      // Minified: thousands of characters a line on average (readable code has tens).
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
    },
  );

  it('ships the contract fonts next to every bundle that can render a contract', () => {
    // The renderer reads ./fonts/ relative to its module: in a bundle, relative to index.mjs.
    const renderers = (Object.keys(FUNCTIONS) as FunctionName[]).filter((name) =>
      readFileSync(join(assetDir.get(name) ?? '', 'index.mjs'), 'utf8').includes('DejaVuSans.ttf'),
    );
    expect(renderers).toEqual(expect.arrayContaining(['staff-review', 'sign-contract', 'workflow-task']));
    for (const name of renderers) {
      for (const font of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'LICENSE']) {
        expect(existsSync(join(assetDir.get(name) ?? '', 'fonts', font)), `${name}: fonts/${font}`).toBe(
          true,
        );
      }
    }
  });

  it('ships the PDF engine beside every bundle that imports it, and it makes a PDF with an embedded font', async () => {
    const names = Object.keys(FUNCTIONS) as FunctionName[];
    const importers = names.filter((name) =>
      readFileSync(join(assetDir.get(name) ?? '', 'index.mjs'), 'utf8').includes(`"${PDF_ENGINE.specifier}"`),
    );
    expect(importers).toEqual(expect.arrayContaining(['staff-review', 'sign-contract', 'workflow-task']));
    for (const name of names) {
      expect(existsSync(join(assetDir.get(name) ?? '', PDF_ENGINE.file)), name).toBe(
        importers.includes(name),
      );
    }
    const dir = assetDir.get('sign-contract') ?? '';
    const engine = (await import(
      pathToFileURL(join(dir, PDF_ENGINE.file)).href
    )) as typeof import('../../lambdas/contracts/pdf-engine.mts');
    const doc = await engine.PDFDocument.create();
    doc.registerFontkit(engine.fontkit);
    const font = await doc.embedFont(readFileSync(join(dir, 'fonts', 'DejaVuSans.ttf')), { subset: true });
    doc.addPage().drawText('Signed', { font, size: 12, color: engine.rgb(0, 0, 0) });
    const bytes = await doc.save();
    expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');
  });

  it('loads in Node as built and answers the health check', async () => {
    const { handler } = (await import(
      pathToFileURL(join(assetDir.get('health') ?? '', 'index.mjs')).href
    )) as {
      handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
    };
    const response = await handler(
      {
        version: '2.0',
        routeKey: 'GET /health',
        rawPath: '/health',
        rawQueryString: '',
        headers: {},
        requestContext: { http: { method: 'GET', path: '/health' }, requestId: 'test' },
        isBase64Encoded: false,
      },
      { awsRequestId: 'test', functionName: 'health' },
    );
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: 'ok' });
  });
});

describe('site asset', () => {
  it('contains the built site', () => {
    const deployment = Object.values(resourcesOf(s.statelessTemplate, 'Custom::CDKBucketDeployment'))[0]
      ?.Properties as {
      SourceObjectKeys: string[];
    };
    const dirs = deployment.SourceObjectKeys.map((key) =>
      join(s.outdir, `asset.${key.replace(/\.zip$/, '')}`),
    );
    expect(dirs.some((dir) => existsSync(join(dir, 'index.html')))).toBe(true);
  });
});
