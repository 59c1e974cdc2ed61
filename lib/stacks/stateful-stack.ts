/**
 * What must survive every deployment: the key, the table, the documents, the staff user pool, the site's domain
 * and the API resource the site serves under `/api/*` (its routes and stage are the stateless stack's). Nothing
 * here refers to the stateless stack, so it can be deployed (and is retained) on its own.
 */
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type Archive, EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../lambdas/domain/published-events.ts';
import type { StageConfig } from '../config.ts';
import { ApiEndpoint } from '../constructs/api.ts';
import { IntegrationAuth } from '../constructs/integration-auth.ts';
import { Mail } from '../constructs/mail.ts';
import { MalwareScan } from '../constructs/malware-scan.ts';
import { SiteHosting } from '../constructs/site.ts';
import { StaffAuth, staffDomainPrefix } from '../constructs/staff-auth.ts';
import { Storage } from '../constructs/storage.ts';
import { DOCUMENT_AREA_KEYS } from '../functions.ts';

/** How long the bus keeps what it carried, to replay it to a consumer that joins late or lost some (DESIGN §5). */
export const EVENT_ARCHIVE_DAYS = 90;

export interface StatefulStackProps extends StackProps {
  config: StageConfig;
  /** The WAF web ACL of the distribution (lib/stacks/edge-stack.ts, us-east-1). */
  webAclArn: string;
  /** The certificate of config `domainName` (edge stack, us-east-1), when set. */
  certificateArn?: string;
}

export class StatefulStack extends Stack {
  readonly key: Key;
  readonly logsBucket: Bucket;
  readonly storage: Storage;
  readonly malwareScan: MalwareScan;
  readonly site: SiteHosting;
  readonly staffAuth: StaffAuth;
  /** The therapy platform's client-credentials client (POST /integrations/accounts/{id}). */
  readonly integrationAuth: IntegrationAuth;
  readonly apiEndpoint: ApiEndpoint;
  readonly mail: Mail;
  /** The stack's own event bus: one event per domain change, for the provider's other systems (DESIGN §5). */
  readonly eventBus: EventBus;
  readonly eventArchive: Archive;
  /** SSM parameter names (not values): the stateless stack resolves them at deploy time (no export). */
  readonly parameters: { siteUrl: string; staffClientId: string; integrationClientId: string };
  /** The site's origin: the config's, when set, else the distribution's. Links, CORS and callbacks use it. */
  readonly siteUrl: string;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);

    this.key = new Key(this, 'Key', {
      description: 'Affiliate onboarding: table, documents, logs and queues',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts each log group with the key itself, so it needs the key policy's permission,
    // limited to this account's log groups.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
          },
        },
      }),
    );
    // EventBridge writes undeliverable events to the KMS-encrypted dead-letter queues as itself (queue policy,
    // no role), so it needs the key too, for this account's rules only.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );

    this.logsBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // CloudFront standard logging delivers with an ACL grant, so ACLs stay enabled on this bucket only.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      // S3 server access logging cannot deliver to a bucket encrypted with a customer-managed key.
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.apiEndpoint = new ApiEndpoint(this, 'Api');
    const prefix = props.config.name.toLowerCase();
    const documentsBucketName = `${prefix}-documents-${Aws.ACCOUNT_ID}-${this.region}`;
    this.site = new SiteHosting(this, 'Site', {
      logsBucket: this.logsBucket,
      apiDomainName: this.apiEndpoint.domainName,
      webAclArn: props.webAclArn,
      ...(props.config.domainName && props.certificateArn
        ? { customDomain: { domainName: props.config.domainName, certificateArn: props.certificateArn } }
        : {}),
      // Virtual-hosted style: the host presigned URLs use outside the local stack.
      documentsOrigin: `https://${documentsBucketName}.s3.${this.region}.${this.urlSuffix}`,
      cognitoOrigin: `https://${staffDomainPrefix(prefix)}.auth.${this.region}.amazoncognito.com`,
    });
    this.siteUrl =
      props.config.siteOrigin ||
      (props.config.domainName ? `https://${props.config.domainName}` : this.site.url);
    this.storage = new Storage(this, 'Storage', {
      key: this.key,
      documentsBucketName,
      siteOrigin: this.siteUrl,
      logsBucket: this.logsBucket,
    });
    this.malwareScan = new MalwareScan(this, 'MalwareScan', {
      bucket: this.storage.documentsBucket,
      key: this.key,
      uploadKeys: DOCUMENT_AREA_KEYS.uploads,
    });
    this.staffAuth = new StaffAuth(this, 'StaffAuth', {
      domainPrefix: prefix,
      siteUrl: this.siteUrl,
    });

    this.integrationAuth = new IntegrationAuth(this, 'IntegrationAuth', {
      userPool: this.staffAuth.userPool,
    });

    this.mail = new Mail(this, 'Mail', { name: props.config.name, mailFrom: props.config.mailFrom });

    // Stateful: consumers' rules attach to it, and its archive outlives any deployment of the functions.
    this.eventBus = new EventBus(this, 'EventBus', {
      eventBusName: `${props.config.name}-events`,
      description: 'Affiliate onboarding: one event per domain change (schemas/events/)',
    });
    this.eventArchive = this.eventBus.archive('EventArchive', {
      description: 'Every published event, for replay',
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(EVENT_ARCHIVE_DAYS),
    });

    // Values the stateless stack reads at each deployment instead of importing them: a CloudFormation export
    // cannot change while another stack imports it, so a replaced client or a new site domain would deadlock.
    this.parameters = {
      siteUrl: `/${props.config.name}/site-url`,
      staffClientId: `/${props.config.name}/staff-client-id`,
      integrationClientId: `/${props.config.name}/integration-client-id`,
    };
    new StringParameter(this, 'SiteUrlParameter', {
      parameterName: this.parameters.siteUrl,
      description: "The site's origin: links in emails",
      stringValue: this.siteUrl,
    });
    new StringParameter(this, 'StaffClientIdParameter', {
      parameterName: this.parameters.staffClientId,
      description: "The staff pages' Cognito app client: the JWT audience",
      stringValue: this.staffAuth.client.userPoolClientId,
    });

    new StringParameter(this, 'IntegrationClientIdParameter', {
      parameterName: this.parameters.integrationClientId,
      description: "The therapy platform's Cognito app client: the integration route's JWT audience",
      stringValue: this.integrationAuth.client.userPoolClientId,
    });

    new CfnOutput(this, 'SiteUrl', { value: this.siteUrl });
    new CfnOutput(this, 'TableName', { value: this.storage.table.tableName });
    new CfnOutput(this, 'DocumentsBucketName', { value: this.storage.documentsBucket.bucketName });
    new CfnOutput(this, 'UserPoolId', { value: this.staffAuth.userPool.userPoolId });
    new CfnOutput(this, 'EventBusName', { value: this.eventBus.eventBusName });

    this.acknowledgeFindings(props.config);
  }

  /** Each acknowledgement is on the narrowest construct it concerns and says why the finding does not apply. */
  private acknowledgeFindings(config: StageConfig): void {
    // (cdk-nag recognises a LogDeliveryWrite bucket as a log destination and does not ask it to log itself.)
    Validations.of(this.logsBucket).acknowledge(
      {
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        reason:
          'S3 server access logging only delivers to SSE-S3 buckets; the logs hold request metadata, not documents.',
      },
      {
        id: 'HIPAA.Security-S3BucketReplicationEnabled',
        reason:
          'Access logs are diagnostic and expire after a year; a second-region copy is not worth its cost.',
      },
    );
    Validations.of(this.storage.documentsBucket).acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason:
        'Documents are kept only until review (DBS images 6 months after the decision, DESIGN §3); versioning covers accidental deletion and a UK-only single-region footprint is a data-residency choice.',
    });
    Validations.of(this.site.bucket).acknowledge(
      {
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        reason:
          'The site bucket holds only the public static site served by CloudFront; no personal data is stored in it.',
      },
      {
        id: 'HIPAA.Security-S3BucketReplicationEnabled',
        reason:
          'The site bucket is rebuilt from the repository on every deployment, so a replica adds nothing.',
      },
    );
    Validations.of(this.storage.table).acknowledge({
      id: 'HIPAA.Security-DynamoDBInBackupPlan',
      reason:
        'Point-in-time recovery (35 days) and deletion protection are on; an AWS Backup plan is an account-level policy the operator owns, not part of this app.',
    });
    Validations.of(this.site.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'Applicants may apply from abroad (e.g. therapists relocating to the UK); no country is excluded.',
    });
    if (!config.domainName) {
      Validations.of(this.site.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'No custom domain is configured, so CloudFront serves its *.cloudfront.net certificate, whose security policy it fixes; with -c domainName=… the distribution gets an ACM certificate and TLSv1.2_2021.',
      });
    }
  }
}
