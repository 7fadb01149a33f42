/**
 * Every error becomes ONE JSON shape `{ code, message, messageZh, fields[] }`.
 * An `AidFlowError` keeps its status (400/401/403/404/409/422) and messages; anything else is a
 * programmer error: logged in full (masked) and answered with a plain 500 — no message, no stack —
 * except a dependency's transient failure (adapters/transient-errors.ts): 503 with Retry-After.
 */
import type middy from "@middy/core";
import { isTransientDependencyError } from "#adapters/transient-errors.ts";
import { AidFlowError } from "#core/errors.ts";
import type { HttpEvent, HttpResult } from "#functions/http/types.ts";
import { logger } from "#functions/runtime/logger.ts";

export interface ErrorBody {
  code: string;
  message: string;
  messageZh: string;
  fields: Array<{ path: string; message: string; messageZh: string }>;
}

export const INTERNAL_ERROR_BODY: ErrorBody = {
  code: "INTERNAL_ERROR",
  message: "Something went wrong on our side; please try again later",
  messageZh: "系统内部错误，请稍后重试",
  fields: [],
};

/** A dependency was busy or unreachable after the SDK's retries: the same request may simply be sent again. */
export const DEPENDENCY_BUSY_BODY: ErrorBody = {
  code: "SERVICE_BUSY",
  message: "The service is busy right now; send the same request again shortly (same Idempotency-Key)",
  messageZh: "系统繁忙，请稍后使用相同的幂等键重新提交",
  fields: [],
};
/** Seconds a client should wait before sending the same request again. */
const RETRY_AFTER_SECONDS = "1";

export function jsonResult(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
    body: JSON.stringify(body),
  };
}

export function errorResult(error: unknown): HttpResult {
  if (error instanceof AidFlowError && error.expose) {
    if (error.statusCode >= 500) logger.error("request failed", { error, code: error.code });
    else
      logger.info("request rejected", {
        code: error.code,
        statusCode: error.statusCode,
        fields: error.fields,
      });
    const body: ErrorBody = {
      code: error.code,
      message: error.message,
      messageZh: error.messageZh,
      fields: error.fields,
    };
    return jsonResult(error.statusCode, body);
  }
  if (isTransientDependencyError(error)) {
    logger.warn("dependency busy", { error });
    return jsonResult(503, DEPENDENCY_BUSY_BODY, { "retry-after": RETRY_AFTER_SECONDS });
  }
  logger.error("unexpected error", { error });
  return jsonResult(500, INTERNAL_ERROR_BODY);
}

/** middy middleware: the last line of defence, registered first so its onError runs last. */
export function httpErrors(): middy.MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      request.response = errorResult(request.error);
    },
  };
}
