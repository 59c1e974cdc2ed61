/**
 * OpenAPI 3.1 for the public API, generated from the route table (paths, security, the statuses each route answers)
 * and the same zod schemas that validate requests (zod 4 emits JSON Schema 2020-12, the dialect of OpenAPI 3.1), so
 * the published request schemas are exactly as strict as the server. A route missing here fails to build.
 * What API Gateway answers by itself (an HTTP API cannot customise it) is documented as such for every operation.
 */
import * as z from 'zod';
import { ROUTES, type Route } from '../../lib/routes.ts';
import { APPLICATION_ID_PATTERN } from '../domain/ids.ts';
import * as r from './response-schemas.ts';
import * as s from './schemas.ts';

/** Any zod schema: the request schemas are zod/mini (schemas.ts), the response-only ones full zod. */
type Schema = z.core.$ZodType;

interface Operation {
  summary: string;
  description?: string;
  request?: Schema;
  /** The success body (application/json); none for an empty success. */
  response?: Schema;
  /** The success body as CSV, when `?format=csv` asks for it. */
  csv?: Schema;
  /** Query parameters: each key of the object is one, documented as the value the server reads. */
  query?: z.core.$ZodObject;
  /** Request headers besides Authorization and Content-Type. */
  headers?: Record<string, { schema: Schema; description: string }>;
  /** Response headers of the success. */
  responseHeaders?: Record<string, { schema: Schema; description: string }>;
}

export const OPERATIONS: Record<string, Operation> = {
  'GET /health': { summary: 'Liveness', response: r.healthSchema },
  'GET /openapi.json': { summary: 'This document', response: r.openApiDocumentSchema },
  'POST /applications': {
    summary: 'Apply to join the network',
    description:
      'Creates the application and answers its access token once, with presigned uploads for the documents. ' +
      'The same `Idempotency-Key` with the same body answers the first response again; with another body, 409.',
    request: s.createApplicationSchema,
    response: s.createApplicationResponseSchema,
    headers: {
      'Idempotency-Key': {
        schema: s.idempotencyKeySchema,
        description: 'Makes a retry safe: the same key and body never create a second application',
      },
    },
    responseHeaders: {
      Location: {
        schema: z.string().regex(new RegExp(`^/applications/${APPLICATION_ID_PATTERN.source.slice(1)}`, 'u')),
        description: 'The path of the new application',
      },
    },
  },
  'POST /applications/access-links': {
    summary:
      'Email a fresh status link to the address if an open application has it (earlier links stop working); 202 always',
    request: s.accessLinkRequestSchema,
    response: r.accessLinkAcceptedSchema,
  },
  'GET /applications/{id}': { summary: "The applicant's view", response: s.applicationViewSchema },
  'POST /applications/{id}/uploads': {
    summary: 'A fresh presigned POST for a document',
    request: s.createUploadSchema,
    response: s.uploadSchema,
  },
  'GET /applications/{id}/contract': {
    summary: 'The contract to sign: version, SHA-256, a download link valid 5 minutes',
    response: r.contractLinkSchema,
  },
  'POST /applications/{id}/contract/signature': {
    summary: 'E-sign the contract',
    request: s.signatureSchema,
    response: s.applicationViewSchema,
  },
  'PUT /applications/{id}/availability': {
    summary:
      "Give availability and patients a week (the application becomes active), or an active therapist's change from `effectiveFrom`",
    description:
      'In awaiting-availability, the questionnaire with `startDate`. Once active, the new weekly commitment with ' +
      '`effectiveFrom` (today or later, Europe/London); a change still to come replaces a pending one.',
    request: s.availabilityRequestSchema,
    response: s.applicationViewSchema,
  },
  'POST /applications/{id}/pauses': {
    summary:
      "An active therapist's pause: from–to (London dates, both included), at most 42 days, from today on",
    description:
      'No new patients meanwhile; the capacity report leaves the therapist out. 409 when it overlaps a pause.',
    request: s.pauseSchema,
    response: s.applicationViewSchema,
  },
  'PUT /applications/{id}/dbs-application': {
    summary:
      "Accept the DBS certificate fee for the provider's DBS application (applyNow: apply before the start)",
    request: s.dbsApplicationRequestSchema,
    response: s.applicationViewSchema,
  },
  'POST /applications/{id}/withdrawal': {
    summary: 'Withdraw the application',
    request: s.withdrawalSchema,
    response: s.applicationViewSchema,
  },
  'GET /staff/applications': {
    summary:
      'The queue of one stage, newest change first; with view=to-verify, the renewals therapists uploaded, oldest first',
    query: s.staffListQuerySchema,
    response: r.staffQueueSchema,
  },
  'GET /staff/applications/{id}': {
    summary: 'Everything, with document links valid 5 minutes and the history',
    response: r.staffApplicationSchema,
  },
  'POST /staff/applications/{id}/review': {
    summary: 'Approve, request changes or reject',
    request: s.reviewSchema,
    response: r.staffActionResultSchema,
  },
  'POST /staff/applications/{id}/dbs': {
    summary: 'Record a new DBS certificate',
    request: s.newDbsCertificateSchema,
    response: r.staffActionResultSchema,
  },
  'POST /staff/applications/{id}/induction': {
    summary: 'Record an attended induction',
    request: s.inductionSchema,
    response: r.staffActionResultSchema,
  },
  'POST /staff/applications/{id}/induction/extension': {
    summary: 'Extend an induction window: a new last start date (at most 14 days from today) and the reason',
    request: s.inductionExtensionSchema,
    response: r.staffActionResultSchema,
  },
  'POST /staff/applications/{id}/insurance': {
    summary: "Record an active therapist's renewed indemnity insurance",
    request: s.insuranceSchema,
    response: r.staffActionResultSchema,
  },
  'POST /staff/applications/{id}/dbs-application': {
    summary: "Record the provider's DBS application: the day applied and the DBS reference",
    request: s.dbsApplicationMadeSchema,
    response: r.staffActionResultSchema,
  },
  'POST /staff/applications/{id}/dbs-status-check': {
    summary: 'Record a DBS Update Service status check',
    request: s.dbsStatusCheckSchema,
    response: r.staffActionResultSchema,
  },
  'POST /staff/applications/{id}/account': {
    summary: "Record the therapist's therapy website account by hand (when the platform could not report it)",
    request: s.therapyAccountSchema,
    response: r.staffActionResultSchema,
  },
  'POST /integrations/accounts/{id}': {
    summary: "The therapy platform reports the therapist's account (seed step 3)",
    description:
      'For the therapy platform only: a Cognito client-credentials token with scope `affiliate/accounts` (a staff or applicant token is refused with 401, a token without the scope with 403). Reporting the same account again changes nothing; another account for the same application is 409.',
    request: s.therapyAccountSchema,
    response: r.staffActionResultSchema,
  },
  'GET /staff/reports/dbs': {
    summary: 'DBS and insurance compliance as of a date, as JSON or CSV',
    query: s.reportQuerySchema,
    response: r.dbsReportSchema,
    csv: r.dbsReportCsvSchema,
  },
  'GET /staff/reports/capacity': {
    summary: '24/7 cover: therapists in each half-hour of the week (Europe/London), as JSON or CSV',
    query: s.capacityQuerySchema,
    response: r.capacityReportSchema,
    csv: r.capacityReportCsvSchema,
  },
};

/** What a query parameter means, for the document. */
const QUERY_DESCRIPTIONS: Record<string, string> = {
  stage: 'The stage whose queue to list',
  limit: 'Applications on a page',
  cursor: 'The `cursor` of the previous page, to read the next one',
  asOf: 'The day (or moment) the report is as of: an ISO 8601 date (midnight UTC) or date-time; default now',
  weeks: 'How many weeks from asOf the report covers: 1 to 12, default 4',
  format: '`csv` answers the same report as text/csv for a spreadsheet',
};

/** A zod schema as an OpenAPI 3.1 Schema Object (JSON Schema 2020-12, the document's own dialect). */
const jsonSchema = (schema: Schema, io: 'input' | 'output' = 'input') => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
};

const PROBLEM = { $ref: '#/components/schemas/Problem' };
const GATEWAY = { $ref: '#/components/schemas/GatewayError' };

/** Why our code answers each error status. */
const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'The request does not match the schema (malformed JSON, a wrong or unknown field, a bad query): `errors` names each field',
  401: 'No credentials, or not valid ones',
  403: 'Signed in, but not a member of the affiliate team',
  404: 'No application with this id, or not yours: the same answer for both. An id that is not a ULID is 404 too',
  409: 'Not possible in the application’s current stage, already done, or changed meanwhile: nothing was changed',
  413: 'The body is over 64 KB',
  415: 'The body is not sent as Content-Type: application/json (a UTF-8 charset is allowed)',
  422: 'The request breaks a business rule: `errors` says which and what would pass',
  500: 'A failure on our side: nothing was changed',
};

/** What API Gateway answers by itself, before or instead of our code. */
const GATEWAY_DESCRIPTIONS: Record<number, string> = {
  401: 'From API Gateway’s JWT authorizer: no token, or one it refuses (signature, kid, issuer, audience, exp, nbf, iat)',
  413: 'From API Gateway: the body is over 10 MB',
  429: 'From API Gateway: the stage’s rate limit was reached; try again shortly',
  431: 'From API Gateway: the request line and headers are over 10 KB',
  500: 'From API Gateway: the function could not answer',
  403: 'From API Gateway’s JWT authorizer: the token does not carry the scope the route requires',
};

/** One error status: problem+json when our code answers it, `{message}` when API Gateway does, or both. */
const responseFor = (status: number, by: { ours: boolean; gateway: boolean }) => {
  const content: Record<string, unknown> = {};
  if (by.ours) content['application/problem+json'] = { schema: PROBLEM };
  if (by.gateway) content['application/json'] = { schema: GATEWAY };
  const description = [
    by.ours ? PROBLEM_DESCRIPTIONS[status] : undefined,
    by.gateway ? GATEWAY_DESCRIPTIONS[status] : undefined,
  ]
    .filter(Boolean)
    .join('. ');
  return { description, content };
};

const successFor = (op: Operation) => {
  const content: Record<string, unknown> = {};
  if (op.response) content['application/json'] = { schema: jsonSchema(op.response, 'output') };
  if (op.csv) content['text/csv'] = { schema: jsonSchema(op.csv, 'output') };
  return {
    description: 'Success',
    ...(op.responseHeaders
      ? {
          headers: Object.fromEntries(
            Object.entries(op.responseHeaders).map(([name, h]) => [
              name,
              { description: h.description, schema: jsonSchema(h.schema) },
            ]),
          ),
        }
      : {}),
    ...(Object.keys(content).length ? { content } : {}),
  };
};

/** Every status of a route: its own (success, then problems), and API Gateway's for every route. */
const responsesFor = (route: Route, op: Operation) => {
  const [success, ...errors] = route.responses;
  if (success === undefined || success >= 300)
    throw new Error(`${route.path}: the first response is the success`);
  // JWT authorizers guard staff and integration routes only (the latter checks the scope: 403); any function can fail (500 from us, or from API Gateway).
  const gateway = [
    413,
    429,
    431,
    500,
    ...(route.auth === 'staff' ? [401] : []),
    ...(route.auth === 'integration' ? [401, 403] : []),
  ];
  const ours = [...errors, 500];
  const responses: Record<string, unknown> = { [success]: successFor(op) };
  for (const status of [...new Set([...ours, ...gateway])].sort()) {
    responses[status] = responseFor(status, {
      ours: ours.includes(status),
      gateway: gateway.includes(status),
    });
  }
  return responses;
};

const parametersFor = (route: Route, op: Operation) => [
  ...[...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    description: 'The application id (a ULID)',
    schema: jsonSchema(s.applicationIdSchema),
  })),
  ...Object.entries(op.query?._zod.def.shape ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    description: QUERY_DESCRIPTIONS[name] ?? name,
    schema: jsonSchema(schema, 'output'),
  })),
  ...Object.entries(op.headers ?? {}).map(([name, h]) => ({
    name,
    in: 'header',
    required: false,
    description: h.description,
    schema: jsonSchema(h.schema),
  })),
];

const operationId = (route: Route) =>
  `${route.method.toLowerCase()}${route.path.replace(/[{}]/g, '').replace(/[/.-](\w)/g, (_, c: string) => c.toUpperCase())}`;

const SECURITY: Record<Route['auth'], unknown[]> = {
  public: [],
  applicant: [{ applicantToken: [] }],
  staff: [{ staffJwt: [] }],
  integration: [{ platformClientCredentials: [] }],
};

const DESCRIPTION = `Recruits self-employed CBT therapists into the clinical affiliate network.

Errors our code answers are RFC 9457 problem details (\`application/problem+json\`), naming each failing field in
\`errors\`. A few answers come from API Gateway itself, before or instead of our code, and an HTTP API cannot
customise them: they are \`{"message": "..."}\` as \`application/json\` (401 from the JWT authorizer on staff
routes, 413 over 10 MB, 429 over the rate limit, 431 over 10 KB of headers, 500 when a function cannot answer), and
404 \`{"message":"Not Found"}\` for any method and path that is not an operation of this document.

Request schemas are exactly the server's rules: a body valid here is never a 400, and a 400 always breaks one of
them. A \`format\` is an annotation; the \`pattern\` beside it is the rule.`;

export const openApiDocument = () => ({
  openapi: '3.1.0',
  info: {
    title: 'Affiliate onboarding API',
    version: '1.0.0',
    description: DESCRIPTION,
    license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
  },
  servers: [{ url: '/', description: 'Where this document is served: the API of this deployment' }],
  components: {
    securitySchemes: {
      applicantToken: {
        type: 'http',
        scheme: 'bearer',
        description: 'The access token returned at creation and in the emailed status link',
      },
      staffJwt: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'A Cognito token of the staff user pool; group affiliate-team',
      },
      platformClientCredentials: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          "A Cognito client-credentials access token of the therapy platform's app client, with scope affiliate/accounts",
      },
    },
    schemas: {
      Problem: { ...jsonSchema(s.problemSchema, 'output'), description: 'RFC 9457 problem details' },
      GatewayError: {
        type: 'object',
        description: 'An answer of API Gateway itself, which an HTTP API cannot customise',
        properties: { message: { type: 'string' } },
        required: ['message'],
        additionalProperties: false,
      },
    },
  },
  paths: ROUTES.reduce<Record<string, Record<string, unknown>>>((paths, route) => {
    const op = OPERATIONS[`${route.method} ${route.path}`];
    if (!op) throw new Error(`No OpenAPI operation for ${route.method} ${route.path}`);
    const parameters = parametersFor(route, op);
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      operationId: operationId(route),
      security: SECURITY[route.auth],
      ...(parameters.length ? { parameters } : {}),
      ...(op.request
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(op.request) } },
            },
          }
        : {}),
      responses: responsesFor(route, op),
    };
    return paths;
  }, {}),
});
