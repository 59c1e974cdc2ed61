/**
 * What CloudFront needs from us-east-1: the WAF web ACL (AWS requires CLOUDFRONT-scoped web ACLs there), and the
 * custom domain's certificate when config `domainName` is set. The
 * stateful stack, in the data's region, reads its ARN through CDK's cross-region references (an SSM parameter
 * written into the stateful stack's region), so deleting the web ACL while the distribution uses it fails.
 */
import { Aws, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate, CertificateValidation } from 'aws-cdk-lib/aws-certificatemanager';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { EdgeFirewall } from '../constructs/waf.ts';

/** AWS's only region for CloudFront-scoped WAF resources (and CloudFront certificates). */
export const EDGE_REGION = 'us-east-1';

export interface EdgeStackProps extends StackProps {
  config: StageConfig;
}

export class EdgeStack extends Stack {
  readonly firewall: EdgeFirewall;
  readonly key: Key;
  /** The custom domain's certificate (config `domainName`), if any: CloudFront takes certificates from us-east-1. */
  readonly certificate?: Certificate;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    this.key = new Key(this, 'Key', {
      description: 'Affiliate onboarding: WAF request logs',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
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
    this.firewall = new EdgeFirewall(this, 'Firewall', { name: props.config.name, key: this.key });
    if (props.config.domainName) {
      // DNS validation without a hosted zone lookup: the deployment waits until the operator publishes the
      // validation record ACM shows (console, or `aws acm describe-certificate`).
      this.certificate = new Certificate(this, 'Certificate', {
        domainName: props.config.domainName,
        validation: CertificateValidation.fromDns(),
      });
    }
  }
}
