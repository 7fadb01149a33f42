/**
 * The work queue's order: the earliest deadline first (overdue at the top), cases without a
 * deadline last. What a case waits for is its `nextStep` (or its status).
 */
import type { CaseView } from "../api/types.ts";

export function dueAtOf(c: CaseView): string | undefined {
  if (c.nextStep?.dueAt) return c.nextStep.dueAt;
  if (c.dueAt) return c.dueAt;
  const deadlines = c.deadlines ? Object.values(c.deadlines).filter(Boolean).sort() : [];
  return deadlines[0];
}

export function byDeadline(a: CaseView, b: CaseView): number {
  const da = dueAtOf(a);
  const db = dueAtOf(b);
  if (da && db) return da < db ? -1 : da > db ? 1 : 0;
  if (da) return -1;
  if (db) return 1;
  return (a.filedAt ?? "") < (b.filedAt ?? "") ? -1 : 1;
}

export const CLOSED_STATUSES = ["closed", "withdrawn", "advance-rejected", "handed-over-to-flow-b"];
