/**
 * Named errors the use cases throw; the HTTP edge maps each to one RFC 9457 problem, once (see http.ts).
 * RuleViolation (422) lives in the domain: it is a business rule.
 */
export interface FieldError {
  path: string;
  message: string;
}

export class NotFound extends Error {
  override readonly name = 'NotFound';
  constructor() {
    super('No application with this id, or not yours');
  }
}

export class Unauthorized extends Error {
  override readonly name = 'Unauthorized';
}

export class Forbidden extends Error {
  override readonly name = 'Forbidden';
}

export class Conflict extends Error {
  override readonly name = 'Conflict';
}

export class BadRequest extends Error {
  override readonly name = 'BadRequest';
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

export class PayloadTooLarge extends Error {
  override readonly name = 'PayloadTooLarge';
}

export class UnsupportedMediaType extends Error {
  override readonly name = 'UnsupportedMediaType';
}
