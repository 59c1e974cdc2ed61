/**
 * Issue 9, email that is delivered: the SES identity and its configuration set are retained in the stateful
 * stack; bounces and complaints reach the email-feedback function; sending is granted only as `mailFrom`; and a
 * deployment refuses the example.org placeholders.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { CLOUD_CONFIG, deployProblems } from '../../lib/config.ts';
import { FUNCTION_METADATA_KEY } from '../../lib/constructs/function.ts';
import { FUNCTIONS, type FunctionName } from '../../lib/functions.ts';
import { type Cfn, resourcesOf, type Synthesized, synth } from './synth.ts';

let s: Synthesized;
const one = (template: Synthesized['statefulTemplate'], type: string): [string, Cfn] => {
  const entries = Object.entries(resourcesOf(template, type));
  expect(entries, type).toHaveLength(1);
  return entries[0] as [string, Cfn];
};

beforeAll(() => {
  s = synth();
});

describe('the SES identity and configuration set', () => {
  it('live in the stateful stack and are retained when a stack is deleted', () => {
    const [setId, set] = one(s.statefulTemplate, 'AWS::SES::ConfigurationSet');
    const [, identity] = one(s.statefulTemplate, 'AWS::SES::EmailIdentity');
    expect(identity).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        EmailIdentity: 'example.org',
        ConfigurationSetAttributes: { ConfigurationSetName: { Ref: setId } },
      },
    });
    expect(set).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        Name: 'AffiliateOnboarding-mail',
        ReputationOptions: { ReputationMetricsEnabled: true },
        DeliveryOptions: { TlsPolicy: 'REQUIRE' },
        SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      },
    });
    expect(resourcesOf(s.statelessTemplate, 'AWS::SES::EmailIdentity')).toEqual({});
  });

  it('sends bounce and complaint events to the default event bus', () => {
    const [setId] = one(s.statefulTemplate, 'AWS::SES::ConfigurationSet');
    const [, destination] = one(s.statefulTemplate, 'AWS::SES::ConfigurationSetEventDestination');
    expect(destination.Properties.ConfigurationSetName).toEqual({ Ref: setId });
    expect(destination.Properties.EventDestination).toMatchObject({
      Enabled: true,
      MatchingEventTypes: ['bounce', 'complaint'],
    });
    expect(
      JSON.stringify(destination.Properties.EventDestination.EventBridgeDestination.EventBusArn),
    ).toContain(':events:eu-west-2:');
    expect(
      JSON.stringify(destination.Properties.EventDestination.EventBridgeDestination.EventBusArn),
    ).toContain(':event-bus/default');
  });
});

describe('bounces and complaints', () => {
  it('reach the email-feedback function for this configuration set only, retried, then dead-lettered', () => {
    const rules = Object.values(resourcesOf(s.statelessTemplate, 'AWS::Events::Rule')).filter(
      (r) => (r.Properties.EventPattern as Cfn)?.source?.[0] === 'aws.ses',
    );
    expect(rules).toHaveLength(1);
    const rule = rules[0]?.Properties as Cfn;
    expect(rule.EventPattern).toEqual({
      source: ['aws.ses'],
      'detail-type': ['Email Bounced', 'Email Complaint Received'],
      detail: { mail: { tags: { 'ses:configuration-set': ['AffiliateOnboarding-mail'] } } },
    });
    const [target] = rule.Targets;
    const fnId = target.Arn['Fn::GetAtt'][0];
    expect(
      resourcesOf(s.statelessTemplate, 'AWS::Lambda::Function')[fnId]?.Metadata?.[FUNCTION_METADATA_KEY],
    ).toBe('email-feedback');
    expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 8 });
    const queue = resourcesOf(s.statelessTemplate, 'AWS::SQS::Queue')[
      target.DeadLetterConfig.Arn['Fn::GetAtt'][0]
    ];
    expect(queue?.Properties).toMatchObject({ MessageRetentionPeriod: 1209600 });
  });

  it('are handled with reserved concurrency, so a flood on the API cannot starve them', () => {
    expect(FUNCTIONS['email-feedback'].reservedConcurrency).toBe(2);
  });
});

describe('sending', () => {
  it('is granted on the identity and the configuration set, and only as mailFrom', () => {
    const mailing = (Object.keys(FUNCTIONS) as FunctionName[]).filter((name) => FUNCTIONS[name].uses.mail);
    const functions = resourcesOf(s.statelessTemplate, 'AWS::Lambda::Function');
    const policies = Object.values(resourcesOf(s.statelessTemplate, 'AWS::IAM::Policy'));
    for (const name of mailing) {
      const [, fn] =
        Object.entries(functions).find(([, r]) => r.Metadata?.[FUNCTION_METADATA_KEY] === name) ?? [];
      if (!fn) throw new Error(`no function ${name}`);
      const roleId = (fn.Properties.Role as Cfn)['Fn::GetAtt'][0];
      const statements = policies
        .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
        .flatMap((p) => (p.Properties.PolicyDocument as Cfn).Statement as Cfn[])
        .filter((st) => JSON.stringify(st.Action).includes('ses:'));
      expect(statements, name).toHaveLength(1);
      const [send] = statements;
      expect(send.Action, name).toBe('ses:SendEmail');
      expect(send.Condition, name).toEqual({ StringEquals: { 'ses:FromAddress': 'onboarding@example.org' } });
      const resources = JSON.stringify(send.Resource);
      expect(resources).toContain(':ses:eu-west-2:');
      expect(resources).toContain(':identity/example.org');
      expect(resources).toContain(':configuration-set/AffiliateOnboarding-mail');
      expect(send.Resource).toHaveLength(2);
    }
  });
});

describe('a deployment', () => {
  it('refuses the example.org placeholders, naming the -c flags that fix it', () => {
    expect(() =>
      buildApp({ forDeployment: true, bundling: false, nag: false, cfnValidation: false }),
    ).toThrow(
      /mailFrom, staffEmail, alarmEmail are still a placeholder address.*-c mailFrom=… -c staffEmail=… -c alarmEmail=…/,
    );
    expect(deployProblems({ ...CLOUD_CONFIG, mailFrom: 'onboarding@provider.co.uk' })[0]).toMatch(
      /^staffEmail, alarmEmail are still/,
    );
    expect(deployProblems({ ...CLOUD_CONFIG, staffEmail: 'team@clinic.test' })).toHaveLength(1);
  });

  it('goes ahead with real addresses', () => {
    const real = {
      ...CLOUD_CONFIG,
      mailFrom: 'onboarding@provider.co.uk',
      staffEmail: 'affiliates@provider.co.uk',
      alarmEmail: 'on-call@provider.co.uk',
    };
    expect(deployProblems(real)).toEqual([]);
    const built = buildApp({
      forDeployment: true,
      config: real,
      bundling: false,
      nag: false,
      cfnValidation: false,
    });
    expect(built.stateful.mail.domain).toBe('provider.co.uk');
  });
});
