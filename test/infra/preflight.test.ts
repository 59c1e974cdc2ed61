/**
 * Issue 9: `npm run preflight` against stubbed AWS clients (aws-sdk-client-mock), never a real account: each check
 * passes on a ready account and names the fix on one that is not.
 */
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetAccountCommand, GetEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOUD_CONFIG } from '../../lib/config.ts';
import { FUNCTIONS } from '../../lib/functions.ts';
import { type Check, formatChecks, preflight, reservedConcurrency } from '../../lib/preflight.ts';

const sts = mockClient(STSClient);
const ses = mockClient(SESv2Client);
const lambda = mockClient(LambdaClient);
// biome-ignore lint/suspicious/noExplicitAny: the stub's input/output types are SSM's; only its calls are read.
const ssmByRegion = new Map<string, AwsStub<any, any, any>>();

const config = {
  ...CLOUD_CONFIG,
  mailFrom: 'onboarding@provider.co.uk',
  staffEmail: 'affiliates@provider.co.uk',
  alarmEmail: 'on-call@provider.co.uk',
};
const named =
  (name: string): ((error: object) => Error) =>
  () =>
    Object.assign(new Error(name), { name });

/** A separate SSMClient instance per region, each with its own stub. */
const clients = () => ({
  sts: new STSClient({ region: 'eu-west-2' }),
  ssm: (region: string) => {
    const client = new SSMClient({ region });
    const stub = mockClient(client);
    const parameter = ssmParameters.get(region);
    if (parameter) stub.on(GetParameterCommand).resolves({ Parameter: { Value: parameter } });
    else stub.on(GetParameterCommand).rejects(named('ParameterNotFound')({}));
    ssmByRegion.set(region, stub);
    return client;
  },
  sesv2: new SESv2Client({ region: 'eu-west-2' }),
  lambda: new LambdaClient({ region: 'eu-west-2' }),
});
let ssmParameters: Map<string, string>;
const byName = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.name, c]));

beforeEach(() => {
  ssmParameters = new Map([
    ['eu-west-2', '27'],
    ['us-east-1', '27'],
  ]);
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
  ses.on(GetAccountCommand).resolves({
    SendingEnabled: true,
    ProductionAccessEnabled: true,
    SendQuota: { Max24HourSend: 50_000 },
  });
  ses
    .on(GetEmailIdentityCommand)
    .resolves({ VerifiedForSendingStatus: true, DkimAttributes: { Status: 'SUCCESS' } });
  lambda
    .on(GetAccountSettingsCommand)
    .resolves({ AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000 } });
});
afterEach(() => {
  sts.reset();
  ses.reset();
  lambda.reset();
  ssmByRegion.clear();
});

describe('preflight', () => {
  it('passes a ready account, checking both regions’ bootstrap with the qualifier given', async () => {
    const checks = await preflight(config, clients(), { qualifier: 'hnb659fds' });
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['config', true],
      ['credentials', true],
      ['bootstrap eu-west-2', true],
      ['bootstrap us-east-1', true],
      ['SES account', true],
      ['SES identity', true],
      ['Lambda concurrency', true],
    ]);
    expect(byName(checks).credentials?.detail).toBe('account 123456789012, deploying to eu-west-2');
    for (const region of ['eu-west-2', 'us-east-1']) {
      expect(ssmByRegion.get(region)?.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
        Name: '/cdk-bootstrap/hnb659fds/version',
      });
    }
    expect(ses.commandCalls(GetEmailIdentityCommand)[0]?.args[0].input).toEqual({
      EmailIdentity: 'provider.co.uk',
    });
  });

  it('names what to fix on a new account: placeholders, us-east-1 not bootstrapped, sandbox, quota of 10', async () => {
    ssmParameters.delete('us-east-1');
    ses.on(GetAccountCommand).resolves({
      SendingEnabled: true,
      ProductionAccessEnabled: false,
      SendQuota: { Max24HourSend: 200 },
    });
    ses.on(GetEmailIdentityCommand).rejects(named('NotFoundException')({}));
    lambda
      .on(GetAccountSettingsCommand)
      .resolves({ AccountLimit: { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 } });
    const checks = byName(await preflight(CLOUD_CONFIG, clients(), { qualifier: 'custom1' }));
    expect(checks.config).toMatchObject({ ok: false, detail: expect.stringContaining('-c mailFrom=…') });
    expect(checks['bootstrap eu-west-2']?.ok).toBe(true);
    expect(checks['bootstrap us-east-1']).toMatchObject({
      ok: false,
      detail: 'not bootstrapped (ParameterNotFound for /cdk-bootstrap/custom1/version)',
      fix: 'Run npx cdk bootstrap aws://123456789012/us-east-1 --qualifier custom1',
    });
    expect(checks['SES account']).toMatchObject({
      ok: false,
      fix: expect.stringContaining('Request SES production access in eu-west-2'),
    });
    // An identity the stack will create is not a problem.
    expect(checks['SES identity']).toMatchObject({ ok: true, detail: expect.stringContaining('creates it') });
    // What the registry reserves (24 today), plus the 100 Lambda keeps unreserved, on an account whose quota is 10.
    const reserved = Object.values(FUNCTIONS).reduce((sum, fn) => sum + (fn.reservedConcurrency ?? 0), 0);
    expect(reserved).toBeGreaterThan(0);
    expect(reservedConcurrency()).toBe(reserved);
    expect(checks['Lambda concurrency']).toMatchObject({
      ok: false,
      fix: expect.stringContaining(`at least ${reserved + 100}`),
    });
    const report = formatChecks(Object.values(checks));
    expect(report).toContain('FIX  bootstrap us-east-1');
    expect(report).toContain('     → Run npx cdk bootstrap');
  });

  it('asks for DKIM records when the identity exists unverified, and for a bootstrap update when too old', async () => {
    ssmParameters.set('eu-west-2', '5');
    ses
      .on(GetEmailIdentityCommand)
      .resolves({ VerifiedForSendingStatus: false, DkimAttributes: { Status: 'PENDING' } });
    const checks = byName(await preflight(config, clients(), { qualifier: 'hnb659fds' }));
    expect(checks['SES identity']).toMatchObject({
      ok: false,
      detail: 'provider.co.uk exists; DKIM PENDING',
      fix: expect.stringContaining('DKIM CNAME records of provider.co.uk'),
    });
    expect(checks['bootstrap eu-west-2']).toMatchObject({
      ok: false,
      fix: 'Update the bootstrap stack: npx cdk bootstrap aws://123456789012/eu-west-2',
    });
  });

  it('stops at the credentials when there are none, saying how to get them', async () => {
    sts.on(GetCallerIdentityCommand).rejects(named('CredentialsProviderError')({}));
    const checks = await preflight(config, clients(), { qualifier: 'hnb659fds' });
    expect(checks.map((c) => c.name)).toEqual(['config', 'credentials']);
    expect(checks[1]).toMatchObject({ ok: false, fix: expect.stringContaining('AWS_PROFILE') });
    expect(ses.calls()).toHaveLength(0);
  });
});
