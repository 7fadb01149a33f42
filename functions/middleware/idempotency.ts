/**
 * `Idempotency-Key` on POST. Runs after authentication and validation, so a rejected
 * request never claims a key (and writes nothing). A replay short-circuits with the stored response;
 * a failed request releases its claim.
 */
import type middy from "@middy/core";
import {
  IDEMPOTENCY_KEY_MAX_LENGTH,
  IDEMPOTENCY_KEY_PATTERN,
  IdempotencyStore,
  requestHash,
} from "#adapters/idempotency-store.ts";
import { ValidationError } from "#core/errors.ts";
import { findRequestState, type HttpEvent, type HttpResult, requestState } from "#functions/http/types.ts";
import { type AppConfig, config, dynamo } from "#functions/runtime/config.ts";

export const IDEMPOTENCY_HEADER = "idempotency-key";
export const REPLAY_HEADER = "idempotent-replayed";

let current: { config: AppConfig; store: IdempotencyStore } | undefined;

/** The store of this process, rebuilt when the configuration is reset (local server, tests). */
export function idempotencyStore(): IdempotencyStore {
  const active = config();
  if (current?.config !== active) {
    const store = new IdempotencyStore({
      client: dynamo(),
      tableName: active.tables.main,
      ttlHours: active.idempotencyTtlHours,
    });
    current = { config: active, store };
  }
  return current.store;
}

function keyError(message: string, messageZh: string): ValidationError {
  return new ValidationError("Idempotency-Key is not valid", "幂等键不符合要求", {
    fields: [{ path: `headers.${IDEMPOTENCY_HEADER}`, message, messageZh }],
  });
}

/**
 * Reads and checks the header; `undefined` when absent (a 400 when `required`). A header that is
 * present but empty is refused rather than taken as "no key": the client meant to send one.
 */
export function idempotencyKeyOf(event: HttpEvent, required = false): string | undefined {
  const key = event.headers?.[IDEMPOTENCY_HEADER];
  if (key === undefined) {
    if (!required) return undefined;
    throw keyError(
      "Required on this route: each request adds a record, so only the key tells a retry apart",
      "此操作须携带幂等键（Idempotency-Key），以免重试时重复登记",
    );
  }
  if (key === "") throw keyError("Must not be empty", "不能为空");
  if (key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
    throw keyError(
      `At most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`,
      `不能超过 ${IDEMPOTENCY_KEY_MAX_LENGTH} 个字符`,
    );
  }
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw keyError("Letters, digits and - _ . : only", "只能包含字母、数字和 - _ . :");
  }
  return key;
}

export function idempotency(): middy.MiddlewareObj<HttpEvent, HttpResult> {
  return {
    before: async (request) => {
      const state = requestState(request.event);
      const key = state.idempotencyKey;
      if (!key || !state.actor) return undefined;
      const hash = requestHash({
        routeKey: state.routeKey,
        path: request.event.rawPath,
        body: state.rawBody,
      });
      const begun = await idempotencyStore().begin(state.actor.userId, key, hash);
      if (begun.kind === "replay") {
        state.logger.info("idempotent replay", { idempotencyKey: key });
        const { response } = begun;
        return { ...response, headers: { ...response.headers, [REPLAY_HEADER]: "true" } };
      }
      state.idempotencyClaimed = true;
      return undefined;
    },
    after: async (request) => {
      const state = requestState(request.event);
      if (!state.idempotencyClaimed || !state.idempotencyKey || !state.actor || !request.response) return;
      const { statusCode, headers, body, isBase64Encoded } = request.response;
      await idempotencyStore().complete(state.actor.userId, state.idempotencyKey, {
        statusCode,
        headers,
        body,
        ...(isBase64Encoded ? { isBase64Encoded } : {}),
      });
    },
    onError: async (request) => {
      const state = findRequestState(request.event);
      // Only a claim this request made is released: a concurrent twin's IN_PROGRESS claim stays.
      if (!state?.idempotencyClaimed || !state.idempotencyKey || !state.actor) return;
      await idempotencyStore().release(state.actor.userId, state.idempotencyKey);
    },
  };
}
