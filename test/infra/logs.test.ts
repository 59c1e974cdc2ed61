/**
 * Issue 9, who looked at what: logs never carry email addresses, and a CloudWatch Logs data-protection policy
 * masks any that still arrive, on every function's log group and on the API access log (which names the caller's
 * `sub`, not their address).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../lib/functions.ts';
import { type Cfn, resourcesOf, type Synthesized, synth } from './synth.ts';

let s: Synthesized;
const EMAIL_IDENTIFIER = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dataprotection::aws:data-identifier/EmailAddress']],
};

beforeAll(() => {
  s = synth();
});

const masksEmails = (policy: Cfn) => {
  expect(policy.Statement).toEqual([
    expect.objectContaining({
      DataIdentifier: [EMAIL_IDENTIFIER],
      Operation: { Audit: { FindingsDestination: {} } },
    }),
    expect.objectContaining({
      DataIdentifier: [EMAIL_IDENTIFIER],
      Operation: { Deidentify: { MaskConfig: {} } },
    }),
  ]);
};

describe('log groups', () => {
  it('every function logs to a group that masks email addresses', () => {
    const groups = resourcesOf(s.statelessTemplate, 'AWS::Logs::LogGroup');
    const functions = Object.values(resourcesOf(s.statelessTemplate, 'AWS::Lambda::Function')).filter(
      (r) => r.Properties.LoggingConfig,
    );
    expect(functions.length).toBeGreaterThanOrEqual(Object.keys(FUNCTIONS).length);
    for (const fn of functions) {
      const groupId = (fn.Properties.LoggingConfig as Cfn).LogGroup.Ref;
      const group = groups[groupId]?.Properties as Cfn;
      expect(group.DataProtectionPolicy, groupId).toBeDefined();
      masksEmails(group.DataProtectionPolicy);
    }
  });

  it('the API access log masks email addresses and names the caller by sub', () => {
    const stage = Object.values(resourcesOf(s.statelessTemplate, 'AWS::ApiGatewayV2::Stage'))[0]
      ?.Properties as Cfn;
    const groupId = stage.AccessLogSettings.DestinationArn['Fn::GetAtt'][0];
    masksEmails(
      resourcesOf(s.statelessTemplate, 'AWS::Logs::LogGroup')[groupId]?.Properties.DataProtectionPolicy,
    );
    const format = JSON.parse(stage.AccessLogSettings.Format);
    expect(format.sub).toBe('$context.authorizer.claims.sub');
    expect(Object.values(format).join(' ')).not.toMatch(/email|body/i);
  });
});
