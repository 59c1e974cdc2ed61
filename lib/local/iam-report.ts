/**
 * Least privilege, measured (issue 8): what each function's synthesized role grants, against what a recorded run
 * (the IAM gateway's usage record, lib/local/stack.ts) saw it use. A grant is one action × one resource pattern of
 * an Allow statement; it is used when a recorded call of that function matches both (IAM wildcards `*` and `?`).
 * This only groups the record for people to read: whether a call is allowed is decided by the policy engine in
 * lib/local/iam.ts, never here.
 *
 * Grants for services no local emulator stands in for (CloudWatch Logs, X-Ray, SQS dead-letter queues, KMS) cannot
 * be exercised locally; they are listed apart, as not measured.
 */
import { join } from 'node:path';
import type { FunctionName } from '../functions.ts';
import type { Use } from './gateway.ts';
import type { PolicyDocument } from './template.ts';

/** Where the integration and browser test run writes its usage record (test/integration/global-setup.ts). */
/**
 * Where a test project other than `local` (the fault run, which has its own stack) writes its record, beside the
 * main one: `npm run iam:report` reads them together.
 */
export const usageFileOf = (project: string): string =>
  project === 'local' ? TEST_RUN_USAGE_FILE : TEST_RUN_USAGE_FILE.replace(/\.json$/u, `.${project}.json`);

export const TEST_RUN_USAGE_FILE = join(
  import.meta.dirname,
  '..',
  '..',
  'bench',
  'results',
  'iam-usage.json',
);

/** Services whose calls go through the IAM gateway. */
const MEASURED_SERVICES = new Set(['dynamodb', 's3', 'ses', 'states']);

export interface GrantRow {
  action: string;
  resource: string;
  /** Calls recorded against this grant (0 = never used in the recorded run). */
  calls: number;
  measured: boolean;
}

export interface FunctionReport {
  function: FunctionName;
  grants: GrantRow[];
}

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const globToRegExp = (pattern: string, flags = ''): RegExp =>
  new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
      .join('')}$`,
    flags,
  );

/** Each Allow statement's action × resource, with how many recorded calls fall under it. */
export const grantReport = (
  functions: Record<FunctionName, { policies: { policy: PolicyDocument }[] }>,
  used: readonly Use[],
): FunctionReport[] =>
  (Object.entries(functions) as [FunctionName, { policies: { policy: PolicyDocument }[] }][]).map(
    ([name, fn]) => {
      const calls = used.filter((use) => use.function === name);
      const rows = new Map<string, GrantRow>();
      for (const { policy } of fn.policies) {
        for (const statement of policy.Statement) {
          if (statement.Effect !== 'Allow') continue;
          for (const action of asList(statement.Action)) {
            for (const resource of asList(statement.Resource)) {
              const key = `${action} ${resource}`;
              if (rows.has(key)) continue;
              const actionPattern = globToRegExp(action, 'i');
              const resourcePattern = globToRegExp(resource);
              rows.set(key, {
                action,
                resource,
                calls: calls
                  .filter((use) => actionPattern.test(use.action) && resourcePattern.test(use.resource))
                  .reduce((sum, use) => sum + use.count, 0),
                measured: MEASURED_SERVICES.has(action.split(':')[0] ?? ''),
              });
            }
          }
        }
      }
      return { function: name, grants: [...rows.values()] };
    },
  );

/** The report as text: per function, each measured grant with its call count or UNUSED; then the totals. */
export const formatGrantReport = (reports: FunctionReport[], header: string): string => {
  const lines = [header, '', 'function                          grants  unused'];
  for (const report of reports) {
    const rows = report.grants.filter((g) => g.measured);
    lines.push(
      `${report.function.padEnd(32)} ${String(rows.length).padStart(7)} ${String(rows.filter((g) => g.calls === 0).length).padStart(7)}`,
    );
  }
  lines.push('');
  let measured = 0;
  let unused = 0;
  const notMeasured = new Set<string>();
  for (const report of reports) {
    const rows = report.grants.filter((g) => g.measured);
    for (const g of report.grants.filter((g) => !g.measured)) notMeasured.add(g.action);
    const idle = rows.filter((g) => g.calls === 0);
    measured += rows.length;
    unused += idle.length;
    lines.push(`${report.function}: ${rows.length} grants, ${idle.length} unused`);
    for (const g of rows) {
      lines.push(
        `  ${g.calls === 0 ? 'UNUSED' : String(g.calls).padStart(6)}  ${g.action.padEnd(28)} ${g.resource}`,
      );
    }
  }
  lines.push(
    '',
    `Total: ${measured} grants on DynamoDB, S3, SES and Step Functions; ${unused} never used in the recorded run.`,
    `Not measured locally (no emulator stands in for them): ${[...notMeasured].sort().join(', ')}.`,
  );
  return lines.join('\n');
};
