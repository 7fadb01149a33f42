/**
 * The figures of a province roll-up (DOMAIN §8) for one area — a township, a county or the
 * province — and how they add up. Counts and sums only: nothing here can name a person. Money is in
 * integer fen (DOMAIN §6), summed as integers.
 */
import type { CaseStatus } from "#adapters/case-store.ts";
import { parsePeriod } from "#core/reconciliation/index.ts";

/** How a case's status is grouped in the roll-up's tables and charts. */
export const STATUS_GROUPS = ["in-progress", "closed", "refused", "withdrawn"] as const;
export type StatusGroup = (typeof STATUS_GROUPS)[number];

/** Ended with aid or handed on; refused or stopped by a decision; every other status is still open. */
const GROUP_OF: Partial<Record<CaseStatus, StatusGroup>> = {
  closed: "closed",
  "handed-over-to-flow-b": "closed",
  "plan-stopped": "closed",
  "advance-rejected": "refused",
  "plan-rejected": "refused",
  withdrawn: "withdrawn",
};

export function statusGroupOf(status: CaseStatus): StatusGroup {
  return GROUP_OF[status] ?? "in-progress";
}

export interface AreaFigures {
  /** Cases filed in the period. */
  cases: {
    filed: number;
    urgent: number;
    expenditure: number;
    /** Registration county = county of the emergency (DOMAIN §2.1) … */
    local: number;
    /** … or another one. */
    nonLocal: number;
    byStatusGroup: Record<StatusGroup, number>;
    byStatus: Partial<Record<CaseStatus, number>>;
  };
  /** Draws from the reserve funds booked in the period (ledger), and reversals of failed transfers. */
  paid: {
    count: number;
    amountFen: number;
    localFen: number;
    nonLocalFen: number;
    reversedFen: number;
  };
  /** Advance decisions on cases filed in the period, and how many within the policy's response time (typical 24 h). */
  advanceDecisions: { decided: number; withinResponseTime: number };
  /** Paperwork steps open now and past their deadline (or flagged overdue by the flow). */
  overduePaperwork: number;
  /** The reserve funds as they stand now, and the low-balance alerts raised in the period. */
  funds: {
    opened: number;
    quotaFen: number;
    balanceFen: number;
    availableFen: number;
    belowAlertLevel: number;
    alertsRaised: number;
  };
  /** Opened funds whose books are closed through the period's end; months of the period over and not closed. */
  reconciliation: { funds: number; closedThroughPeriodEnd: number; monthsNotClosed: number };
}

export function emptyFigures(): AreaFigures {
  return {
    cases: {
      filed: 0,
      urgent: 0,
      expenditure: 0,
      local: 0,
      nonLocal: 0,
      byStatusGroup: { "in-progress": 0, closed: 0, refused: 0, withdrawn: 0 },
      byStatus: {},
    },
    paid: { count: 0, amountFen: 0, localFen: 0, nonLocalFen: 0, reversedFen: 0 },
    advanceDecisions: { decided: 0, withinResponseTime: 0 },
    overduePaperwork: 0,
    funds: { opened: 0, quotaFen: 0, balanceFen: 0, availableFen: 0, belowAlertLevel: 0, alertsRaised: 0 },
    reconciliation: { funds: 0, closedThroughPeriodEnd: 0, monthsNotClosed: 0 },
  };
}

function addNumbers<T extends Record<string, number>>(into: T, from: T): void {
  for (const key of Object.keys(from) as Array<keyof T>) {
    (into[key] as number) = (into[key] ?? 0) + (from[key] as number);
  }
}

/** Adds `from` into `into` (a county's townships, the province's counties). */
export function addFigures(into: AreaFigures, from: AreaFigures): AreaFigures {
  const { byStatusGroup, byStatus, ...caseCounts } = from.cases;
  const { byStatusGroup: intoGroups, byStatus: intoStatus, ...intoCounts } = into.cases;
  addNumbers(intoCounts, caseCounts);
  addNumbers(intoGroups, byStatusGroup);
  addNumbers(intoStatus as Record<string, number>, byStatus as Record<string, number>);
  into.cases = { ...intoCounts, byStatusGroup: intoGroups, byStatus: intoStatus };
  addNumbers(into.paid, from.paid);
  addNumbers(into.advanceDecisions, from.advanceDecisions);
  into.overduePaperwork += from.overduePaperwork;
  addNumbers(into.funds, from.funds);
  addNumbers(into.reconciliation, from.reconciliation);
  return into;
}

/**
 * Months from `from` to `to` (dates) that are over at `now` and end after the books' close
 * (`closedThrough`, the last instant a signed close covers; DOMAIN §6 closes a month or a quarter).
 */
export function monthsNotClosed(
  closedThrough: string | undefined,
  from: string,
  to: string,
  now: Date,
): number {
  let count = 0;
  for (let month = from.slice(0, 7); month <= to.slice(0, 7); month = nextMonth(month)) {
    const period = parsePeriod(month);
    if (period.toIso > now.toISOString()) break;
    if (closedThrough === undefined || closedThrough < period.throughIso) count += 1;
  }
  return count;
}

function nextMonth(month: string): string {
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, "0")}`;
}
