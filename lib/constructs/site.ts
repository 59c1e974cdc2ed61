/**
 * The static site (application form, status page, staff pages) in two halves:
 *  - SiteHosting: a private bucket behind CloudFront. It lives in the stateful stack because its domain is an
 *    identity other stateful resources name (the documents bucket's CORS origin, the staff app client's callback
 *    URL) and that emails already sent link to.
 *  - SiteDeployment: the built files plus `config.json` (API URL, Cognito settings), deployed by the stateless
 *    stack because the config names the API.
 */

import { join } from 'node:path';
import { DockerImage, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import {
  AllowedMethods,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { buildSiteSync } from '../../web/build.ts';
import { PROJECT_ROOT } from './function.ts';

export interface SiteHostingProps {
  /** Receives the site bucket's server access logs and CloudFront's standard logs. */
  logsBucket: IBucket;
}

export class SiteHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<distribution domain>`: the origin for CORS and the base of every link in emails. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: SiteHostingProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      // The site's files are public through CloudFront by design; SSE-S3 is enough and keeps OAC simple.
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      serverAccessLogsBucket: props.logsBucket,
      serverAccessLogsPrefix: 'site/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      // Kept like the rest of this stack: a non-empty bucket would otherwise stop the stack's deletion half-way.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Affiliate onboarding static site',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      // Applicants and staff are in the UK.
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: props.logsBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        responseHeadersPolicy: new ResponseHeadersPolicy(this, 'SecurityHeaders', {
          comment: 'Security headers and a strict CSP for the static site',
          securityHeadersBehavior: {
            // Scripts and styles only from the site; the API, S3 (uploads, previews, the contract) and Cognito
            // are the only other origins the pages talk to.
            contentSecurityPolicy: {
              contentSecurityPolicy: [
                "default-src 'self'",
                "script-src 'self'",
                "style-src 'self'",
                "img-src 'self' data: https://*.amazonaws.com",
                'frame-src https://*.amazonaws.com',
                "connect-src 'self' https://*.amazonaws.com https://*.amazoncognito.com",
                "form-action 'self'",
                "frame-ancestors 'none'",
                "base-uri 'self'",
                "object-src 'none'",
              ].join('; '),
              override: true,
            },
            strictTransportSecurity: {
              accessControlMaxAge: Duration.days(730),
              includeSubdomains: true,
              preload: true,
              override: true,
            },
            contentTypeOptions: { override: true },
            frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
            referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
          },
        }),
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
  }
}

/** What the browser code reads from `/config.json` at start. */
export interface SiteConfig {
  apiUrl: string;
  stage: string;
  cognito: { domain: string; clientId: string; userPoolId: string };
  /** The induction and therapy-website account links (lib/config.ts): absolute, or paths on the site. */
  links: { therapyAccountUrl: string; inductionBookingUrl: string };
}

export interface SiteDeploymentProps {
  bucket: IBucket;
  distribution: IDistribution;
  config: SiteConfig;
}

export class SiteDeployment extends Construct {
  readonly deployment: BucketDeployment;
  /** What `config.json` holds. */
  readonly config: SiteConfig;

  constructor(scope: Construct, id: string, props: SiteDeploymentProps) {
    super(scope, id);
    this.config = props.config;
    this.deployment = new BucketDeployment(this, 'Files', {
      sources: [
        Source.asset(join(PROJECT_ROOT, 'web'), {
          bundling: {
            // Never used: local bundling always succeeds, and there is no container engine to fall back on.
            image: DockerImage.fromRegistry('none'),
            local: {
              tryBundle(outputDir: string): boolean {
                buildSiteSync(outputDir);
                return true;
              },
            },
          },
        }),
        Source.jsonData('config.json', props.config),
      ],
      destinationBucket: props.bucket,
      distribution: props.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
  }
}
