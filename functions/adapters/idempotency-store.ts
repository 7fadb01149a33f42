/**
 * Idempotency records for POST requests, in table `main` under `IDEM#<actor>#<key>`.
 *
 * - `begin` claims the key with a conditional put (status IN_PROGRESS, hash of the request);
 * - `complete` stores the first response; a replay with the same hash gets it back;
 * - the same key with another request hash → 409 `IDEMPOTENCY_KEY_REUSED`;
 * - a duplicate arriving while the first is still running → 409 `IN_PROGRESS`;
 * - `release` forgets a claim whose request failed, so "a rejected request writes nothing";
 * - records expire through the table's TTL attribute `expiresAt` (epoch seconds); an in-progress
 *   claim older than `inProgressTimeoutMs` (the handler died) may be taken over;
 * - a response that would take the record past one write unit (1 KB: the paperwork's answer with its
 *   co-signature view) is stored deflated (`responseZ`), so `complete` costs one unit, not two.
 *
 * Two writes on the happy path (`begin`, `complete`) are the least this contract allows: the claim
 * must be visible while the request runs (the twin's 409 `IN_PROGRESS`; without it both twins would
 * run, and a route that adds a record — a document, an allocation — would add two), and the answer
 * exists only once the request has run. Merging the claim into each route's own first write is
 * possible only route by route, as a transaction, which bills each of its items twice: the claim would
 * cost there what it costs here, one request fewer.
 */
import { createHash, randomUUID } from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { ConflictError } from "#core/errors.ts";
import { nowMs } from "#functions/runtime/clock.ts";
import { WRITE_UNIT_BYTES } from "./item-size.ts";

export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}

export type BeginResult = { kind: "new" } | { kind: "replay"; response: StoredResponse };

export interface IdempotencyStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  ttlHours: number;
  /** After this long an IN_PROGRESS claim is considered abandoned (Lambda timeout + margin). */
  inProgressTimeoutMs?: number;
}

const SK = "IDEM";
const DEFAULT_IN_PROGRESS_TIMEOUT_MS = 60_000;
/** Keys are 1–128 characters; an empty or longer header is refused, never taken as "no key". */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 128;
export const IDEMPOTENCY_KEY_PATTERN = new RegExp(`^[A-Za-z0-9_.:-]{1,${IDEMPOTENCY_KEY_MAX_LENGTH}}$`);

export class IdempotencyKeyReusedError extends ConflictError {
  override readonly code = "IDEMPOTENCY_KEY_REUSED";
}

export class IdempotencyInProgressError extends ConflictError {
  override readonly code = "IN_PROGRESS";
}

/** Stable JSON: object keys sorted, so `{a,b}` and `{b,a}` hash alike. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** Hash of what makes two requests "the same": route, path and body (parsed JSON when possible). */
export function requestHash(parts: { routeKey: string; path: string; body: unknown }): string {
  return createHash("sha256").update(canonicalJson(parts)).digest("hex");
}

/**
 * A completed record's attributes besides `pk` and the response, names and values at their largest:
 * sk, status, requestHash (64), startedAtMs, expiresAt, claimId (36), completedAtMs — 204 bytes, and
 * 20 more as a margin. (An update is billed by the larger of the item before and after it, a write unit
 * per started KB: item-size.ts.)
 */
const RECORD_BYTES_BESIDES_RESPONSE = 224;

/** The stored answer of a completed record, in either form. */
function storedResponse(item: Record<string, unknown>): StoredResponse {
  if (item.responseZ instanceof Uint8Array) {
    return JSON.parse(inflateRawSync(item.responseZ).toString("utf8")) as StoredResponse;
  }
  return item.response as StoredResponse;
}

export class IdempotencyStore {
  private readonly inProgressTimeoutMs: number;

  constructor(private readonly options: IdempotencyStoreOptions) {
    this.inProgressTimeoutMs = options.inProgressTimeoutMs ?? DEFAULT_IN_PROGRESS_TIMEOUT_MS;
  }

  static key(actorId: string, key: string): string {
    if (key.length > IDEMPOTENCY_KEY_MAX_LENGTH) throw new RangeError("idempotency key too long");
    return `IDEM#${actorId}#${key}`;
  }

  async begin(actorId: string, key: string, hash: string): Promise<BeginResult> {
    const pk = IdempotencyStore.key(actorId, key);
    const now = nowMs();
    const expiresAt = Math.floor(now / 1000) + this.options.ttlHours * 3600;
    // Tells this claim from a twin's when the put's answer is lost and the SDK's retry hits our own item.
    const claimId = randomUUID();
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            pk,
            sk: SK,
            status: "IN_PROGRESS",
            requestHash: hash,
            startedAtMs: now,
            expiresAt,
            claimId,
          },
          // A record past its TTL may still be there (TTL deletes lazily): treat it as gone.
          ConditionExpression: "attribute_not_exists(pk) OR expiresAt < :nowSeconds",
          ExpressionAttributeValues: { ":nowSeconds": Math.floor(now / 1000) },
        }),
      );
      return { kind: "new" };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const existing = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: { pk, sk: SK }, ConsistentRead: true }),
    );
    const item = existing.Item;
    if (!item) return this.begin(actorId, key, hash);
    if (item.requestHash !== hash) {
      throw new IdempotencyKeyReusedError(
        "This Idempotency-Key was already used for a different request",
        "该幂等键已用于另一项不同的请求，请使用新的幂等键",
      );
    }
    if (item.status === "COMPLETED") return { kind: "replay", response: storedResponse(item) };
    if (item.claimId === claimId) return { kind: "new" };
    if (now - Number(item.startedAtMs) > this.inProgressTimeoutMs) return this.takeOver(pk, item, hash, now);
    throw new IdempotencyInProgressError(
      "The same request is still being processed; retry shortly",
      "相同的请求正在处理中，请稍后重试",
    );
  }

  private async takeOver(
    pk: string,
    item: Record<string, unknown>,
    hash: string,
    now: number,
  ): Promise<BeginResult> {
    try {
      await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { pk, sk: SK },
          UpdateExpression: "SET startedAtMs = :now",
          ConditionExpression: "#status = :inProgress AND startedAtMs = :previous AND requestHash = :hash",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":now": now,
            ":inProgress": "IN_PROGRESS",
            ":previous": item.startedAtMs,
            ":hash": hash,
          },
        }),
      );
      return { kind: "new" };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw new IdempotencyInProgressError(
        "The same request is still being processed; retry shortly",
        "相同的请求正在处理中，请稍后重试",
      );
    }
  }

  async complete(actorId: string, key: string, response: StoredResponse): Promise<void> {
    const pk = IdempotencyStore.key(actorId, key);
    const json = JSON.stringify(response);
    const deflate =
      Buffer.byteLength(pk) + RECORD_BYTES_BESIDES_RESPONSE + Buffer.byteLength(json) > WRITE_UNIT_BYTES;
    await this.options.client.send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: { pk, sk: SK },
        UpdateExpression: "SET #status = :completed, #response = :response, completedAtMs = :now",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#status": "status", "#response": deflate ? "responseZ" : "response" },
        ExpressionAttributeValues: {
          ":completed": "COMPLETED",
          ":response": deflate ? deflateRawSync(Buffer.from(json, "utf8")) : response,
          ":now": nowMs(),
        },
      }),
    );
  }

  /** Forgets an in-progress claim (the request failed: nothing was done, the key may be used again). */
  async release(actorId: string, key: string): Promise<void> {
    try {
      await this.options.client.send(
        new DeleteCommand({
          TableName: this.options.tableName,
          Key: { pk: IdempotencyStore.key(actorId, key), sk: SK },
          ConditionExpression: "#status = :inProgress",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":inProgress": "IN_PROGRESS" },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
