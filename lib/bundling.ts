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
  external: [],
  banner: { js: ESM_REQUIRE_SHIM },
  outExtension: { '.js': '.mjs' },
};
