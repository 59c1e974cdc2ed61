/**
 * The HTTP API in two halves, like the site (lib/constructs/site.ts):
 *  - ApiEndpoint (stateful stack): the API resource itself, whose id is the origin the CloudFront distribution
 *    forwards `/api/*` to. It holds no routes, so it never changes and nothing deadlocks on it.
 *  - Api (stateless stack): built from the route table (lib/routes.ts) and nothing else: one route per entry,
 *    each integrated with its handler's function and throttled on its own (ROUTE_THROTTLES), so a flood on the
 *    public form cannot use up what staff and applicants need. Staff routes are checked by API Gateway's JWT
 *    authorizer against the staff user pool; applicant routes carry a Bearer access token the handler checks
 *    (DESIGN §5), public routes nothing.
 * The stage is named `api`, so the distribution's `/api/applications` reaches the route `/applications` with no
 * rewriting at the edge.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  type IHttpApi,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionName } from '../functions.ts';
import { INTEGRATION_SCOPE, type Route, routeThrottle } from '../routes.ts';
import { maskEmailAddresses } from './function.ts';

/** The stage name: also the path prefix the CloudFront distribution serves the API under. */
export const API_STAGE = 'api';

export class ApiEndpoint extends Construct {
  readonly httpApi: HttpApi;
  /** `<id>.execute-api.<region>.amazonaws.com`: the distribution's origin for `/api/*`. */
  readonly domainName: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // No CORS: the site calls the API on its own origin (`/api/*` through CloudFront, behind the WAF), so no
    // browser page on another origin may call it, and neither may the site call the direct endpoint around WAF.
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Affiliate onboarding API',
      createDefaultStage: false,
    });
    const stack = Stack.of(this);
    this.domainName = `${this.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
  }
}

export interface ApiProps {
  /** The API resource (ApiEndpoint, in the stateful stack). */
  apiId: string;
  apiEndpoint: string;
  routes: readonly Route[];
  functions: Record<FunctionName, IFunction>;
  staffJwt: { issuerUrl: string; audience: string };
  /** The therapy platform's client-credentials tokens (lib/constructs/integration-auth.ts). */
  integrationJwt: { issuerUrl: string; audience: string };
  key: IKey;
}

/** Construct id of a route: `GET /applications/{id}` → `GET-applications-id`. */
export const routeId = (route: Pick<Route, 'method' | 'path'>): string =>
  `${route.method}${route.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '-')}`;

export class Api extends Construct {
  readonly httpApi: IHttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  /** The API's direct base URL (`…/api`), without a trailing slash. */
  readonly url: string;
  /** Route construct per route-table entry, by `routeId`. */
  readonly routes = new Map<string, HttpRoute>();

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.httpApi = HttpApi.fromHttpApiAttributes(this, 'HttpApi', {
      httpApiId: props.apiId,
      apiEndpoint: props.apiEndpoint,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      encryptionKey: props.key,
      dataProtectionPolicy: maskEmailAddresses('api-access-logs'),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'Stage', {
      httpApi: this.httpApi,
      stageName: API_STAGE,
      autoDeploy: true,
      // The ceiling of a route without its own limit (every route table entry has one: ROUTE_THROTTLES).
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        // Ids and outcomes only: no path parameters' values beyond the route, no bodies, no tokens. `sub` is the
        // staff member's Cognito id on staff routes (who looked at what), empty elsewhere.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            sub: '$context.authorizer.claims.sub',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            requestTime: '$context.requestTime',
          }),
        ),
      },
    });
    this.url = this.stage.url.replace(/\/$/, '');

    const staffAuthorizer = new HttpJwtAuthorizer('StaffJwt', props.staffJwt.issuerUrl, {
      jwtAudience: [props.staffJwt.audience],
    });
    // Client-credentials tokens carry no `aud`: the authorizer checks their `client_id` against the audience.
    const integrationAuthorizer = new HttpJwtAuthorizer('IntegrationJwt', props.integrationJwt.issuerUrl, {
      jwtAudience: [props.integrationJwt.audience],
    });
    const noAuthorizer = new HttpNoneAuthorizer();
    // One integration per function, shared by every route naming that handler.
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    // CfnStage.routeSettings is free-form JSON: CloudFormation's own property names.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of props.routes) {
      let integration = integrations.get(route.handler);
      if (!integration) {
        integration = new HttpLambdaIntegration(
          `${route.handler}-integration`,
          props.functions[route.handler],
        );
        integrations.set(route.handler, integration);
      }
      const authorizer: IHttpRouteAuthorizer =
        route.auth === 'staff'
          ? staffAuthorizer
          : route.auth === 'integration'
            ? integrationAuthorizer
            : noAuthorizer;
      const created = new HttpRoute(this, `Route-${routeId(route)}`, {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration,
        authorizer,
        ...(route.auth === 'integration' ? { authorizationScopes: [INTEGRATION_SCOPE] } : {}),
      });
      this.routes.set(routeId(route), created);
      const throttle = routeThrottle(route);
      routeSettings[`${route.method} ${route.path}`] = {
        ThrottlingRateLimit: throttle.rateLimit,
        ThrottlingBurstLimit: throttle.burstLimit,
      };
      // A stage's route settings may name only routes that exist.
      this.stage.node.addDependency(created);
    }
    (this.stage.node.defaultChild as CfnStage).routeSettings = routeSettings;
  }
}
