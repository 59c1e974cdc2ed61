import { beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_CONFIG } from '../../lib/config.ts';
import { FUNCTION_METADATA_KEY } from '../../lib/constructs/function.ts';
import {
  DOCUMENT_AREA_KEYS,
  type DocumentArea,
  type DocumentsAccess,
  FUNCTIONS,
  type FunctionName,
} from '../../lib/functions.ts';
import { ROUTES, type Route } from '../../lib/routes.ts';
import { SCHEDULES } from '../../lib/schedules.ts';
import { TABLE_KEYS } from '../../lib/table.ts';
import { type Cfn, resourcesOf, type Synthesized, synth } from './synth.ts';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

let s: Synthesized;
const fnIds = new Map<FunctionName, string>();
const NAMES = Object.keys(FUNCTIONS) as FunctionName[];

const fn = (name: FunctionName) => {
  const id = fnIds.get(name);
  const resource = id ? resourcesOf(s.statelessTemplate, 'AWS::Lambda::Function')[id] : undefined;
  if (!id || !resource) throw new Error(`No function ${name}`);
  return { id, props: resource.Properties as Cfn };
};
const envOf = (name: FunctionName): Record<string, unknown> => fn(name).props.Environment.Variables;
const statementsOf = (name: FunctionName): Statement[] => {
  const roleId = fn(name).props.Role['Fn::GetAtt'][0];
  return Object.values(resourcesOf(s.statelessTemplate, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
};
const actions = (st: Statement): string[] => (Array.isArray(st.Action) ? st.Action : [st.Action]);
const withAction = (name: FunctionName, prefix: string) =>
  statementsOf(name).filter((st) => actions(st).some((a) => a.startsWith(prefix)));
const importOf = (value: unknown): string =>
  JSON.stringify(value).match(/ExportsOutput(?:Ref|FnGetAtt)([A-Za-z]+)/)?.[1] ?? '';

/** The SSM parameter name a value is read from at deploy time (a template parameter), or ''. */
const ssmParameterOf = (value: unknown): string => {
  const ref = (value as { Ref?: string } | undefined)?.Ref ?? '';
  const parameter = s.statelessTemplate.toJSON().Parameters?.[ref];
  return parameter?.Type === 'AWS::SSM::Parameter::Value<String>' ? parameter.Default : '';
};

beforeAll(() => {
  s = synth();
  for (const [id, r] of Object.entries(resourcesOf(s.statelessTemplate, 'AWS::Lambda::Function'))) {
    const name = r.Metadata?.[FUNCTION_METADATA_KEY];
    if (typeof name === 'string') fnIds.set(name as FunctionName, id);
  }
});

describe('functions', () => {
  it('builds exactly one function per registry entry', () => {
    expect([...fnIds.keys()].sort()).toEqual([...NAMES].sort());
  });

  it.each(NAMES)(
    '%s runs on arm64, the newest Node runtime, with active tracing and its own settings',
    (name) => {
      const { props } = fn(name);
      expect(props).toMatchObject({
        Architectures: ['arm64'],
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        Timeout: FUNCTIONS[name].timeoutSeconds ?? 10,
        MemorySize: FUNCTIONS[name].memoryMb ?? 256,
      });
      expect(envOf(name)).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: name,
      });
    },
  );

  it.each(NAMES)('%s logs to its own KMS-encrypted log group kept for a month', (name) => {
    const logGroupId = fn(name).props.LoggingConfig.LogGroup.Ref;
    const logGroup = resourcesOf(s.statelessTemplate, 'AWS::Logs::LogGroup')[logGroupId]?.Properties;
    expect(logGroup?.RetentionInDays).toBe(30);
    expect(importOf(logGroup?.KmsKeyId)).toMatch(/^Key/);
  });

  it.each(NAMES)('%s gets exactly the environment variables its registry entry uses', (name) => {
    const { uses } = FUNCTIONS[name] as (typeof FUNCTIONS)[FunctionName] & { uses: Record<string, unknown> };
    const env = envOf(name);
    expect('TABLE_NAME' in env).toBe(Boolean(uses.table));
    expect('DOCUMENTS_BUCKET' in env).toBe(Boolean(uses.documents));
    for (const variable of [
      'MAIL_FROM',
      'STAFF_EMAIL',
      'SITE_URL',
      'INDUCTION_BOOKING_URL',
      'THERAPY_ACCOUNT_URL',
    ]) {
      expect(variable in env, variable).toBe(Boolean(uses.mail));
    }
    expect('STATE_MACHINE_ARN' in env).toBe(Boolean(uses.workflow));
    if (uses.table) expect(importOf(env.TABLE_NAME)).toMatch(/^StorageTable/);
    if (uses.documents) expect(importOf(env.DOCUMENTS_BUCKET)).toMatch(/^StorageDocuments/);
    if (uses.mail) {
      expect(env.MAIL_FROM).toBe('onboarding@example.org');
      expect(ssmParameterOf(env.SITE_URL)).toBe('/AffiliateOnboarding/site-url');
    }
  });

  it('sends the asynchronously invoked functions’ failed invocations to a KMS-encrypted on-failure queue (2 retries, 2 hours), and only theirs', () => {
    const configs = Object.values(resourcesOf(s.statelessTemplate, 'AWS::Lambda::EventInvokeConfig')).map(
      (r) => r.Properties as Cfn,
    );
    const logicalIds = Object.fromEntries(NAMES.map((name) => [fn(name).id, name]));
    const configured = configs.map((c) => logicalIds[c.FunctionName.Ref]).sort();
    expect(configured).toEqual(
      [
        'document-received',
        'document-scanned',
        'email-feedback',
        'workflow-stopped',
        ...SCHEDULES.map((x) => x.handler),
      ].sort(),
    );
    expect(NAMES.filter((name) => fn(name).props.DeadLetterConfig)).toEqual([]);
    for (const config of configs) {
      expect(config).toMatchObject({
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 7200,
        Qualifier: '$LATEST',
      });
      const queueId = config.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0];
      const queue = resourcesOf(s.statelessTemplate, 'AWS::SQS::Queue')[queueId]?.Properties;
      expect(importOf(queue?.KmsMasterKeyId)).toMatch(/^Key/);
      expect(queue?.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      // The function's role may send to its own queue, and to no other.
      const name = logicalIds[config.FunctionName.Ref] as FunctionName;
      const sends = withAction(name, 'sqs:');
      expect(sends.flatMap(actions)).toEqual(['sqs:SendMessage']);
      expect(JSON.stringify(sends.map((st) => st.Resource))).toContain(queueId);
    }
  });
});

describe('least-privilege grants', () => {
  it('never allows dynamodb:Scan or any service-wide wildcard action, in any policy', () => {
    const all = Object.values(resourcesOf(s.statelessTemplate, 'AWS::IAM::Policy')).flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    const granted = all.flatMap(actions);
    expect(granted).not.toContain('dynamodb:Scan');
    expect(granted.filter((a) => /^(dynamodb|ses|states|kms):\*$|^dynamodb:.*\*/.test(a))).toEqual([]);
  });

  it.each(NAMES.filter((n) => FUNCTIONS[n].uses.table))(
    '%s reaches the table, and only the indexes it queries',
    (name) => {
      const statements = withAction(name, 'dynamodb:');
      const granted = statements.flatMap(actions);
      const write = FUNCTIONS[name].uses.table !== 'read';
      expect(granted.includes('dynamodb:PutItem')).toBe(write);
      expect(granted.includes('dynamodb:UpdateItem')).toBe(FUNCTIONS[name].uses.table === 'write');
      // Only retention deletes in batches (purge).
      expect(granted.includes('dynamodb:BatchWriteItem')).toBe(FUNCTIONS[name].uses.table === 'purge');
      expect(granted).toContain('dynamodb:GetItem');
      // What no code sends (the local IAM gateway measures it): batch reads and condition-check parts.
      expect(granted).not.toContain('dynamodb:BatchGetItem');
      expect(granted).not.toContain('dynamodb:ConditionCheckItem');
      // Query on the table itself (an application's history) only where the registry says so.
      const onTable = statements
        .filter((st) => JSON.stringify(st.Resource).startsWith('{"Fn::ImportValue"'))
        .flatMap(actions);
      expect(onTable.includes('dynamodb:Query')).toBe(
        Boolean(FUNCTIONS[name].uses.history) || FUNCTIONS[name].uses.table === 'purge',
      );
      const resources = JSON.stringify(statements.map((st) => st.Resource));
      const queried = FUNCTIONS[name].uses.indexes ?? [];
      for (const index of TABLE_KEYS.indexes) {
        expect(resources.includes(`/index/${index.name}"`), index.name).toBe(
          (queried as readonly string[]).includes(index.name),
        );
      }
      for (const st of statements) {
        for (const resource of [st.Resource].flat()) expect(importOf(resource)).toMatch(/^StorageTable/);
      }
    },
  );

  it.each(NAMES.filter((n) => !FUNCTIONS[n].uses.table))('%s has no table access', (name) => {
    // A stream reader reads the table's stream (test/infra/events.test.ts), never the table.
    const streamActions = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];
    const onTable = withAction(name, 'dynamodb:').filter(
      (st) =>
        !(
          FUNCTIONS[name].uses.tableStream &&
          (st.Action === 'dynamodb:ListStreams' ||
            JSON.stringify(st.Action) === JSON.stringify(streamActions))
        ),
    );
    expect(onTable).toEqual([]);
  });

  it.each(NAMES)(
    '%s touches documents only as its registry entry says, on those key patterns of the documents bucket',
    (name) => {
      const statements = withAction(name, 's3:');
      const access: DocumentsAccess = FUNCTIONS[name].uses.documents ?? {};
      const patternsOf = (action: string) =>
        statements
          .filter((st) => actions(st).includes(action))
          .flatMap((st) => [st.Resource].flat())
          .map((resource) => JSON.stringify(resource).match(/"\/([^"]+)"\]\]\}$/)?.[1] ?? '<bucket>');
      const expected = (areas: readonly DocumentArea[] = []) =>
        areas.flatMap((area) => DOCUMENT_AREA_KEYS[area]);
      expect(patternsOf('s3:GetObject')).toEqual(expected(access.read));
      expect(patternsOf('s3:PutObject')).toEqual(expected(access.write));
      expect(patternsOf('s3:DeleteObject')).toEqual(expected(access.delete));
      // Only retention may remove old versions, and list them to find them.
      expect(patternsOf('s3:DeleteObjectVersion')).toEqual(access.versions ? expected(access.delete) : []);
      expect(patternsOf('s3:ListBucketVersions')).toEqual(access.versions ? ['<bucket>'] : []);
      expect(patternsOf('s3:ListBucket')).toEqual(access.list ? ['<bucket>'] : []);
      for (const st of statements) expect(importOf(st.Resource)).toMatch(/^StorageDocuments/);
    },
  );

  it('scopes the contract writers to contracts, and document-received to uploads it never writes', () => {
    const granted = (name: FunctionName) => withAction(name, 's3:').flatMap(actions);
    expect(granted('document-received')).not.toContain('s3:PutObject');
    expect(granted('workflow-task')).not.toContain('s3:GetObject');
    expect(JSON.stringify(withAction('workflow-task', 's3:'))).not.toContain('dbs-certificate');
  });

  it.each(NAMES)('%s may use the key only through DynamoDB, S3 or SQS', (name) => {
    for (const st of withAction(name, 'kms:')) {
      expect(JSON.stringify(st.Condition)).toMatch(/kms:ViaService.*"(dynamodb|s3|sqs)\."/);
      expect(importOf(st.Resource)).toMatch(/^Key/);
    }
  });

  it.each(NAMES)('%s sends mail only from the configured identity, and only if it mails', (name) => {
    const statements = withAction(name, 'ses:');
    expect(statements.length > 0).toBe(Boolean(FUNCTIONS[name].uses.mail));
    for (const st of statements) {
      expect(actions(st)).toEqual(['ses:SendEmail']);
      expect(JSON.stringify(st.Resource)).toContain(':identity/example.org');
    }
  });

  it.each(NAMES)('%s drives the workflow only in the ways its registry entry lists', (name) => {
    const ops: readonly string[] = FUNCTIONS[name].uses.workflow ?? [];
    const granted = withAction(name, 'states:').flatMap(actions);
    expect(granted.includes('states:StartExecution')).toBe(ops.includes('start'));
    expect(granted.includes('states:SendTaskSuccess')).toBe(ops.includes('callback'));
    expect(granted.includes('states:StopExecution')).toBe(ops.includes('stop'));
    // Nothing describes an execution or sends a heartbeat (measured by the local IAM gateway).
    expect(granted).not.toContain('states:DescribeExecution');
    expect(granted).not.toContain('states:SendTaskHeartbeat');
    const start = withAction(name, 'states:StartExecution')[0];
    if (start)
      expect(JSON.stringify(start.Resource)).toContain(':stateMachine:AffiliateOnboarding-onboarding');
  });
});

describe('HTTP API', () => {
  const routeResources = (t: Synthesized) =>
    Object.values(resourcesOf(t.statelessTemplate, 'AWS::ApiGatewayV2::Route'));
  const integrationFunction = (t: Synthesized, target: unknown): string => {
    const integrationId = JSON.stringify(target).match(/"Ref":"([^"]+)"/)?.[1] ?? '';
    const integration = resourcesOf(t.statelessTemplate, 'AWS::ApiGatewayV2::Integration')[integrationId];
    const fnId = (integration?.Properties.IntegrationUri as Cfn)?.['Fn::GetAtt'][0];
    return [...fnIds.entries()].find(([, id]) => id === fnId)?.[0] ?? fnId;
  };

  it('has one route per route-table entry, integrated with that entry’s handler', () => {
    const routes = routeResources(s);
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(
      ROUTES.map((r) => `${r.method} ${r.path}`).sort(),
    );
    for (const route of ROUTES) {
      const resource = routes.find((r) => r.Properties.RouteKey === `${route.method} ${route.path}`);
      expect(integrationFunction(s, resource?.Properties.Target)).toBe(route.handler);
      if (route.auth !== 'staff' && route.auth !== 'integration')
        expect(resource?.Properties.AuthorizationType).toBe('NONE');
    }
  });

  it('shares one integration among the routes of a handler', () => {
    const handlers = new Set(ROUTES.map((r) => r.handler));
    s.statelessTemplate.resourceCountIs('AWS::ApiGatewayV2::Integration', handlers.size);
  });

  it('checks staff routes, and only them, with the JWT authorizer of the staff user pool and app client', () => {
    // A staff route built the same way whether or not the table has one yet.
    const probe: Route = {
      method: 'GET',
      path: '/staff/probe/{id}',
      handler: 'get-application',
      auth: 'staff',
      responses: [200],
    };
    const routes = ROUTES.some((r) => r.auth === 'staff') ? ROUTES : [...ROUTES, probe];
    const built = routes === ROUTES ? s : synth({ routes });
    const authorizers = Object.entries(
      resourcesOf(built.statelessTemplate, 'AWS::ApiGatewayV2::Authorizer'),
    ).filter(([, a]) => a.Properties.Name === 'StaffJwt');
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0] ?? [];
    const jwt = authorizer?.Properties.JwtConfiguration as Cfn;
    expect(JSON.stringify(jwt.Issuer)).toContain('cognito-idp.');
    expect(importOf(jwt.Issuer)).toMatch(/^StaffAuthUserPool/);
    expect(jwt.Audience.map(ssmParameterOf)).toEqual(['/AffiliateOnboarding/staff-client-id']);
    expect(authorizer?.Properties.IdentitySource).toEqual(['$request.header.Authorization']);
    for (const route of routes) {
      const resource = routeResources(built).find(
        (r) => r.Properties.RouteKey === `${route.method} ${route.path}`,
      );
      if (route.auth === 'staff') {
        expect(resource?.Properties, route.path).toMatchObject({
          AuthorizationType: 'JWT',
          AuthorizerId: { Ref: authorizerId },
        });
      } else if (route.auth === 'integration') {
        // The therapy platform's route has an authorizer of its own (test/integration/integrations.test.ts).
        expect(resource?.Properties.AuthorizerId, route.path).not.toEqual({ Ref: authorizerId });
      } else {
        // Public and applicant routes are left to the handler's own checks.
        expect(resource?.Properties.AuthorizationType, route.path).toBe('NONE');
      }
    }
  });

  it("logs every request, with the caller's sub, to a KMS-encrypted log group, on the stage the site serves as /api", () => {
    const stage = Object.values(resourcesOf(s.statelessTemplate, 'AWS::ApiGatewayV2::Stage'))[0]
      ?.Properties as Cfn;
    expect(stage.StageName).toBe('api');
    expect(importOf(stage.ApiId)).toMatch(/^ApiHttpApi/);
    expect(stage.DefaultRouteSettings).toEqual({ ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 });
    expect(JSON.parse(stage.AccessLogSettings.Format)).toMatchObject({
      requestId: '$context.requestId',
      sub: '$context.authorizer.claims.sub',
    });
    const logGroup = resourcesOf(s.statelessTemplate, 'AWS::Logs::LogGroup')[
      stage.AccessLogSettings.DestinationArn['Fn::GetAtt'][0]
    ];
    expect(importOf(logGroup?.Properties.KmsKeyId)).toMatch(/^Key/);
  });

  it('throttles every route on its own: the public form far below what applicants and staff get', () => {
    const stage = Object.values(resourcesOf(s.statelessTemplate, 'AWS::ApiGatewayV2::Stage'))[0] as Cfn;
    const settings = stage.Properties.RouteSettings as Record<string, Cfn>;
    expect(Object.keys(settings).sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    expect(settings['POST /applications']).toEqual({ ThrottlingRateLimit: 2, ThrottlingBurstLimit: 5 });
    expect(settings['POST /applications/access-links']).toEqual({
      ThrottlingRateLimit: 5,
      ThrottlingBurstLimit: 10,
    });
    expect(settings['GET /applications/{id}']).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
    expect(settings['POST /staff/applications/{id}/review']).toEqual({
      ThrottlingRateLimit: 20,
      ThrottlingBurstLimit: 40,
    });
    // Route settings may only name routes that exist: the stage is created after every route.
    const routeIds = Object.keys(resourcesOf(s.statelessTemplate, 'AWS::ApiGatewayV2::Route'));
    expect(routeIds).toHaveLength(ROUTES.length);
    expect([...stage.DependsOn].sort()).toEqual(expect.arrayContaining(routeIds.sort()));
  });

  it('has no CORS: the site calls it on its own origin, under /api/* of the distribution', () => {
    const api = Object.values(resourcesOf(s.statefulTemplate, 'AWS::ApiGatewayV2::Api'))[0]
      ?.Properties as Cfn;
    expect(api.ProtocolType).toBe('HTTP');
    expect(api.CorsConfiguration).toBeUndefined();
    expect(resourcesOf(s.statelessTemplate, 'AWS::ApiGatewayV2::Api')).toEqual({});
  });
});

describe('workflow', () => {
  it('is a Standard state machine with full, KMS-encrypted logging and tracing', () => {
    const machine = Object.values(resourcesOf(s.statelessTemplate, 'AWS::StepFunctions::StateMachine'))[0]
      ?.Properties as Cfn;
    expect(machine).toMatchObject({
      StateMachineType: 'STANDARD',
      StateMachineName: 'AffiliateOnboarding-onboarding',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
    const logGroupId =
      machine.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0];
    expect(
      importOf(resourcesOf(s.statelessTemplate, 'AWS::Logs::LogGroup')[logGroupId]?.Properties.KmsKeyId),
    ).toMatch(/^Key/);
  });

  it('may invoke the workflow-task function and no other', () => {
    const machine = Object.values(resourcesOf(s.statelessTemplate, 'AWS::StepFunctions::StateMachine'))[0]
      ?.Properties as Cfn;
    const roleId = machine.RoleArn['Fn::GetAtt'][0];
    const invoke = Object.values(resourcesOf(s.statelessTemplate, 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((st) => actions(st).includes('lambda:InvokeFunction'));
    expect(JSON.stringify(invoke.map((st) => st.Resource))).toContain(fn('workflow-task').id);
    for (const other of NAMES.filter((n) => n !== 'workflow-task')) {
      expect(JSON.stringify(invoke)).not.toContain(`"${fn(other).id}"`);
    }
  });
});

describe('events and schedules', () => {
  it.each(SCHEDULES.map((x) => [x.name, x] as const))(
    'runs %s on London time with retries and a dead-letter queue',
    (_, spec) => {
      const schedule = Object.values(resourcesOf(s.statelessTemplate, 'AWS::Scheduler::Schedule')).find((x) =>
        JSON.stringify(x.Properties.Target).includes(fn(spec.handler).id),
      )?.Properties as Cfn;
      expect(schedule).toMatchObject({
        ScheduleExpression: spec.expression,
        ScheduleExpressionTimezone: 'Europe/London',
        Target: { RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 900 } },
      });
      expect(JSON.parse(schedule.Target.Input)).toEqual({ asOf: '<aws.scheduler.scheduled-time>' });
      const queueId = schedule.Target.DeadLetterConfig.Arn['Fn::GetAtt'][0];
      expect(resourcesOf(s.statelessTemplate, 'AWS::SQS::Queue')[queueId]).toBeDefined();
    },
  );

  it('delivers documents-bucket ObjectCreated events to document-received as S3 records, with retries and a DLQ', () => {
    const rule = Object.values(resourcesOf(s.statelessTemplate, 'AWS::Events::Rule'))
      .map((r) => r.Properties as Cfn)
      .find((r) => r.EventPattern.source[0] === 'aws.s3') as Cfn;
    expect(rule.EventPattern).toMatchObject({ source: ['aws.s3'], 'detail-type': ['Object Created'] });
    expect(importOf(rule.EventPattern.detail.bucket.name)).toMatch(/^StorageDocuments/);
    const [target] = rule.Targets;
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [fn('document-received').id, 'Arn'] });
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 });
    expect(target.DeadLetterConfig.Arn['Fn::GetAtt'][0]).toMatch(/^DocumentEventsDeadLetters/);
    const sample = target.InputTransformer.InputTemplate.replace('<detail-bucket-name>', '"docs"').replace(
      '<detail-object-key>',
      '"applications/01J/insurance.pdf"',
    );
    expect(JSON.parse(sample).Records[0].s3).toEqual({
      bucket: { name: 'docs' },
      object: { key: 'applications/01J/insurance.pdf' },
    });
  });
});

describe('malware scan results', () => {
  it('delivers GuardDuty’s scan results for the documents bucket to document-scanned, with retries and a DLQ', () => {
    const rule = Object.values(resourcesOf(s.statelessTemplate, 'AWS::Events::Rule'))
      .map((r) => r.Properties as Cfn)
      .find((r) => r.EventPattern.source[0] === 'aws.guardduty') as Cfn;
    expect(rule.EventPattern).toMatchObject({
      source: ['aws.guardduty'],
      'detail-type': ['GuardDuty Malware Protection Object Scan Result'],
    });
    expect(importOf(rule.EventPattern.detail.s3ObjectDetails.bucketName)).toMatch(/^StorageDocuments/);
    const [target, ...more] = rule.Targets;
    expect(more).toHaveLength(0);
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [fn('document-scanned').id, 'Arn'] });
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 });
    expect(target.DeadLetterConfig.Arn['Fn::GetAtt'][0]).toMatch(/^ScanResultsDeadLetters/);
    // The event as GuardDuty sends it: no input transformer.
    expect(target.InputTransformer).toBeUndefined();
  });

  it('document-scanned may read, list and delete uploads only, and spend task tokens', () => {
    const s3 = withAction('document-scanned', 's3:');
    expect(s3.flatMap(actions).sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket']);
    const objects = JSON.stringify(
      s3.filter((st) => !actions(st).includes('s3:ListBucket')).map((st) => st.Resource),
    );
    expect(objects).toContain('/applications/*/dbs-certificate/*');
    expect(objects).toContain('/applications/*/indemnity-insurance/*');
    expect(objects).not.toContain('/contract/');
    expect(fn('document-scanned').props).toMatchObject({
      ReservedConcurrentExecutions: 5,
      Timeout: 60,
      MemorySize: 512,
    });
  });
});

describe('values the stateful stack may change', () => {
  it('are read from SSM at deploy time, never imported: the site origin and the staff and platform client ids', () => {
    const text = JSON.stringify(s.statelessTemplate.toJSON());
    expect(text).not.toMatch(/ExportsOutput\w*StaffAuthUserPoolStaffPages/);
    expect(text).not.toMatch(/ExportsOutputFnGetAttSiteDistribution\w*DomainName/);
    const parameters = Object.fromEntries(
      Object.values(resourcesOf(s.statefulTemplate, 'AWS::SSM::Parameter')).map((r) => [
        r.Properties.Name,
        r.Properties as Cfn,
      ]),
    );
    expect(Object.keys(parameters).sort()).toEqual([
      '/AffiliateOnboarding/integration-client-id',
      '/AffiliateOnboarding/site-url',
      '/AffiliateOnboarding/staff-client-id',
    ]);
    expect(parameters['/AffiliateOnboarding/integration-client-id'].Value.Ref).toMatch(
      /^StaffAuthUserPoolTherapyPlatform|^IntegrationAuth/,
    );
    expect(text).not.toMatch(/ExportsOutput\w*TherapyPlatform/);
    const siteUrl = parameters['/AffiliateOnboarding/site-url'];
    expect(siteUrl.Type).toBe('String');
    expect(siteUrl.Value['Fn::Join'][1][0]).toBe('https://');
    expect(siteUrl.Value['Fn::Join'][1][1]['Fn::GetAtt']).toEqual([
      expect.stringMatching(/^SiteDistribution/),
      'DomainName',
    ]);
    expect(parameters['/AffiliateOnboarding/staff-client-id'].Value.Ref).toMatch(
      /^StaffAuthUserPoolStaffPages/,
    );
  });
});

describe('workflow failures', () => {
  it('sends failed, timed-out and aborted executions of the state machine to workflow-stopped, with retries and a DLQ', () => {
    const rule = Object.values(resourcesOf(s.statelessTemplate, 'AWS::Events::Rule'))
      .map((r) => r.Properties as Cfn)
      .find((r) => r.EventPattern.source[0] === 'aws.states') as Cfn;
    expect(rule.EventPattern['detail-type']).toEqual(['Step Functions Execution Status Change']);
    expect(rule.EventPattern.detail.status).toEqual(['FAILED', 'TIMED_OUT', 'ABORTED']);
    expect(JSON.stringify(rule.EventPattern.detail.stateMachineArn)).toMatch(/stateMachine:.*-onboarding/);
    const [target] = rule.Targets;
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [fn('workflow-stopped').id, 'Arn'] });
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 });
    expect(target.DeadLetterConfig.Arn['Fn::GetAtt'][0]).toMatch(/^WorkflowEventsDeadLetters/);
  });
});

describe('capacity', () => {
  it('gives the capacity report, and only it, the configured minimum cover', () => {
    expect(envOf('staff-capacity-report').MINIMUM_COVER).toBe(String(CLOUD_CONFIG.minimumCover));
    const others = NAMES.filter((name) => name !== 'staff-capacity-report');
    expect(others.filter((name) => 'MINIMUM_COVER' in envOf(name))).toEqual([]);
  });
});

describe('mail and site', () => {
  it('verifies the sender domain of the configured address (in the stateful stack: test/infra/mail.test.ts)', () => {
    s.statefulTemplate.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'example.org' });
  });

  it('deploys the site with a config.json naming the API and the staff client', () => {
    const deployment = Object.values(resourcesOf(s.statelessTemplate, 'Custom::CDKBucketDeployment'))[0]
      ?.Properties as Cfn;
    expect(importOf(deployment.DestinationBucketName)).toMatch(/^SiteBucket/);
    expect(importOf(deployment.DistributionId)).toMatch(/^SiteDistribution/);
    const markers = JSON.stringify(deployment.SourceMarkers);
    expect(s.stateless.site.config.apiUrl).toBe('/api');
    expect(markers).toMatch(/SsmParameterValueAffiliateOnboardingstaffclientid/);
    expect(s.stateless.site.config.links).toEqual({
      inductionBookingUrl: CLOUD_CONFIG.inductionBookingUrl,
      therapyAccountUrl: CLOUD_CONFIG.therapyAccountUrl,
    });
  });
});
