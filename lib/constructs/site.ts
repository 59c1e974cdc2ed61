/**
 * The static site (application form, status page, staff pages) in two halves:
 *  - SiteHosting: a private bucket behind CloudFront, which also serves the HTTP API under `/api/*`, the whole
 *    distribution behind the WAF web ACL. It lives in the stateful stack because its domain is an identity other
 *    stateful resources name (the documents bucket's CORS origin, the staff app client's callback URL) and that
 *    emails already sent link to.
 *  - SiteDeployment: the built files plus `config.json` (API URL, Cognito settings), deployed by the stateless
 *    stack because the config names the API.
 */

import { join } from 'node:path';
import { DockerImage, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
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
import { API_STAGE } from './api.ts';
import { PROJECT_ROOT } from './function.ts';

export interface SiteHostingProps {
  /** Receives the site bucket's server access logs and CloudFront's standard logs. */
  logsBucket: IBucket;
  /** The HTTP API's execute-api domain: served under `/api/*` (its stage is named `api`). */
  apiDomainName: string;
  /** The WAF web ACL (us-east-1, lib/stacks/edge-stack.ts) in front of the site and the API. */
  webAclArn: string;
  /**
   * The only other origins the pages use, for the CSP: the documents bucket (presigned uploads, previews and the
   * contract) and the staff user pool's hosted UI (the OAuth token endpoint). Derived from names, not from the
   * resources: the bucket's CORS and the staff client name the site's domain, so a reference back would be a cycle.
   */
  documentsOrigin: string;
  cognitoOrigin: string;
  /** The site's own domain and its us-east-1 ACM certificate (config `domainName`). */
  customDomain?: { domainName: string; certificateArn: string };
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
      webAclId: props.webAclArn,
      ...(props.customDomain
        ? {
            domainNames: [props.customDomain.domainName],
            certificate: Certificate.fromCertificateArn(
              this,
              'Certificate',
              props.customDomain.certificateArn,
            ),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
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
            // Scripts and styles only from the site; the API is the site's own origin (/api/*); the documents
            // bucket (uploads, previews, the contract) and the staff hosted UI are the only other origins.
            contentSecurityPolicy: {
              contentSecurityPolicy: [
                "default-src 'self'",
                "script-src 'self'",
                "style-src 'self'",
                `img-src 'self' data: ${props.documentsOrigin}`,
                `frame-src ${props.documentsOrigin}`,
                `connect-src 'self' ${props.documentsOrigin} ${props.cognitoOrigin}`,
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
    // The API on the site's own origin: behind the WAF, same-origin for the browser (no CORS), never cached, every
    // viewer header but Host forwarded (API Gateway answers only to its own Host; Authorization is forwarded
    // because caching is off).
    this.distribution.addBehavior(
      `/${API_STAGE}/*`,
      new HttpOrigin(props.apiDomainName, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
      {
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
      },
    );
    this.url = `https://${this.distribution.distributionDomainName}`;
  }
}

/** The deployed site's build: no source maps (web/build.ts). */
export const PUBLIC_SITE_BUILD = { sourceMaps: false } as const;

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
                buildSiteSync(outputDir, PUBLIC_SITE_BUILD);
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
