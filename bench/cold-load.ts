/**
 * Loading a bundle in a fresh Node process, as a Lambda cold start does (parse, link, evaluate): shared by the
 * bench's bundle section (bench/run.ts) and bench/cold-compare.ts, so both give handlers the same environment.
 */
import { spawn } from 'node:child_process';

/** What the handlers read at load, plus credentials the SDK clients resolve lazily but may look for. */
export const CHILD_ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'eu-west-2',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  TABLE_NAME: 'affiliate-onboarding',
  DOCUMENTS_BUCKET: 'affiliate-onboarding-documents',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-west-2:000000000000:stateMachine:onboarding',
  MAIL_FROM: 'onboarding@example.org',
  STAFF_EMAIL: 'staff@example.org',
  SITE_URL: 'https://example.org',
  INDUCTION_BOOKING_URL: 'https://example.org/induction',
  THERAPY_ACCOUNT_URL: 'https://example.org/account',
  EVENT_BUS_NAME: 'affiliate-onboarding-events',
  POWERTOOLS_LOG_LEVEL: 'WARN',
};

/** Runs `loader` (a module that imports argv[2] and prints its measurement) on `file`; resolves to what it printed. */
export const loadInChild = (loader: string, file: string): Promise<string> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, [loader, new URL(`file://${file}`).href], {
      env: CHILD_ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk;
    });
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`loading ${file} failed (exit ${code}): ${err}`));
      else done(out);
    });
  });
