/**
 * Builds the CDK app: the stateful and the stateless stack, with the cdk-nag AwsSolutions and HIPAA.Security
 * packs registered as validation plugins, so every synth (and every infra test) fails on an unacknowledged
 * finding. Used by bin/app.ts, the infra tests and lib/workflow-asl.ts.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { CLOUD_CONFIG, deployProblems, type StageConfig } from './config.ts';
import { ROUTES, type Route } from './routes.ts';
import { EDGE_REGION, EdgeStack } from './stacks/edge-stack.ts';
import { StatefulStack } from './stacks/stateful-stack.ts';
import { StatelessStack } from './stacks/stateless-stack.ts';

export interface BuildAppOptions {
  /** Default: CLOUD_CONFIG. */
  config?: StageConfig;
  /** Default: ROUTES. Tests pass extra routes to check how a kind of route is built before the table has one. */
  routes?: readonly Route[];
  /** Default true. False skips esbuild and the site build (`aws:cdk:bundling-stacks: []`): templates only. */
  bundling?: boolean;
  /** Default true: register the cdk-nag packs. */
  nag?: boolean;
  /**
   * Default true: aws-cdk-lib's built-in CloudFormation template validation (it catches circular dependencies).
   * It takes seconds; lib/workflow-asl.ts turns it off to stay fast.
   */
  cfnValidation?: boolean;
  /** Cloud assembly directory. Default: the CLI's (CDK_OUTDIR) or a temporary one. */
  outdir?: string;
  /**
   * Default false. True (bin/app.ts: every `cdk synth` / `cdk deploy`) refuses a config that cannot be deployed
   * (deployProblems: the example.org placeholder addresses), naming the `-c` flags that fix it.
   */
  forDeployment?: boolean;
}

/** The stage config cannot be deployed (see deployProblems); the message says what to pass. */
export class NotDeployable extends Error {
  override readonly name = 'NotDeployable';
  constructor(readonly problems: string[]) {
    super(`Not deployable: ${problems.join('; ')}`);
  }
}

export interface BuiltApp {
  app: App;
  edge: EdgeStack;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

export const buildApp = (options: BuildAppOptions = {}): BuiltApp => {
  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    context: {
      // Strong references: the stateful stack cannot drop an export the stateless stack still imports.
      '@aws-cdk/core:defaultCrossStackReferences': 'strong',
      ...(options.bundling === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
    },
    builtinCloudFormationValidation: options.cfnValidation ?? true,
  });
  const fromContext = (key: 'mailFrom' | 'staffEmail' | 'alarmEmail' | 'domainName'): string | undefined => {
    const value = app.node.tryGetContext(key) as unknown;
    return typeof value === 'string' && value ? value : undefined;
  };
  const base = options.config ?? CLOUD_CONFIG;
  const config: StageConfig = {
    ...base,
    mailFrom: fromContext('mailFrom') ?? base.mailFrom,
    staffEmail: fromContext('staffEmail') ?? base.staffEmail,
    alarmEmail: fromContext('alarmEmail') ?? base.alarmEmail,
  };
  const domainName = fromContext('domainName') ?? base.domainName;
  if (domainName) config.domainName = domainName;
  if (options.forDeployment) {
    const problems = deployProblems(config);
    if (problems.length > 0) throw new NotDeployable(problems);
  }
  // The region is pinned by config (the data stays in the UK); the account is left to the credentials, so synth
  // needs none and makes no lookups. The edge stack is in us-east-1, where AWS keeps CloudFront's WAF; the
  // stateful stack reads its web ACL's ARN through CDK's cross-region references.
  const edge = new EdgeStack(app, 'Edge', {
    stackName: `${config.name}-Edge`,
    description: 'Affiliate onboarding: the WAF web ACL in front of CloudFront (us-east-1)',
    env: { region: EDGE_REGION },
    crossRegionReferences: true,
    config,
  });
  const stateful = new StatefulStack(app, 'Stateful', {
    stackName: `${config.name}-Stateful`,
    description: 'Affiliate onboarding: key, table, documents, staff user pool, site hosting, API endpoint',
    env: { region: config.region },
    crossRegionReferences: true,
    config,
    webAclArn: edge.firewall.webAcl.attrArn,
    ...(edge.certificate ? { certificateArn: edge.certificate.certificateArn } : {}),
  });
  const stateless = new StatelessStack(app, 'Stateless', {
    stackName: `${config.name}-Stateless`,
    description: 'Affiliate onboarding: functions, HTTP API, state machine, schedules, mail, site files',
    env: { region: config.region },
    config,
    stateful,
    routes: options.routes ?? ROUTES,
  });
  if (options.nag !== false) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
  }
  return { app, edge, stateful, stateless };
};
