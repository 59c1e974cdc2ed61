/**
 * Everything that can be replaced at will: the functions (one per registry entry), the HTTP API (one route per
 * route-table entry), the state machine, the schedules, the email feedback rule and the site's files. It refers to the
 * stateful stack; never the other way round.
 */
import {
  type CfnElement,
  CfnOutput,
  DefaultStackSynthesizer,
  Duration,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { EventSourceMapping, FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { SCAN_RESULT_DETAIL_TYPE } from '../../lambdas/adapters/guardduty-scan.ts';
import type { StageConfig } from '../config.ts';
import { API_STAGE, Api, routeId } from '../constructs/api.ts';
import { AppFunction } from '../constructs/function.ts';
import { Mail } from '../constructs/mail.ts';
import { Operations } from '../constructs/operations.ts';
import { Schedules } from '../constructs/schedules.ts';
import { SiteDeployment } from '../constructs/site.ts';
import { EXECUTION_END_STATUSES, Workflow } from '../constructs/workflow.ts';
import { FUNCTIONS, type FunctionName } from '../functions.ts';
import { HISTORY_STREAM, HISTORY_STREAM_FILTER } from '../history-stream.ts';
import type { Route } from '../routes.ts';
import { SCHEDULES } from '../schedules.ts';
import type { StatefulStack } from './stateful-stack.ts';

export interface StatelessStackProps extends StackProps {
  config: StageConfig;
  stateful: StatefulStack;
  routes: readonly Route[];
}

/** The context key CDK reads a custom bootstrap qualifier from. */
const BOOTSTRAP_QUALIFIER_CONTEXT = '@aws-cdk/core:bootstrapQualifier';

/** Functions invoked asynchronously (an event, a schedule): they get an on-failure destination queue. */
const ASYNC_FUNCTIONS: ReadonlySet<FunctionName> = new Set<FunctionName>([
  'document-received',
  'document-scanned',
  'email-feedback',
  'workflow-stopped',
  ...SCHEDULES.map((schedule) => schedule.handler),
]);

export class StatelessStack extends Stack {
  readonly functions: Record<FunctionName, AppFunction>;
  readonly api: Api;
  readonly workflow: Workflow;
  readonly schedules: Schedules;
  readonly documentEvents: Rule;
  readonly documentEventsDeadLetters: Queue;
  readonly scanResults: Rule;
  readonly scanResultsDeadLetters: Queue;
  readonly emailFeedback: Rule;
  readonly emailFeedbackDeadLetters: Queue;
  readonly workflowStopped: Rule;
  readonly workflowEventsDeadLetters: Queue;
  /** The table stream → publish-events (lib/history-stream.ts), and where a batch goes when it keeps failing. */
  readonly historyStream: EventSourceMapping;
  readonly historyStreamFailures: Queue;
  readonly site: SiteDeployment;
  readonly operations: Operations;
  /** The object key patterns each function is granted in the documents bucket (acknowledged to cdk-nag). */
  private readonly documentPatterns = new Map<AppFunction, string[]>();

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, stateful } = props;
    const { key } = stateful;
    const { table, documentsBucket } = stateful.storage;
    // Read from SSM at deploy time, not imported (see StatefulStack.parameters).
    const siteUrl = StringParameter.valueForStringParameter(this, stateful.parameters.siteUrl);
    const staffClientId = StringParameter.valueForStringParameter(this, stateful.parameters.staffClientId);
    const integrationClientId = StringParameter.valueForStringParameter(
      this,
      stateful.parameters.integrationClientId,
    );
    this.addStackDependency(stateful, 'reads its SSM parameters');

    this.functions = Object.fromEntries(
      (Object.keys(FUNCTIONS) as FunctionName[]).map((name) => [
        name,
        new AppFunction(this, `Fn-${name}`, { name, key, asynchronous: ASYNC_FUNCTIONS.has(name) }),
      ]),
    ) as Record<FunctionName, AppFunction>;

    const mailSending = Mail.sendingArns(this, stateful.mail.domain, stateful.mail.configurationSetName);
    this.workflow = new Workflow(this, 'Workflow', {
      taskFunction: this.functions['workflow-task'],
      key,
      stateMachineName: `${config.name}-onboarding`,
    });

    for (const fn of Object.values(this.functions)) {
      const { uses } = fn.spec;
      if (uses.table) {
        fn.bindTable(table, uses.table, {
          ...(uses.indexes ? { indexes: uses.indexes } : {}),
          ...(uses.history ? { history: true } : {}),
        });
      }
      if (uses.documents) this.documentPatterns.set(fn, fn.bindDocuments(documentsBucket, uses.documents));
      if (uses.mail) {
        fn.bindMail({
          sendingArns: mailSending,
          mailFrom: config.mailFrom,
          staffEmail: config.staffEmail,
          siteUrl,
          inductionBookingUrl: config.inductionBookingUrl,
          therapyAccountUrl: config.therapyAccountUrl,
        });
      }
      if (uses.workflow) fn.bindWorkflow(this.workflow, uses.workflow);
      if (uses.events) fn.bindEventBus(stateful.eventBus);
      if (uses.tableStream) fn.bindTableStream(table);
    }
    this.functions['staff-capacity-report'].addEnvironment('MINIMUM_COVER', String(config.minimumCover));

    this.api = new Api(this, 'Api', {
      apiId: stateful.apiEndpoint.httpApi.apiId,
      apiEndpoint: stateful.apiEndpoint.httpApi.apiEndpoint,
      routes: props.routes,
      functions: this.functions,
      staffJwt: {
        issuerUrl: stateful.staffAuth.issuerUrl,
        audience: staffClientId,
      },
      integrationJwt: {
        issuerUrl: stateful.staffAuth.issuerUrl,
        audience: integrationClientId,
      },
      key,
    });

    // Uploads arrive as EventBridge events from the documents bucket (see Storage for why not a bucket
    // notification); retries cover a throttled or failing function, then the event is kept in a queue.
    this.documentEventsDeadLetters = new Queue(this, 'DocumentEventsDeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.documentEvents = new Rule(this, 'DocumentUploaded', {
      description: 'An object was created in the documents bucket',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [documentsBucket.bucketName] } },
      },
      targets: [
        new LambdaFunction(this.functions['document-received'], {
          // Reshaped into the S3 notification record the handler (and the local s3rver events) use, so one
          // handler serves both; object keys here are generated by create-upload and carry no characters that
          // S3's URL-encoding of notification keys would change.
          event: RuleTargetInput.fromObject({
            Records: [
              {
                eventSource: 'aws:s3',
                eventName: 'ObjectCreated:Put',
                s3: {
                  bucket: { name: EventField.fromPath('$.detail.bucket.name') },
                  object: { key: EventField.fromPath('$.detail.object.key') },
                },
              },
            ],
          }),
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: this.documentEventsDeadLetters,
        }),
      ],
    });

    // GuardDuty Malware Protection for S3 (lib/constructs/malware-scan.ts) publishes each upload's scan result on
    // the default bus; an upload counts only once found clean.
    this.scanResultsDeadLetters = new Queue(this, 'ScanResultsDeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.scanResults = new Rule(this, 'DocumentScanned', {
      description: 'GuardDuty finished scanning an object of the documents bucket',
      eventPattern: {
        source: ['aws.guardduty'],
        detailType: [SCAN_RESULT_DETAIL_TYPE],
        detail: { s3ObjectDetails: { bucketName: [documentsBucket.bucketName] } },
      },
      targets: [
        new LambdaFunction(this.functions['document-scanned'], {
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: this.scanResultsDeadLetters,
        }),
      ],
    });

    // SES bounce and complaint events of our configuration set (lib/constructs/mail.ts) arrive on the default bus.
    this.emailFeedbackDeadLetters = new Queue(this, 'EmailFeedbackDeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.emailFeedback = new Rule(this, 'EmailFeedback', {
      description: 'SES reported a bounce or a complaint for an email of the configuration set',
      eventPattern: {
        source: ['aws.ses'],
        detailType: ['Email Bounced', 'Email Complaint Received'],
        detail: { mail: { tags: { 'ses:configuration-set': [stateful.mail.configurationSetName] } } },
      },
      targets: [
        new LambdaFunction(this.functions['email-feedback'], {
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: this.emailFeedbackDeadLetters,
        }),
      ],
    });

    // An execution that ended badly flags its application; the sweep restarts it at the application's step.
    this.workflowEventsDeadLetters = new Queue(this, 'WorkflowEventsDeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.workflowStopped = new Rule(this, 'WorkflowStopped', {
      description: 'An onboarding execution failed, timed out or was aborted',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          stateMachineArn: [this.workflow.stateMachineArn],
          status: [...EXECUTION_END_STATUSES],
        },
      },
      targets: [
        new LambdaFunction(this.functions['workflow-stopped'], {
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: this.workflowEventsDeadLetters,
        }),
      ],
    });

    // Each new audit entry becomes one published event; a batch that still fails after the retries (the bus
    // unavailable for hours) is kept, as its stream position, in a queue an operator replays from.
    this.historyStreamFailures = new Queue(this, 'HistoryStreamFailures', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.historyStream = new EventSourceMapping(this, 'HistoryStream', {
      target: this.functions['publish-events'],
      eventSourceArn: table.tableStreamArn,
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: HISTORY_STREAM.batchSize,
      maxBatchingWindow: Duration.seconds(HISTORY_STREAM.maxBatchingWindowSeconds),
      retryAttempts: HISTORY_STREAM.retryAttempts,
      maxRecordAge: Duration.hours(HISTORY_STREAM.maxRecordAgeHours),
      bisectBatchOnError: HISTORY_STREAM.bisectBatchOnError,
      reportBatchItemFailures: HISTORY_STREAM.reportBatchItemFailures,
      parallelizationFactor: HISTORY_STREAM.parallelizationFactor,
      filters: [FilterCriteria.filter(HISTORY_STREAM_FILTER as unknown as Record<string, unknown>)],
      // The destination is named here and granted below (SqsDlq's own grant would add kms:ReEncrypt* and more).
      onFailure: { bind: () => ({ destination: this.historyStreamFailures.queueArn }) },
    });
    this.functions['publish-events'].bindFailureQueue(this.historyStreamFailures);

    this.schedules = new Schedules(this, 'Schedules', { functions: this.functions, key });

    const functionFailures = Object.fromEntries(
      Object.values(this.functions).flatMap((fn) =>
        fn.failureQueue ? [[`${fn.registryName}-invocations`, fn.failureQueue]] : [],
      ),
    );
    this.operations = new Operations(this, 'Operations', {
      alarmEmail: config.alarmEmail,
      key,
      functions: this.functions,
      deadLetterQueues: {
        'upload-events': this.documentEventsDeadLetters,
        'scan-results': this.scanResultsDeadLetters,
        'email-feedback-events': this.emailFeedbackDeadLetters,
        'workflow-events': this.workflowEventsDeadLetters,
        'schedule-runs': this.schedules.deadLetterQueue,
        'history-stream': this.historyStreamFailures,
        ...functionFailures,
      },
      stateMachine: this.workflow.stateMachine,
      apiId: this.api.httpApi.apiId,
      documentEvents: this.documentEvents,
    });

    this.site = new SiteDeployment(this, 'Site', {
      bucket: stateful.site.bucket,
      distribution: stateful.site.distribution,
      config: {
        // Same origin: the distribution serves the API under /api/* behind the WAF.
        apiUrl: `/${API_STAGE}`,
        stage: config.name,
        cognito: {
          domain: stateful.staffAuth.domain.baseUrl(),
          clientId: staffClientId,
          userPoolId: stateful.staffAuth.userPool.userPoolId,
        },
        links: {
          therapyAccountUrl: config.therapyAccountUrl,
          inductionBookingUrl: config.inductionBookingUrl,
        },
      },
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });

    this.acknowledgeFindings(stateful, props.routes);
  }

  /** Each acknowledgement is on the narrowest construct it concerns and says why the finding does not apply. */
  private acknowledgeFindings(stateful: StatefulStack, routes: readonly Route[]): void {
    // cdk-nag names a cross-stack resource by its export and a local one by its logical id: name them the same
    // way, so each wildcard acknowledgement covers exactly one resource pattern.
    const documentsArn = this.importName(stateful.exportValue(stateful.storage.documentsBucket.bucketArn));
    const siteBucketArn = this.importName(stateful.exportValue(stateful.site.bucket.bucketArn));
    const executions = `arn:<AWS::Partition>:states:${this.region}:<AWS::AccountId>:execution:${this.workflow.stateMachineName}:*`;
    // The operator's bootstrap qualifier (`-c @aws-cdk/core:bootstrapQualifier=…`), else CDK's default.
    const qualifier =
      (this.node.tryGetContext(BOOTSTRAP_QUALIFIER_CONTEXT) as string | undefined) ??
      DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const inlinePolicy = {
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason:
        'Each role has its own policy, generated from what that one role needs; a managed policy would be the same document attached to one role, with nothing to share.',
    };
    const invokesVersions = (fn: AppFunction) => ({
      id: `AwsSolutions-IAM5[Resource::<${this.logicalIdOf(fn)}.Arn>:*]`,
      reason: `Invoking ${fn.registryName} is granted on the function and its versions/aliases (ARN suffix :*), nothing else.`,
    });

    for (const fn of Object.values(this.functions)) {
      const { uses } = fn.spec;
      const callback = uses.workflow?.includes('callback') ?? false;
      // The role is a sibling of the function (it exists before the function does), so it is acknowledged apart.
      const role = fn.role;
      if (!role) throw new Error(`${fn.registryName} has no role`);
      Validations.of(fn).acknowledge({
        id: 'HIPAA.Security-LambdaInsideVPC',
        reason:
          'The functions reach only AWS APIs (DynamoDB, S3, SES, Step Functions) over TLS with IAM auth; a VPC would add NAT or endpoint cost and no private resource to protect.',
      });
      if (!fn.spec.reservedConcurrency) {
        Validations.of(fn).acknowledge({
          id: 'HIPAA.Security-LambdaConcurrency',
          reason:
            'An API function: the stage and route throttles bound it. Concurrency is reserved for the work a flood on the API must not starve (workflow-task, document-received, the schedules).',
        });
      }
      Validations.of(role).acknowledge(inlinePolicy, {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: callback
          ? 'X-Ray PutTraceSegments/PutTelemetryRecords and Step Functions SendTaskSuccess/Failure/Heartbeat support no resource-level permissions; for SendTask* the task token is the capability.'
          : uses.tableStream
            ? 'X-Ray PutTraceSegments/PutTelemetryRecords and dynamodb:ListStreams support no resource-level permissions; the stream records are granted on the table stream only.'
            : 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (active tracing).',
      });
      for (const pattern of this.documentPatterns.get(fn) ?? []) {
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${documentsArn}/${pattern}]`,
          reason:
            'Object keys hold the application id and a ULID, known only at run time; the grant is limited to this key pattern of the documents bucket (uploads, contracts, or an application prefix) and to the actions this function needs.',
        });
      }
      if (uses.workflow?.includes('stop')) {
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${executions}]`,
          reason:
            'Executions are named by application id at run time; the grant covers only executions of the onboarding state machine.',
        });
      }
      if (!ASYNC_FUNCTIONS.has(fn.registryName)) {
        Validations.of(fn).acknowledge({
          id: 'HIPAA.Security-LambdaDLQ',
          reason: uses.tableStream
            ? 'Invoked by a stream event source mapping, whose on-failure destination (HistoryStreamFailures) keeps what fails after the retries; a function dead-letter queue applies only to asynchronous invocations.'
            : 'Invoked synchronously (API Gateway or Step Functions), so the caller receives the error; a dead-letter queue only applies to asynchronous invocations.',
        });
      } else {
        Validations.of(fn).acknowledge({
          id: 'HIPAA.Security-LambdaDLQ',
          reason:
            'A failed asynchronous invocation goes to an on-failure destination (EventInvokeConfig → SQS), which records the error type, message and attempts with the event; a dead-letter queue would keep the event alone.',
        });
      }
      if (fn.failureQueue) {
        Validations.of(fn.failureQueue).acknowledge({
          id: 'AwsSolutions-SQS3',
          reason:
            "This queue is the function's on-failure destination (a dead-letter queue in all but name); its messages are inspected by an operator, who is alarmed on the first one.",
        });
      }
    }

    Validations.of(this.workflow.stateMachine).acknowledge(
      inlinePolicy,
      invokesVersions(this.functions['workflow-task']),
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Vended log delivery (logs:*LogDelivery, PutResourcePolicy, DescribeLogGroups) and X-Ray tracing support no resource-level permissions.',
      },
    );
    Validations.of(this.schedules.role).acknowledge(inlinePolicy);
    for (const spec of SCHEDULES) {
      Validations.of(this.schedules.role).acknowledge(invokesVersions(this.functions[spec.handler]));
    }

    // (A queue that is a function's dead-letter target is recognised as such; these are targets of rules and a
    // schedule.)
    for (const queue of [
      this.documentEventsDeadLetters,
      this.scanResultsDeadLetters,
      this.emailFeedbackDeadLetters,
      this.workflowEventsDeadLetters,
      this.schedules.deadLetterQueue,
      this.historyStreamFailures,
    ]) {
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself a dead-letter queue; messages that land here are inspected by an operator.',
      });
    }

    for (const route of routes) {
      if (route.auth === 'staff' || route.auth === 'integration') continue;
      const construct = this.api.routes.get(routeId(route));
      if (!construct) throw new Error(`No route for ${route.method} ${route.path}`);
      Validations.of(construct).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          route.auth === 'applicant'
            ? `${route.method} ${route.path} takes the applicant's Bearer access token, checked in constant time by the handler (DESIGN §5).`
            : `${route.method} ${route.path} is public by design (health, API description, the public application form).`,
      });
    }

    // BucketDeployment's provider function (a singleton aws-cdk-lib owns): its runtime, role and policy are fixed
    // by the library, it runs only during deployments, and it touches only the site bucket and the asset bucket.
    const deployer = this.node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (!deployer) throw new Error('BucketDeployment provider function not found');
    const deployerReason = (what: string) =>
      `The site deployment provider (aws-cdk-lib BucketDeployment) ${what}.`;
    Validations.of(deployer).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: deployerReason(
          'uses the basic execution policy aws-cdk-lib attaches, only to write its own logs',
        ),
      },
      ...['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: deployerReason(
          `needs ${action} to copy and prune the site files; the resources are only the site and asset buckets`,
        ),
      })),
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: deployerReason(
          'invalidates the CloudFront cache; CreateInvalidation is granted by aws-cdk-lib without a resource',
        ),
      },
      {
        id: `AwsSolutions-IAM5[Resource::${siteBucketArn}/*]`,
        reason: deployerReason('writes every file of the site, so it needs all objects of the site bucket'),
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-${this.region}/*]`,
        reason: deployerReason(
          'reads the zipped site from the CDK bootstrap asset bucket, whose object keys are content hashes',
        ),
      },
      {
        id: 'AwsSolutions-L1',
        reason: deployerReason(
          'runs on the Python runtime aws-cdk-lib pins for it; it is not application code',
        ),
      },
      inlinePolicy,
      {
        id: 'HIPAA.Security-LambdaConcurrency',
        reason: deployerReason('runs once per deployment as a CloudFormation custom resource'),
      },
      {
        id: 'HIPAA.Security-LambdaDLQ',
        reason: deployerReason(
          'is invoked by CloudFormation, which reports a failure as a failed deployment',
        ),
      },
      {
        id: 'HIPAA.Security-LambdaInsideVPC',
        reason: deployerReason('talks only to S3 and CloudFront APIs and handles no personal data'),
      },
    );
  }

  private importName(token: string): string {
    const resolved = this.resolve(token) as { 'Fn::ImportValue'?: string };
    const name = resolved['Fn::ImportValue'];
    if (!name) throw new Error(`Not an import: ${JSON.stringify(resolved)}`);
    return name;
  }

  private logicalIdOf(fn: AppFunction): string {
    return this.resolve(this.getLogicalId(fn.node.defaultChild as CfnElement)) as string;
  }
}
