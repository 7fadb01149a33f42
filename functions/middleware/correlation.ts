/**
 * One correlation id per request (ARCHITECTURE §3.8): taken from `x-correlation-id` when the caller
 * sends a sane one, else the API Gateway request id. It is on every log line written while the request
 * runs (AsyncLocalStorage) and is returned in the `x-correlation-id` response header.
 */
import { randomUUID } from "node:crypto";
import type { HttpEvent } from "#functions/http/types.ts";
import { withLogContext } from "#functions/runtime/logger.ts";

export const CORRELATION_HEADER = "x-correlation-id";
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function correlationIdOf(event: HttpEvent): string {
  const sent = event.headers?.[CORRELATION_HEADER];
  if (sent && SANE_ID.test(sent)) return sent;
  return event.requestContext?.requestId ?? randomUUID();
}

/** Runs `fn` with the request's correlation id in the log context. */
export function withCorrelation<T>(correlationId: string, fn: () => Promise<T>): Promise<T> {
  return withLogContext({ correlationId }, fn);
}
