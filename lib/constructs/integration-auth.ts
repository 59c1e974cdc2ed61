/**
 * Machine-to-machine sign-in for the provider's therapy platform (DESIGN §5: `POST /integrations/accounts/{id}`):
 * a resource server `affiliate` with the one scope `accounts` on the staff user pool, and an app client of its own
 * that may only use the client-credentials grant with that scope. Its tokens carry no `cognito:groups` and its
 * client id is the audience of the integration route's JWT authorizer, so a staff token (another client) is refused
 * there, and a platform token on every staff route.
 */
import { Duration } from 'aws-cdk-lib';
import {
  OAuthScope,
  ResourceServerScope,
  type UserPool,
  type UserPoolClient,
  type UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { INTEGRATION_RESOURCE_SERVER } from '../routes.ts';

export const THERAPY_PLATFORM_CLIENT = 'therapy-platform';

export class IntegrationAuth extends Construct {
  readonly resourceServer: UserPoolResourceServer;
  readonly client: UserPoolClient;

  constructor(scope: Construct, id: string, props: { userPool: UserPool }) {
    super(scope, id);
    const accounts = new ResourceServerScope({
      scopeName: 'accounts',
      scopeDescription: "Report a therapist's therapy website account",
    });
    this.resourceServer = props.userPool.addResourceServer('Affiliate', {
      identifier: INTEGRATION_RESOURCE_SERVER,
      userPoolResourceServerName: 'Affiliate onboarding',
      scopes: [accounts],
    });
    this.client = props.userPool.addClient('TherapyPlatform', {
      userPoolClientName: THERAPY_PLATFORM_CLIENT,
      // A server-side client: it keeps its secret, and it signs in as itself, never as a person.
      generateSecret: true,
      authFlows: {},
      oAuth: {
        flows: { clientCredentials: true },
        scopes: [OAuthScope.resourceServer(this.resourceServer, accounts)],
      },
      accessTokenValidity: Duration.hours(1),
      enableTokenRevocation: true,
    });
  }
}
