/**
 * `npm run dev`: the whole system on this machine, no AWS account (DESIGN §6).
 * `npm run dev -- --fresh` starts with empty data; Ctrl-C stops everything cleanly.
 */
import { resolve } from 'node:path';
import { DataFolderInUse } from '../lib/local/data-lock.ts';
import { startLocalStack } from '../lib/local/stack.ts';

const port = (name: string, fallback: number): number => {
  const value = process.env[name];
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number`);
  return n;
};

const stack = await startLocalStack({
  dataDir: resolve(import.meta.dirname, '..', '.local'),
  fresh: process.argv.includes('--fresh'),
  apiPort: port('PORT', 3000),
  sitePort: port('SITE_PORT', 3001),
  mailPort: port('MAIL_PORT', 3002),
  scheduler: true,
  log: (line) => console.log(line),
}).catch((error: unknown) => {
  if (error instanceof DataFolderInUse) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
});

console.log(`
Affiliate onboarding is running (127.0.0.1 only)
  Application form  ${stack.siteUrl}/
  Staff pages       ${stack.siteUrl}/staff/
  API               ${stack.apiUrl}   (OpenAPI: ${stack.apiUrl}/openapi.json)
  Mail viewer       ${stack.mailUrl}
  Staff token       ${await stack.staffToken()}
  IAM               ${stack.iam.enforced ? 'enforced from the synthesized template (IAM=off to disable)' : 'NOT enforced (IAM=off)'}; denials at ${stack.apiUrl}/__dev/iam
Data is kept in .local/ (npm run dev -- --fresh starts empty). Ctrl-C to stop.
`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
