/**
 * Cold start of every function against its SDK-only floor, before and after a change, in one run (issue 10): each
 * function's bundle and the floor of the SDK parts it ships (lib/bundle-contents.ts) are loaded alternately in fresh
 * Node processes, and the ratio is taken per pair, then its median over the runs, so load from other work slows
 * both sides of a ratio alike. Wall time and CPU time (user + sys of the `import()`) are both reported; CPU time
 * moves less when the machine is shared.
 *
 *   node --import tsx bench/cold-compare.ts [--base <git ref>] [--runs 9] [--only name,name]
 *
 * With `--base`, that commit's sources (git archive, sharing this checkout's node_modules) are bundled with that
 * commit's own lib/bundling.ts and measured interleaved with the working tree's: one table per tree, then the ratios
 * side by side.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type BuildOptions, build } from 'esbuild';
import { baselineSource, sdkUsage } from '../lib/bundle-contents.ts';
import { loadInChild } from './cold-load.ts';

const ROOT = resolve(import.meta.dirname, '..');

const { values: args } = parseArgs({
  options: {
    base: { type: 'string' },
    runs: { type: 'string', default: '9' },
    only: { type: 'string' },
  },
});
const RUNS = Number(args.runs);
if (!(RUNS >= 5)) throw new Error('--runs must be at least 5');

const LOADER = `const cpu = process.cpuUsage();
const t = performance.now();
await import(process.argv[2]);
const wall = performance.now() - t;
const { user, system } = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ wall, cpu: (user + system) / 1000 }));
`;

interface Load {
  wall: number;
  cpu: number;
}

const loadOnce = async (loader: string, file: string): Promise<Load> =>
  JSON.parse(await loadInChild(loader, file)) as Load;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

interface Tree {
  label: string;
  root: string;
  options: Readonly<BuildOptions>;
  functions: Record<string, { entry: string }>;
}

/** A tree's own bundling options and function registry, so a base commit is built as it would have shipped. */
const loadTree = async (label: string, root: string): Promise<Tree> => {
  const { ESBUILD_LAMBDA_OPTIONS } = (await import(join(root, 'lib/bundling.ts'))) as {
    ESBUILD_LAMBDA_OPTIONS: Readonly<BuildOptions>;
  };
  const { FUNCTIONS } = (await import(join(root, 'lib/functions.ts'))) as {
    FUNCTIONS: Record<string, { entry: string }>;
  };
  return { label, root, options: ESBUILD_LAMBDA_OPTIONS, functions: FUNCTIONS };
};

interface Pair {
  name: string;
  kb: number;
  fn: string;
  floor: string | undefined;
}

const bundleEntry = async (options: Readonly<BuildOptions>, outdir: string, entry: BuildOptions) => {
  const result = await build({
    ...options,
    ...entry,
    outdir,
    entryNames: 'index',
    metafile: true,
    logLevel: 'error',
  });
  const found = Object.entries(result.metafile.outputs).find(
    ([file, output]) => file.endsWith('.mjs') && output.entryPoint,
  );
  if (!found) throw new Error(`esbuild wrote no entry module in ${outdir}`);
  return { file: resolve(found[0]), output: found[1] };
};

const buildTree = async (tree: Tree, dir: string, only: Set<string> | undefined): Promise<Pair[]> => {
  const pairs: Pair[] = [];
  const floors = new Map<string, Promise<string>>();
  for (const [name, spec] of Object.entries(tree.functions)) {
    if (only && !only.has(name)) continue;
    const fn = await bundleEntry(tree.options, join(dir, name), {
      entryPoints: [join(tree.root, spec.entry)],
    });
    const used = sdkUsage(fn.output);
    let floor: Promise<string> | undefined;
    if (used.size > 0) {
      const source = baselineSource(used);
      floor = floors.get(source);
      if (!floor) {
        floor = bundleEntry(tree.options, join(dir, `${name}.floor`), {
          stdin: { contents: source, resolveDir: tree.root, sourcefile: `${name}-floor.ts`, loader: 'ts' },
        }).then((b) => b.file);
        floors.set(source, floor);
      }
    }
    pairs.push({ name, kb: fn.output.bytes / 1024, fn: fn.file, floor: floor ? await floor : undefined });
  }
  return pairs;
};

interface Row {
  name: string;
  kb: number;
  floorWall: number;
  loadWall: number;
  wallRatio: number;
  floorCpu: number;
  loadCpu: number;
  cpuRatio: number;
}

const table = (header: string[], rows: string[][]): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
};

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const x2 = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : 'n/a');

const main = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cold-compare-'));
  try {
    const loader = join(dir, 'load.mjs');
    await writeFile(loader, LOADER);
    const trees: Tree[] = [];
    if (args.base) {
      const baseRoot = join(dir, 'base-src');
      await mkdir(baseRoot);
      const archive = execFileSync('git', ['archive', '--format=tar', args.base], {
        cwd: ROOT,
        maxBuffer: 1 << 30,
      });
      execFileSync('tar', ['-x', '-C', baseRoot], { input: archive });
      await symlink(join(ROOT, 'node_modules'), join(baseRoot, 'node_modules'));
      trees.push(await loadTree(`base ${args.base}`, baseRoot));
    }
    trees.push(await loadTree('working tree', ROOT));
    const only = args.only ? new Set(args.only.split(',')) : undefined;
    const built = await Promise.all(trees.map((tree, i) => buildTree(tree, join(dir, `tree-${i}`), only)));

    const samples = built.map((pairs) => pairs.map(() => ({ fn: [] as Load[], floor: [] as Load[] })));
    const load = [loadavg()[0] ?? 0];
    for (let run = 0; run < RUNS; run++) {
      // Interleaved: each function of each tree, then its floor, so a busy moment hits both sides of a ratio.
      for (const pair of built[0] ?? []) {
        for (const [t, pairs] of built.entries()) {
          const p = t === 0 ? pair : pairs.find((q) => q.name === pair.name);
          const slot = samples[t]?.[p ? pairs.indexOf(p) : -1];
          if (!p || !slot) continue;
          slot.fn.push(await loadOnce(loader, p.fn));
          if (p.floor) slot.floor.push(await loadOnce(loader, p.floor));
        }
      }
      load.push(loadavg()[0] ?? 0);
    }

    const rowsOf = (t: number): Row[] =>
      (built[t] ?? []).map((pair, j) => {
        const s = samples[t]?.[j] ?? { fn: [], floor: [] };
        const ratios = (key: keyof Load) =>
          s.floor.length
            ? median(s.fn.map((l, k) => l[key] / (s.floor[k]?.[key] ?? Number.NaN)))
            : Number.NaN;
        return {
          name: pair.name,
          kb: pair.kb,
          floorWall: s.floor.length ? median(s.floor.map((l) => l.wall)) : Number.NaN,
          loadWall: median(s.fn.map((l) => l.wall)),
          wallRatio: ratios('wall'),
          floorCpu: s.floor.length ? median(s.floor.map((l) => l.cpu)) : Number.NaN,
          loadCpu: median(s.fn.map((l) => l.cpu)),
          cpuRatio: ratios('cpu'),
        };
      });

    console.log(`# ${new Date().toISOString()} ${cpus().length} CPUs, Node ${process.version}`);
    console.log(
      `# load average (1 min) at start and after each run: ${load.map((l) => l.toFixed(2)).join(' ')}`,
    );
    console.log(
      `# ${RUNS} runs; ms are medians; a ratio is the median over runs of (function / floor) in the same run`,
    );
    const results = trees.map((_, t) => rowsOf(t));
    for (const [t, tree] of trees.entries()) {
      console.log(`\n## ${tree.label}\n`);
      console.log(
        table(
          [
            'function',
            'bundle KB',
            'floor ms',
            'load ms',
            'ratio',
            'floor CPU ms',
            'load CPU ms',
            'CPU ratio',
          ],
          (results[t] ?? []).map((r) => [
            r.name,
            f1(r.kb),
            f1(r.floorWall),
            f1(r.loadWall),
            x2(r.wallRatio),
            f1(r.floorCpu),
            f1(r.loadCpu),
            x2(r.cpuRatio),
          ]),
        ),
      );
      const over = (results[t] ?? [])
        .filter((r) => r.wallRatio > 1.25 && r.cpuRatio > 1.25)
        .map((r) => r.name);
      console.log(`\nabove 1.25x by both wall and CPU ratio: ${over.length ? over.join(', ') : 'none'}`);
    }
    if (trees.length === 2) {
      const [before = [], after = []] = results;
      console.log('\n## ratio before -> after (wall; CPU)\n');
      console.log(
        table(
          ['function', 'KB before', 'KB after', 'ratio before', 'ratio after', 'CPU before', 'CPU after'],
          after.map((a) => {
            const b = before.find((r) => r.name === a.name);
            return [
              a.name,
              f1(b?.kb ?? Number.NaN),
              f1(a.kb),
              x2(b?.wallRatio ?? Number.NaN),
              x2(a.wallRatio),
              x2(b?.cpuRatio ?? Number.NaN),
              x2(a.cpuRatio),
            ];
          }),
        ),
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

await main();
