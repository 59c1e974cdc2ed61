/**
 * The data that outlives any deployment: the single table and the applicants' documents (DBS certificates are
 * special-category data: DESIGN §7), both under the customer-managed key, plus the bucket their access logs go to.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '../table.ts';

export interface StorageProps {
  key: IKey;
  /** The documents bucket's name: fixed, so the site's CSP can name its host without referring to it. */
  documentsBucketName: string;
  /** The static site's origin (`https://…`): the only origin allowed to POST uploads from a browser. */
  siteOrigin: string;
  /** Receives the documents bucket's server access logs (and the site's, see StatefulStack). */
  logsBucket: Bucket;
}

export class Storage extends Construct {
  readonly table: Table;
  readonly documentsBucket: Bucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      // New items only: publish-events turns each new audit entry into a published event (lib/history-stream.ts).
      stream: StreamViewType.NEW_IMAGE,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of TABLE_KEYS.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      });
    }

    this.documentsBucket = new Bucket(this, 'Documents', {
      bucketName: props.documentsBucketName,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      encryption: BucketEncryption.KMS,
      encryptionKey: props.key,
      // One data key per bucket instead of a KMS call per object: cheaper, and within KMS request quotas.
      bucketKeyEnabled: true,
      serverAccessLogsBucket: props.logsBucket,
      serverAccessLogsPrefix: 'documents/',
      cors: [
        {
          // Browsers upload with a presigned POST straight to the bucket, and the status page fetches the contract
          // through its presigned GET to hash exactly the bytes the applicant signs.
          allowedMethods: [HttpMethods.POST, HttpMethods.GET],
          allowedOrigins: [props.siteOrigin],
          allowedHeaders: ['*'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { noncurrentVersionExpiration: Duration.days(30) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // S3 → EventBridge is switched on in the bucket's own NotificationConfiguration (not `eventBridgeEnabled`,
    // which adds a custom-resource Lambda). The document-received function lives in the stateless stack;
    // `addEventNotification` there would make this bucket's notification configuration refer to that function
    // and the stateless stack already refers to this bucket: a cross-stack cycle. With EventBridge the bucket
    // refers to nothing, and the stateless stack's rule picks the events up.
    (this.documentsBucket.node.defaultChild as CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
  }
}
