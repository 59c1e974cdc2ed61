import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_KEYS } from '../../lib/table.ts';
import { type Cfn, logicalIdOf, resourcesOf, type Synthesized, synth } from './synth.ts';

let s: Synthesized;
let keyArn: unknown;
let documentsBucketId: string;

beforeAll(() => {
  s = synth();
  const keyId = Object.keys(resourcesOf(s.statefulTemplate, 'AWS::KMS::Key'))[0];
  keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };
  documentsBucketId = logicalIdOf(s.statefulTemplate, 'AWS::S3::Bucket', (p) => 'CorsConfiguration' in p);
});

describe('customer-managed key', () => {
  it('is the only key, rotates yearly and is retained when the stack goes', () => {
    s.statefulTemplate.resourceCountIs('AWS::KMS::Key', 1);
    s.statefulTemplate.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
  });

  it('lets CloudWatch Logs use it only for log groups of this account', () => {
    s.statefulTemplate.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });
});

describe('table', () => {
  it('is encrypted with the customer-managed key, recoverable and protected from deletion', () => {
    s.statefulTemplate.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true },
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('has the key schema and both indexes of lib/table.ts', () => {
    s.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE_KEYS.indexes.map((index) =>
        Match.objectLike({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
        }),
      ),
    });
  });
});

describe('documents bucket', () => {
  const documents = () => resourcesOf(s.statefulTemplate, 'AWS::S3::Bucket')[documentsBucketId]?.Properties;

  it('blocks every kind of public access and disables ACLs', () => {
    expect(documents()).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  it('is versioned and encrypted with the customer-managed key, with a bucket key', () => {
    expect(documents()).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn },
          },
        ],
      },
    });
  });

  it('denies every request not made over TLS', () => {
    s.statefulTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: documentsBucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('accepts browser uploads (POST) and contract downloads (GET) from the site origin only', () => {
    const site = logicalIdOf(s.statefulTemplate, 'AWS::CloudFront::Distribution', () => true);
    expect(documents()?.CorsConfiguration).toEqual({
      CorsRules: [
        {
          AllowedMethods: ['POST', 'GET'],
          AllowedOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [site, 'DomainName'] }]] }],
          AllowedHeaders: ['*'],
          MaxAge: 3000,
        },
      ],
    });
  });

  it('aborts stale multipart uploads after a day and expires old versions after 30 days', () => {
    expect(documents()?.LifecycleConfiguration).toEqual({
      Rules: [
        { AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' },
        { NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' },
      ],
    });
  });

  it('sends server access logs to the logs bucket and object events to EventBridge', () => {
    const logs = logicalIdOf(
      s.statefulTemplate,
      'AWS::S3::Bucket',
      (p) => p.AccessControl === 'LogDeliveryWrite',
    );
    expect(documents()).toMatchObject({
      LoggingConfiguration: { DestinationBucketName: { Ref: logs }, LogFilePrefix: 'documents/' },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    // No custom-resource Lambda just to switch notifications on.
    s.statefulTemplate.resourceCountIs('Custom::S3BucketNotifications', 0);
  });

  it('is retained when the stack is deleted', () => {
    expect(s.statefulTemplate.findResources('AWS::S3::Bucket')[documentsBucketId]?.DeletionPolicy).toBe(
      'Retain',
    );
  });
});

describe('malware scanning of the documents bucket (GuardDuty Malware Protection for S3)', () => {
  const plan = () => {
    const plans = Object.values(resourcesOf(s.statefulTemplate, 'AWS::GuardDuty::MalwareProtectionPlan'));
    expect(plans).toHaveLength(1);
    return plans[0]?.Properties as Cfn;
  };
  const role = () => {
    const roleId = plan().Role['Fn::GetAtt'][0];
    return resourcesOf(s.statefulTemplate, 'AWS::IAM::Role')[roleId]?.Properties as Cfn;
  };
  const statement = (sid: string) =>
    (role().Policies[0].PolicyDocument.Statement as Cfn[]).find((st) => st.Sid === sid);

  it('scans every object under applications/ of the documents bucket and tags it with its result', () => {
    expect(plan()).toMatchObject({
      ProtectedResource: { S3Bucket: { ObjectPrefixes: ['applications/'] } },
      Actions: { Tagging: { Status: 'ENABLED' } },
    });
    expect(plan().ProtectedResource.S3Bucket.BucketName).toEqual({ Ref: documentsBucketId });
  });

  it('acts through a role only GuardDuty’s malware protection plans may assume', () => {
    expect(role().AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'malware-protection-plan.guardduty.amazonaws.com' },
      },
    ]);
  });

  it('may read and tag objects under the scanned prefix only, and use the key only through S3', () => {
    const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [documentsBucketId, 'Arn'] }, '/applications/*']] };
    expect(statement('AllowMalwareScan')).toMatchObject({
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: objects,
    });
    expect(statement('AllowPostScanTag')).toMatchObject({
      Action: [
        's3:PutObjectTagging',
        's3:GetObjectTagging',
        's3:PutObjectVersionTagging',
        's3:GetObjectVersionTagging',
      ],
      Resource: objects,
    });
    expect(statement('AllowPutValidationObject')?.Resource).toEqual({
      'Fn::Join': [
        '',
        [{ 'Fn::GetAtt': [documentsBucketId, 'Arn'] }, '/malware-protection-resource-validation-object'],
      ],
    });
    expect(statement('AllowDecryptForMalwareScan')).toMatchObject({
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: keyArn,
      Condition: {
        StringLike: {
          'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
        },
      },
    });
  });

  it('lets no download link open an upload GuardDuty has not tagged clean', () => {
    const policies = Object.values(resourcesOf(s.statefulTemplate, 'AWS::S3::BucketPolicy')).filter(
      (p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: documentsBucketId }),
    );
    const statements = policies.flatMap((p) => (p.Properties as Cfn).PolicyDocument.Statement as Cfn[]);
    const deny = statements.find((st) => st.Sid === 'DenyLinksToUploadsNotScannedClean');
    expect(deny).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Condition: {
        StringEquals: { 's3:authType': 'REST-QUERY-STRING' },
        StringNotEquals: { 's3:ExistingObjectTag/GuardDutyMalwareScanStatus': 'NO_THREATS_FOUND' },
      },
    });
    expect(deny?.Resource).toEqual(
      ['dbs-certificate', 'indemnity-insurance'].map((kind) => ({
        'Fn::Join': ['', [{ 'Fn::GetAtt': [documentsBucketId, 'Arn'] }, `/applications/*/${kind}/*`]],
      })),
    );
  });

  it('may manage only its own EventBridge rules, and only those GuardDuty manages', () => {
    const manage = statement('AllowManagedRuleToSendS3EventsToGuardDuty');
    expect(manage?.Action).toEqual([
      'events:PutRule',
      'events:DeleteRule',
      'events:PutTargets',
      'events:RemoveTargets',
    ]);
    expect(JSON.stringify(manage?.Resource)).toContain(
      ':rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*',
    );
    expect(manage?.Condition).toEqual({
      StringLike: { 'events:ManagedBy': 'malware-protection-plan.guardduty.amazonaws.com' },
    });
  });
});

describe('site hosting', () => {
  it('serves a private bucket through CloudFront with origin access control, HTTPS and security headers', () => {
    s.statefulTemplate.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    s.statefulTemplate.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
    const policy = Object.values(
      s.statefulTemplate.findResources('AWS::CloudFront::ResponseHeadersPolicy'),
    )[0]?.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    // The Fn::Join the template holds, with each Ref written as <Name>.
    const [, parts] = policy.ContentSecurityPolicy.ContentSecurityPolicy['Fn::Join'] as [string, unknown[]];
    const csp = parts.map((p) => (typeof p === 'string' ? p : `<${(p as { Ref: string }).Ref}>`)).join('');
    const directives = Object.fromEntries(
      csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')] as const),
    );
    const documents =
      'https://affiliateonboarding-documents-<AWS::AccountId>-eu-west-2.s3.eu-west-2.<AWS::URLSuffix>';
    // No wildcard host: the documents bucket and the staff hosted UI by name; the API is the site's own origin.
    expect(directives).toEqual({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self'",
      'img-src': `'self' data: ${documents}`,
      'frame-src': documents,
      'connect-src': `'self' ${documents} https://affiliateonboarding-<AWS::AccountId>.auth.eu-west-2.amazoncognito.com`,
      'form-action': "'self'",
      'frame-ancestors': "'none'",
      'base-uri': "'self'",
      'object-src': "'none'",
    });
    expect(csp).not.toContain('*');
    // The hosts named are the real ones: the documents bucket's name and the hosted UI's prefix.
    const bucket = Object.entries(s.statefulTemplate.findResources('AWS::S3::Bucket')).find(([id]) =>
      id.startsWith('StorageDocuments'),
    )?.[1].Properties.BucketName;
    expect(bucket).toEqual({
      'Fn::Join': ['', ['affiliateonboarding-documents-', { Ref: 'AWS::AccountId' }, '-eu-west-2']],
    });
    s.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['', ['affiliateonboarding-', { Ref: 'AWS::AccountId' }]] },
    });
    expect(policy.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 63072000,
      IncludeSubdomains: true,
    });
    expect(policy.FrameOptions.FrameOption).toBe('DENY');
    expect(policy.ContentTypeOptions.Override).toBe(true);
  });
});

describe('staff user pool', () => {
  it('admits no self sign-up and requires an authenticator-app second factor', () => {
    s.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: 'ACTIVE',
    });
  });

  it('has the affiliate-team group', () => {
    s.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'affiliate-team' });
  });

  it('has a public code-grant client whose callback is the staff callback page of the site', () => {
    const site = logicalIdOf(s.statefulTemplate, 'AWS::CloudFront::Distribution', () => true);
    s.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      CallbackURLs: [
        { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [site, 'DomainName'] }, '/staff/callback.html']] },
      ],
    });
  });
});
