/** Validates published event details against the checked-in schemas (schemas/events/), compiled once each. */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { PublishedEventType } from '#domain/published-events.ts';
import { eventSchemaPath } from '#shared/published-event-schemas.ts';

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const compiled = new Map<string, ValidateFunction>();

/** The checked-in schema of a detail-type, as a validator. */
export const eventValidator = (type: PublishedEventType): ValidateFunction => {
  let validate = compiled.get(type);
  if (!validate) {
    validate = ajv.compile(JSON.parse(readFileSync(eventSchemaPath(type), 'utf8')));
    compiled.set(type, validate);
  }
  return validate;
};

/** The schema errors of one detail (empty: valid). */
export const eventSchemaErrors = (type: PublishedEventType, detail: unknown): string[] => {
  const validate = eventValidator(type);
  return validate(detail) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};
