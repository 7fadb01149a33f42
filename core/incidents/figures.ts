/**
 * The incident dashboard's figures (DOMAIN §8 disaster mode): households registered, approved, paid
 * and waiting for money, money per township, and the time from registration to payment — counted
 * from one row per registered household. Amounts are exact (Yuan); durations in whole minutes.
 */
import { Yuan } from "../money/index.ts";

/** Where one registered household's case stands, as the dashboard counts it. */
export type HouseholdStage =
  | "awaiting-decision"
  | "rejected"
  | "approved"
  | "waiting-for-funds"
  | "paid"
  | "other";

export interface IncidentHouseholdRow {
  caseId: string;
  townshipId: string;
  registeredAt: string;
  stage: HouseholdStage;
  /** The approved advance (approved, waiting and paid households). */
  approvedYuan?: string;
  /** The advance paid out and when the bank confirmed it. */
  paid?: { amountYuan: string; paidAt: string };
}

export interface StageCounts {
  registered: number;
  awaitingDecision: number;
  approved: number;
  rejected: number;
  waitingForFunds: number;
  paid: number;
  approvedYuan: Yuan;
  paidYuan: Yuan;
}

export interface TownshipFigures extends StageCounts {
  townshipId: string;
}

export interface DurationFigures {
  /** Households paid (each counted once). */
  count: number;
  medianMinutes?: number;
  p90Minutes?: number;
  maxMinutes?: number;
}

export interface IncidentFigures {
  totals: StageCounts;
  townships: TownshipFigures[];
  registrationToPayment: DurationFigures;
}

function emptyCounts(): StageCounts {
  return {
    registered: 0,
    awaitingDecision: 0,
    approved: 0,
    rejected: 0,
    waitingForFunds: 0,
    paid: 0,
    approvedYuan: Yuan.zero,
    paidYuan: Yuan.zero,
  };
}

function add(counts: StageCounts, row: IncidentHouseholdRow): void {
  counts.registered += 1;
  if (row.stage === "awaiting-decision") counts.awaitingDecision += 1;
  if (row.stage === "rejected") counts.rejected += 1;
  if (row.stage === "waiting-for-funds") counts.waitingForFunds += 1;
  // Approved counts every household whose advance was approved, whether paid, waiting or on its way.
  if (row.approvedYuan !== undefined) {
    counts.approved += 1;
    counts.approvedYuan = counts.approvedYuan.plus(Yuan.parse(row.approvedYuan));
  }
  if (row.paid) {
    counts.paid += 1;
    counts.paidYuan = counts.paidYuan.plus(Yuan.parse(row.paid.amountYuan));
  }
}

/** The value at fraction `q` of sorted `values` (nearest rank). */
function rank(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Every figure of the dashboard; `townshipIds` lists the incident's townships (each shown, even at zero). */
export function incidentFigures(
  townshipIds: readonly string[],
  rows: readonly IncidentHouseholdRow[],
): IncidentFigures {
  const totals = emptyCounts();
  const byTownship = new Map<string, TownshipFigures>(
    townshipIds.map((townshipId) => [townshipId, { townshipId, ...emptyCounts() }]),
  );
  const minutes: number[] = [];
  for (const row of rows) {
    add(totals, row);
    let township = byTownship.get(row.townshipId);
    if (!township) {
      township = { townshipId: row.townshipId, ...emptyCounts() };
      byTownship.set(row.townshipId, township);
    }
    add(township, row);
    if (row.paid) {
      const ms = Date.parse(row.paid.paidAt) - Date.parse(row.registeredAt);
      minutes.push(Math.max(0, Math.round(ms / 60_000)));
    }
  }
  minutes.sort((a, b) => a - b);
  const median = rank(minutes, 0.5);
  const p90 = rank(minutes, 0.9);
  const max = minutes.at(-1);
  return {
    totals,
    townships: [...byTownship.values()],
    registrationToPayment: {
      count: minutes.length,
      ...(median !== undefined ? { medianMinutes: median } : {}),
      ...(p90 !== undefined ? { p90Minutes: p90 } : {}),
      ...(max !== undefined ? { maxMinutes: max } : {}),
    },
  };
}
