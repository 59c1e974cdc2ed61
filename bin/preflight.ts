/**
 * `npm run preflight -- -c mailFrom=… -c staffEmail=… -c alarmEmail=… [-c domainName=…]`: checks the account
 * before the first `cdk deploy` (lib/preflight.ts) and prints what to fix; exits 1 if anything must be fixed.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { DefaultStackSynthesizer } from 'aws-cdk-lib';
import { CLOUD_CONFIG, type StageConfig } from '../lib/config.ts';
import { formatChecks, preflight } from '../lib/preflight.ts';

/** The same `-c key=value` flags `cdk deploy` takes. */
const context = Object.fromEntries(
  process.argv
    .slice(2)
    .flatMap((arg, i, all) => (arg === '-c' || arg === '--context' ? [all[i + 1] ?? ''] : []))
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
const config: StageConfig = {
  ...CLOUD_CONFIG,
  ...(context.mailFrom ? { mailFrom: context.mailFrom } : {}),
  ...(context.staffEmail ? { staffEmail: context.staffEmail } : {}),
  ...(context.alarmEmail ? { alarmEmail: context.alarmEmail } : {}),
  ...(context.domainName ? { domainName: context.domainName } : {}),
};
const qualifier = context['@aws-cdk/core:bootstrapQualifier'] || DefaultStackSynthesizer.DEFAULT_QUALIFIER;
const region = config.region;
const checks = await preflight(
  config,
  {
    sts: new STSClient({ region }),
    ssm: (r) => new SSMClient({ region: r }),
    sesv2: new SESv2Client({ region }),
    lambda: new LambdaClient({ region }),
  },
  { qualifier },
);
console.log(formatChecks(checks));
process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
