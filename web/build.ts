/**
 * Builds the static site: the TypeScript entry points of web/src and web/src/staff (one per page) bundled for the browser, and the
 * files of web/public copied, with `<!-- include:NAME -->` in pages replaced by web/partials/NAME.html so the
 * header and the emergency notice are written once. The CDK stack deploys the output; the local stack serves it.
 * Run as a script to build into web/dist (or the directory given as the first argument).
 */
import { execFileSync } from 'node:child_process';
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { DBS_POLICY, WORDS } from '../lambdas/domain/policy.ts';

const webDir = fileURLToPath(new URL('.', import.meta.url));
const srcDir = join(webDir, 'src');
const publicDir = join(webDir, 'public');
const partialsDir = join(webDir, 'partials');
const INCLUDE = /<!-- include:([a-z-]+) -->/g;
/** `<!-- policy:NAME -->` in a page or partial is replaced by that value of lambdas/domain/policy.ts. */
const POLICY = /<!-- policy:([A-Za-z]+) -->/g;

const isEntryPoint = (name: string): boolean => name.endsWith('.ts') && !name.endsWith('.d.ts');
/** Folders of web/src whose files are pages' entry points too, built to the same folder of the site. */
const PAGE_FOLDERS = ['', 'staff'];

/**
 * zod re-exports every locale as `z.locales`, and esbuild cannot drop members of a re-exported namespace: that is
 * 260 KB of translations in every page. The messages the form shows come from the schemas (English, set by zod's
 * classic entry importing its `en` locale directly), so the namespace can be empty.
 */
const withoutZodLocales: Plugin = {
  name: 'without-zod-locales',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(join('node_modules', 'zod'))
        ? { path: 'zod-locales', namespace: 'empty' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

export interface SiteBuildOptions {
  /**
   * Default true: linked source maps, for the local stack's debugging. The deployed site has none (lib/constructs/
   * site.ts): its sources would show the public every check the client makes and every comment.
   */
  sourceMaps?: boolean;
}

const options = (outDir: string, entryPoints: string[], sourceMaps: boolean): BuildOptions => ({
  entryPoints,
  outdir: outDir,
  bundle: true,
  // Shared code (zod, the schemas, the upload component) lands in one cached chunk instead of once per page.
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: sourceMaps ? 'linked' : false,
  // web/src/staff/queue.ts → staff/queue.js, next to the staff pages that load it.
  outbase: srcDir,
  entryNames: '[dir]/[name]',
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'linked',
  logLevel: 'warning',
  plugins: [withoutZodLocales],
});

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/** The promises pages make, from the one policy module; the emergency notice's numbers become phone links and
 *  `contactEmailLink` a mailto link. */
const policyHtml = (name: string): string => {
  if (name === 'emergencyNotice') {
    return escapeHtml(WORDS.emergencyNotice).replace(
      /\b(111|999|116 123)\b/g,
      (number) => `<a href="tel:${number.replace(/ /g, '')}">${number}</a>`,
    );
  }
  if (name === 'contactEmailLink') {
    const address = escapeHtml(WORDS.contactEmail);
    return `<a href="mailto:${address}">${address}</a>`;
  }
  const value = (WORDS as Record<string, unknown>)[name] ?? (DBS_POLICY as Record<string, unknown>)[name];
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new Error(`policy value ${name} does not exist in lambdas/domain/policy.ts`);
  }
  return escapeHtml(String(value));
};

const render = (page: string, partial: (name: string) => string): string =>
  page
    .replace(INCLUDE, (_, name: string) => partial(name).trimEnd())
    .replace(POLICY, (_, name: string) => policyHtml(name));

const missingPartial = (name: string): never => {
  throw new Error(`web/partials/${name}.html does not exist`);
};

/**
 * For callers that cannot await (CDK constructs). esbuild runs plugins only in async builds, so this runs
 * buildSite in a child process and waits for it.
 */
export const buildSiteSync = (outDir: string, { sourceMaps = true }: SiteBuildOptions = {}): void => {
  const args = [fileURLToPath(import.meta.url), resolve(outDir), ...(sourceMaps ? [] : [NO_SOURCE_MAPS])];
  execFileSync(process.execPath, ['--import', 'tsx', ...args], {
    // From the project root, where `tsx` resolves, whatever directory the caller runs in.
    cwd: join(webDir, '..'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
};

const NO_SOURCE_MAPS = '--no-source-maps';

export const buildSite = async (
  outDir: string,
  { sourceMaps = true }: SiteBuildOptions = {},
): Promise<void> => {
  const out = resolve(outDir);
  await rm(out, { recursive: true, force: true });
  const entries = (
    await Promise.all(
      PAGE_FOLDERS.map(async (folder) =>
        (await readdir(join(srcDir, folder))).filter(isEntryPoint).map((name) => join(srcDir, folder, name)),
      ),
    )
  ).flat();
  await build(options(out, entries, sourceMaps));
  await cp(publicDir, out, { recursive: true });
  const partials = new Map(
    await Promise.all(
      (await readdir(partialsDir)).map(
        async (file) =>
          [file.replace(/\.html$/, ''), await readFile(join(partialsDir, file), 'utf8')] as const,
      ),
    ),
  );
  const pages = (await readdir(out, { recursive: true })).filter((name) => name.endsWith('.html'));
  await Promise.all(
    pages.map(async (page) => {
      const file = join(out, page);
      const html = await readFile(file, 'utf8');
      await writeFile(
        file,
        render(html, (name) => partials.get(name) ?? missingPartial(name)),
      );
    }),
  );
};

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [outArg, ...flags] = process.argv.slice(2);
  const outDir = outArg ?? join(webDir, 'dist');
  await buildSite(outDir, { sourceMaps: !flags.includes(NO_SOURCE_MAPS) });
  console.log(`Site built in ${resolve(outDir)}`);
}
