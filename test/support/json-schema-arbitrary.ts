/**
 * Values from a JSON Schema (the subset /openapi.json uses), for tests that must not start from our own fixtures:
 * `arbitraryFor(schema)` draws values the schema accepts; `nearMiss(schema)` draws such a value with one thing wrong at
 * any depth (a key dropped, a value replaced by any JSON, an unknown key), which the schema may or may not accept.
 * No vitest here: the fuzz script imports it too.
 */
import fc from 'fast-check';

export type JsonSchema = {
  $ref?: string;
  type?: string;
  const?: unknown;
  enum?: unknown[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
};

/** Resolves `#/components/schemas/X` against the document. */
export type Resolve = (ref: string) => JsonSchema;

const patternsOf = (schema: JsonSchema): string[] => [
  ...(schema.pattern ? [schema.pattern] : []),
  ...(schema.allOf ?? []).flatMap(patternsOf),
];

const string = (schema: JsonSchema): fc.Arbitrary<string> => {
  const patterns = patternsOf(schema).map((p) => new RegExp(p, 'u'));
  const lengthOk = (s: string) =>
    [...s].length >= (schema.minLength ?? 0) &&
    [...s].length <= (schema.maxLength ?? Number.POSITIVE_INFINITY);
  // The last pattern is the most specific (zod emits shape checks first); every other one filters.
  const last = patterns.at(-1);
  const base = last
    ? fc.stringMatching(last)
    : fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
  return base.filter((s) => lengthOk(s) && patterns.every((p) => p.test(s)));
};

export const arbitraryFor = (schema: JsonSchema, resolve: Resolve): fc.Arbitrary<unknown> => {
  if (schema.$ref) return arbitraryFor(resolve(schema.$ref), resolve);
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.oneOf) return fc.oneof(...schema.oneOf.map((s) => arbitraryFor(s, resolve)));
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => arbitraryFor(s, resolve)));
  switch (schema.type) {
    case 'string':
      return string(schema);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({
        min: Math.max(schema.minimum ?? (schema.exclusiveMinimum ?? -1_000_001) + 1, -1_000_000),
        max: Math.min(schema.maximum ?? (schema.exclusiveMaximum ?? 1_000_001) - 1, 1_000_000_000),
      });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: schema.minimum, max: schema.maximum });
    case 'array': {
      const items = arbitraryFor(schema.items ?? {}, resolve);
      const bounds = { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) };
      return schema.uniqueItems
        ? fc.uniqueArray(items, { ...bounds, selector: (v) => JSON.stringify(v) })
        : fc.array(items, bounds);
    }
    case 'object': {
      const properties = schema.properties ?? {};
      const shape = Object.fromEntries(
        Object.entries(properties).map(([key, s]) => [key, arbitraryFor(s, resolve)]),
      );
      return fc.record(shape, { requiredKeys: (schema.required ?? []).filter((k) => k in properties) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
};

/** Every path to a value inside `value` (object keys and array indexes), the root excluded. */
const pathsIn = (value: unknown, path: (string | number)[] = []): (string | number)[][] => {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...path, i], ...pathsIn(v, [...path, i])]);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [[...path, k], ...pathsIn(v, [...path, k])]);
  return [];
};

/** A value of the schema with one thing changed somewhere inside it. */
export const nearMiss = (schema: JsonSchema, resolve: Resolve): fc.Arbitrary<unknown> =>
  fc
    .tuple(
      arbitraryFor(schema, resolve),
      fc.nat(),
      fc.constantFrom('drop', 'replace', 'extra'),
      fc.jsonValue({ maxDepth: 2 }),
      fc.string({ minLength: 1, maxLength: 12 }),
    )
    .map(([valid, pick, action, value, extraKey]) => {
      const paths = pathsIn(valid);
      if (paths.length === 0) return value;
      const copy = structuredClone(valid) as Record<string | number, unknown>;
      const path = paths[pick % paths.length] as (string | number)[];
      let parent = copy;
      for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
      const last = path.at(-1) as string | number;
      if (action === 'drop' && !Array.isArray(parent)) delete parent[last];
      else if (action === 'extra' && !Array.isArray(parent)) parent[`${extraKey}_x`] = value;
      else parent[last] = value;
      return copy;
    });
