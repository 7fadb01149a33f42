/**
 * `GET /cases`: a township's or the county's cases by deadline, filtered by status,
 * hardship type, deadline and overdue, one page at a time. Scope (DOMAIN §1): township staff see
 * their own township; county civil affairs and the auditor any township of their county; county
 * finance the money of the county's cases (no narratives, no personal data); applicants use
 * `/me/cases`. Read from the case index of functions/adapters/case-store.ts (gsi1
 * `CASES#TOWNSHIP#<township>#<status>`, sort key `<dueAt|filedAt>#<caseId>`) — read here, not there.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { type CaseRecord, type CaseStatus, OPEN_STATUSES } from "#adapters/case-store.ts";
import { type Actor, authorize } from "#core/access/index.ts";
import { HARDSHIP_TYPES } from "#core/cases/index.ts";
import { ForbiddenError } from "#core/errors.ts";
import { bilingual } from "#functions/http/index.ts";
import type { FinanceCaseItem, StaffCaseItem } from "../case-answers.ts";
import { openTasksOf } from "./case-tasks.ts";
import { financeCaseView, staffCaseView } from "./case-views.ts";
import { countyOfTownship, townshipNames, townshipsOf } from "./directory.ts";
import { type ItemFilter, type PartitionRef, readMerged } from "./merged-index.ts";
import {
  CursorQuery,
  decodeCursor,
  encodeCursor,
  LimitQuery,
  type Page,
  queryDigest,
  READ_BUDGET_ITEMS,
} from "./pagination.ts";

/** A withdrawn case (this module's withdrawal) keeps its own status; case-store's union predates it. */
export const WITHDRAWN_STATUS = "withdrawn" satisfies CaseStatus;

/** Every status a case item can carry: the open ones, the ends of both flows, and withdrawn. */
export const CASE_STATUSES: readonly string[] = [
  ...OPEN_STATUSES,
  "advance-rejected",
  "handed-over-to-flow-b",
  "closed",
  "plan-rejected",
  "plan-stopped",
  WITHDRAWN_STATUS,
] satisfies readonly CaseStatus[];

/** Search text is a name, a case number or an ID number: never longer than this. */
const SEARCH_CHARS_MAX = 40;

/** A status filter names at most this many statuses. */
const STATUS_FILTER_MAX = 8;

const TownshipCode = z.string().regex(/^\d{9}$/, bilingual("a 9-digit township code", "须为 9 位乡镇代码"));

export const CaseListQuery = z
  .object({
    township: TownshipCode.optional(),
    /** Alias of `township` (the web console's name for it). */
    townshipId: TownshipCode.optional(),
    status: z
      .string()
      .max(400)
      .transform((text) => [
        ...new Set(
          text
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ])
      .pipe(
        z
          .array(
            z
              .string()
              .refine(
                (s) => CASE_STATUSES.includes(s),
                bilingual("an unknown case status", "未知的案件状态"),
              ),
          )
          .min(1)
          .max(STATUS_FILTER_MAX),
      )
      .optional(),
    hardshipType: z.enum(HARDSHIP_TYPES).optional(),
    dueBefore: z.iso
      .datetime({
        offset: true,
        error: bilingual(
          "an ISO date-time, e.g. 2026-03-03T09:00:00+08:00",
          "须为 ISO 日期时间，如 2026-03-03T09:00:00+08:00",
        ),
      })
      .optional(),
    overdue: z.enum(["true", "false"]).optional(),
    /** A name (or part of it), a case number (any letter case) or a whole ID number. */
    q: z
      .string()
      .trim()
      .min(1, bilingual("search text is empty", "搜索内容不能为空"))
      .max(
        SEARCH_CHARS_MAX,
        bilingual(`at most ${SEARCH_CHARS_MAX} characters`, `最多 ${SEARCH_CHARS_MAX} 个字符`),
      )
      .optional(),
    limit: LimitQuery,
    cursor: CursorQuery,
  })
  .strict()
  .refine((q) => !(q.township && q.townshipId && q.township !== q.townshipId), {
    path: ["township"],
    message: bilingual("township and townshipId name different townships", "township 与 townshipId 不一致"),
  });
export type CaseListQuery = z.output<typeof CaseListQuery>;

export type CaseListView = "staff" | "finance";

/** Which view the actor gets of a township's cases; 403 when none. */
function viewFor(actor: Actor, countyId: string, townshipId: string): CaseListView {
  const resource = { countyId, townshipId };
  const read = authorize(actor, "case.read", resource);
  if (read.allowed) return "staff";
  if (actor.roles.includes("county-finance") && authorize(actor, "fund.read", resource).allowed)
    return "finance";
  const reason =
    read.code === "no-role"
      ? {
          en: "Your role may not list cases (applicants: see /me/cases)",
          zh: "当前角色无权查询案件列表（申请人请查看“我的申请”）",
        }
      : { en: read.reason, zh: read.reasonZh };
  throw new ForbiddenError(reason.en, reason.zh, { details: { action: "case.read", code: read.code } });
}

async function townshipsFor(deps: CaseListDeps, actor: Actor, query: CaseListQuery): Promise<string[]> {
  const named = query.township ?? query.townshipId;
  if (named) return [named];
  if (actor.townshipId) return [actor.townshipId];
  return townshipsOf(deps, actor.countyId);
}

/**
 * The search as a filter: only masked numbers are stored, so an ID number is found through its keyed
 * hash (the person key the household checks use); a case number matches as issued, whatever the
 * letter case it was typed in.
 */
/** Case numbers are issued as `C<yyyymmdd>-<lower-case hex>`: typed text in that letter case. */
export function asCaseNumber(text: string): string {
  return `${text.slice(0, 1).toUpperCase()}${text.slice(1).toLowerCase()}`;
}

function searchFilter(
  text: string,
  personKeysOf: CaseListDeps["personKeysOf"],
  names: Record<string, string>,
  values: Record<string, unknown>,
): string {
  Object.assign(names, { "#applicant": "applicant", "#name": "name", "#caseId": "caseId" });
  values[":q"] = text;
  values[":qCase"] = asCaseNumber(text);
  const alternatives = ["contains(#applicant.#name, :q)", "contains(#caseId, :qCase)"];
  const keys = personKeysOf?.(text) ?? [];
  keys.forEach((key, index) => {
    names["#personKey"] = "personKey";
    values[`:pk${index}`] = key;
    alternatives.push(`#applicant.#personKey = :pk${index}`);
  });
  return `(${alternatives.join(" OR ")})`;
}

function filterOf(
  query: CaseListQuery,
  dueBeforeIso: string | undefined,
  now: Date,
  personKeysOf?: CaseListDeps["personKeysOf"],
): ItemFilter | undefined {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (query.q) parts.push(searchFilter(query.q, personKeysOf, names, values));
  if (query.hardshipType) {
    parts.push("#hardship.#kind = :kind");
    Object.assign(names, { "#hardship": "hardship", "#kind": "kind" });
    values[":kind"] = query.hardshipType;
  }
  if (dueBeforeIso) {
    parts.push("#dueAt < :dueBefore");
    names["#dueAt"] = "dueAt";
    values[":dueBefore"] = dueBeforeIso;
  }
  if (query.overdue) {
    const overdue = "(#flags.#overdue = :true OR #dueAt < :now)";
    parts.push(query.overdue === "true" ? overdue : `NOT ${overdue}`);
    Object.assign(names, { "#flags": "flags", "#overdue": "overdue", "#dueAt": "dueAt" });
    Object.assign(values, { ":true": true, ":now": now.toISOString() });
  }
  if (parts.length === 0) return undefined;
  return { expression: parts.join(" AND "), names, values };
}

export interface CaseListDeps {
  db: DynamoDBDocumentClient;
  table: string;
  now: () => Date;
  /** The person keys a typed ID number may stand for (none when it is not one). */
  personKeysOf?: (text: string) => string[];
}

export async function listCases(
  deps: CaseListDeps,
  actor: Actor,
  query: CaseListQuery,
): Promise<Page<StaffCaseItem | FinanceCaseItem> & { view: CaseListView }> {
  const townships = await townshipsFor(deps, actor, query);
  const views = new Set(townships.map((t) => viewFor(actor, countyOfTownship(t), t)));
  // A county role's own county; a township named outside it was refused above.
  const view: CaseListView = views.has("finance") ? "finance" : "staff";
  const statuses = query.status ?? [...CASE_STATUSES];
  const dueBeforeIso = query.dueBefore ? new Date(query.dueBefore).toISOString() : undefined;
  const now = deps.now();
  const digest = queryDigest({
    route: "GET /cases",
    townships,
    statuses,
    hardshipType: query.hardshipType,
    dueBefore: dueBeforeIso,
    overdue: query.overdue,
    q: query.q,
    view,
  });
  const after = decodeCursor(query.cursor, digest);
  const partitions: PartitionRef[] = townships.flatMap((townshipId) =>
    statuses.map((status) => ({ indexName: "gsi1" as const, pk: `CASES#TOWNSHIP#${townshipId}#${status}` })),
  );
  if (partitions.length === 0) return { items: [], view };
  const filter = filterOf(query, dueBeforeIso, now, deps.personKeysOf);
  const page = await readMerged(deps.db, deps.table, {
    partitions,
    ...(after ? { after } : {}),
    ...(dueBeforeIso ? { before: dueBeforeIso } : {}),
    ...(filter ? { filter } : {}),
    limit: query.limit,
    readBudgetItems: READ_BUDGET_ITEMS,
  });
  const records = page.items as unknown as CaseRecord[];
  // Staff see what each case waits for and by when; finance sees money, not the work.
  const tasks =
    view === "staff"
      ? await openTasksOf(
          deps.db,
          deps.table,
          records.map((r) => r.caseId),
        )
      : undefined;
  const names = await townshipNames(
    deps,
    records.map((r) => r.townshipId),
  );
  const items = records.map((record) =>
    tasks
      ? staffCaseView(record, tasks.get(record.caseId) ?? [], now, names)
      : financeCaseView(record, now, names),
  );
  return { items, view, ...(page.nextAfter ? { nextCursor: encodeCursor(digest, page.nextAfter) } : {}) };
}
