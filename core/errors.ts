/**
 * Typed errors of AidFlow. Operating errors are types (STYLE: "errors are types"): each carries an
 * HTTP status, whether its message may be shown to the caller (`expose`), a stable `code`, an English
 * and a Chinese message and, for validation, field-level messages. Anything that is not an
 * `AidFlowError` is a programmer error and becomes a plain 500 at the edge.
 *
 * State-machine tasks throw these; the error's `name` is what the ASL's Retry/Catch match.
 */

export interface FieldError {
  /** Dotted path of the offending field, e.g. `applicant.idNumber`. */
  path: string;
  message: string;
  messageZh: string;
}

export interface AidFlowErrorOptions {
  fields?: FieldError[];
  cause?: unknown;
  details?: Record<string, unknown>;
}

export abstract class AidFlowError extends Error {
  abstract readonly statusCode: number;
  abstract readonly code: string;
  readonly expose: boolean = true;
  readonly messageZh: string;
  readonly fields: FieldError[];
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, messageZh: string, options: AidFlowErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.messageZh = messageZh;
    this.fields = options.fields ?? [];
    this.details = options.details;
  }

  toJSON(): { code: string; message: string; messageZh: string; fields: FieldError[] } {
    return { code: this.code, message: this.message, messageZh: this.messageZh, fields: this.fields };
  }
}

/** The caller sent something malformed (400). */
export class ValidationError extends AidFlowError {
  readonly statusCode = 400;
  readonly code = "VALIDATION_FAILED";
}

/** Not signed in, or the token is not valid (401). */
export class UnauthorizedError extends AidFlowError {
  readonly statusCode = 401;
  readonly code = "UNAUTHORIZED";
}

/** Signed in, but this role/scope may not do this (403). */
export class ForbiddenError extends AidFlowError {
  readonly statusCode = 403;
  readonly code = "FORBIDDEN";
}

export class NotFoundError extends AidFlowError {
  readonly statusCode = 404;
  readonly code = "NOT_FOUND";
}

/** The request conflicts with the current state (409): a repeated decision, a reused key with another body. */
export class ConflictError extends AidFlowError {
  readonly statusCode = 409;
  readonly code: string = "CONFLICT";
}

/** Well-formed but against a business rule (422): amount above a ceiling, a rejected case cannot be paid. */
export class BusinessRuleError extends AidFlowError {
  readonly statusCode = 422;
  readonly code: string = "BUSINESS_RULE_VIOLATED";
}

/** Programmer error: an assertion that must never fail (TIGER_STYLE). Never exposed. */
export class InvariantViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvariantViolation";
  }
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantViolation(message);
}
