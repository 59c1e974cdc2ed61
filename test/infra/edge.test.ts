/**
 * Issue 9, abuse of the public API: the API is served by the CloudFront distribution under `/api/*`, and the
 * whole distribution is behind a CLOUDFRONT-scoped WAF web ACL in us-east-1 (rate per IP, a tighter rate on
 * submissions, the AWS common and known-bad-inputs rule groups, a challenge on the form and its submission).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_CONFIG } from '../../lib/config.ts';
import { type Cfn, resourcesOf, type Synthesized, synth } from './synth.ts';

let s: Synthesized;
let acl: Cfn;
let distribution: Cfn;
const rule = (name: string): Cfn => (acl.Rules as Cfn[]).find((r) => r.Name === name);
const byteMatch = (field: 'Method' | 'UriPath', value: string) => ({
  ByteMatchStatement: {
    FieldToMatch: { [field]: {} },
    PositionalConstraint: 'EXACTLY',
    SearchString: value,
    TextTransformations: [{ Priority: 0, Type: 'NONE' }],
  },
});
const createApplication = {
  AndStatement: { Statements: [byteMatch('Method', 'POST'), byteMatch('UriPath', '/api/applications')] },
};

beforeAll(() => {
  s = synth();
  const acls = Object.values(resourcesOf(s.edgeTemplate, 'AWS::WAFv2::WebACL'));
  expect(acls).toHaveLength(1);
  acl = acls[0]?.Properties;
  distribution = Object.values(resourcesOf(s.statefulTemplate, 'AWS::CloudFront::Distribution'))[0]
    ?.Properties.DistributionConfig;
});

describe('regions', () => {
  it('pins the data to the configured region and the web ACL to us-east-1, where CloudFront needs it', () => {
    expect(CLOUD_CONFIG.region).toBe('eu-west-2');
    expect(s.stateful.region).toBe('eu-west-2');
    expect(s.stateless.region).toBe('eu-west-2');
    expect(s.edge.region).toBe('us-east-1');
  });

  it('follows the region the stage config names', () => {
    const other = synth({ config: { ...CLOUD_CONFIG, region: 'eu-west-1' } });
    expect([other.stateful.region, other.stateless.region, other.edge.region]).toEqual([
      'eu-west-1',
      'eu-west-1',
      'us-east-1',
    ]);
  });
});

describe('the web ACL', () => {
  it('is CLOUDFRONT-scoped, allows by default and keeps a solved challenge for two hours', () => {
    expect(acl).toMatchObject({
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      ChallengeConfig: { ImmunityTimeProperty: { ImmunityTime: 7200 } },
    });
    expect((acl.Rules as Cfn[]).map((r) => [r.Priority, r.Name])).toEqual([
      [0, 'RateLimitPerIp'],
      [1, 'CreateApplicationRatePerIp'],
      [2, 'AWSManagedRulesCommonRuleSet'],
      [3, 'AWSManagedRulesKnownBadInputsRuleSet'],
      [4, 'ChallengeApplicationForm'],
      [5, 'ChallengeCreateApplication'],
    ]);
    for (const r of acl.Rules as Cfn[]) {
      expect(r.VisibilityConfig).toEqual({
        CloudWatchMetricsEnabled: true,
        MetricName: r.Name,
        SampledRequestsEnabled: true,
      });
    }
  });

  it('blocks an IP over 1000 requests in 5 minutes', () => {
    expect(rule('RateLimitPerIp')).toMatchObject({
      Action: { Block: {} },
      Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 1000, EvaluationWindowSec: 300 } },
    });
  });

  it('blocks an IP over 10 submissions (POST /api/applications) in 5 minutes', () => {
    expect(rule('CreateApplicationRatePerIp')).toMatchObject({
      Action: { Block: {} },
      Statement: {
        RateBasedStatement: {
          AggregateKeyType: 'IP',
          Limit: 10,
          EvaluationWindowSec: 300,
          ScopeDownStatement: createApplication,
        },
      },
    });
  });

  it('runs the AWS common rule set (body size only counted: the API answers 413 itself) and known bad inputs', () => {
    expect(rule('AWSManagedRulesCommonRuleSet')).toMatchObject({
      OverrideAction: { None: {} },
      Statement: {
        ManagedRuleGroupStatement: {
          VendorName: 'AWS',
          Name: 'AWSManagedRulesCommonRuleSet',
          RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
        },
      },
    });
    expect(rule('AWSManagedRulesKnownBadInputsRuleSet')).toMatchObject({
      OverrideAction: { None: {} },
      Statement: {
        ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' },
      },
    });
    expect(
      rule('AWSManagedRulesKnownBadInputsRuleSet').Statement.ManagedRuleGroupStatement,
    ).not.toHaveProperty('RuleActionOverrides');
  });

  it('challenges the browser loading the form, and a submission that never solved a challenge', () => {
    expect(rule('ChallengeApplicationForm')).toEqual(
      expect.objectContaining({
        Action: { Challenge: {} },
        Statement: {
          AndStatement: {
            Statements: [
              byteMatch('Method', 'GET'),
              {
                OrStatement: { Statements: [byteMatch('UriPath', '/'), byteMatch('UriPath', '/index.html')] },
              },
            ],
          },
        },
      }),
    );
    expect(rule('ChallengeCreateApplication')).toEqual(
      expect.objectContaining({ Action: { Challenge: {} }, Statement: createApplication }),
    );
  });

  it('logs requests to a KMS-encrypted aws-waf-logs- group, without Authorization or cookies', () => {
    const logging = Object.values(resourcesOf(s.edgeTemplate, 'AWS::WAFv2::LoggingConfiguration'))[0]
      ?.Properties as Cfn;
    expect(logging.RedactedFields).toEqual([
      { SingleHeader: { Name: 'authorization' } },
      { SingleHeader: { Name: 'cookie' } },
    ]);
    const groupId = logging.LogDestinationConfigs[0]['Fn::GetAtt'][0];
    const group = resourcesOf(s.edgeTemplate, 'AWS::Logs::LogGroup')[groupId]?.Properties as Cfn;
    expect(group.LogGroupName).toBe('aws-waf-logs-affiliateonboarding');
    expect(group.RetentionInDays).toBe(30);
    expect(group.KmsKeyId['Fn::GetAtt'][0]).toMatch(/^Key/);
  });
});

describe('the distribution', () => {
  it('is behind the web ACL, read across regions (an SSM parameter CDK writes in the data region)', () => {
    const [reader, parameter] = distribution.WebACLId['Fn::GetAtt'];
    expect(reader).toMatch(/^ExportsReader/);
    expect(parameter).toMatch(/^\/cdk\/exports\/AffiliateOnboarding-Stateful\/.*FirewallWebAcl/);
  });

  it('serves the API under /api/*: never cached, every method, all viewer headers but Host, HTTPS only', () => {
    const behaviours = distribution.CacheBehaviors as Cfn[];
    expect(behaviours).toHaveLength(1);
    const api = behaviours[0];
    expect(api).toMatchObject({
      PathPattern: '/api/*',
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      // Managed policies: CachingDisabled, AllViewerExceptHostHeader, SecurityHeadersPolicy.
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
      ResponseHeadersPolicyId: '67f7725c-6f97-4210-82d7-5512b31e9d03',
    });
    const origin = (distribution.Origins as Cfn[]).find((o) => o.Id === api.TargetOriginId);
    expect(origin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    const [apiRef, suffix] = origin.DomainName['Fn::Join'][1];
    expect(apiRef.Ref).toMatch(/^ApiHttpApi/);
    expect(suffix).toBe('.execute-api.eu-west-2.');
    expect(Object.keys(resourcesOf(s.statefulTemplate, 'AWS::ApiGatewayV2::Api'))).toEqual([apiRef.Ref]);
  });
});

describe('a custom domain (-c domainName=…)', () => {
  it('is absent by default: the *.cloudfront.net domain and certificate', () => {
    expect(resourcesOf(s.edgeTemplate, 'AWS::CertificateManager::Certificate')).toEqual({});
    expect(distribution.Aliases).toBeUndefined();
    expect(distribution.ViewerCertificate).toBeUndefined();
  });

  it('gets a DNS-validated certificate in us-east-1, TLSv1.2_2021 at least, and becomes the site origin', () => {
    const custom = synth({ config: { ...CLOUD_CONFIG, domainName: 'apply.provider.co.uk' } });
    const certificates = Object.values(
      resourcesOf(custom.edgeTemplate, 'AWS::CertificateManager::Certificate'),
    );
    expect(certificates.map((c) => c.Properties)).toEqual([
      expect.objectContaining({ DomainName: 'apply.provider.co.uk', ValidationMethod: 'DNS' }),
    ]);
    const config = Object.values(resourcesOf(custom.statefulTemplate, 'AWS::CloudFront::Distribution'))[0]
      ?.Properties.DistributionConfig as Cfn;
    expect(config.Aliases).toEqual(['apply.provider.co.uk']);
    expect(config.ViewerCertificate).toMatchObject({
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(config.ViewerCertificate.AcmCertificateArn['Fn::GetAtt'][1]).toMatch(
      /^\/cdk\/exports\/.*Certificate/,
    );
    expect(custom.stateful.siteUrl).toBe('https://apply.provider.co.uk');
    const siteUrl = Object.values(resourcesOf(custom.statefulTemplate, 'AWS::SSM::Parameter')).find(
      (r) => r.Properties.Name === '/AffiliateOnboarding/site-url',
    );
    expect(siteUrl?.Properties.Value).toBe('https://apply.provider.co.uk');
  });
});
