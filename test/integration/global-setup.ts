/**
 * Starts the whole local stack once for the integration and browser tests, on free ports with a fresh data
 * directory, and hands its URLs to the test files (inject('apiUrl') etc.).
 */
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
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
  // The handlers run in this process: their logs are what this process writes.
  const logFile = join(dataDir, 'process-output.log');
  const untee = [tee(process.stdout, logFile), tee(process.stderr, logFile)];
  // INFO, so the canary sees every line a handler logs in the cloud (lib/local/stack.ts defaults to WARN).
  process.env.POWERTOOLS_LOG_LEVEL ??= 'INFO';
  project.provide('logFile', logFile);
  const stack = await startLocalStack({ dataDir, fresh: true, log: (line) => console.log(line) });
  project.provide('apiUrl', stack.apiUrl);
  project.provide('siteUrl', stack.siteUrl);
  project.provide('mailUrl', stack.mailUrl);
  project.provide('endpoints', stack.endpoints);
  project.provide('dataDir', dataDir);
  return async () => {
    for (const undo of untee) undo();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
