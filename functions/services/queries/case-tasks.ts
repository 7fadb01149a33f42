/**
 * The open human tasks of a page of cases, for the list's "waiting for what, by when" (read through
 * functions/adapters/human-task-store.ts, which copies only the fields a list shows: the token stored
 * on the item never leaves the store).
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { HumanTaskStore, type ListedTask } from "#adapters/human-task-store.ts";

/** Case reads one list request runs at the same time. */
const PARALLEL_CASES_MAX = 16;
/** A case has a handful of tasks over its life; more than this is not a case but a fault. */
const TASKS_PER_CASE_MAX = 100;

/** Open tasks by case id, for every case of the page. */
export async function openTasksOf(
  db: DynamoDBDocumentClient,
  table: string,
  caseIds: readonly string[],
): Promise<Map<string, ListedTask[]>> {
  const store = new HumanTaskStore(db, table);
  const byCase = new Map<string, ListedTask[]>();
  for (let start = 0; start < caseIds.length; start += PARALLEL_CASES_MAX) {
    const slice = caseIds.slice(start, start + PARALLEL_CASES_MAX);
    const tasks = await Promise.all(slice.map((caseId) => store.openListedOf(caseId, TASKS_PER_CASE_MAX)));
    for (const [index, caseId] of slice.entries()) byCase.set(caseId, tasks[index] ?? []);
  }
  return byCase;
}
