/**
 * The HTTP API, built from the route table (lib/routes.ts) and nothing else: one route per entry, each integrated
 * with its handler's function. Staff routes are checked by API Gateway's JWT authorizer against the staff user
 * pool; applicant routes carry a Bearer access token the handler checks (DESIGN §5), public routes nothing.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpRoute,
  type HttpStage,
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
import type { Route } from '../routes.ts';

export interface ApiProps {
  routes: readonly Route[];
  functions: Record<FunctionName, IFunction>;
  /** `https://<site domain>`: the only origin browsers may call the API from. */
  siteOrigin: string;
  staffJwt: { issuerUrl: string; audience: string };
  key: IKey;
}

/** Construct id of a route: `GET /applications/{id}` → `GET-applications-id`. */
export const routeId = (route: Pick<Route, 'method' | 'path'>): string =>
  `${route.method}${route.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '-')}`;

export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  /** The API's base URL, without a trailing slash. */
  readonly url: string;
  /** Route construct per route-table entry, by `routeId`. */
  readonly routes = new Map<string, HttpRoute>();

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Affiliate onboarding API',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [props.siteOrigin],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.OPTIONS],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        maxAge: Duration.hours(1),
      },
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // A ceiling well above a recruiting campaign's peak that still stops a runaway client billing the account.
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        // Ids and outcomes only: no path parameters' values beyond the route, no bodies, no tokens.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
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
    const noAuthorizer = new HttpNoneAuthorizer();
    // One integration per function, shared by every route naming that handler.
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const route of props.routes) {
      let integration = integrations.get(route.handler);
      if (!integration) {
        integration = new HttpLambdaIntegration(
          `${route.handler}-integration`,
          props.functions[route.handler],
        );
        integrations.set(route.handler, integration);
      }
      const authorizer: IHttpRouteAuthorizer = route.auth === 'staff' ? staffAuthorizer : noAuthorizer;
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer,
      });
      if (!created) throw new Error(`No route created for ${route.method} ${route.path}`);
      this.routes.set(routeId(route), created);
    }
  }
}
