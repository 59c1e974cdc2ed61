/** The published events (DESIGN §5 Events): the bus, its archive, the table stream and publish-events. */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Cfn, logicalIdOf, resourcesOf, type Synthesized, synth } from './synth.ts';

let s: Synthesized;
let functionId: string;
let roleId: string;

beforeAll(() => {
  s = synth();
  functionId = logicalIdOf(s.statelessTemplate, 'AWS::Lambda::Function', (p) =>
    JSON.stringify(p).includes('The table stream: each new audit entry'),
  );
  const fn = resourcesOf(s.statelessTemplate, 'AWS::Lambda::Function')[functionId] as Cfn;
  roleId = fn.Properties.Role['Fn::GetAtt'][0];
});

const policyOf = (role: string): Cfn[] => {
  const policies = Object.values(resourcesOf(s.statelessTemplate, 'AWS::IAM::Policy')).filter((p) =>
    (p.Properties.Roles as Cfn[]).some((r) => r.Ref === role),
  );
  return policies.flatMap((p) => (p.Properties.PolicyDocument as Cfn).Statement);
};

describe('the event bus', () => {
  it('is the stack’s own, named after the stage, in the stateful stack', () => {
    s.statefulTemplate.resourceCountIs('AWS::Events::EventBus', 1);
    s.statefulTemplate.hasResourceProperties('AWS::Events::EventBus', { Name: 'AffiliateOnboarding-events' });
    s.statelessTemplate.resourceCountIs('AWS::Events::EventBus', 0);
  });

  it('archives every published event for 90 days, for replay', () => {
    const busId = logicalIdOf(s.statefulTemplate, 'AWS::Events::EventBus', () => true);
    s.statefulTemplate.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: { 'Fn::GetAtt': [busId, 'Arn'] },
      RetentionDays: 90,
      EventPattern: { source: ['affiliate-onboarding'] },
    });
  });
});

describe('the table stream', () => {
  it('carries new images only', () => {
    s.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
  });

  it('invokes publish-events with new audit entries only, retried, bisected, then kept in a queue', () => {
    const mappings = resourcesOf(s.statelessTemplate, 'AWS::Lambda::EventSourceMapping');
    expect(Object.keys(mappings)).toHaveLength(1);
    const props = (Object.values(mappings)[0] as Cfn).Properties;
    expect(props.FunctionName).toEqual({ Ref: functionId });
    expect(props).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      MaximumRetryAttempts: 8,
      MaximumRecordAgeInSeconds: 6 * 3600,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ParallelizationFactor: 1,
    });
    expect(JSON.parse(props.FilterCriteria.Filters[0].Pattern)).toEqual({
      eventName: ['INSERT'],
      dynamodb: { NewImage: { sk: { S: [{ prefix: 'EVENT#' }] } } },
    });
    const queueId = props.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0];
    s.statelessTemplate.hasResource('AWS::SQS::Queue', {
      Properties: Match.objectLike({
        MessageRetentionPeriod: 14 * 24 * 3600,
        KmsMasterKeyId: Match.anyValue(),
      }),
    });
    expect(resourcesOf(s.statelessTemplate, 'AWS::SQS::Queue')[queueId]).toBeDefined();
    // An alarm watches it, as every dead-letter queue.
    const alarms = Object.values(resourcesOf(s.statelessTemplate, 'AWS::CloudWatch::Alarm')).filter((a) =>
      JSON.stringify(a.Properties).includes(queueId),
    );
    expect(alarms.length).toBeGreaterThan(0);
  });
});

describe('publish-events', () => {
  it('has 2 reserved executions and the bus name', () => {
    s.statelessTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^The table stream'),
      ReservedConcurrentExecutions: 2,
      Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: Match.anyValue() }) },
    });
  });

  it('may put events on its bus only, read the stream only, and send to its failure queue only', () => {
    const statements = policyOf(roleId);
    const put = statements.find((st) => st.Action === 'events:PutEvents');
    expect(JSON.stringify(put.Resource)).toContain('EventBus');
    const stream = statements.find((st) => JSON.stringify(st.Action).includes('dynamodb:GetRecords'));
    expect(stream.Action).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
    ]);
    expect(JSON.stringify(stream.Resource)).toContain('StreamArn');
    const send = statements.find((st) => st.Action === 'sqs:SendMessage');
    expect(JSON.stringify(send.Resource)).toContain('HistoryStreamFailures');
    // Nothing on the table itself: it reads what the stream hands it.
    expect(statements.some((st) => JSON.stringify(st.Action).includes('dynamodb:GetItem'))).toBe(false);
    expect(statements.some((st) => JSON.stringify(st.Action).includes('dynamodb:PutItem'))).toBe(false);
  });
});

describe('the therapy platform (machine to machine)', () => {
  it('has a resource server affiliate with the one scope accounts', () => {
    s.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'affiliate',
      Scopes: [{ ScopeName: 'accounts', ScopeDescription: Match.anyValue() }],
    });
  });

  it('has an app client therapy-platform that may only use client credentials with affiliate/accounts', () => {
    const resourceServer = logicalIdOf(
      s.statefulTemplate,
      'AWS::Cognito::UserPoolResourceServer',
      () => true,
    );
    s.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'therapy-platform',
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      // `<the resource server's identifier>/accounts`: affiliate/accounts.
      AllowedOAuthScopes: [{ 'Fn::Join': ['', [{ Ref: resourceServer }, '/accounts']] }],
      AllowedOAuthFlowsUserPoolClient: true,
    });
  });

  it('guards POST /integrations/accounts/{id} with its own JWT authorizer, audience the platform client, scope affiliate/accounts', () => {
    const route = Object.values(resourcesOf(s.statelessTemplate, 'AWS::ApiGatewayV2::Route')).find(
      (r) => r.Properties.RouteKey === 'POST /integrations/accounts/{id}',
    ) as Cfn;
    expect(route.Properties).toMatchObject({
      AuthorizationType: 'JWT',
      AuthorizationScopes: ['affiliate/accounts'],
    });
    const authorizer = resourcesOf(s.statelessTemplate, 'AWS::ApiGatewayV2::Authorizer')[
      route.Properties.AuthorizerId.Ref
    ] as Cfn;
    expect(authorizer.Properties.Name).toBe('IntegrationJwt');
    const [audience] = authorizer.Properties.JwtConfiguration.Audience;
    expect(s.statelessTemplate.toJSON().Parameters?.[audience.Ref]?.Default).toBe(
      '/AffiliateOnboarding/integration-client-id',
    );
    // The staff routes' authorizer does not accept the platform's client.
    const staffRoute = Object.values(resourcesOf(s.statelessTemplate, 'AWS::ApiGatewayV2::Route')).find(
      (r) => r.Properties.RouteKey === 'POST /staff/applications/{id}/account',
    ) as Cfn;
    expect(staffRoute.Properties.AuthorizerId).not.toEqual(route.Properties.AuthorizerId);
  });
});
