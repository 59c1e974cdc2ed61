/**
 * `npm run bench`: what each Lambda costs at cold start, against a bundle of only the AWS SDK clients it uses (the
 * ratio is our own code's overhead), the latency of `POST /applications` against the local stack, the daily
 * compliance audit at 1,000, 10,000 and 100,000 therapists (bench/scale.ts), the capacity report at 700, 10,000 and
 * 100,000 therapists (bench/capacity.ts), and the fault run (bench/faults.ts: applications driven to active and to
 * each side exit with 30% of SES and Step Functions calls and 5% of DynamoDB calls failing).
 *
 *   npm run bench [-- --only bundles|latency|scale|capacity|faults] [--runs 7] [--requests 200]
 *     [--sizes 1000,10000,100000] [--capacity-sizes 700,10000,100000] [--applications 1000]
 */

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { baselineSource, type SdkPackage, sdkUsage } from '../lib/bundle-contents.ts';
import { ESBUILD_LAMBDA_OPTIONS } from '../lib/bundling.ts';
import { FUNCTIONS, type FunctionName } from '../lib/functions.ts';
import { validApplication } from '../test/integration/fixtures.ts';
import { benchCapacity, CAPACITY_SIZES } from './capacity.ts';
import { loadInChild } from './cold-load.ts';
import { benchScale, DEFAULT_SIZES } from './scale.ts';

const ROOT = resolve(import.meta.dirname, '..');

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string', default: '7' },
    requests: { type: 'string', default: '200' },
    sizes: { type: 'string' },
    'capacity-sizes': { type: 'string' },
    applications: { type: 'string', default: '1000' },
  },
});
const SECTIONS = ['bundles', 'latency', 'scale', 'capacity', 'faults'] as const;
if (args.only !== undefined && !(SECTIONS as readonly string[]).includes(args.only)) {
  throw new Error(`--only takes ${SECTIONS.map((s) => `"${s}"`).join(', ')}, not "${args.only}"`);
}
const runs = (section: (typeof SECTIONS)[number]) => args.only === undefined || args.only === section;
const RUNS = Number(args.runs);
const REQUESTS = Number(args.requests);
if (!(RUNS >= 1) || !(REQUESTS >= 200)) throw new Error('--runs must be >= 1 and --requests >= 200');
const SIZES = args.sizes?.split(',').map(Number) ?? [...DEFAULT_SIZES];
// 50 of each size are due, so a size needs room for therapists who are not.
if (!SIZES.every((n) => Number.isInteger(n) && n > 50)) throw new Error('--sizes takes integers above 50');

const CAPACITY_SIZES_RUN = args['capacity-sizes']?.split(',').map(Number) ?? [...CAPACITY_SIZES];
if (!CAPACITY_SIZES_RUN.every((n) => Number.isInteger(n) && n > 0))
  throw new Error('--capacity-sizes takes positive integers');

// --- figures -------------------------------------------------------------------------------------------------------

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
const median = (values: readonly number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const ms = (value: number) => value.toFixed(1);

const table = (header: string[], rows: string[][]): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
};

// --- bundles ---------------------------------------------------------------------------------------------------------

interface Bundle {
  file: string;
  bytes: number;
  output: Metafile['outputs'][string];
}

const bundle = async (
  outdir: string,
  entry: { path: string } | { source: string; name: string },
): Promise<Bundle> => {
  const result = await build({
    ...ESBUILD_LAMBDA_OPTIONS,
    ...('path' in entry
      ? { entryPoints: [entry.path] }
      : {
          stdin: { contents: entry.source, resolveDir: ROOT, sourcefile: `${entry.name}.ts`, loader: 'ts' },
        }),
    outdir,
    entryNames: 'index',
    metafile: true,
    logLevel: 'error',
  });
  const [file, output] =
    Object.entries(result.metafile.outputs).find(([name]) => name.endsWith('.mjs')) ??
    (() => {
      throw new Error(`esbuild wrote no .mjs for ${'path' in entry ? entry.path : entry.name}`);
    })();
  return { file: resolve(file), bytes: output.bytes, output };
};

const LOADER = `const t = performance.now();
await import(process.argv[2]);
process.stdout.write(String(performance.now() - t));
`;

/** Module-load time in a fresh Node process: parse, link and evaluate the bundle, as a Lambda cold start does. */
const loadOnce = async (loader: string, file: string): Promise<number> => {
  const value = Number(await loadInChild(loader, file));
  if (!Number.isFinite(value)) throw new Error(`loading ${file} printed no time`);
  return value;
};

/**
 * Median load times of a function and its baseline, measured alternately: other work on a shared machine then slows
 * both alike instead of skewing their ratio.
 */
const loadMedians = async (loader: string, files: readonly string[]): Promise<number[]> => {
  const times = files.map((): number[] => []);
  for (let run = 0; run < RUNS; run++) {
    for (const [i, file] of files.entries()) times[i]?.push(await loadOnce(loader, file));
  }
  return times.map(median);
};

const describeUsage = (used: Map<SdkPackage, Set<string>>): string =>
  used.size === 0
    ? 'no SDK'
    : [...used]
        .map(([pkg, commands]) => (commands.size ? `${pkg} (${[...commands].sort().join(', ')})` : pkg))
        .join('; ');

const benchBundles = async (): Promise<void> => {
  const dir = await mkdtemp(join(tmpdir(), 'bench-bundles-'));
  try {
    const loader = join(dir, 'load.mjs');
    await writeFile(loader, LOADER);
    const baselines = new Map<string, Promise<Bundle>>();
    const rows: string[][] = [];
    const usage: string[] = [];
    for (const [name, spec] of Object.entries(FUNCTIONS) as [
      FunctionName,
      (typeof FUNCTIONS)[FunctionName],
    ][]) {
      const fn = await bundle(join(dir, name), { path: join(ROOT, spec.entry) });
      const used = sdkUsage(fn.output);
      usage.push(`${name}: ${describeUsage(used)}`);
      if (used.size === 0) {
        const [fnMs = Number.NaN] = await loadMedians(loader, [fn.file]);
        rows.push([name, kb(fn.bytes), ms(fnMs), 'n/a', 'n/a', 'n/a', 'n/a']);
        continue;
      }
      const source = baselineSource(used);
      let baseline = baselines.get(source);
      if (!baseline) {
        baseline = bundle(join(dir, `${name}.sdk-only`), { source, name: `${name}-sdk-only` });
        baselines.set(source, baseline);
      }
      const base = await baseline;
      const [fnMs = Number.NaN, baseMs = Number.NaN] = await loadMedians(loader, [fn.file, base.file]);
      rows.push([
        name,
        kb(fn.bytes),
        ms(fnMs),
        kb(base.bytes),
        ms(baseMs),
        `${(fn.bytes / base.bytes).toFixed(2)}x`,
        `${(fnMs / baseMs).toFixed(2)}x`,
      ]);
    }
    console.log(
      `\n## Bundles (lib/bundling.ts options: esm, minified, SDK bundled; size = the .mjs without its map)`,
    );
    console.log(`load ms = fresh \`node\` process, await import(bundle), median of ${RUNS}\n`);
    console.log(
      table(
        ['function', 'bundle KB', 'load ms', 'SDK-only KB', 'SDK-only ms', 'size ratio', 'load ratio'],
        rows,
      ),
    );
    console.log('\nSDK parts each bundle ships (its SDK-only baseline imports and keeps exactly these):');
    for (const line of usage) console.log(`  ${line}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

// --- latency ---------------------------------------------------------------------------------------------------------

/** A valid body (the tests' own fixture); the email is unique per request. */
const applicationBody = () => validApplication({ email: `bench.${randomUUID()}@example.org` });

interface Sample {
  ms: number;
  status: number;
  body: string;
}

const postApplication = async (apiUrl: string): Promise<Sample> => {
  const start = performance.now();
  const response = await fetch(`${apiUrl}/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(applicationBody()),
  });
  const body = await response.text();
  return { ms: performance.now() - start, status: response.status, body };
};

const summary = (label: string, samples: readonly Sample[], wallMs?: number): string[] => {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const failed = samples.filter((s) => s.status !== 201).length;
  return [
    label,
    String(samples.length),
    ms(percentile(sorted, 50)),
    ms(percentile(sorted, 90)),
    ms(percentile(sorted, 99)),
    ms(sorted.at(-1) ?? Number.NaN),
    `${((failed / samples.length) * 100).toFixed(1)}%`,
    wallMs === undefined ? '' : ((samples.length / wallMs) * 1000).toFixed(1),
  ];
};

const withDeadline = <T>(work: Promise<T>, limitMs: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} took over ${limitMs / 1000} s`)), limitMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
};

const benchLatency = async (): Promise<Sample[]> => {
  const { startLocalStack } = await import('../lib/local/stack.ts');
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-stack-'));
  const startedAt = performance.now();
  const stack = await startLocalStack({
    dataDir,
    fresh: true,
    // The bench floods POST /applications on purpose: the per-route throttle would answer 429.
    throttle: false,
    log: (line) => console.error(`[stack] ${line}`),
  });
  const startupMs = performance.now() - startedAt;
  const all: Sample[] = [];
  try {
    for (let i = 0; i < 10; i++) all.push(await postApplication(stack.apiUrl));

    const sequential: Sample[] = [];
    for (let i = 0; i < REQUESTS; i++) sequential.push(await postApplication(stack.apiUrl));
    all.push(...sequential);

    const concurrent: Sample[] = [];
    const concurrency = 4;
    const wallStart = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (concurrent.length < REQUESTS) {
          const slot = concurrent.length;
          concurrent[slot] = { ms: Number.NaN, status: 0, body: '' };
          concurrent[slot] = await postApplication(stack.apiUrl);
        }
      }),
    );
    const wallMs = performance.now() - wallStart;
    all.push(...concurrent);

    console.log('\n## POST /applications against the local stack');
    console.log(
      `stack start ${ms(startupMs)} ms; 10 warm-up requests first; each request timed from fetch to the last body byte\n`,
    );
    console.log(
      table(
        ['run', 'count', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'non-201', 'req/s'],
        [summary('sequential', sequential), summary(`concurrency ${concurrency}`, concurrent, wallMs)],
      ),
    );
  } finally {
    await withDeadline(stack.stop(), 30_000, 'stopping the local stack');
    await rm(dataDir, { recursive: true, force: true });
  }
  return all;
};

// --- main ------------------------------------------------------------------------------------------------------------

const cpu = cpus();
console.log(
  `# bench: ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
    `Node ${process.version} ${process.platform}/${process.arch}`,
);

if (runs('bundles')) await benchBundles();
if (runs('latency')) {
  const samples = await benchLatency();
  const failures = samples.filter((s) => s.status !== 201);
  if (failures.length > 0) {
    const counts = new Map<number, number>();
    for (const { status } of failures) counts.set(status, (counts.get(status) ?? 0) + 1);
    const statuses = [...counts].map(([status, count]) => `${status} x${count}`).join(', ');
    console.error(
      `\nFAIL: ${failures.length} of ${samples.length} requests did not answer 201 (${statuses})`,
    );
    console.error(`first failure body: ${failures[0]?.body.slice(0, 500)}`);
    process.exitCode = 1;
  }
}
if (runs('scale')) {
  const failures = await benchScale(SIZES, table);
  for (const failure of failures) console.error(`\nFAIL: ${failure}`);
  if (failures.length > 0) process.exitCode = 1;
}
if (runs('capacity')) {
  const failures = await benchCapacity(CAPACITY_SIZES_RUN, table);
  for (const failure of failures) console.error(`\nFAIL: ${failure}`);
  if (failures.length > 0) process.exitCode = 1;
}

if (runs('faults')) {
  const { describeFaultRun, runFaultScenario } = await import('./faults.ts');
  const { startLocalStack } = await import('../lib/local/stack.ts');
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-faults-'));
  const stack = await startLocalStack({
    dataDir,
    fresh: true,
    // The bench floods POST /applications on purpose: the per-route throttle would answer 429.
    throttle: false,
    log: (line) => console.error(`[stack] ${line}`),
  });
  try {
    const result = await runFaultScenario({
      apiUrl: stack.apiUrl,
      endpoints: stack.endpoints,
      applications: Number(args.applications),
      seed: 8,
      rates: { ses: 0.3, sfn: 0.3, lambda: 0.3, dynamodb: 0.05 },
      invocations: { 'workflow-task': { timeout: 0.03, crash: 0.02 } },
      concurrency: 8,
      log: (line) => console.error(line),
    });
    console.log(
      '\n## Fault run: 30% of SES and Step Functions calls, 5% of DynamoDB calls fail, 3% of workflow-task invocations time out and 2% crash (seed 8)\n',
    );
    console.log(describeFaultRun(result));
    const broken =
      result.wrongStage.length +
      result.emailMismatches.length +
      result.stranded.length +
      (result.executions.FAILED ?? 0) +
      result.failed5xx;
    if (broken > 0) {
      console.error('\nFAIL: the workflow did not survive every fault (see the counts above)');
      process.exitCode = 1;
    }
  } finally {
    await withDeadline(stack.stop(), 30_000, 'stopping the local stack');
    await rm(dataDir, { recursive: true, force: true });
  }
}

// The figures are out; a handle the stack left open must not turn the bench into a hang. The timer is unref'd, so it
// fires only if something else still holds the event loop, and then names what.
setTimeout(() => {
  console.error(
    `WARNING: still open 10 s after the bench finished: ${process.getActiveResourcesInfo().join(', ')}`,
  );
  process.exit();
}, 10_000).unref();
