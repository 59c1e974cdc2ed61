import { describe, expect, it } from 'vitest';
import {
  createPolicyEvaluator,
  identityOf,
  mapDynamoDb,
  mapS3,
  mapSes,
  mapSfn,
  UnmappedRequest,
} from '../../../lib/local/iam.ts';
import { localArns } from '../../../lib/local/template.ts';

const TABLE = 'affiliate-onboarding';
const s3 = (
  method: string,
  target: string,
  extra: { headers?: Record<string, string>; body?: string } = {},
) => {
  const url = new URL(target, 'http://s3');
  return mapS3({
    method,
    path: url.pathname,
    query: url.searchParams,
    headers: extra.headers ?? {},
    ...(extra.body ? { body: Buffer.from(extra.body) } : {}),
  });
};

describe('DynamoDB requests as IAM calls', () => {
  it('maps an item operation to its action on the table, and an index query to the index', () => {
    expect(mapDynamoDb('DynamoDB_20120810.GetItem', { TableName: TABLE }).calls).toEqual([
      { action: 'dynamodb:GetItem', resource: localArns.table() },
    ]);
    expect(mapDynamoDb('DynamoDB_20120810.Query', { TableName: TABLE, IndexName: 'by-due' }).calls).toEqual([
      { action: 'dynamodb:Query', resource: localArns.index('by-due') },
    ]);
  });

  it('maps a batch to every table it names, and a transaction to its parts', () => {
    expect(
      mapDynamoDb('DynamoDB_20120810.BatchWriteItem', { RequestItems: { [TABLE]: [], other: [] } }).calls,
    ).toEqual([
      { action: 'dynamodb:BatchWriteItem', resource: localArns.table() },
      { action: 'dynamodb:BatchWriteItem', resource: localArns.table('other') },
    ]);
    const transaction = mapDynamoDb('DynamoDB_20120810.TransactWriteItems', {
      TransactItems: [
        { Put: { TableName: TABLE } },
        { Update: { TableName: TABLE } },
        { Put: { TableName: TABLE } },
        { ConditionCheck: { TableName: TABLE } },
        { Delete: { TableName: TABLE } },
      ],
    });
    expect(transaction.operation).toBe('TransactWriteItems');
    expect(transaction.calls.map((c) => c.action)).toEqual([
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:DeleteItem',
    ]);
  });

  it('refuses to guess', () => {
    expect(() => mapDynamoDb('Nonsense', {})).toThrow(UnmappedRequest);
    expect(() => mapDynamoDb('DynamoDB_20120810.GetItem', {})).toThrow(UnmappedRequest);
  });
});

describe('S3 requests as IAM calls', () => {
  const object = (key: string) => localArns.object(key);
  it('maps object reads, writes and deletes, with their version forms', () => {
    expect(s3('GET', '/affiliate-onboarding-documents/a/b%20c.pdf?x-id=GetObject').calls).toEqual([
      { action: 's3:GetObject', resource: object('a/b c.pdf') },
    ]);
    expect(s3('HEAD', '/affiliate-onboarding-documents/a.pdf').calls[0]?.action).toBe('s3:GetObject');
    expect(s3('GET', '/affiliate-onboarding-documents/a.pdf?versionId=3').calls[0]?.action).toBe(
      's3:GetObjectVersion',
    );
    expect(s3('PUT', '/affiliate-onboarding-documents/a.pdf').calls[0]?.action).toBe('s3:PutObject');
    expect(s3('DELETE', '/affiliate-onboarding-documents/a.pdf?versionId=null').calls[0]?.action).toBe(
      's3:DeleteObjectVersion',
    );
    expect(
      s3('GET', '/affiliate-onboarding-documents/a.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=K/x')
        .calls,
    ).toEqual([{ action: 's3:GetObject', resource: object('a.pdf') }]);
  });

  it('maps a copy to PutObject on the target and GetObject on the source', () => {
    expect(
      s3('PUT', '/affiliate-onboarding-documents/b.pdf', {
        headers: { 'x-amz-copy-source': '/affiliate-onboarding-documents/a%20x.pdf' },
      }).calls,
    ).toEqual([
      { action: 's3:PutObject', resource: object('b.pdf') },
      { action: 's3:GetObject', resource: object('a x.pdf') },
    ]);
  });

  it('maps listings to the bucket and DeleteObjects to every key', () => {
    const bucket = localArns.bucket();
    expect(s3('GET', '/affiliate-onboarding-documents?list-type=2&prefix=a/').calls).toEqual([
      { action: 's3:ListBucket', resource: bucket },
    ]);
    expect(s3('GET', '/affiliate-onboarding-documents?versions&prefix=a/').calls).toEqual([
      { action: 's3:ListBucketVersions', resource: bucket },
    ]);
    expect(
      s3('POST', '/affiliate-onboarding-documents?delete', {
        body: '<Delete><Object><Key>a&amp;b</Key><VersionId>null</VersionId></Object><Object><Key>c</Key></Object></Delete>',
      }).calls,
    ).toEqual([
      { action: 's3:DeleteObjectVersion', resource: object('a&b') },
      { action: 's3:DeleteObject', resource: object('c') },
    ]);
  });

  it('maps a form upload to PutObject on its key field, and refuses unknown subresources', () => {
    const url = new URL('http://s3/affiliate-onboarding-documents');
    expect(
      mapS3({
        method: 'POST',
        path: url.pathname,
        query: url.searchParams,
        headers: {},
        formFields: new Map([['key', 'applications/1/cv.pdf']]),
      }).calls,
    ).toEqual([{ action: 's3:PutObject', resource: object('applications/1/cv.pdf') }]);
    expect(() => s3('PUT', '/affiliate-onboarding-documents/a.pdf?tagging')).toThrow(UnmappedRequest);
    expect(() => s3('GET', '/affiliate-onboarding-documents?policy')).toThrow(UnmappedRequest);
  });
});

describe('SES and Step Functions requests as IAM calls', () => {
  it('checks SendEmail against the identity the sender belongs to', () => {
    expect(identityOf('Onboarding <onboarding@affiliates.local>', ['affiliates.local'])).toBe(
      'affiliates.local',
    );
    expect(identityOf('me@x.org', ['me@x.org', 'x.org'])).toBe('me@x.org');
    expect(
      mapSes('POST', '/v2/email/outbound-emails', { FromEmailAddress: 'a@affiliates.local' }, [
        'affiliates.local',
      ]).calls,
    ).toEqual([
      {
        action: 'ses:SendEmail',
        resource: localArns.identity('affiliates.local'),
        context: { 'ses:FromAddress': 'a@affiliates.local' },
      },
    ]);
    expect(() => mapSes('GET', '/v2/email/identities', {}, [])).toThrow(UnmappedRequest);
  });

  it('checks SendEmail on the configuration set too (named, or the identity default), with ses:FromAddress bare', () => {
    const send = (body: Record<string, unknown>) =>
      mapSes('POST', '/v2/email/outbound-emails', body, ['affiliates.local'], {
        'affiliates.local': 'Local-mail',
      }).calls;
    const context = { 'ses:FromAddress': 'onboarding@affiliates.local' };
    expect(send({ FromEmailAddress: 'Onboarding <onboarding@affiliates.local>' })).toEqual([
      { action: 'ses:SendEmail', resource: localArns.identity('affiliates.local'), context },
      { action: 'ses:SendEmail', resource: localArns.configurationSet('Local-mail'), context },
    ]);
    expect(
      send({ FromEmailAddress: 'onboarding@affiliates.local', ConfigurationSetName: 'other' })[1],
    ).toEqual({
      action: 'ses:SendEmail',
      resource: localArns.configurationSet('other'),
      context,
    });
  });

  it('maps Step Functions operations to the machine, the execution, or * for task tokens', () => {
    expect(
      mapSfn('AWSStepFunctions.StartExecution', { stateMachineArn: localArns.stateMachine() }).calls,
    ).toEqual([{ action: 'states:StartExecution', resource: localArns.stateMachine() }]);
    expect(
      mapSfn('AWSStepFunctions.StopExecution', { executionArn: localArns.execution('x') }).calls,
    ).toEqual([{ action: 'states:StopExecution', resource: localArns.execution('x') }]);
    expect(mapSfn('AWSStepFunctions.SendTaskSuccess', { taskToken: 't' }).calls).toEqual([
      { action: 'states:SendTaskSuccess', resource: '*' },
    ]);
  });
});

describe('the policy evaluator', () => {
  const policy = (actions: string[]) => [
    {
      name: 'p',
      policy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow' as const, Action: actions, Resource: localArns.table() }],
      },
    },
  ];

  it('allows what the policy grants, implicitly denies the rest, and caches each verdict', async () => {
    const evaluator = createPolicyEvaluator({
      retention: policy(['dynamodb:PutItem', 'dynamodb:DeleteItem']),
    });
    const call = { action: 'dynamodb:BatchWriteItem', resource: localArns.table() };
    expect(await evaluator.evaluate('retention', call)).toBe('ImplicitlyDenied');
    expect(await evaluator.evaluate('retention', { ...call, action: 'dynamodb:PutItem' })).toBe('Allowed');
    const started = performance.now();
    for (let i = 0; i < 1000; i++) await evaluator.evaluate('retention', call);
    expect(performance.now() - started).toBeLessThan(200);
    expect(await evaluator.evaluate('health', call)).toBe('ImplicitlyDenied');
  });

  it('evaluates conditions on the request context: SendEmail only as the granted ses:FromAddress', async () => {
    const evaluator = createPolicyEvaluator({
      'create-application': [
        {
          name: 'p',
          policy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow' as const,
                Action: 'ses:SendEmail',
                Resource: localArns.identity('affiliates.local'),
                Condition: { StringEquals: { 'ses:FromAddress': 'onboarding@affiliates.local' } },
              },
            ],
          },
        },
      ],
    });
    const call = (from: string) => ({
      action: 'ses:SendEmail',
      resource: localArns.identity('affiliates.local'),
      context: { 'ses:FromAddress': from },
    });
    expect(await evaluator.evaluate('create-application', call('onboarding@affiliates.local'))).toBe(
      'Allowed',
    );
    expect(await evaluator.evaluate('create-application', call('ceo@affiliates.local'))).toBe(
      'ImplicitlyDenied',
    );
  });
});
