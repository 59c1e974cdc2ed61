import { describe, expect, it } from 'vitest';
import { FUNCTION_METADATA_KEY, FUNCTIONS, type FunctionName } from '../../../lib/functions.ts';
import {
  createResolver,
  LOCAL_NAMES,
  localArns,
  readLocalTemplate,
  UnresolvableReference,
} from '../../../lib/local/template.ts';

const EXPORT = (name: string) => `Stateful:${name}`;

/** A pair of templates shaped as the CDK app synthesizes them: cross-stack references through exports. */
const templates = () => {
  const stateful = {
    Resources: {
      Table1: { Type: 'AWS::DynamoDB::Table', Properties: {} },
      Docs1: { Type: 'AWS::S3::Bucket', Properties: {} },
      Logs1: { Type: 'AWS::S3::Bucket', Properties: {} },
      Key1: { Type: 'AWS::KMS::Key', Properties: {} },
      Pool1: { Type: 'AWS::Cognito::UserPool', Properties: {} },
      MailSet: { Type: 'AWS::SES::ConfigurationSet', Properties: { Name: 'Local-mail' } },
      Identity: {
        Type: 'AWS::SES::EmailIdentity',
        Properties: {
          EmailIdentity: 'affiliates.local',
          ConfigurationSetAttributes: { ConfigurationSetName: { Ref: 'MailSet' } },
        },
      },
      // The site URL the stateless stack reads from SSM at deployment (not an export: it may change).
      SiteUrlParameter: {
        Type: 'AWS::SSM::Parameter',
        Properties: { Name: '/Local/site-url', Type: 'String', Value: 'http://local-site.invalid' },
      },
    },
    Outputs: {
      TableName: { Value: { Ref: 'Table1' } },
      DocumentsBucketName: { Value: { Ref: 'Docs1' } },
      TableArn: { Value: { 'Fn::GetAtt': ['Table1', 'Arn'] }, Export: { Name: EXPORT('TableArn') } },
      TableRef: { Value: { Ref: 'Table1' }, Export: { Name: EXPORT('TableRef') } },
      DocsArn: { Value: { 'Fn::GetAtt': ['Docs1', 'Arn'] }, Export: { Name: EXPORT('DocsArn') } },
      KeyArn: { Value: { 'Fn::GetAtt': ['Key1', 'Arn'] }, Export: { Name: EXPORT('KeyArn') } },
      LogsArn: { Value: { 'Fn::GetAtt': ['Logs1', 'Arn'] }, Export: { Name: EXPORT('LogsArn') } },
    },
  };
  const machineArn = {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':states:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ':stateMachine:Local-onboarding',
      ],
    ],
  };
  const stateless: { Parameters: Record<string, unknown>; Resources: Record<string, unknown> } = {
    Parameters: {
      SsmSiteUrl: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/Local/site-url' },
      SsmMissing: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/Local/nobody-writes-this' },
    },
    Resources: {
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: { StateMachineName: 'Local-onboarding' },
      },
    },
  };
  for (const [index, name] of (Object.keys(FUNCTIONS) as FunctionName[]).entries()) {
    stateless.Resources[`Fn${index}`] = {
      Type: 'AWS::Lambda::Function',
      Metadata: { [FUNCTION_METADATA_KEY]: name },
      Properties: {
        Role: { 'Fn::GetAtt': [`Fn${index}Role`, 'Arn'] },
        Timeout: 10 + index,
        MemorySize: 256,
        Environment: {
          Variables: {
            TABLE_NAME: { 'Fn::ImportValue': EXPORT('TableRef') },
            SITE_URL: { Ref: 'SsmSiteUrl' },
            STATE_MACHINE_ARN: machineArn,
          },
        },
      },
    };
    stateless.Resources[`Fn${index}Role`] = { Type: 'AWS::IAM::Role', Properties: {} };
    stateless.Resources[`Fn${index}Policy`] = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        Roles: [{ Ref: `Fn${index}Role` }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'dynamodb:Query',
              Resource: {
                'Fn::Join': ['', [{ 'Fn::ImportValue': EXPORT('TableArn') }, '/index/by-stage']],
              },
            },
            {
              Effect: 'Allow',
              Action: 'states:DescribeExecution',
              Resource: {
                'Fn::Join': [
                  '',
                  ['arn:aws:states:', { Ref: 'AWS::Region' }, ':000000000000:execution:Local-onboarding:*'],
                ],
              },
            },
            {
              Effect: 'Allow',
              Action: 'kms:Decrypt',
              Resource: { 'Fn::ImportValue': EXPORT('KeyArn') },
              Condition: {
                StringEquals: {
                  'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
                },
              },
            },
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub, not a JS template.
            { Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Sub': '${Docs}/*' } },
          ],
        },
      },
    };
  }
  return { stateful, stateless };
};

describe('the local template resolver', () => {
  const { stateful, stateless } = templates();
  const resolver = createResolver({
    templates: { Stateful: stateful, Stateless: stateless } as never,
  });
  const resolve = (value: unknown, where = 'test') => resolver.resolve('Stateless', value, where);

  it('resolves the table, the documents bucket and the key through cross-stack exports', () => {
    expect(resolve({ 'Fn::ImportValue': EXPORT('TableRef') })).toBe(LOCAL_NAMES.table);
    expect(resolve({ 'Fn::ImportValue': EXPORT('TableArn') })).toBe(
      'arn:aws:dynamodb:eu-west-2:000000000000:table/affiliate-onboarding',
    );
    expect(resolve({ 'Fn::ImportValue': EXPORT('DocsArn') })).toBe(
      'arn:aws:s3:::affiliate-onboarding-documents',
    );
    expect(resolve({ 'Fn::ImportValue': EXPORT('KeyArn') })).toBe(localArns.key());
  });

  it('renames the template state machine to the local one, in ARNs of the machine and of its executions', () => {
    expect(resolve({ Ref: 'Machine' })).toBe('arn:aws:states:eu-west-2:000000000000:stateMachine:onboarding');
    expect(
      resolve({
        'Fn::Join': ['', ['arn:aws:states:eu-west-2:000000000000:execution:Local-onboarding:', 'x']],
      }),
    ).toBe('arn:aws:states:eu-west-2:000000000000:execution:onboarding:x');
  });

  it('follows a parameter read from SSM to the value another stack writes under its name', () => {
    expect(resolve({ Ref: 'SsmSiteUrl' })).toBe('http://local-site.invalid');
    expect(() => resolve({ Ref: 'SsmMissing' })).toThrow(
      /no stack of the app writes the SSM parameter \/Local\/nobody-writes-this/,
    );
  });

  it('says what it cannot resolve, and where it found it', () => {
    expect(() => resolve({ 'Fn::ImportValue': EXPORT('LogsArn') }, 'somewhere')).toThrow(
      UnresolvableReference,
    );
    expect(() => resolve({ 'Fn::ImportValue': EXPORT('LogsArn') }, 'somewhere')).toThrow(
      /Cannot resolve \{"Fn::GetAtt":\["Logs1","Arn"\]\} in Stateless: somewhere \(export Stateful:LogsArn\).*AWS::S3::Bucket Logs1/,
    );
    expect(() => resolve({ Ref: 'Nothing' })).toThrow(/no such resource/);
    expect(() => resolve({ 'Fn::ImportValue': 'Stateful:Missing' })).toThrow(/no stack exports it/);
    expect(() => resolve({ 'Fn::GetAtt': ['Machine', 'Color'] })).toThrow(/no Color attribute/);
    expect(() => resolve({ 'Fn::Base64': 'x' })).toThrow(/Fn::Base64 is not supported/);
  });
});

describe('readLocalTemplate', () => {
  it("gives each function its environment, timeout, memory and its role's policies, in local names", () => {
    const { stateful, stateless } = templates();
    // Fn::Sub with a ${Docs} variable that is not a resource: an error, so drop that statement here.
    for (const resource of Object.values(stateless.Resources) as { Type: string; Properties: never }[]) {
      if (resource.Type === 'AWS::IAM::Policy') {
        const doc = (resource.Properties as { PolicyDocument: { Statement: unknown[] } }).PolicyDocument;
        doc.Statement.pop();
      }
    }
    const read = readLocalTemplate({ Stateful: stateful, Stateless: stateless } as never, {
      siteUrl: 'http://127.0.0.1:4001',
    });
    const retention = read.functions.retention;
    expect(retention.environment).toEqual({
      TABLE_NAME: 'affiliate-onboarding',
      SITE_URL: 'http://127.0.0.1:4001',
      STATE_MACHINE_ARN: 'arn:aws:states:eu-west-2:000000000000:stateMachine:onboarding',
    });
    expect(retention.memoryMb).toBe(256);
    expect(retention.policies).toHaveLength(1);
    expect(retention.policies[0]?.policy.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: 'arn:aws:dynamodb:eu-west-2:000000000000:table/affiliate-onboarding/index/by-stage',
      },
      {
        Effect: 'Allow',
        Action: 'states:DescribeExecution',
        Resource: 'arn:aws:states:eu-west-2:000000000000:execution:onboarding:*',
      },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: localArns.key(),
        Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-2.amazonaws.com' } },
      },
    ]);
    expect(read.identities).toEqual(['affiliates.local']);
    expect(read.configurationSets).toEqual({ 'affiliates.local': 'Local-mail' });
  });

  it('fails on a policy it cannot resolve, naming the function', () => {
    const { stateful, stateless } = templates();
    expect(() => readLocalTemplate({ Stateful: stateful, Stateless: stateless } as never)).toThrow(
      /Cannot resolve \{"Ref":"Docs"\} in Stateless: function health \(Fn0\) policy Fn0Policy/,
    );
  });
});
