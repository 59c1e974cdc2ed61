/**
 * What a Lambda bundle carries, read from esbuild's metafile: the AWS SDK packages and command classes it ships, the
 * SDK-only bundle that is its floor, and the modules on its init path. The bench (bench/run.ts) reports these and
 * test/infra/cold-start.test.ts holds them to budget (issue 10), so both read a bundle the same way.
 */
import type { Metafile } from 'esbuild';

/** The top-level SDK packages the adapters import; everything else under @aws-sdk is what these pull in. */
export const SDK_PACKAGES = [
  'client-dynamodb',
  'util-dynamodb',
  'lib-dynamodb',
  'client-s3',
  's3-presigned-post',
  's3-request-presigner',
  'client-sesv2',
  'client-sfn',
  'client-eventbridge',
] as const;
export type SdkPackage = (typeof SDK_PACKAGES)[number];

/** What a baseline needs from each package so that the parts the function ships are not tree-shaken away. */
const SDK_USAGE: Record<SdkPackage, { imports: string[]; keep: string[] }> = {
  'client-dynamodb': { imports: ['DynamoDBClient'], keep: ['new DynamoDBClient({})'] },
  'util-dynamodb': { imports: ['marshall', 'unmarshall'], keep: ['marshall', 'unmarshall'] },
  'lib-dynamodb': {
    imports: ['DynamoDBDocumentClient'],
    keep: ['DynamoDBDocumentClient.from(new DynamoDBClient({}))'],
  },
  'client-s3': { imports: ['S3Client'], keep: ['new S3Client({})'] },
  's3-presigned-post': { imports: ['createPresignedPost'], keep: ['createPresignedPost'] },
  's3-request-presigner': { imports: ['getSignedUrl'], keep: ['getSignedUrl'] },
  'client-sesv2': { imports: ['SESv2Client'], keep: ['new SESv2Client({})'] },
  'client-sfn': { imports: ['SFNClient'], keep: ['new SFNClient({})'] },
  'client-eventbridge': { imports: ['EventBridgeClient'], keep: ['new EventBridgeClient({})'] },
};

export type BundleOutput = Metafile['outputs'][string];

/**
 * Which SDK packages, and which of their command classes, a bundle ships. Only inputs with bytes in the output count:
 * esbuild parses every command module a package index re-exports, then tree-shakes most of them away. The innermost
 * `@aws-sdk/<pkg>/` of a path names the package the file belongs to, even when npm nested a copy under another.
 */
export const sdkUsage = (output: BundleOutput): Map<SdkPackage, Set<string>> => {
  const used = new Map<SdkPackage, Set<string>>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (bytesInOutput === 0) continue;
    const match = /node_modules\/@aws-sdk\/([^/]+)\/(?!.*node_modules\/)(.*)$/.exec(input);
    const pkg = match?.[1] as SdkPackage | undefined;
    if (!pkg || !SDK_PACKAGES.includes(pkg)) continue;
    const commands = used.get(pkg) ?? new Set<string>();
    const command = /(?:^|\/)commands\/(\w+Command)\.js$/.exec(match?.[2] ?? '')?.[1];
    if (command) commands.add(command);
    used.set(pkg, commands);
  }
  return used;
};

/** An entry that imports exactly the SDK parts a function ships, and keeps them alive: the function's floor. */
export const baselineSource = (used: Map<SdkPackage, Set<string>>): string => {
  const packages = SDK_PACKAGES.filter((pkg) => used.has(pkg));
  // lib-dynamodb's keep expression builds a DynamoDBClient: lib-dynamodb never ships without client-dynamodb.
  const importsOf = (pkg: SdkPackage) => [...SDK_USAGE[pkg].imports, ...[...(used.get(pkg) ?? [])].sort()];
  const lines = packages.map((pkg) => `import { ${importsOf(pkg).join(', ')} } from '@aws-sdk/${pkg}';`);
  const keep = packages.flatMap((pkg) => [...SDK_USAGE[pkg].keep, ...[...(used.get(pkg) ?? [])].sort()]);
  return `${lines.join('\n')}\n(globalThis as Record<string, unknown>).__sdkBaseline = [\n  ${keep.join(',\n  ')},\n];\n`;
};

/**
 * The inputs Node evaluates when it loads the bundle: everything reachable from the entry without crossing a
 * dynamic `import()` (esbuild keeps a dynamically imported module in the same file, but runs it only when the
 * `import()` does; the SDK itself loads its credential providers that way). Keys are metafile input paths.
 */
export const initPath = (metafile: Metafile, output: BundleOutput): Set<string> => {
  const seen = new Set<string>();
  const queue = output.entryPoint ? [output.entryPoint] : [];
  for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
    if (seen.has(path)) continue;
    seen.add(path);
    for (const imported of metafile.inputs[path]?.imports ?? []) {
      if (imported.kind !== 'dynamic-import' && !imported.external) queue.push(imported.path);
    }
  }
  return seen;
};

/** Bytes of the output that Node evaluates at load (see initPath). */
export const initBytes = (metafile: Metafile, output: BundleOutput): number => {
  const inputs = initPath(metafile, output);
  return Object.entries(output.inputs)
    .filter(([input]) => inputs.has(input))
    .reduce((sum, [, { bytesInOutput }]) => sum + bytesInOutput, 0);
};
