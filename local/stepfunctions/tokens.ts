/**
 * Task tokens. A token is derived from the execution ARN and the attempt it belongs to
 * (`<state>#<entry>#<retry>` for a top-level state), never random: after a restart the resumed
 * execution re-enters the same wait and derives the SAME token, so a token handed out before a
 * `kill -9` still completes the task. Tokens are opaque to callers (base64url), like the service's.
 */
import type { Json } from "./asl.ts";

/** What `$$.Task.Token` evaluates to inside the interpreter; replaced by the attempt's real token. */
export const TASK_TOKEN_PLACEHOLDER = "__aidflow_task_token__";

const TOKEN_PREFIX = "AQCAidflow";
const TOKEN_LENGTH_MAX = 2048;

export interface TokenParts {
  executionArn: string;
  attempt: string;
}

export function taskToken(executionArn: string, attempt: string): string {
  return TOKEN_PREFIX + Buffer.from(JSON.stringify([executionArn, attempt])).toString("base64url");
}

export function parseTaskToken(token: string): TokenParts | undefined {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > TOKEN_LENGTH_MAX) return undefined;
  try {
    const parts: unknown = JSON.parse(
      Buffer.from(token.slice(TOKEN_PREFIX.length), "base64url").toString("utf8"),
    );
    if (!Array.isArray(parts) || parts.length !== 2) return undefined;
    const [executionArn, attempt] = parts as unknown[];
    if (typeof executionArn !== "string" || typeof attempt !== "string") return undefined;
    return { executionArn, attempt };
  } catch {
    return undefined;
  }
}

/** Replaces the placeholder wherever `$$.Task.Token` landed in a payload (also inside formatted strings). */
export function withTaskToken(value: Json, token: string): Json {
  if (typeof value === "string") return value.split(TASK_TOKEN_PLACEHOLDER).join(token);
  if (Array.isArray(value)) return value.map((item) => withTaskToken(item, token));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withTaskToken(v, token)]));
  }
  return value;
}

export function containsTaskToken(value: Json): boolean {
  return JSON.stringify(value).includes(TASK_TOKEN_PLACEHOLDER);
}
