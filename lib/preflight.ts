/**
 * The deploy preflight (`npm run preflight -- -c mailFrom=… -c staffEmail=… -c alarmEmail=…`): what a first
 * deployment needs from the account, checked before CloudFormation finds out half-way. Read-only calls only:
 *  1. Config: no placeholder address (deployProblems).
 *  2. Credentials: whose account (STS GetCallerIdentity); the region is config `region`, whatever the profile says.
 *  3. Bootstrap: the CDK bootstrap stack's version parameter in the data region and in us-east-1 (the edge stack).
 *  4. SES: sending enabled and out of the sandbox (GetAccount); the sender's domain identity verified, if it exists.
 *  5. Lambda: enough unreserved concurrency for what this app reserves, with the 100 Lambda keeps unreserved.
 * Each check says what to fix. The AWS clients are passed in: the tests stub them (aws-sdk-client-mock).
 */
import { GetAccountSettingsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { GetAccountCommand, GetEmailIdentityCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { DefaultStackSynthesizer } from 'aws-cdk-lib';
import { deployProblems, type StageConfig } from './config.ts';
import { FUNCTIONS } from './functions.ts';
import { EDGE_REGION } from './stacks/edge-stack.ts';

/** Lambda refuses reservations that leave fewer than this many executions unreserved. */
export const LAMBDA_UNRESERVED_MINIMUM = 100;
/** The oldest bootstrap stack version this app's synthesizer deploys with. */
export const MIN_BOOTSTRAP_VERSION = 6;

export const reservedConcurrency = (): number =>
  Object.values(FUNCTIONS).reduce((sum, spec) => sum + (spec.reservedConcurrency ?? 0), 0);

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do, when not ok. */
  fix?: string;
}

export interface PreflightClients {
  sts: STSClient;
  /** One per region: the bootstrap parameter lives in each. */
  ssm: (region: string) => SSMClient;
  sesv2: SESv2Client;
  lambda: LambdaClient;
}

const errorName = (error: unknown): string =>
  error instanceof Error ? error.name : typeof error === 'string' ? error : 'UnknownError';

export const preflight = async (
  config: StageConfig,
  clients: PreflightClients,
  options: { qualifier: string },
): Promise<Check[]> => {
  const checks: Check[] = [];
  const problems = deployProblems(config);
  checks.push({
    name: 'config',
    ok: problems.length === 0,
    detail: problems.length === 0 ? `stage ${config.name} in ${config.region}` : problems.join('; '),
    ...(problems.length ? { fix: 'Pass your own addresses with the -c flags named above.' } : {}),
  });

  let account: string | undefined;
  try {
    account = (await clients.sts.send(new GetCallerIdentityCommand({}))).Account;
    checks.push({
      name: 'credentials',
      ok: true,
      detail: `account ${account}, deploying to ${config.region}`,
    });
  } catch (error) {
    checks.push({
      name: 'credentials',
      ok: false,
      detail: `no usable AWS credentials (${errorName(error)})`,
      fix: 'Set AWS_PROFILE (or run `aws sso login`) for the account to deploy to.',
    });
    return checks;
  }

  for (const region of [...new Set([config.region, EDGE_REGION])]) {
    const parameter = `/cdk-bootstrap/${options.qualifier}/version`;
    const bootstrap = `npx cdk bootstrap aws://${account}/${region}${options.qualifier === DefaultStackSynthesizer.DEFAULT_QUALIFIER ? '' : ` --qualifier ${options.qualifier}`}`;
    try {
      const found = await clients.ssm(region).send(new GetParameterCommand({ Name: parameter }));
      const version = Number(found.Parameter?.Value);
      const ok = version >= MIN_BOOTSTRAP_VERSION;
      checks.push({
        name: `bootstrap ${region}`,
        ok,
        detail: `version ${found.Parameter?.Value ?? '?'} (qualifier ${options.qualifier})`,
        ...(ok ? {} : { fix: `Update the bootstrap stack: ${bootstrap}` }),
      });
    } catch (error) {
      checks.push({
        name: `bootstrap ${region}`,
        ok: false,
        detail: `not bootstrapped (${errorName(error)} for ${parameter})`,
        fix: `Run ${bootstrap}`,
      });
    }
  }

  try {
    const ses = await clients.sesv2.send(new GetAccountCommand({}));
    const sending = ses.SendingEnabled === true;
    const production = ses.ProductionAccessEnabled === true;
    checks.push({
      name: 'SES account',
      ok: sending && production,
      detail: `${sending ? 'sending enabled' : 'sending paused'}, ${production ? 'production access' : 'in the sandbox (verified recipients only)'}; ${ses.SendQuota?.Max24HourSend ?? '?'} emails a day`,
      ...(!sending
        ? {
            fix: `SES paused sending in ${config.region}: see the account's reputation dashboard before deploying.`,
          }
        : !production
          ? {
              fix: `Request SES production access in ${config.region} (console: SES → Get set up → Request production access); until then only verified addresses receive email.`,
            }
          : {}),
    });
  } catch (error) {
    checks.push({
      name: 'SES account',
      ok: false,
      detail: `could not read the SES account (${errorName(error)})`,
      fix: 'Allow ses:GetAccount to the deploying credentials.',
    });
  }

  const domain = config.mailFrom.split('@')[1] ?? '';
  try {
    const identity = await clients.sesv2.send(new GetEmailIdentityCommand({ EmailIdentity: domain }));
    const verified = identity.VerifiedForSendingStatus === true;
    checks.push({
      name: 'SES identity',
      ok: verified,
      detail: `${domain} exists; DKIM ${identity.DkimAttributes?.Status ?? 'unknown'}`,
      ...(verified
        ? {}
        : {
            fix: `Publish the three DKIM CNAME records of ${domain} (stack outputs DkimRecord1-3) in its DNS.`,
          }),
    });
  } catch (error) {
    const missing = errorName(error) === 'NotFoundException';
    checks.push({
      name: 'SES identity',
      ok: missing,
      detail: missing
        ? `${domain} is not an identity yet: the stateful stack creates it (then publish its DKIM records)`
        : `could not read the identity ${domain} (${errorName(error)})`,
      ...(missing ? {} : { fix: 'Allow ses:GetEmailIdentity to the deploying credentials.' }),
    });
  }

  const reserved = reservedConcurrency();
  try {
    const settings = await clients.lambda.send(new GetAccountSettingsCommand({}));
    const limit = settings.AccountLimit?.ConcurrentExecutions ?? 0;
    const unreserved = settings.AccountLimit?.UnreservedConcurrentExecutions ?? 0;
    const ok = unreserved - reserved >= LAMBDA_UNRESERVED_MINIMUM;
    checks.push({
      name: 'Lambda concurrency',
      ok,
      detail: `quota ${limit}, ${unreserved} unreserved; this app reserves ${reserved} and Lambda keeps ${LAMBDA_UNRESERVED_MINIMUM} unreserved`,
      ...(ok
        ? {}
        : {
            fix: `Ask for a higher "Concurrent executions" quota in Service Quotas (${config.region}): at least ${reserved + LAMBDA_UNRESERVED_MINIMUM + (limit - unreserved)}; 1,000 is the usual default.`,
          }),
    });
  } catch (error) {
    checks.push({
      name: 'Lambda concurrency',
      ok: false,
      detail: `could not read the Lambda account settings (${errorName(error)})`,
      fix: 'Allow lambda:GetAccountSettings to the deploying credentials.',
    });
  }
  return checks;
};

/** The report an operator reads: one line per check, and what to fix under each failure. */
export const formatChecks = (checks: readonly Check[]): string =>
  checks
    .map(
      (c) => `${c.ok ? 'ok  ' : 'FIX '} ${c.name}: ${c.detail}${c.ok || !c.fix ? '' : `\n     → ${c.fix}`}`,
    )
    .join('\n');
