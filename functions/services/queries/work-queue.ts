/**
 * `GET /work-queue`: the open human tasks the signed-in user must act on, earliest
 * deadline first — advance decisions due within hours, paperwork due or overdue, stage re-checks,
 * payments to re-route, escalations, replenishment requests for county finance. Read from the task
 * queues of functions/adapters/human-task-store.ts (gsi1 `TASKQ#<township>#<role>`, gsi2
 * `TASKQ#COUNTY#<county>#<role>`, sort key `<dueAt|9999>#<caseId>`). Never the task token: items are
 * built field by field.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import type { Actor, Role } from "#core/access/index.ts";
import { ForbiddenError } from "#core/errors.ts";
import { bilingual } from "#functions/http/index.ts";
import { type AlertWorkItem, AlertWorkItemSchema, alertWork } from "./alert-work.ts";
import { isOverdue } from "./case-views.ts";
import { countyOfTownship, type TownshipNames, townshipNames } from "./directory.ts";
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

/** What kind of work a task is, for the console's grouping (DOMAIN §3, §4, §6). */
export const TASK_CATEGORY: Readonly<Record<string, string>> = {
  "advance-decision": "advance-decision",
  paperwork: "paperwork",
  "paperwork-co-sign": "paperwork",
  "stage-recheck": "recheck",
  "payment-route": "payment-reroute",
  "fund-replenishment": "replenishment",
  "plan-funds": "replenishment",
  "follow-up": "follow-up",
  "additional-aid-approval": "approval",
  "plan-approval": "approval",
  assessment: "assessment",
  "public-notice": "public-notice",
  recovery: "recovery",
};

const TOWNSHIP_QUEUE_ROLES: readonly Role[] = ["township-officer", "township-approver"];
const COUNTY_QUEUE_ROLES: readonly Role[] = ["county-civil-affairs", "county-finance"];

export const WorkQueueQuery = z
  .object({
    taskType: z
      .string()
      .refine((t) => t in TASK_CATEGORY, bilingual("an unknown task type", "未知的待办类型"))
      .optional(),
    township: z
      .string()
      .regex(/^\d{9}$/, bilingual("a 9-digit township code", "须为 9 位乡镇代码"))
      .optional(),
    limit: LimitQuery,
    cursor: CursorQuery,
  })
  .strict();
export type WorkQueueQuery = z.output<typeof WorkQueueQuery>;

/** The queues of the actor's roles: their township's for township staff, the county's for county staff. */
function queuesOf(actor: Actor, query: WorkQueueQuery): PartitionRef[] {
  const queues: PartitionRef[] = [];
  for (const role of actor.roles) {
    if (TOWNSHIP_QUEUE_ROLES.includes(role) && actor.townshipId) {
      if (query.township && query.township !== actor.townshipId) {
        throw new ForbiddenError(
          "Township staff see only their own township's work",
          "乡镇工作人员只能查看本乡镇的待办",
          { details: { code: "out-of-scope" } },
        );
      }
      queues.push({ indexName: "gsi1", pk: `TASKQ#${actor.townshipId}#${role}` });
      // Work asked of this officer by name: a paperwork co-signature (co-signature-store.ts).
      if (role === "township-officer") {
        queues.push({ indexName: "gsi1", pk: `TASKQ#${actor.townshipId}#USER#${actor.userId}` });
      }
    }
    if (COUNTY_QUEUE_ROLES.includes(role)) {
      if (query.township && countyOfTownship(query.township) !== actor.countyId) {
        throw new ForbiddenError(
          "County staff see only their own county's work",
          "县级工作人员只能查看本县的待办",
          { details: { code: "out-of-scope" } },
        );
      }
      queues.push({ indexName: "gsi2", pk: `TASKQ#COUNTY#${actor.countyId}#${role}` });
    }
  }
  if (queues.length === 0) {
    throw new ForbiddenError(
      "Your role has no work queue (applicants: see /me/cases; auditors read cases and the audit trail)",
      "当前角色没有待办事项（申请人请查看“我的申请”；审计人员请查看案件与审计记录）",
      { details: { code: "no-role" } },
    );
  }
  return queues;
}

function filterOf(query: WorkQueueQuery): ItemFilter {
  const parts = ["#status = :open"];
  const names: Record<string, string> = { "#status": "status" };
  const values: Record<string, unknown> = { ":open": "open" };
  if (query.taskType) {
    parts.push("#taskType = :taskType");
    names["#taskType"] = "taskType";
    values[":taskType"] = query.taskType;
  }
  if (query.township) {
    parts.push("#townshipId = :township");
    names["#townshipId"] = "townshipId";
    values[":township"] = query.township;
  }
  return { expression: parts.join(" AND "), names, values };
}

/** One open human task of the caller's queues (`GET /work-queue`): never its token. */
export const WorkItemSchema = z
  .object({
    caseId: z.string(),
    taskType: z.string(),
    category: z
      .string()
      .meta({ description: "The task's group in the console (paperwork, assessment, other …)" }),
    countyId: z.string(),
    townshipId: z.string(),
    townshipName: z.string().nullable(),
    dueAt: z.string().nullable(),
    overdue: z.boolean(),
    escalated: z.boolean(),
    openedAt: z.string(),
    assigneeRoles: z.array(z.string()),
  })
  .meta({ id: "WorkItem" });
export type WorkItem = z.output<typeof WorkItemSchema>;

/** `GET /work-queue`: one page, earliest deadline first; the first page also lists the early warnings. */
export const WorkQueuePageSchema = z.object({
  items: z.array(WorkItemSchema),
  nextCursor: z.string().optional(),
  alerts: z.array(AlertWorkItemSchema).optional().meta({
    description:
      "First page only: early warnings awaiting their verification (a township officer: the township's; county civil affairs: those escalated to it), earliest deadline first",
  }),
});

function workItem(item: Record<string, unknown>, now: Date, names: TownshipNames): WorkItem {
  const dueAt = typeof item.dueAt === "string" ? item.dueAt : null;
  const taskType = String(item.taskType);
  return {
    caseId: String(item.caseId),
    taskType,
    category: TASK_CATEGORY[taskType] ?? "other",
    countyId: String(item.countyId),
    townshipId: String(item.townshipId),
    townshipName: names.get(String(item.townshipId)) ?? null,
    dueAt,
    overdue: isOverdue(dueAt, item.overdue === true, now),
    escalated: item.escalated === true,
    openedAt: String(item.openedAt),
    assigneeRoles: Array.isArray(item.assigneeRoles) ? item.assigneeRoles.map(String) : [],
  };
}

export interface WorkQueueDeps {
  db: DynamoDBDocumentClient;
  table: string;
  now: () => Date;
}

export async function workQueue(
  deps: WorkQueueDeps,
  actor: Actor,
  query: WorkQueueQuery,
): Promise<Page<WorkItem> & { alerts?: AlertWorkItem[] }> {
  const partitions = queuesOf(actor, query);
  const digest = queryDigest({
    route: "GET /work-queue",
    queues: partitions.map((p) => p.pk),
    taskType: query.taskType,
    township: query.township,
  });
  const after = decodeCursor(query.cursor, digest);
  const now = deps.now();
  const page = await readMerged(deps.db, deps.table, {
    partitions,
    ...(after ? { after } : {}),
    filter: filterOf(query),
    limit: query.limit,
    readBudgetItems: READ_BUDGET_ITEMS,
  });
  // A task may sit in two of a multi-role user's queues (an escalation): list it once.
  const seen = new Set<string>();
  const names = await townshipNames(
    deps,
    page.items.map((raw) => String(raw.townshipId)),
  );
  const items: WorkItem[] = [];
  for (const raw of page.items) {
    const id = `${String(raw.pk)}|${String(raw.sk)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    items.push(workItem(raw, now, names));
  }
  return {
    items,
    ...(page.nextAfter ? { nextCursor: encodeCursor(digest, page.nextAfter) } : {}),
    ...(after ? {} : { alerts: await alertWork(deps, actor, query) }),
  };
}
