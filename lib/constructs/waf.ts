/**
 * The web ACL in front of the CloudFront distribution (site and `/api/*`): AWS requires a CLOUDFRONT-scoped web
 * ACL to live in us-east-1, so it is built by the edge stack (lib/stacks/edge-stack.ts). Rules, in the order WAF
 * evaluates them (docs/runbook.md lists them with what to do when one blocks real people):
 *  1. RateLimitPerIp: more than RATE_LIMITS.perIp requests from one IP in 5 minutes → blocked until it slows.
 *  2. CreateApplicationRatePerIp: more than RATE_LIMITS.createApplicationPerIp `POST /api/applications` from one IP
 *     in 5 minutes → blocked (each one sends an email and starts a Standard execution).
 *  3. AWSManagedRulesCommonRuleSet (OWASP-style checks; the body-size rule counts only: the API's own limit is
 *     64 KB, answered 413, and a full week's availability can exceed the rule's 8 KB).
 *  4. AWSManagedRulesKnownBadInputsRuleSet (Log4j, Java deserialisation, host-header tricks).
 *  5. ChallengeApplicationForm: a silent browser challenge on loading the application form, which gives a real
 *     browser its WAF token.
 *  6. ChallengeCreateApplication: `POST /api/applications` without a valid token is answered with a challenge
 *     (HTTP 202) instead of reaching the API: a script that never loaded the form cannot submit.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** Per-IP request ceilings over WAF's 5-minute window. */
export const RATE_LIMITS = {
  /** Every request (pages, scripts, API): a form and status page load is about 15. */
  perIp: 1000,
  /** Submissions: a person submits once; a family or office sharing one IP a few times. */
  createApplicationPerIp: 10,
} as const;

/** How long a solved challenge lets a browser through: long enough to fill the form after loading it. */
export const CHALLENGE_IMMUNITY = Duration.hours(2);

export interface EdgeFirewallProps {
  /** Prefix of the web ACL's name and metrics. */
  name: string;
  /** Encrypts the WAF log group (a key of the edge stack's region). */
  key: IKey;
}

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

const uriIs = (path: string): CfnWebACL.StatementProperty => ({
  byteMatchStatement: {
    fieldToMatch: { uriPath: {} },
    positionalConstraint: 'EXACTLY',
    searchString: path,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
});
const methodIs = (method: string): CfnWebACL.StatementProperty => ({
  byteMatchStatement: {
    fieldToMatch: { method: {} },
    positionalConstraint: 'EXACTLY',
    searchString: method,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
});
const createApplication: CfnWebACL.StatementProperty = {
  andStatement: { statements: [methodIs('POST'), uriIs('/api/applications')] },
};
const managed = (name: string, priority: number, overrides: string[] = []): CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: {
    managedRuleGroupStatement: {
      vendorName: 'AWS',
      name,
      ...(overrides.length
        ? { ruleActionOverrides: overrides.map((rule) => ({ name: rule, actionToUse: { count: {} } })) }
        : {}),
    },
  },
  visibilityConfig: visibility(name),
});

export class EdgeFirewall extends Construct {
  readonly webAcl: CfnWebACL;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: EdgeFirewallProps) {
    super(scope, id);
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `${props.name}-edge`,
      description: 'Affiliate onboarding: the site and its API behind CloudFront',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      challengeConfig: { immunityTimeProperty: { immunityTime: CHALLENGE_IMMUNITY.toSeconds() } },
      visibilityConfig: visibility(`${props.name}-edge`),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: RATE_LIMITS.perIp,
              evaluationWindowSec: 300,
            },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        {
          name: 'CreateApplicationRatePerIp',
          priority: 1,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: RATE_LIMITS.createApplicationPerIp,
              evaluationWindowSec: 300,
              scopeDownStatement: createApplication,
            },
          },
          visibilityConfig: visibility('CreateApplicationRatePerIp'),
        },
        managed('AWSManagedRulesCommonRuleSet', 2, ['SizeRestrictions_BODY']),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 3),
        {
          name: 'ChallengeApplicationForm',
          priority: 4,
          action: { challenge: {} },
          statement: {
            andStatement: {
              statements: [
                methodIs('GET'),
                { orStatement: { statements: [uriIs('/'), uriIs('/index.html')] } },
              ],
            },
          },
          visibilityConfig: visibility('ChallengeApplicationForm'),
        },
        {
          name: 'ChallengeCreateApplication',
          priority: 5,
          action: { challenge: {} },
          statement: createApplication,
          visibilityConfig: visibility('ChallengeCreateApplication'),
        },
      ],
    });

    // The name must start with aws-waf-logs-. Requests are logged without the credentials they carry.
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-${props.name.toLowerCase()}`,
      retention: RetentionDays.ONE_MONTH,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [this.logGroup.logGroupArn],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
    });
  }
}
