/**
 * The published contract as a checker: every response is checked against /openapi.json with Ajv (JSON Schema
 * 2020-12, the dialect of OpenAPI 3.1): the status is one the operation documents, the content type one it
 * documents for that status, and the body valid against that schema. A request no operation matches must get API
 * Gateway's 404. `format` is an annotation in 2020-12 (the `pattern` beside it is the rule), so formats are not
 * asserted. No vitest here: the fuzz script imports it too.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { compilePath } from '../../lib/routes.ts';
import type { JsonSchema } from './json-schema-arbitrary.ts';

interface MediaType {
  schema: JsonSchema;
}
interface ResponseObject {
  content?: Record<string, MediaType>;
}
interface OperationObject {
  operationId: string;
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, JsonSchema> };
}

export interface Checked {
  method: string;
  path: string;
  status: number;
  contentType: string | null;
  body: unknown;
}

/** Replaces every `$ref` to a component by the component itself (the document has no recursive schemas). */
const inline = (value: unknown, doc: OpenApiDocument): unknown => {
  if (Array.isArray(value)) return value.map((v) => inline(v, doc));
  if (!value || typeof value !== 'object') return value;
  const ref = (value as { $ref?: string }).$ref;
  if (ref) return inline(resolveRef(doc, ref), doc);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inline(v, doc)]));
};

export const resolveRef = (doc: OpenApiDocument, ref: string): JsonSchema => {
  const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
  const schema = name ? doc.components.schemas[name] : undefined;
  if (!schema) throw new Error(`Unresolvable $ref ${ref}`);
  return schema;
};

export const createContract = (doc: OpenApiDocument) => {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  const compiled = new Map<JsonSchema, ValidateFunction>();
  const validator = (schema: JsonSchema) => {
    let fn = compiled.get(schema);
    if (!fn) {
      fn = ajv.compile(inline(schema, doc) as object);
      compiled.set(schema, fn);
    }
    return fn;
  };
  const operations = Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      template,
      match: compilePath(template),
      operation,
    })),
  );

  /** The operation a request reaches, as API Gateway routes it: on the path the client sends once it has resolved
   *  `.` and `..` segments. */
  const operationFor = (method: string, path: string) => {
    const sent = new URL(path, 'http://api.invalid').pathname;
    return operations.find((o) => o.method === method.toUpperCase() && o.match(sent));
  };

  /** The problems of one response against the document; none when it holds. */
  const check = (r: Checked): string[] => {
    const found = operationFor(r.method, r.path);
    const mediaType = (r.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!found) {
      const gateway404 =
        r.status === 404 &&
        mediaType === 'application/json' &&
        JSON.stringify(r.body) === JSON.stringify({ message: 'Not Found' });
      return gateway404 ? [] : [`${r.method} ${r.path} is no operation, yet it answered ${r.status}`];
    }
    const where = `${r.method} ${found.template} → ${r.status}`;
    const response = found.operation.responses[String(r.status)];
    if (!response) return [`${where}: status not documented`];
    const media = response.content?.[mediaType];
    if (!media) {
      const documented = Object.keys(response.content ?? {}).join(', ') || 'no body';
      return [`${where}: content type ${r.contentType} not documented (${documented})`];
    }
    const validate = validator(media.schema);
    if (validate(r.body)) return [];
    return (validate.errors ?? []).map((e) => `${where} ${mediaType}: ${e.instancePath || '/'} ${e.message}`);
  };

  /** The schema of an operation's JSON request body, if it takes one. */
  const requestSchema = (operation: OperationObject) =>
    operation.requestBody?.content['application/json']?.schema;

  /** Whether a JSON request body is valid against its operation's published schema. */
  const requestValid = (operation: OperationObject, body: unknown): boolean => {
    const schema = requestSchema(operation);
    return schema ? validator(schema)(body) : true;
  };

  return {
    check,
    operationFor,
    operations,
    requestSchema,
    requestValid,
    resolve: (ref: string) => resolveRef(doc, ref),
  };
};

export type Contract = ReturnType<typeof createContract>;
