/**
 * Staff sign-in: a Cognito user pool only administrators add people to, the `affiliate-team` group the staff
 * handlers check, and the app client the staff pages use through the hosted UI (authorization code + PKCE).
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export const STAFF_GROUP = 'affiliate-team';

/** The hosted UI's domain prefix, from the stage name and the account: known before the domain exists. */
export const staffDomainPrefix = (prefix: string): string => `${prefix}-${Aws.ACCOUNT_ID}`;

export interface StaffAuthProps {
  /** Prefix of the hosted UI domain; the account id is appended because prefixes are global. */
  domainPrefix: string;
  /** `https://<site domain>`: the staff pages' callback and sign-out pages live under `/staff/`. */
  siteUrl: string;
}

export class StaffAuth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;
  /** The JWT issuer API Gateway checks staff tokens against. */
  readonly issuerUrl: string;

  constructor(scope: Construct, id: string, props: StaffAuthProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      // Staff see criminal-record data: a second factor is required, by authenticator app (no SMS costs or
      // SIM-swap risk).
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Compromised-credential and risk-based checks (AwsSolutions-COG3); the Plus plan is per active user and
      // the team is small.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new UserPoolGroup(this, 'AffiliateTeam', {
      userPool: this.userPool,
      groupName: STAFF_GROUP,
      description: 'The affiliate team: may use every /staff route',
    });
    this.domain = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: staffDomainPrefix(props.domainPrefix) },
    });
    this.client = this.userPool.addClient('StaffPages', {
      // A browser app cannot keep a secret: code grant with PKCE instead.
      generateSecret: false,
      preventUserExistenceErrors: true,
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${props.siteUrl}/staff/callback.html`],
        // CloudFront serves index.html only at the root, so the sign-out page is named in full.
        logoutUrls: [`${props.siteUrl}/staff/index.html`],
      },
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    this.issuerUrl = `https://cognito-idp.${Aws.REGION}.amazonaws.com/${this.userPool.userPoolId}`;
  }
}
