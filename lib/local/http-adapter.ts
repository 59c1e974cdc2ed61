/**
 * The local HTTP API: API Gateway v2 (payload format 2.0) over the same route table as the cloud. It matches the
 * route, verifies staff JWTs as the JWT authorizer would (401 before the handler runs), builds the event, invokes
 * the handler in process, and answers CORS for the site origin. Dev-only routes (`/__dev/*`) are passed in by the
 * local stack; they never exist in the cloud.
 *
 * What API Gateway answers by itself (no route, a route over its throttle, a refused JWT, a body over 10 MB, headers
 * over 10 KB, a failed invocation) an HTTP API cannot customise: these answers are API Gateway's own, `{"message": ...}` as
 * application/json, and /openapi.json documents them as such. Everything a handler answers is problem+json.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { compilePath, INTEGRATION_SCOPE, ROUTES } from '../routes.ts';
import { invokeLambda } from './lambdas.ts';
import { closeServer, listenLoopback } from './ports.ts';
import { LOCAL_PLATFORM_CLIENT, type LocalIssuer } from './staff-issuer.ts';
import type { RouteThrottles } from './throttle.ts';

/** API Gateway's own payload limit; the handlers refuse more than 64 KB themselves. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** API Gateway's limit on the request line and headers together (HTTP API quotas). */
const MAX_HEADER_BYTES = 10 * 1024;

export type DevRoute = (req: {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
}) => Promise<{ status: number; body: unknown } | undefined>;

export interface HttpAdapterOptions {
  port: number;
  corsOrigins: string[];
  issuer: LocalIssuer;
  devRoutes?: DevRoute;
  /** The per-route throttles (lib/local/throttle.ts); none: never 429. */
  throttles?: RouteThrottles;
}

const compiled = ROUTES.map((route) => ({ route, match: compilePath(route.path) }));

const readBody = (req: IncomingMessage): Promise<Buffer | 'too-large'> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_PAYLOAD_BYTES ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });

const send = (res: ServerResponse, status: number, headers: Record<string, string>, body: string) => {
  res.writeHead(status, headers);
  res.end(body);
};

/** An error API Gateway answers itself: `{"message": ...}` as application/json. */
const gatewayError = (
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string>,
) => send(res, status, { ...headers, 'content-type': 'application/json' }, JSON.stringify({ message }));

/** The Authorization header's token for the JWT authorizer: the token alone or after `Bearer` (any case). */
const jwtFrom = (authorization: string | undefined): string | undefined =>
  authorization ? /^(?:bearer +)?([^\s]+)$/i.exec(authorization)?.[1] : undefined;

const isText = (contentType: string | undefined) =>
  !contentType || /^(text\/|application\/([\w.+-]+\+)?(json|xml|x-www-form-urlencoded))/i.test(contentType);

export const startHttpAdapter = async (opts: HttpAdapterOptions) => {
  const corsHeaders = (origin: string | undefined): Record<string, string> =>
    origin && (opts.corsOrigins.includes(origin) || opts.corsOrigins.includes('*'))
      ? { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'location', vary: 'origin' }
      : {};

  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const cors = corsHeaders(req.headers.origin);
    try {
      if (method === 'OPTIONS') {
        return send(
          res,
          204,
          {
            ...cors,
            'access-control-allow-methods': 'GET,POST,PUT,DELETE',
            'access-control-allow-headers': 'authorization,content-type,idempotency-key',
            'access-control-max-age': '600',
          },
          '',
        );
      }
      const raw = await readBody(req);
      if (raw === 'too-large') return gatewayError(res, 413, 'Request Entity Too Large', cors);
      if (url.pathname.startsWith('/__dev/') && opts.devRoutes) {
        const result = await opts.devRoutes({
          method,
          path: url.pathname,
          query: url.searchParams,
          body: raw.toString('utf8'),
        });
        if (result)
          return send(
            res,
            result.status,
            { ...cors, 'content-type': 'application/json' },
            JSON.stringify(result.body),
          );
      }
      const found = compiled
        .map(({ route, match }) => ({
          route,
          params: route.method === method ? match(url.pathname) : undefined,
        }))
        .find((candidate) => candidate.params);
      if (!found?.params) return gatewayError(res, 404, 'Not Found', cors);
      const { route, params } = found;
      // API Gateway throttles a route before its authorizer runs.
      if (opts.throttles && !opts.throttles.take(route))
        return gatewayError(res, 429, 'Too Many Requests', cors);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
      }
      let jwtClaims: Record<string, unknown> | undefined;
      let jwtScopes: string[] | null = null;
      if (route.auth === 'staff' || route.auth === 'integration') {
        const token = jwtFrom(headers.authorization);
        if (!token) return gatewayError(res, 401, 'Unauthorized', { ...cors, 'www-authenticate': 'Bearer' });
        try {
          jwtClaims = await opts.issuer.verify(
            token,
            route.auth === 'integration' ? LOCAL_PLATFORM_CLIENT : opts.issuer.audience,
          );
          if (route.auth === 'integration') {
            // The route's authorization scopes: the token must carry one of them, else 403 (as API Gateway).
            jwtScopes = String(jwtClaims.scope ?? '')
              .split(' ')
              .filter(Boolean);
            if (!jwtScopes.includes(INTEGRATION_SCOPE)) return gatewayError(res, 403, 'Forbidden', cors);
          }
        } catch (error) {
          const reason = (error as Error).message.replace(/["\\\r\n]/g, ' ');
          return gatewayError(res, 401, 'Unauthorized', {
            ...cors,
            'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${reason}"`,
          });
        }
      }
      const now = new Date();
      const contentType = headers['content-type'];
      const text = isText(contentType);
      const event = {
        version: '2.0',
        routeKey: `${route.method} ${route.path}`,
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
        ...(Object.keys(params).length ? { pathParameters: params } : {}),
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          domainName: headers.host ?? '127.0.0.1',
          domainPrefix: 'local',
          http: {
            method,
            path: url.pathname,
            protocol: 'HTTP/1.1',
            sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
            userAgent: headers['user-agent'] ?? '',
          },
          requestId: randomUUID(),
          routeKey: `${route.method} ${route.path}`,
          stage: '$default',
          time: now.toUTCString(),
          timeEpoch: now.getTime(),
          // API Gateway flattens array claims to "[a b]"; do the same so handlers parse what the cloud sends.
          ...(jwtClaims
            ? {
                authorizer: {
                  jwt: {
                    claims: Object.fromEntries(
                      Object.entries(jwtClaims).map(([k, v]) => [
                        k,
                        Array.isArray(v) ? `[${v.join(' ')}]` : v,
                      ]),
                    ),
                    scopes: jwtScopes,
                  },
                },
              }
            : {}),
        },
        ...(raw.length ? { body: text ? raw.toString('utf8') : raw.toString('base64') } : {}),
        isBase64Encoded: raw.length > 0 && !text,
      } as unknown as APIGatewayProxyEventV2;
      const result = (await invokeLambda(route.handler, event)) as APIGatewayProxyStructuredResultV2 | string;
      if (typeof result === 'string' || !result || typeof result !== 'object' || !('statusCode' in result)) {
        return send(res, 200, { ...cors, 'content-type': 'application/json' }, JSON.stringify(result));
      }
      const body = result.isBase64Encoded
        ? Buffer.from(result.body ?? '', 'base64').toString('utf8')
        : (result.body ?? '');
      return send(
        res,
        result.statusCode ?? 200,
        { ...cors, ...(result.headers as Record<string, string>) },
        body,
      );
    } catch (error) {
      // A function that fails outside its own error handling is, to API Gateway, a failed invocation.
      console.error('[api] handler crashed', (error as Error).stack);
      return gatewayError(res, 500, 'Internal Server Error', cors);
    }
  });
  // Node answers over-long headers itself, with no body; API Gateway answers with its own JSON message.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    const [status, message] =
      error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large'] : [400, 'Bad Request'];
    const body = JSON.stringify({ message });
    socket.end(
      `HTTP/1.1 ${status} ${message}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  const port = await listenLoopback(server, opts.port);
  return { url: `http://127.0.0.1:${port}`, stop: () => closeServer(server) };
};
