/**
 * Every Lambda of the system goes through this one class (STYLE: the Powertools `examples/app` model), so the
 * runtime, architecture, bundling, logging and tracing cannot drift between functions, and each `bind*` method sets
 * the environment variable and the grant in one call: a function can read a variable only if it holds the grant.
 */

import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Effect, type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { DataIdentifier, DataProtectionPolicy, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ESBUILD_LAMBDA_OPTIONS, ESM_REQUIRE_SHIM, pdfEngineCommand } from '../bundling.ts';
import {
  DOCUMENT_AREA_KEYS,
  type DocumentArea,
  type DocumentsAccess,
  FUNCTION_METADATA_KEY,
  FUNCTIONS,
  type FunctionName,
  type FunctionSpec,
  type IndexName,
  type TableAccess,
} from '../functions.ts';

/** Registry entries are paths from here; resolving them here lets the app be built from any directory. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export { FUNCTION_METADATA_KEY } from '../functions.ts';

/**
 * AwsSolutions-L1 flags any runtime older than the newest this aws-cdk-lib knows; NODEJS_LATEST is a moving alias
 * whose value lags, so name the newest major explicitly.
 */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

export interface AppFunctionProps {
  name: FunctionName;
  /** The customer-managed key: encrypts the log group and the on-failure queue. */
  key: IKey;
  /**
   * Invoked asynchronously (events, schedules): an invocation that still fails after Lambda's own retries goes to
   * an on-failure destination queue (`failureQueue`) as an invocation record carrying the event, the error's type
   * and message and the attempts, so nothing is lost silently and an operator sees why. Synchronous callers (API
   * Gateway, Step Functions) see the error instead.
   */
  asynchronous?: boolean;
}

/**
 * A second line behind "never log personal data" (lambdas/shared/logger.ts): CloudWatch Logs masks any email
 * address that still reaches a log group (a runtime's own error report, a library's message) for everyone without
 * logs:Unmask.
 */
export const maskEmailAddresses = (name: string): DataProtectionPolicy =>
  new DataProtectionPolicy({
    name,
    description: 'Mask email addresses',
    identifiers: [DataIdentifier.EMAILADDRESS],
  });

/**
 * Item-level actions only: no Scan, so a function cannot read the whole table of special-category data; and only
 * the operations the adapter sends (lambdas/adapters/dynamo-application-store.ts: no BatchGetItem, and no
 * ConditionCheck part in any transaction), as the local IAM gateway measures. Query on the table (an application's
 * event history) only with `uses.history`, on an index only with `uses.indexes`.
 */
const TABLE_READ_ACTIONS = ['dynamodb:GetItem'];
/**
 * TransactWriteItems is not an IAM action: a transaction is authorised by the actions of its parts (Put, Update,
 * Delete), so those are what a writer gets.
 */
const TABLE_WRITE_ACTIONS = [
  ...TABLE_READ_ACTIONS,
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];

const TABLE_ACTIONS: Record<TableAccess, string[]> = {
  read: TABLE_READ_ACTIONS,
  write: TABLE_WRITE_ACTIONS,
  // Retention finds an application's events (Query) and deletes them in batches; its changes are transactions
  // (Put and Delete parts) with no outbox to clear, so it never sends UpdateItem.
  purge: [
    ...TABLE_READ_ACTIONS,
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
};

const OBJECT_ACTIONS: Record<'read' | 'write' | 'delete', string> = {
  read: 's3:GetObject',
  write: 's3:PutObject',
  delete: 's3:DeleteObject',
};

/** Lambda's retries of a failed asynchronous invocation (its default), before the on-failure destination. */
export const ASYNC_RETRY_ATTEMPTS = 2;
/** An event older than this is not retried but sent to the on-failure destination. */
export const ASYNC_MAX_EVENT_AGE = Duration.hours(2);

export class AppFunction extends NodejsFunction {
  readonly registryName: FunctionName;
  readonly spec: FunctionSpec;
  /** The on-failure destination of an asynchronously invoked function. */
  readonly failureQueue: Queue | undefined;
  private readonly key: IKey;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    const spec: FunctionSpec = FUNCTIONS[props.name];
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      encryptionKey: props.key,
      dataProtectionPolicy: maskEmailAddresses(`${props.name}-logs`),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of the default one: the default attaches the AWSLambdaBasicExecutionRole managed policy,
    // which may write to any log group in the account.
    const role: IRole = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.name} function`,
    });
    const failureQueue = props.asynchronous
      ? new Queue(scope, `${id}Failures`, {
          encryption: QueueEncryption.KMS,
          encryptionMasterKey: props.key,
          enforceSSL: true,
          retentionPeriod: Duration.days(14),
        })
      : undefined;

    super(scope, id, {
      entry: join(PROJECT_ROOT, spec.entry),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      handler: 'handler',
      description: spec.description,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      timeout: Duration.seconds(spec.timeoutSeconds ?? 10),
      memorySize: spec.memoryMb ?? 256,
      ...(spec.reservedConcurrency ? { reservedConcurrentExecutions: spec.reservedConcurrency } : {}),
      logGroup,
      role,
      // Lambda's own retries of a failed asynchronous invocation, then the on-failure destination (bound here
      // without SqsDestination, whose grant adds KMS actions beyond what sending needs: see below).
      ...(failureQueue
        ? {
            retryAttempts: ASYNC_RETRY_ATTEMPTS,
            maxEventAge: ASYNC_MAX_EVENT_AGE,
            onFailure: { bind: () => ({ destination: failureQueue.queueArn }) },
          }
        : {}),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.name,
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        // The same options the bench measures (lib/bundling.ts), so its figures are of what ships.
        target: ESBUILD_LAMBDA_OPTIONS.target as string,
        mainFields: [...(ESBUILD_LAMBDA_OPTIONS.mainFields ?? [])],
        // The SDK is bundled: a tree-shaken bundle loads faster than the runtime's copy (TOOLCHAIN.md) and pins
        // the version the tests ran against; only the PDF engine stays out, built beside the bundle below.
        externalModules: [...(ESBUILD_LAMBDA_OPTIONS.external ?? [])],
        banner: ESM_REQUIRE_SHIM,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            ...(spec.files ?? []).map(
              (folder) => `cp -R "${join(inputDir, folder)}" "${join(outputDir, basename(folder))}"`,
            ),
            // pdf-lib and fontkit as ./pdf-engine.mjs, beside a bundle that imports them (lib/bundling.ts).
            pdfEngineCommand(inputDir, outputDir),
          ],
        },
      },
    });
    this.registryName = props.name;
    this.spec = spec;
    this.key = props.key;
    (this.node.defaultChild as CfnFunction).addMetadata(FUNCTION_METADATA_KEY, props.name);
    logGroup.grantWrite(role);
    this.failureQueue = failureQueue;
    // Lambda sends the invocation record to the encrypted queue with the function's role.
    if (failureQueue) {
      this.addToRolePolicy(
        new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [failureQueue.queueArn] }),
      );
      this.grantKeyVia('sqs', true);
    }
  }

  /**
   * TABLE_NAME plus item-level access to the table, Query on it for an application's history, and Query on the
   * indexes it names; never Scan.
   */
  bindTable(
    table: ITable,
    access: TableAccess,
    { indexes = [], history = false }: { indexes?: readonly IndexName[]; history?: boolean } = {},
  ): void {
    const actions = TABLE_ACTIONS[access];
    this.addToRolePolicy(
      new PolicyStatement({
        actions: history && !actions.includes('dynamodb:Query') ? [...actions, 'dynamodb:Query'] : actions,
        resources: [table.tableArn],
      }),
    );
    if (indexes.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: indexes.map((index) => `${table.tableArn}/index/${index}`),
        }),
      );
    }
    this.grantKeyVia('dynamodb', access !== 'read');
    this.addEnvironment('TABLE_NAME', table.tableName);
  }

  /**
   * DOCUMENTS_BUCKET plus each object action on the key patterns of its areas only (DOCUMENT_AREA_KEYS); returns
   * those object patterns (relative to the bucket), which the stack acknowledges to cdk-nag one by one.
   */
  bindDocuments(bucket: IBucket, access: DocumentsAccess): string[] {
    const patterns = new Set<string>();
    for (const kind of ['read', 'write', 'delete'] as const) {
      const areas: readonly DocumentArea[] = access[kind] ?? [];
      if (areas.length === 0) continue;
      const keys = areas.flatMap((area) => DOCUMENT_AREA_KEYS[area]);
      for (const key of keys) patterns.add(key);
      const actions = [OBJECT_ACTIONS[kind]];
      if (kind === 'delete' && access.versions) actions.push('s3:DeleteObjectVersion');
      this.addToRolePolicy(
        new PolicyStatement({ actions, resources: keys.map((key) => bucket.arnForObjects(key)) }),
      );
    }
    const bucketActions = [
      ...(access.list ? ['s3:ListBucket'] : []),
      ...(access.versions ? ['s3:ListBucketVersions'] : []),
    ];
    if (bucketActions.length > 0) {
      this.addToRolePolicy(new PolicyStatement({ actions: bucketActions, resources: [bucket.bucketArn] }));
    }
    this.grantKeyVia('s3', Boolean(access.write?.length || access.delete?.length));
    this.addEnvironment('DOCUMENTS_BUCKET', bucket.bucketName);
    return [...patterns];
  }

  /**
   * Sending from the one verified identity, through its configuration set, and only as `mailFrom`
   * (`ses:FromAddress`): a compromised function cannot send as anyone else on the domain. Plus the addresses and
   * links the emails carry.
   */
  bindMail(mail: {
    sendingArns: string[];
    mailFrom: string;
    staffEmail: string;
    siteUrl: string;
    inductionBookingUrl: string;
    therapyAccountUrl: string;
  }): void {
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: mail.sendingArns,
        conditions: { StringEquals: { 'ses:FromAddress': mail.mailFrom } },
      }),
    );
    this.addEnvironment('MAIL_FROM', mail.mailFrom);
    this.addEnvironment('STAFF_EMAIL', mail.staffEmail);
    this.addEnvironment('SITE_URL', mail.siteUrl);
    this.addEnvironment('INDUCTION_BOOKING_URL', mail.inductionBookingUrl);
    this.addEnvironment('THERAPY_ACCOUNT_URL', mail.therapyAccountUrl);
  }

  /** STATE_MACHINE_ARN plus exactly the workflow operations the registry lists. */
  bindWorkflow(
    stateMachine: { stateMachineArn: string; stateMachineName: string },
    operations: readonly ('start' | 'callback' | 'stop')[],
  ): void {
    const stack = Stack.of(this);
    const { stateMachineName } = stateMachine;
    const executions = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    if (operations.includes('start')) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['states:StartExecution'],
          resources: [stateMachine.stateMachineArn],
        }),
      );
    }
    if (operations.includes('callback')) {
      // SendTask* accept no resource-level permissions: the task token itself is the capability. No heartbeat:
      // no task sets HeartbeatSeconds, and nothing sends one.
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
          resources: ['*'],
        }),
      );
    }
    if (operations.includes('stop')) {
      this.addToRolePolicy(
        new PolicyStatement({ actions: ['states:StopExecution'], resources: [executions] }),
      );
    }
    this.addEnvironment('STATE_MACHINE_ARN', stateMachine.stateMachineArn);
  }

  /** EVENT_BUS_NAME plus events:PutEvents on that one bus (DESIGN §5 Events). */
  bindEventBus(bus: IEventBus): void {
    this.addToRolePolicy(
      new PolicyStatement({ actions: ['events:PutEvents'], resources: [bus.eventBusArn] }),
    );
    this.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
  }

  /**
   * Reading the table's stream, which the event source mapping does with the function's role: the stream's records
   * (and ListStreams, which takes no resource), decrypted through DynamoDB only.
   */
  bindTableStream(table: ITable): void {
    if (!table.tableStreamArn) throw new Error(`${this.registryName}: the table has no stream`);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        resources: [table.tableStreamArn],
      }),
    );
    this.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:ListStreams'], resources: ['*'] }));
    this.grantKeyVia('dynamodb', false);
  }

  /** sqs:SendMessage on one encrypted queue: an event source mapping's on-failure destination sends with this role. */
  bindFailureQueue(queue: IQueue): void {
    this.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
    this.grantKeyVia('sqs', true);
  }

  /**
   * The table, the bucket and the queues are encrypted with the customer-managed key; the function may use it only
   * through that service (kms:ViaService), never to decrypt arbitrary ciphertext.
   */
  private grantKeyVia(service: 'dynamodb' | 's3' | 'sqs', write: boolean): void {
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: write
          ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']
          : ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `${service}.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }
}
