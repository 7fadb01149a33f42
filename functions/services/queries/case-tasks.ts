/**
 * The open human tasks of a page of cases, for the list's "waiting for what, by when" (items of
 * functions/adapters/human-task-store.ts: `CASE#<id>` / `TASK#…`). Only the fields a list shows are
 * copied: the token stored on the item never leaves this function.
 */
import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { HumanTask } from "#adapters/human-task-store.ts";

/** Case reads one list request runs at the same time. */
const PARALLEL_CASES_MAX = 16;
/** A case has a handful of tasks over its life; more than this is not a case but a fault. */
const TASKS_PER_CASE_MAX = 100;

export type ListedTask = Pick<
  HumanTask,
  "taskType" | "status" | "assigneeRoles" | "escalated" | "overdue" | "openedAt" | "dueAt"
>;

async function openTasksOfCase(
  db: DynamoDBDocumentClient,
  table: string,
  caseId: string,
): Promise<ListedTask[]> {
  const out = await db.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :task)",
      FilterExpression: "#status = :open",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":pk": `CASE#${caseId}`, ":task": "TASK#", ":open": "open" },
      Limit: TASKS_PER_CASE_MAX,
    }),
  );
  return (out.Items ?? []).map((item) => ({
    taskType: String(item.taskType),
    status: "open",
    assigneeRoles: Array.isArray(item.assigneeRoles) ? item.assigneeRoles.map(String) : [],
    escalated: item.escalated === true,
    overdue: item.overdue === true,
    openedAt: String(item.openedAt),
    ...(typeof item.dueAt === "string" ? { dueAt: item.dueAt } : {}),
  }));
}

/** Open tasks by case id, for every case of the page. */
export async function openTasksOf(
  db: DynamoDBDocumentClient,
  table: string,
  caseIds: readonly string[],
): Promise<Map<string, ListedTask[]>> {
  const byCase = new Map<string, ListedTask[]>();
  for (let start = 0; start < caseIds.length; start += PARALLEL_CASES_MAX) {
    const slice = caseIds.slice(start, start + PARALLEL_CASES_MAX);
    const tasks = await Promise.all(slice.map((caseId) => openTasksOfCase(db, table, caseId)));
    for (const [index, caseId] of slice.entries()) byCase.set(caseId, tasks[index] ?? []);
  }
  return byCase;
}
