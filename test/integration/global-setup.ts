/**
 * Starts the whole local stack once for the integration and browser tests, on free ports with a fresh data
 * directory, and hands its URLs to the test files (inject('apiUrl') etc.).
 *
 * Least privilege, measured (issue 8): IAM is enforced for the whole run; a test file fails if a function was
 * denied a call while it ran (iam-guard.ts), and the run exits 1 if any was, naming them. What each function used is written to
 * bench/results/iam-usage.json for `npm run iam:report`.
 */
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { usageFileOf } from '../../lib/local/iam-report.ts';
import { startLocalStack } from '../../lib/local/stack.ts';

/**
 * Copies what a stream writes into a file until the returned function undoes it. The handlers' INFO lines go to
 * the file only (the log canary reads them; the terminal shows warnings and errors, as before).
 */
const tee = (stream: NodeJS.WriteStream, file: string): (() => void) => {
  const write = stream.write;
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    appendFileSync(file, chunk);
    if (String(chunk).includes('"level":"INFO"')) return true;
    return (write as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
  }) as typeof stream.write;
  return () => {
    stream.write = write;
  };
};

export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(join(tmpdir(), 'affiliate-onboarding-test-'));
  // The handlers run in worker threads (lib/local/lambda-runtime.ts) whose stdout and stderr Node pipes into this
  // process's streams: their logs are what this process writes.
  const logFile = join(dataDir, 'process-output.log');
  const untee = [tee(process.stdout, logFile), tee(process.stderr, logFile)];
  // INFO, so the canary sees every line a handler logs in the cloud: the stack hands it to each function's workers
  // as POWERTOOLS_LOG_LEVEL (lib/local/stack.ts; WARN by default).
  process.env.POWERTOOLS_LOG_LEVEL ??= 'INFO';
  project.provide('logFile', logFile);
  const stack = await startLocalStack({
    dataDir,
    fresh: true,
    usageFile: usageFileOf(project.name),
    // Off: the tests send bursts a real client would not; throttles.test.ts turns them on to prove them.
    throttle: false,
    log: (line) => console.log(line),
  });
  project.provide('apiUrl', stack.apiUrl);
  project.provide('siteUrl', stack.siteUrl);
  project.provide('mailUrl', stack.mailUrl);
  project.provide('endpoints', stack.endpoints);
  project.provide('iamEndpoints', stack.iam.endpoints);
  project.provide('dataDir', dataDir);
  return async () => {
    const denied = stack.iam.denied();
    await stack.stop();
    for (const undo of untee) undo();
    await rm(dataDir, { recursive: true, force: true });
    if (denied.length > 0) {
      // A teardown error does not fail a vitest run; the exit code does (each file's own check is iam-guard.ts).
      console.error(
        `IAM: ${denied.length} call(s) were denied during the run (a grant is missing from the CDK stack):\n${denied
          .map((d) => `  ${d.function}: ${d.action} on ${d.resource}`)
          .join('\n')}`,
      );
      process.exitCode = 1;
    }
  };
}
