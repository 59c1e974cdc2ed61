/**
 * OpenAPI 3.1 for the public API, generated from the route table and the same zod schemas that validate requests
 * (zod 4 emits JSON Schema 2020-12, the dialect of OpenAPI 3.1). A route missing here fails the openapi test.
 */
import * as z from 'zod';
import { ROUTES } from '../../lib/routes.ts';
import * as s from './schemas.ts';

interface Operation {
  summary: string;
  request?: z.ZodType;
  response?: z.ZodType;
  status: number;
}

export const OPERATIONS: Record<string, Operation> = {
  'GET /health': { summary: 'Liveness', status: 200, response: z.object({ status: z.literal('ok') }) },
  'GET /openapi.json': { summary: 'This document', status: 200 },
  'POST /applications': {
    summary: 'Apply to join the network',
    request: s.createApplicationSchema,
    response: s.createApplicationResponseSchema,
    status: 201,
  },
  'GET /applications/{id}': {
    summary: "The applicant's view",
    response: s.applicationViewSchema,
    status: 200,
  },
  'POST /applications/access-links': {
    summary:
      'Email a fresh status link to the address if an open application has it (earlier links stop working); 202 always',
    request: s.accessLinkRequestSchema,
    status: 202,
  },
  'POST /applications/{id}/uploads': {
    summary: 'A fresh presigned POST for a document',
    request: s.createUploadSchema,
    response: s.uploadSchema,
    status: 201,
  },
  'GET /applications/{id}/contract': {
    summary: 'The contract to sign: version, SHA-256, a download link valid 5 minutes',
    status: 200,
    response: z.object({
      version: z.string(),
      sha256: z.string(),
      downloadUrl: z.url(),
      expiresAt: z.iso.datetime(),
      signed: z.boolean(),
      signedAt: z.iso.datetime().optional(),
    }),
  },
  'POST /applications/{id}/contract/signature': {
    summary: 'E-sign the contract',
    request: s.signatureSchema,
    response: s.applicationViewSchema,
    status: 201,
  },
  'PUT /applications/{id}/availability': {
    summary: 'Give availability and patients a week; the application becomes active',
    request: s.availabilitySchema,
    response: s.applicationViewSchema,
    status: 200,
  },
  'PUT /applications/{id}/dbs-application': {
    summary:
      "Accept the DBS certificate fee for the provider's DBS application (applyNow: apply before the start)",
    request: s.dbsApplicationRequestSchema,
    response: s.applicationViewSchema,
    status: 200,
  },
  'POST /applications/{id}/withdrawal': {
    summary: 'Withdraw the application',
    request: s.withdrawalSchema,
    response: s.applicationViewSchema,
    status: 200,
  },
  'GET /staff/applications': { summary: 'The queue of one stage, newest change first', status: 200 },
  'GET /staff/applications/{id}': {
    summary: 'Everything, with document links valid 5 minutes and the history',
    status: 200,
  },
  'POST /staff/applications/{id}/review': {
    summary: 'Approve, request changes or reject',
    request: s.reviewSchema,
    status: 200,
  },
  'POST /staff/applications/{id}/dbs': {
    summary: 'Record a new DBS certificate',
    request: s.newDbsCertificateSchema,
    status: 200,
  },
  'POST /staff/applications/{id}/induction': {
    summary: 'Record an attended induction',
    request: s.inductionSchema,
    status: 200,
  },
  'POST /staff/applications/{id}/insurance': {
    summary: "Record an active therapist's renewed indemnity insurance",
    request: s.insuranceSchema,
    status: 200,
  },
  'POST /staff/applications/{id}/dbs-application': {
    summary: "Record the provider's DBS application: the day applied and the DBS reference",
    request: s.dbsApplicationMadeSchema,
    status: 200,
  },
  'POST /staff/applications/{id}/dbs-status-check': {
    summary: 'Record a DBS Update Service status check',
    request: s.dbsStatusCheckSchema,
    status: 200,
  },
  'GET /staff/reports/dbs': {
    summary: 'DBS and insurance compliance as of a date (?asOf=, ?format=json|csv)',
    status: 200,
  },
};

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

const problemResponse = {
  description: 'Problem details (RFC 9457)',
  content: { 'application/problem+json': { schema: jsonSchema(s.problemSchema) } },
};

export const openApiDocument = () => ({
  openapi: '3.1.0',
  info: {
    title: 'Affiliate onboarding API',
    version: '1.0.0',
    description: 'Recruits self-employed CBT therapists into the clinical affiliate network.',
  },
  components: {
    securitySchemes: {
      applicantToken: {
        type: 'http',
        scheme: 'bearer',
        description: 'The access token returned at creation',
      },
      staffJwt: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'Cognito, group affiliate-team',
      },
    },
  },
  paths: ROUTES.reduce<Record<string, Record<string, unknown>>>((paths, route) => {
    const op = OPERATIONS[`${route.method} ${route.path}`];
    if (!op) throw new Error(`No OpenAPI operation for ${route.method} ${route.path}`);
    const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      summary: op.summary,
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[{}]/g, '').replace(/[/.](\w)/g, (_, c: string) => c.toUpperCase())}`,
      ...(parameters.length ? { parameters } : {}),
      ...(route.auth === 'applicant' ? { security: [{ applicantToken: [] }] } : {}),
      ...(route.auth === 'staff' ? { security: [{ staffJwt: [] }] } : {}),
      ...(op.request
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(op.request) } },
            },
          }
        : {}),
      responses: {
        [op.status]: {
          description: 'Success',
          ...(op.response ? { content: { 'application/json': { schema: jsonSchema(op.response) } } } : {}),
        },
        default: problemResponse,
      },
    };
    return paths;
  }, {}),
});
