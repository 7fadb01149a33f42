/**
 * Page sizes and opaque cursors of the query endpoints (TIGER style: a limit on
 * everything). A cursor is the position after the last item of a page — the index sort key — bound
 * to the query it came from: handing the cursor of one filter set to another is a 400, never a
 * silently wrong page. Scope is re-checked on every request, so a cursor grants nothing.
 */
import { createHash } from "node:crypto";
import * as z from "zod";
import { ValidationError } from "#core/errors.ts";
import { bilingual } from "#functions/http/index.ts";

/** What a page returns when the caller names no limit. */
export const PAGE_LIMIT_DEFAULT = 20;
/** The most items one page returns (the township console pulls pages of 100). */
export const PAGE_LIMIT_MAX = 100;
/** Index items one request may read before it answers with a (possibly short) page and a cursor. */
export const READ_BUDGET_ITEMS = 2_000;
/** An opaque cursor is short; anything longer is not one of ours. */
const CURSOR_CHARS_MAX = 512;

export const LimitQuery = z.coerce
  .number()
  .int(bilingual("limit must be a whole number", "limit 须为整数"))
  .min(1, bilingual("limit must be at least 1", "limit 至少为 1"))
  .max(PAGE_LIMIT_MAX, bilingual(`limit is at most ${PAGE_LIMIT_MAX}`, `limit 最多为 ${PAGE_LIMIT_MAX}`))
  .default(PAGE_LIMIT_DEFAULT);

export const CursorQuery = z
  .string()
  .min(1)
  .max(CURSOR_CHARS_MAX, bilingual("cursor is not valid", "分页游标无效"))
  .regex(/^[A-Za-z0-9_-]+$/, bilingual("cursor is not valid", "分页游标无效"))
  .optional();

interface CursorBody {
  v: 1;
  /** Digest of the query the cursor belongs to. */
  q: string;
  /** Sort-key position: the next page starts strictly after it. */
  after: string;
}

/** A short digest of everything that shapes a result list (filters, scope, route). */
export function queryDigest(parts: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(parts)
      .sort()
      .map((key) => [key, parts[key] ?? null]),
  );
  return createHash("sha256").update(canonical).digest("base64url").slice(0, 16);
}

export function encodeCursor(digest: string, after: string): string {
  const body: CursorBody = { v: 1, q: digest, after };
  return Buffer.from(JSON.stringify(body), "utf8").toString("base64url");
}

function invalidCursor(message: string, messageZh: string): ValidationError {
  return new ValidationError("The cursor is not valid for this query", "分页游标与本次查询不符", {
    fields: [{ path: "query.cursor", message, messageZh }],
  });
}

/** The position a cursor names, checked against the query it must belong to. */
export function decodeCursor(cursor: string | undefined, digest: string): string | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor("not a cursor returned by this API", "不是本接口返回的分页游标");
  }
  const body = z
    .object({ v: z.literal(1), q: z.string(), after: z.string().min(1).max(CURSOR_CHARS_MAX) })
    .safeParse(parsed);
  if (!body.success) throw invalidCursor("not a cursor returned by this API", "不是本接口返回的分页游标");
  if (body.data.q !== digest) {
    throw invalidCursor(
      "the cursor belongs to another query (other filters); start again without it",
      "该游标属于其他查询条件，请不带游标重新查询",
    );
  }
  return body.data.after;
}

export interface Page<T> {
  items: T[];
  /** Present when there may be more: pass it back as `cursor`. A short page does not mean the end. */
  nextCursor?: string;
}
