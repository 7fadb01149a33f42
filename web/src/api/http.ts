/**
 * The one way the pages talk to the API: JSON over fetch, the signed-in user's token as a bearer
 * token, an `Idempotency-Key` on every POST (a retried tap never files twice), and the API's single
 * error shape `{ code, message, messageZh, fields[] }` turned into an `ApiError`.
 */
import { BUSINESS_TIME_HEADER, noteBusinessTime } from "../businessClock.ts";
import { currentToken, signOutLocally } from "../session.ts";

export interface FieldError {
  path: string;
  message: string;
  messageZh?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messageZh: string | undefined,
    readonly fields: FieldError[],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/**
 * Where the API is: the same origin locally (the local runtime serves the pages and the API on one
 * port); in AWS the build sets `VITE_AIDFLOW_API_URL` to the HTTP API's URL.
 */
export const API_BASE = (import.meta.env.VITE_AIDFLOW_API_URL ?? "").replace(/\/$/, "");

export interface RequestOptions {
  /** Reuse a key when the same logical submission is retried (forms keep theirs until success). */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/**
 * API Gateway's own answer when the Lambda authorizer refuses a token (an expired, revoked or foreign
 * one): 403 `{"message":"Forbidden"}`, which an HTTP API cannot reword. AidFlow's own 403 always
 * carries a `code`, so the two are told apart by the body.
 */
function isAuthorizerRefusal(status: number, record: Record<string, unknown>): boolean {
  return status === 403 && record.code === undefined && record.message === "Forbidden";
}

/**
 * The API's error shape as an `ApiError`. A token the gateway refused is a 401 whatever the
 * authorizer (the JWT authorizer and the local runtime answer 401, the Lambda authorizer 403).
 */
export function apiErrorOf(status: number, body: unknown, statusText: string): ApiError {
  const record = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  if (isAuthorizerRefusal(status, record)) {
    return new ApiError(
      401,
      "UNAUTHENTICATED",
      "Your sign-in has expired or was refused",
      "登录已失效，请重新登录",
      [],
    );
  }
  const fields = Array.isArray(record.fields)
    ? record.fields
        .filter((f): f is Record<string, unknown> => !!f && typeof f === "object")
        .map((f) => ({
          path: Array.isArray(f.path) ? f.path.join(".") : String(f.path ?? ""),
          message: String(f.message ?? ""),
          messageZh: typeof f.messageZh === "string" ? f.messageZh : undefined,
        }))
    : [];
  const code =
    typeof record.code === "string" ? record.code : status === 404 ? "ROUTE_NOT_FOUND" : `HTTP_${status}`;
  const message = typeof record.message === "string" ? record.message : statusText || `HTTP ${status}`;
  const messageZh = typeof record.messageZh === "string" ? record.messageZh : undefined;
  return new ApiError(status, code, message, messageZh, fields);
}

export async function request<T>(
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  const token = currentToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method === "POST") headers["idempotency-key"] = options.idempotencyKey ?? newIdempotencyKey();
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  } catch {
    throw new ApiError(0, "NETWORK", "The server cannot be reached", "无法连接服务器，请检查网络后重试", []);
  }
  noteBusinessTime(response.headers.get(BUSINESS_TIME_HEADER));
  // The local server answers unknown GET paths with the app's index.html (client-side routes):
  // for an API call that means the endpoint does not exist.
  if (response.ok && (response.headers.get("content-type") ?? "").includes("text/html")) {
    throw new ApiError(404, "ROUTE_NOT_FOUND", `No route ${method} ${path}`, "接口尚未开放", []);
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = apiErrorOf(response.status, parsed, response.statusText);
    // An expired or revoked token: back to the sign-in page rather than a page full of 401s.
    if (error.status === 401) signOutLocally();
    throw error;
  }
  return parsed as T;
}

export const get = <T>(path: string, options?: RequestOptions) => request<T>("GET", path, undefined, options);
export const post = <T>(path: string, body: unknown, options?: RequestOptions) =>
  request<T>("POST", path, body, options);

/** Builds a query string, leaving out empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
