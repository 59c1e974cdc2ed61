/**
 * How a Lambda is bundled, as plain esbuild options: the CDK function construct and the bench (bench/run.ts) must
 * build the same artefact, or the bench measures something that never ships.
 */
import type { BuildOptions } from 'esbuild';

/** Makes `require` available inside an ESM bundle: some bundled CommonJS dependencies still call it. */
export const ESM_REQUIRE_SHIM =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * The esbuild equivalent of the `bundling` block of lib/constructs/function.ts. Node loads an ESM bundle only as
 * `.mjs` outside Lambda (TOOLCHAIN.md), hence the extension.
 */
export const ESBUILD_LAMBDA_OPTIONS: Readonly<BuildOptions> = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: true,
  // Linked like the construct's `sourceMap: true`; the map is a separate file and not part of the code Node parses.
  sourcemap: true,
  // `module` first lets esbuild take the SDK's ES builds and tree-shake them: 343 KB instead of 548 KB for DynamoDB.
  mainFields: ['module', 'main'],
  // The SDK is bundled, not taken from the runtime: a tree-shaken bundle loads faster and pins the tested version.
  // Only the PDF engine stays out, a file of its own beside the bundle (PDF_ENGINE).
  external: ['./pdf-engine.mjs'],
  banner: { js: ESM_REQUIRE_SHIM },
  outExtension: { '.js': '.mjs' },
};

/**
 * pdf-lib and fontkit (lambdas/contracts/pdf-engine.mts), which contract-pdf.ts imports dynamically as
 * `./pdf-engine.mjs`: built with the same options into that file beside the bundle of each function whose bundle
 * imports it (lib/constructs/function.ts), so a cold start neither parses nor evaluates them (issue 10: a PDF
 * function's bundle from 2.1 MB to about 0.7 MB).
 */
export const PDF_ENGINE = {
  specifier: './pdf-engine.mjs',
  entry: 'lambdas/contracts/pdf-engine.mts',
  file: 'pdf-engine.mjs',
} as const;

const cliFlags = (options: Readonly<BuildOptions>): string[] => [
  '--bundle',
  `--format=${options.format}`,
  `--platform=${options.platform}`,
  `--target=${options.target}`,
  ...(options.minify ? ['--minify'] : []),
  ...(options.sourcemap ? ['--sourcemap'] : []),
  `--main-fields=${(options.mainFields ?? []).join(',')}`,
  `--banner:js="${options.banner?.js ?? ''}"`,
];

/**
 * The shell command that builds the PDF engine beside a bundle in `outputDir` when that bundle imports it, with the
 * esbuild of `projectRoot` and ESBUILD_LAMBDA_OPTIONS (for the construct's afterBundling hook).
 */
export const pdfEngineCommand = (projectRoot: string, outputDir: string): string =>
  `if grep -qF '"${PDF_ENGINE.specifier}"' "${outputDir}/index.mjs"; then ` +
  `"${projectRoot}/node_modules/.bin/esbuild" "${projectRoot}/${PDF_ENGINE.entry}" ` +
  `${cliFlags(ESBUILD_LAMBDA_OPTIONS).join(' ')} --log-level=error --outfile="${outputDir}/${PDF_ENGINE.file}"; fi`;
