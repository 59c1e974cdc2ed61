/**
 * `npm run iam:report [usage.json]`: per function, the grants its synthesized role holds (DynamoDB, S3, SES, Step
 * Functions: action × resource) and how often a recorded run used each; UNUSED marks the ones it never used.
 * The record defaults to the last `npm test` run's (bench/results/iam-usage.json); `npm run dev` writes its own
 * to .local/iam-usage.json on stop. Run the whole suite first: a partial run leaves grants unused that are not.
 * It also replays every recorded call against the current template's policies and lists any it would deny, so a
 * grant trimmed since the run is checked against what the run did. Exits 1 if the run or the replay has a denial.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createPolicyEvaluator } from '../lib/local/iam.ts';
import { formatGrantReport, grantReport, TEST_RUN_USAGE_FILE, usageFileOf } from '../lib/local/iam-report.ts';
import type { IamUsage } from '../lib/local/stack.ts';
import { localTemplate } from '../lib/local/template.ts';

const file = process.argv[2] ? resolve(process.argv[2]) : TEST_RUN_USAGE_FILE;
if (!existsSync(file)) {
  console.error(`No usage record at ${file}: run \`npm test\` (or \`npm run dev\`, then stop it) first.`);
  process.exit(1);
}
// A test run's record comes in parts, one per local stack (the fault run has its own: usageFileOf): read them all.
const parts = process.argv[2] ? [file] : [file, usageFileOf('faults')].filter((f) => existsSync(f));
const records = parts.map((part) => JSON.parse(readFileSync(part, 'utf8')) as IamUsage);
const used = new Map<string, IamUsage['used'][number]>();
for (const use of records.flatMap((record) => record.used)) {
  const key = `${use.function} ${use.action} ${use.resource}`;
  const seen = used.get(key);
  if (seen) seen.count += use.count;
  else used.set(key, { ...use });
}
const usage: IamUsage = {
  enforced: records.every((record) => record.enforced),
  recordedAt: records.map((record) => record.recordedAt).sort()[0] ?? '',
  denied: records.flatMap((record) => record.denied),
  used: [...used.values()],
};
const template = await localTemplate();
const calls = usage.used.reduce((sum, use) => sum + use.count, 0);
console.log(
  formatGrantReport(
    grantReport(template.functions, usage.used),
    `IAM grants against ${parts.join(' + ')} (recorded ${usage.recordedAt}, ${calls} allowed calls, ${usage.denied.length} denied, IAM ${usage.enforced ? 'enforced' : 'off'})`,
  ),
);
if (usage.denied.length > 0) {
  console.log('\nDenied during the recorded run:');
  for (const d of usage.denied) console.log(`  ${d.function}: ${d.action} on ${d.resource}`);
}
const evaluator = createPolicyEvaluator(
  Object.fromEntries(Object.entries(template.functions).map(([name, fn]) => [name, fn.policies])),
);
const replayDenied = [];
for (const use of usage.used) {
  const verdict = await evaluator.evaluate(use.function, use);
  if (verdict !== 'Allowed') replayDenied.push(use);
}
console.log(
  replayDenied.length === 0
    ? `\nReplay: the current policies allow all ${usage.used.length} distinct recorded calls.`
    : `\nReplay: the current policies would deny ${replayDenied.length} recorded call(s):\n${replayDenied
        .map((use) => `  ${use.function}: ${use.action} on ${use.resource} (${use.count}×)`)
        .join('\n')}`,
);
if (usage.denied.length > 0 || replayDenied.length > 0) process.exitCode = 1;
