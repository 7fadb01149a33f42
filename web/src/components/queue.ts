/**
 * The work queue's order: the earliest deadline first (overdue at the top), cases without a
 * deadline last. What a case waits for is its `nextStep` (or its status).
 */
import type { CaseView } from "../api/types.ts";

export function dueAtOf(c: CaseView): string | undefined {
  return c.nextStep?.dueAt ?? c.dueAt;
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

/** What a typed case number may be (the search box's shape check before opening it). */
export function isCaseNumber(text: string): boolean {
  return /^[Cc]\d{8}-[0-9A-Fa-f]{4,32}$/.test(text);
}

/** Case numbers are issued as `C<yyyymmdd>-<lower-case hex>`: typed text in that letter case. */
export function asCaseNumber(text: string): string {
  return `${text.slice(0, 1).toUpperCase()}${text.slice(1).toLowerCase()}`;
}

/** What a work item or a case's open step says about its time. */
export interface Deadline {
  dueAt?: string | null;
  overdue?: boolean;
  escalated?: boolean;
}

/**
 * Late: its deadline passed (flagged by the flow, or the time is past), or it was escalated — the
 * flow escalates a step only after its deadline passed (advance not decided in time, payment not
 * re-routed, follow-up not decided, paperwork overdue).
 */
export function isLate(item: Deadline, nowMs: number): boolean {
  if (item.overdue || item.escalated) return true;
  const dueMs = item.dueAt ? Date.parse(item.dueAt) : Number.NaN;
  return !Number.isNaN(dueMs) && dueMs < nowMs;
}

/**
 * When the flow reminds again: an escalated step's `dueAt` is the end of its reminder interval, not
 * a deadline still ahead (the deadline has passed already).
 */
export function nextReminder(item: Deadline, nowMs: number): string | undefined {
  if (!item.escalated || !item.dueAt) return undefined;
  const dueMs = Date.parse(item.dueAt);
  return !Number.isNaN(dueMs) && dueMs >= nowMs ? item.dueAt : undefined;
}

const TOWNSHIP_ROLES = ["township-officer", "township-approver"];

/**
 * The township staff who must do a step the county sees (to chase them), or nothing when the county
 * acts itself (an escalated advance decision, an approval above the township ceiling).
 */
export function chasedRole(assigneeRoles: readonly string[]): string | undefined {
  return TOWNSHIP_ROLES.find((r) => assigneeRoles.includes(r));
}
