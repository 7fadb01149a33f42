/**
 * County finance (DOMAIN §5–§6): township funds with quota / balance / committed / available and the
 * alert level, the ledger over time, reconciliation per township and period, the signed close,
 * replenishment proposed by one finance user and executed by a second, and exports. Shapes follow
 * functions/services/finance/* (FundSummary, RunView, StoredClose, StoredProposal).
 */
import type { Answer } from "./contract.ts";
import { get, post, query, type RequestOptions } from "./http.ts";
import type { components } from "./schema.ts";

const enc = encodeURIComponent;

/** One township fund (`GET /funds`): `belowAlertLevel` when available is under the alert level (DOMAIN §5). */
export type Fund = Answer<"/funds">["funds"][number];

export async function listFunds(): Promise<Fund[]> {
  return (await get<Answer<"/funds">>("/funds")).funds;
}

/** One ledger entry with the fund's figures after it (DOMAIN §5). */
export type LedgerEntry = components["schemas"]["LedgerEntry"];

export async function listLedgerEntries(
  townshipId: string,
  from?: string,
  to?: string,
): Promise<LedgerEntry[]> {
  const body = await get<Answer<"/funds/{townshipId}/entries">>(
    `/funds/${enc(townshipId)}/entries${query({ from, to, limit: 500 })}`,
  );
  return body.entries;
}

/**
 * One township's reconciliation for the period (`RunView`): report.figures (opening, allocations,
 * draws by flow / hardship / residency, reversals, recoveries, replenishments, closing),
 * report.discrepancies and the checks, and where the period stands (`state`).
 */
export type ReconciliationRun = Answer<"/reconciliations", "post">["runs"][number];

/** The draws of a period by one key (flow, hardship, residency): amount and count per value. */
export type DrawBreakdown = ReconciliationRun["report"]["figures"]["draws"]["byFlow"];

/** Reconciles every fund of the county for a period ("2026-11" or "2026-Q4"). */
export async function runReconciliation(
  period: string,
  options?: RequestOptions,
): Promise<ReconciliationRun[]> {
  return (await post<Answer<"/reconciliations", "post">>("/reconciliations", { period }, options)).runs;
}

type CloseAnswer = Answer<"/funds/{townshipId}/periods/{period}/close", "post">;

/** Signs and closes one township's period (an explanation is required when discrepancies remain). */
export async function closePeriod(
  townshipId: string,
  period: string,
  explanation: string | undefined,
  options?: RequestOptions,
): Promise<CloseAnswer> {
  return await post<CloseAnswer>(
    `/funds/${enc(townshipId)}/periods/${enc(period)}/close`,
    explanation ? { explanation } : {},
    options,
  );
}

/** A replenishment proposal of a closed period (`fundId` is the township), and its execution. */
export type Replenishment = Answer<"/replenishments">["proposals"][number];

export async function listReplenishments(): Promise<Replenishment[]> {
  return (await get<Answer<"/replenishments">>("/replenishments")).proposals;
}

export async function proposeReplenishment(
  townshipId: string,
  period: string,
  options?: RequestOptions,
): Promise<Replenishment> {
  const path = `/funds/${enc(townshipId)}/periods/${enc(period)}/replenishment`;
  return (await post<Answer<"/funds/{townshipId}/periods/{period}/replenishment", "post">>(path, {}, options))
    .proposal;
}

export async function executeReplenishment(
  townshipId: string,
  period: string,
  options?: RequestOptions,
): Promise<Replenishment> {
  const path = `/funds/${enc(townshipId)}/periods/${enc(period)}/replenishment/execute`;
  type Executed = Answer<"/funds/{townshipId}/periods/{period}/replenishment/execute", "post">;
  return (await post<Executed>(path, {}, options)).proposal;
}

type ExportLink = Answer<"/exports/reconciliation">;

/**
 * An export is written by the API to storage and handed out as a short-lived link (a county's period
 * may exceed what an API response carries); the browser then fetches the file itself (CSV UTF-8 with
 * BOM or XLSX, DOMAIN §6), saved under the name the link gives.
 */
export async function downloadExport(period: string, format: "csv" | "xlsx"): Promise<void> {
  const { download } = await get<ExportLink>(`/exports/reconciliation${query({ period, format })}`);
  const link = document.createElement("a");
  link.href = download.url;
  link.download = download.fileName;
  link.rel = "noopener";
  link.click();
}

type FundWaits = Answer<"/fund-waits">;
/** One fund's queue of cases waiting for money: money and dates, no names (DOMAIN §1). */
export type FundWaitList = FundWaits["funds"][number];

/** The queues of cases waiting for money, per fund, in the order a top-up pays them. */
export async function listFundWaits(): Promise<FundWaits> {
  return await get<FundWaits>("/fund-waits");
}

type TopUp = Answer<"/funds/{townshipId}/extra-allocations", "post">;

/** 临时追加: money for a fund in mid-period, quota unchanged; the waiting cases are paid at once. */
export async function allocateExtra(
  townshipId: string,
  amountYuan: string,
  reason: string,
  options?: RequestOptions,
): Promise<TopUp> {
  return await post<TopUp>(`/funds/${enc(townshipId)}/extra-allocations`, { amountYuan, reason }, options);
}
