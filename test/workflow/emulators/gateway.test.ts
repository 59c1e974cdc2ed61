/**
 * The IAM gateway in front of the real emulators, called through the AWS SDK with each function's own key (issue 8):
 * what a function's synthesized role grants goes through; anything else fails with the error AWS answers, which the
 * SDK recognises by name.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionName } from '../../../lib/functions.ts';
import { accessKeyFor, HARNESS_ACCESS_KEY, LOCAL_SECRET } from '../../../lib/local/credentials.ts';
import { ensureTable, type LocalDynamoDb, startDynamoDb } from '../../../lib/local/dynamodb.ts';
import { type FaultDecider, type IamGateway, startIamGateway } from '../../../lib/local/gateway.ts';
import type { Policies } from '../../../lib/local/iam.ts';
import { type LocalS3, startS3 } from '../../../lib/local/s3.ts';
import { type LocalSes, startSes } from '../../../lib/local/ses.ts';
import { type LocalStepFunctions, startStepFunctions } from '../../../lib/local/stepfunctions.ts';
import { LOCAL_NAMES, type LocalTemplate, localArns, localTemplate } from '../../../lib/local/template.ts';

const TABLE = LOCAL_NAMES.table;
const BUCKET = LOCAL_NAMES.bucket;
const region = 'eu-west-2';
const credentials = (name: FunctionName | 'harness') => ({
  accessKeyId: name === 'harness' ? HARNESS_ACCESS_KEY : accessKeyFor(name),
  secretAccessKey: LOCAL_SECRET,
});

let dataDir: string;
let dynamo: LocalDynamoDb;
let s3: LocalS3;
let ses: LocalSes;
let sfn: LocalStepFunctions;
let template: LocalTemplate;
let gateway: IamGateway;
const faults: { next?: ReturnType<FaultDecider['decide']> } = {};
const logged: string[] = [];

const policiesOf = (t: LocalTemplate) =>
  Object.fromEntries(Object.entries(t.functions).map(([name, fn]) => [name, fn.policies])) as Record<
    FunctionName,
    Policies
  >;

const startGateway = (policies: Record<FunctionName, Policies>, extra: { faults?: FaultDecider } = {}) =>
  startIamGateway({
    upstream: { dynamodb: dynamo.endpoint, s3: s3.endpoint, sesv2: ses.endpoint, sfn: sfn.endpoint },
    policies,
    identities: template.identities,
    log: (line) => logged.push(line),
    ...extra,
  });

const dynamoAs = (name: FunctionName | 'harness', endpoint = gateway.endpoints.dynamodb) =>
  new DynamoDBClient({ endpoint, region, credentials: credentials(name) });
const s3As = (name: FunctionName | 'harness') =>
  new S3Client({
    endpoint: gateway.endpoints.s3,
    region,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    credentials: credentials(name),
  });

const item = (pk: string) => ({ pk: { S: pk }, sk: { S: 'A' } });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gateway-test-'));
  [template, dynamo, ses] = await Promise.all([localTemplate(), startDynamoDb(), startSes()]);
  await ensureTable(dynamo.endpoint, TABLE);
  s3 = await startS3({
    dataDir: join(dataDir, 's3'),
    bucket: BUCKET,
    corsOrigins: ['*'],
    onObjectCreated: async () => undefined,
  });
  sfn = await startStepFunctions({
    definition: { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } },
    stateMachineArn: localArns.stateMachine(),
    invokeLambda: async () => ({}),
  });
  gateway = await startGateway(policiesOf(template), {
    faults: { decide: () => faults.next },
  });
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([dynamo?.stop(), s3?.stop(), ses?.stop(), sfn?.stop()]);
  await rm(dataDir, { recursive: true, force: true });
});

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
};

describe('IAM gateway: DynamoDB', () => {
  const batchDelete = (client: DynamoDBClient) =>
    client.send(
      new BatchWriteItemCommand({
        RequestItems: { [TABLE]: [{ DeleteRequest: { Key: item('gone') } }] },
      }),
    );

  it('lets retention BatchWriteItem: its role grants dynamodb:BatchWriteItem on the table', async () => {
    await expect(batchDelete(dynamoAs('retention'))).resolves.toBeDefined();
    expect(gateway.used()).toContainEqual(
      expect.objectContaining({
        function: 'retention',
        action: 'dynamodb:BatchWriteItem',
        resource: localArns.table(),
      }),
    );
  });

  it('fails retention with AccessDeniedException naming BatchWriteItem once that grant is removed', async () => {
    const policies = policiesOf(template);
    policies.retention = policies.retention.map(({ name, policy }) => ({
      name,
      policy: {
        ...policy,
        Statement: policy.Statement.map((statement) => ({
          ...statement,
          Action: [statement.Action ?? []].flat().filter((action) => action !== 'dynamodb:BatchWriteItem'),
        })).filter((statement) => statement.Action.length > 0),
      },
    }));
    const stricter = await startGateway(policies);
    try {
      const error = await rejection(batchDelete(dynamoAs('retention', stricter.endpoints.dynamodb)));
      expect(error.name).toBe('AccessDeniedException');
      expect(error.$metadata?.httpStatusCode).toBe(400);
      expect(error.message).toBe(
        `User: arn:aws:sts::000000000000:assumed-role/retention-role/retention is not authorized to perform: dynamodb:BatchWriteItem on resource: ${localArns.table()} because no identity-based policy allows the dynamodb:BatchWriteItem action`,
      );
      expect(stricter.denied()).toEqual([
        expect.objectContaining({
          function: 'retention',
          action: 'dynamodb:BatchWriteItem',
          resource: localArns.table(),
        }),
      ]);
      expect(logged.some((line) => line.includes('DENIED retention: dynamodb:BatchWriteItem'))).toBe(true);
    } finally {
      await stricter.stop();
    }
  });

  it('refuses a function whose role does not grant the call, and Scan to everyone', async () => {
    const error = await rejection(batchDelete(dynamoAs('create-application')));
    expect(error.name).toBe('AccessDeniedException');
    const scan = await rejection(dynamoAs('retention').send(new ScanCommand({ TableName: TABLE })));
    expect(scan.name).toBe('AccessDeniedException');
    expect(scan.message).toContain('dynamodb:Scan');
  });

  it('checks a transaction part by part, and an index query on the index', async () => {
    const put = { Put: { TableName: TABLE, Item: item('tx') } };
    await expect(
      dynamoAs('create-application').send(new TransactWriteItemsCommand({ TransactItems: [put] })),
    ).resolves.toBeDefined();
    const readOnly = await rejection(
      dynamoAs('get-application').send(new TransactWriteItemsCommand({ TransactItems: [put] })),
    );
    expect(readOnly.name).toBe('AccessDeniedException');
    expect(readOnly.message).toContain('dynamodb:PutItem');
    await expect(
      dynamoAs('staff-list-applications').send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: 'by-stage',
          KeyConditionExpression: 'gsi1pk = :s',
          ExpressionAttributeValues: { ':s': { S: 'STAGE#x' } },
        }),
      ),
    ).resolves.toBeDefined();
    expect(gateway.used()).toContainEqual(
      expect.objectContaining({ function: 'staff-list-applications', resource: localArns.index('by-stage') }),
    );
  });

  it('never restricts the harness, and refuses a key it does not know', async () => {
    await expect(dynamoAs('harness').send(new ScanCommand({ TableName: TABLE }))).resolves.toBeDefined();
    const stranger = new DynamoDBClient({
      endpoint: gateway.endpoints.dynamodb,
      region,
      credentials: { accessKeyId: 'SOMEONEELSE', secretAccessKey: 'x' },
    });
    const error = await rejection(stranger.send(new ScanCommand({ TableName: TABLE })));
    expect(error.name).toBe('UnrecognizedClientException');
  });

  it('answers with the fault hook after an allowed call, never instead of a denial', async () => {
    faults.next = {
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
        message: 'slow down',
      }),
    };
    try {
      const client = new DynamoDBClient({
        endpoint: gateway.endpoints.dynamodb,
        region,
        credentials: credentials('create-application'),
        maxAttempts: 1,
      });
      const throttled = await rejection(
        client.send(new PutItemCommand({ TableName: TABLE, Item: item('fault') })),
      );
      expect(throttled.name).toBe('ThrottlingException');
      const denied = await rejection(batchDelete(dynamoAs('create-application')));
      expect(denied.name).toBe('AccessDeniedException');
    } finally {
      faults.next = undefined;
    }
  });
});

describe('IAM gateway: S3', () => {
  // The key layout the grants are scoped by (lib/functions.ts DOCUMENT_AREA_KEYS).
  const key = 'applications/01TEST/contract/v1-01CONTRACT.pdf';
  const upload = 'applications/01TEST/dbs-certificate/01UPLOAD';

  it('lets a function use the object actions its role grants and refuses the others with AccessDenied (403)', async () => {
    await s3As('staff-review').send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'pdf', ContentType: 'application/pdf' }),
    );
    const got = await s3As('get-contract').send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await got.Body?.transformToString()).toBe('pdf');
    const error = await rejection(
      s3As('get-application').send(new GetObjectCommand({ Bucket: BUCKET, Key: key })),
    );
    expect(error.name).toBe('AccessDenied');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.message).toContain(`s3:GetObject on resource: arn:aws:s3:::${BUCKET}/${key}`);
    const head = await rejection(
      s3As('get-application').send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })),
    );
    expect(head.$metadata?.httpStatusCode).toBe(403);
  });

  it('answers NoSuchKey for a missing object only to a function that may list the bucket, else AccessDenied', async () => {
    const missing = new GetObjectCommand({
      Bucket: BUCKET,
      Key: 'applications/01TEST/dbs-certificate/01GONE',
    });
    const notFound = await rejection(s3As('document-received').send(missing));
    expect(notFound.name).toBe('NoSuchKey');
    expect(gateway.used()).toContainEqual(
      expect.objectContaining({
        function: 'document-received',
        action: 's3:ListBucket',
        resource: localArns.bucket(),
      }),
    );
    const policies = policiesOf(template);
    policies['document-received'] = policies['document-received'].map(({ name, policy }) => ({
      name,
      policy: {
        ...policy,
        Statement: policy.Statement.filter(
          (statement) => ![statement.Action].flat().includes('s3:ListBucket'),
        ),
      },
    }));
    const stricter = await startGateway(policies);
    try {
      const client = new S3Client({
        endpoint: stricter.endpoints.s3,
        region,
        forcePathStyle: true,
        credentials: credentials('document-received'),
      });
      const denied = await rejection(client.send(missing));
      expect(denied.name).toBe('AccessDenied');
      expect(denied.message).toContain('s3:ListBucket');
      // An object that exists is still readable: ListBucket only decides what a missing one answers.
      await s3As('harness').send(new PutObjectCommand({ Bucket: BUCKET, Key: upload, Body: 'scan' }));
      const found = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: upload }));
      expect(await found.Body?.transformToString()).toBe('scan');
    } finally {
      await stricter.stop();
    }
  });

  it('attributes a presigned GET to the function that signed it', async () => {
    const signed = (name: FunctionName) =>
      getSignedUrl(s3As(name), new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 60 });
    expect((await fetch(await signed('staff-get-application'))).status).toBe(200);
    const refused = await fetch(await signed('create-upload'));
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('attributes a browser form upload to the function whose key signed the policy, and stores it', async () => {
    const post = async (name: FunctionName, uploadKey: string) => {
      const { url, fields } = await createPresignedPost(s3As(name), {
        Bucket: BUCKET,
        Key: uploadKey,
        Conditions: [['content-length-range', 1, 1024]],
        Expires: 60,
      });
      const form = new FormData();
      for (const [field, value] of Object.entries(fields)) form.append(field, value);
      form.append('file', new Blob([Buffer.from('%PDF-1.4')], { type: 'application/pdf' }), 'x.pdf');
      return fetch(url, { method: 'POST', body: form });
    };
    const uploaded = 'applications/01TEST/indemnity-insurance/01FORM';
    expect((await post('create-upload', uploaded)).status).toBe(204);
    expect(gateway.used()).toContainEqual(
      expect.objectContaining({
        function: 'create-upload',
        action: 's3:PutObject',
        resource: localArns.object(uploaded),
      }),
    );
    // Outside the uploads' key pattern, or signed by a function that may not write: 403, as S3 answers.
    expect((await post('create-upload', 'applications/01TEST/contract/forged.pdf')).status).toBe(403);
    const refused = await post('get-contract', 'applications/01TEST/indemnity-insurance/01OTHER');
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<Code>AccessDenied</Code>');
  });
});

describe('IAM gateway with IAM=off', () => {
  it('forwards what a role does not grant, and still records it as used', async () => {
    const off = await startIamGateway({
      upstream: { dynamodb: dynamo.endpoint, s3: s3.endpoint, sesv2: ses.endpoint, sfn: sfn.endpoint },
      policies: policiesOf(template),
      identities: template.identities,
      enforce: false,
    });
    try {
      const client = dynamoAs('get-application', off.endpoints.dynamodb);
      await expect(client.send(new ScanCommand({ TableName: TABLE }))).resolves.toBeDefined();
      expect(off.enforced).toBe(false);
      expect(off.denied()).toEqual([]);
      expect(off.used()).toEqual([
        { function: 'get-application', action: 'dynamodb:Scan', resource: localArns.table(), count: 1 },
      ]);
    } finally {
      await off.stop();
    }
  });
});

describe('IAM gateway: SES v2 and Step Functions', () => {
  const email = (from: string) =>
    new SendEmailCommand({
      FromEmailAddress: from,
      Destination: { ToAddresses: ['someone@example.org'] },
      Content: { Simple: { Subject: { Data: 'Hello' }, Body: { Text: { Data: 'Hi' } } } },
    });
  const sesAs = (name: FunctionName) =>
    new SESv2Client({ endpoint: gateway.endpoints.sesv2, region, credentials: credentials(name) });
  const sfnAs = (name: FunctionName) =>
    new SFNClient({ endpoint: gateway.endpoints.sfn, region, credentials: credentials(name) });

  it('lets a mailing function send from the identity it is granted, and nobody else', async () => {
    await expect(
      sesAs('create-application').send(email('onboarding@affiliates.local')),
    ).resolves.toHaveProperty('MessageId');
    const otherSender = await rejection(sesAs('create-application').send(email('someone@elsewhere.example')));
    expect(otherSender.name).toBe('AccessDeniedException');
    expect(otherSender.$metadata?.httpStatusCode).toBe(403);
    expect(otherSender.message).toContain('identity/elsewhere.example');
    const silent = await rejection(sesAs('get-application').send(email('onboarding@affiliates.local')));
    expect(silent.name).toBe('AccessDeniedException');
  });

  it('lets StartExecution and StopExecution only to the functions that hold them', async () => {
    const started = await sfnAs('create-application').send(
      new StartExecutionCommand({
        stateMachineArn: localArns.stateMachine(),
        name: 'gateway-1',
        input: '{}',
      }),
    );
    expect(started.executionArn).toBe(localArns.execution('gateway-1'));
    const error = await rejection(
      sfnAs('get-application').send(
        new StartExecutionCommand({
          stateMachineArn: localArns.stateMachine(),
          name: 'gateway-2',
          input: '{}',
        }),
      ),
    );
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    const stop = await rejection(
      sfnAs('create-application').send(
        new StopExecutionCommand({ executionArn: localArns.execution('gateway-1') }),
      ),
    );
    expect(stop.name).toBe('AccessDeniedException');
    expect(stop.message).toContain(`states:StopExecution on resource: ${localArns.execution('gateway-1')}`);
  });
});
