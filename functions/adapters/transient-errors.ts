/**
 * Which failures of a dependency are worth trying again — a throttle, a transaction conflict, a
 * timeout, a dropped connection, a 5xx — once the AWS SDK's own retries are spent. A task handler
 * rethrows them as `TransientDependencyError`, the name every Retry of the state machines lists, so
 * the workflow tries the (idempotent) step again later instead of ending the case in an incident;
 * the HTTP API answers them 503 with Retry-After instead of a 500. Everything else (a refused
 * condition, a validation error, a bug) keeps its own name and is never retried blindly.
 */

export class TransientDependencyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TransientDependencyError";
  }
}

const TRANSIENT_NAMES = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "Throttling",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "TransactionConflictException",
  "TransactionInProgressException",
  "InternalServerError",
  "InternalFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "TransientDependencyError",
]);

const TRANSIENT_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN"]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  CancellationReasons?: Array<{ Code?: string }>;
}

export function isTransientDependencyError(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const e = error as ErrorShape;
  const name = typeof e.name === "string" ? e.name : "";
  if (TRANSIENT_NAMES.has(name)) return true;
  if (typeof e.code === "string" && TRANSIENT_CODES.has(e.code)) return true;
  if (e.$retryable) return true;
  // A transaction cancelled only because another was in flight on an item (not a failed condition).
  if (name === "TransactionCanceledException") {
    const codes = (e.CancellationReasons ?? []).map((r) => r.Code ?? "None");
    return (
      codes.some((c) => c === "TransactionConflict" || c === "ThrottlingError") &&
      codes.every((c) => c === "TransactionConflict" || c === "ThrottlingError" || c === "None")
    );
  }
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === "number" && status >= 500) return true;
  return typeof e.message === "string" && /socket hang up/i.test(e.message);
}

/** The error as a step should rethrow it: transient ones under the name the state machines retry. */
export function asRetryable(error: unknown): unknown {
  if (error instanceof TransientDependencyError || !isTransientDependencyError(error)) return error;
  const name = (error as ErrorShape).name;
  const message = (error as ErrorShape).message;
  return new TransientDependencyError(
    `${typeof name === "string" ? name : "dependency error"}: ${typeof message === "string" ? message : ""}`,
    { cause: error },
  );
}
