/**
 * 外地受助 (DOMAIN §3.6): the registration county of a non-local applicant aided in
 * another county of the deployment reads the notices about its residents — `GET /registration-notices`,
 * newest close first, in pages — and their figures per county where aided and hardship cause — `GET
 * /registration-notices/stats`. Masked name and document only (no phone, account, address, narrative
 * or documents), read from the notices the close wrote (registration-notice-store.ts): no case of the
 * other county is read, and none opens to the reader.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import {
  NOTICE_QUERY_ITEMS_MAX,
  type RegistrationNoticeRecord,
  RegistrationNoticeStore,
} from "#adapters/registration-notice-store.ts";
import { type Actor, requireAuthorized } from "#core/access/index.ts";
import { endOfLocalDay, isLocalDate, localDateOf, startOfLocalDay } from "#core/calendar/index.ts";
import { Yuan } from "#core/money/yuan.ts";
import { bilingual } from "#functions/http/index.ts";
import { CursorQuery, decodeCursor, encodeCursor, LimitQuery, queryDigest } from "./queries/pagination.ts";

/** The statistics read at most this many notices (pages of NOTICE_QUERY_ITEMS_MAX); `complete` says whether all were. */
export const NOTICE_STATS_ITEMS_MAX = 20_000;

const LocalDateText = z
  .string()
  .refine(isLocalDate, bilingual("A date written as YYYY-MM-DD", "日期格式应为 YYYY-MM-DD，如 2026-12-01"));

const period = {
  from: LocalDateText.optional(),
  to: LocalDateText.optional(),
};

function refinePeriod(query: { from?: string; to?: string }, ctx: z.RefinementCtx): void {
  if (query.from === undefined || query.to === undefined) return;
  if (!isLocalDate(query.from) || !isLocalDate(query.to)) return;
  if (query.from > query.to)
    ctx.addIssue({
      code: "custom",
      path: ["to"],
      message: bilingual("The end date is before the start date", "结束日期不能早于开始日期"),
    });
}

export const NoticeListQuery = z
  .object({ ...period, limit: LimitQuery, cursor: CursorQuery })
  .strict()
  .superRefine(refinePeriod);
export const NoticeStatsQuery = z.object(period).strict().superRefine(refinePeriod);

const fen = z.number().int().nonnegative().describe("integer fen (1 yuan = 100 fen)");

export const RegistrationNoticeSchema = z.object({
  caseId: z.string().describe("the case number in the county where the applicant was aided"),
  countyId: z.string().describe("the county where the applicant was aided"),
  countyName: z.string().optional(),
  townshipId: z.string(),
  townshipName: z.string().optional(),
  cause: z.string().describe("hardship cause code"),
  flow: z.enum(["A", "B"]),
  result: z.string().describe("aided, rejected (Flow A); completed, stopped, rejected (Flow B)"),
  paidFen: fen,
  paidYuan: z.string(),
  applicantNameMasked: z.string().describe("family name only: 张*"),
  idNumberMasked: z.string().describe("first and last four characters only"),
  filedAt: z.string(),
  filedOn: z.string().describe("Asia/Shanghai date"),
  closedAt: z.string(),
  closedOn: z.string().describe("Asia/Shanghai date"),
});
export type RegistrationNoticeView = z.infer<typeof RegistrationNoticeSchema>;

export const NoticePageSchema = z.object({
  countyId: z.string().describe("the reader's county: the applicants' registration county"),
  items: z.array(RegistrationNoticeSchema),
  nextCursor: z.string().optional(),
});

const StatsRowSchema = z.object({
  countyId: z.string(),
  countyName: z.string().optional(),
  cause: z.string(),
  count: z.number().int().nonnegative(),
  paidFen: fen,
  paidYuan: z.string(),
});

export const NoticeStatsSchema = z.object({
  countyId: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
  total: z.object({ count: z.number().int().nonnegative(), paidFen: fen, paidYuan: z.string() }),
  rows: z.array(StatsRowSchema).describe("per county where aided and cause, by county then cause"),
  complete: z.boolean().describe(`false when more than ${NOTICE_STATS_ITEMS_MAX} notices matched`),
});
export type NoticeStats = z.infer<typeof NoticeStatsSchema>;

export interface RegistrationNoticeDeps {
  db: DynamoDBDocumentClient;
  table: string;
}

/** The reader's county, once `registrationNotice.read` is granted there (county civil affairs, auditor). */
function readerCounty(actor: Actor): string {
  requireAuthorized(actor, "registrationNotice.read", { countyId: actor.countyId });
  return actor.countyId;
}

/** The period as sort-key bounds: closes at or after `from`'s first instant, before the day after `to`. */
function boundsOf(query: { from?: string; to?: string }): { from?: string; before?: string } {
  return {
    ...(query.from ? { from: new Date(startOfLocalDay(query.from)).toISOString() } : {}),
    ...(query.to ? { before: new Date(endOfLocalDay(query.to) + 1).toISOString() } : {}),
  };
}

function viewOf(notice: RegistrationNoticeRecord): RegistrationNoticeView {
  const { registrationCountyId: _reader, ...shown } = notice;
  return {
    ...shown,
    paidYuan: Yuan.fromFen(notice.paidFen).toString(),
    filedOn: localDateOf(new Date(notice.filedAt)),
    closedOn: localDateOf(new Date(notice.closedAt)),
  };
}

export async function registrationNoticePage(
  deps: RegistrationNoticeDeps,
  actor: Actor,
  query: z.output<typeof NoticeListQuery>,
): Promise<z.infer<typeof NoticePageSchema>> {
  const countyId = readerCounty(actor);
  const digest = queryDigest({ route: "registration-notices", countyId, from: query.from, to: query.to });
  const after = decodeCursor(query.cursor, digest);
  const bounds = boundsOf(query);
  const before = after ?? bounds.before;
  if (before !== undefined && bounds.from !== undefined && before <= bounds.from)
    return { countyId, items: [] };
  const page = await new RegistrationNoticeStore(deps.db, deps.table).page({
    registrationCountyId: countyId,
    ...(before !== undefined ? { before } : {}),
    ...(bounds.from !== undefined ? { from: bounds.from } : {}),
    limit: query.limit,
  });
  return {
    countyId,
    items: page.notices.map(viewOf),
    ...(page.lastSortKey ? { nextCursor: encodeCursor(digest, page.lastSortKey) } : {}),
  };
}

export async function registrationNoticeStats(
  deps: RegistrationNoticeDeps,
  actor: Actor,
  query: z.output<typeof NoticeStatsQuery>,
): Promise<NoticeStats> {
  const countyId = readerCounty(actor);
  const store = new RegistrationNoticeStore(deps.db, deps.table);
  const bounds = boundsOf(query);
  const rows = new Map<
    string,
    { countyId: string; countyName?: string; cause: string; count: number; paidFen: number }
  >();
  let read = 0;
  let before = bounds.before;
  let complete = false;
  while (read < NOTICE_STATS_ITEMS_MAX) {
    const page = await store.page({
      registrationCountyId: countyId,
      ...(before !== undefined ? { before } : {}),
      ...(bounds.from !== undefined ? { from: bounds.from } : {}),
      limit: Math.min(NOTICE_QUERY_ITEMS_MAX, NOTICE_STATS_ITEMS_MAX - read),
    });
    for (const notice of page.notices) {
      const key = `${notice.countyId}#${notice.cause}`;
      const row = rows.get(key) ?? {
        countyId: notice.countyId,
        ...(notice.countyName ? { countyName: notice.countyName } : {}),
        cause: notice.cause,
        count: 0,
        paidFen: 0,
      };
      row.count += 1;
      row.paidFen += notice.paidFen;
      rows.set(key, row);
    }
    read += page.notices.length;
    if (!page.lastSortKey) {
      complete = true;
      break;
    }
    before = page.lastSortKey;
    if (bounds.from !== undefined && before <= bounds.from) {
      complete = true;
      break;
    }
  }
  const sorted = [...rows.values()].sort(
    (a, b) => a.countyId.localeCompare(b.countyId) || a.cause.localeCompare(b.cause),
  );
  const total = sorted.reduce(
    (sum, row) => ({ count: sum.count + row.count, paidFen: sum.paidFen + row.paidFen }),
    {
      count: 0,
      paidFen: 0,
    },
  );
  return {
    countyId,
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: query.to } : {}),
    total: { ...total, paidYuan: Yuan.fromFen(total.paidFen).toString() },
    rows: sorted.map((row) => ({ ...row, paidYuan: Yuan.fromFen(row.paidFen).toString() })),
    complete,
  };
}
