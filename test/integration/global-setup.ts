/**
 * Starts the whole local stack once for the integration and browser tests, on free ports with a fresh data
 * directory, and hands its URLs to the test files (inject('apiUrl') etc.).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalStack } from '../../lib/local/stack.ts';

export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(join(tmpdir(), 'affiliate-onboarding-test-'));
  const stack = await startLocalStack({ dataDir, fresh: true, log: (line) => console.log(line) });
  project.provide('apiUrl', stack.apiUrl);
  project.provide('siteUrl', stack.siteUrl);
  project.provide('mailUrl', stack.mailUrl);
  project.provide('endpoints', stack.endpoints);
  project.provide('dataDir', dataDir);
  return async () => {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
