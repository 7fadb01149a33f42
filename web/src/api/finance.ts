/**
 * County finance (DOMAIN §5–§6): township funds with quota / balance / committed / available and the
 * alert level, the ledger over time, reconciliation per township and period, the signed close,
 * replenishment proposed by one finance user and executed by a second, and exports. Shapes follow
 * functions/services/finance/* (FundSummary, RunView, StoredClose, StoredProposal).
 */
import { get, post, query, type RequestOptions } from "./http.ts";
import type { paths } from "./schema.ts";
import type { Fund, LedgerEntry, ReconciliationLine, Replenishment } from "./types.ts";

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v && typeof v === "object" && !Array.isArray(v) ? (v as Raw) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const items = <T>(body: unknown, ...keys: string[]): T[] => {
  if (Array.isArray(body)) return body as T[];
  const record = obj(body);
  for (const key of keys) if (Array.isArray(record[key])) return record[key] as T[];
  return [];
};
const enc = encodeURIComponent;

function toFund(input: unknown): Fund {
  const f = obj(input);
  return {
    townshipId: String(f.townshipId ?? f.fundId ?? ""),
    townshipName: str(f.name ?? f.townshipName),
    quotaYuan: String(f.quotaYuan ?? ""),
    balanceYuan: String(f.balanceYuan ?? ""),
    committedYuan: String(f.committedYuan ?? ""),
    availableYuan: String(f.availableYuan ?? ""),
    alertLevelYuan: str(f.alertLevelYuan),
    alert: f.belowAlertLevel === true ? "low" : f.belowAlertLevel === false ? "ok" : str(f.alert),
    closedThrough: str(f.closedThrough),
  };
}

export async function listFunds(): Promise<Fund[]> {
  return items<unknown>(await get<unknown>("/funds"), "funds", "items").map(toFund);
}

function toEntry(input: unknown): LedgerEntry {
  const e = obj(input);
  const after = obj(e.after ?? e.balancesAfter);
  return {
    sequence: Number(e.sequence ?? 0),
    type: String(e.kind ?? e.type ?? ""),
    amountYuan: String(e.amountYuan ?? ""),
    balanceAfterYuan: str(e.balanceAfterYuan ?? after.balance ?? after.balanceYuan),
    at: String(e.bookedAt ?? e.at ?? ""),
    reference: str(obj(e.reference).caseId),
  };
}

export async function listLedgerEntries(
  townshipId: string,
  from?: string,
  to?: string,
): Promise<LedgerEntry[]> {
  const body = await get<unknown>(`/funds/${enc(townshipId)}/entries${query({ from, to, limit: 500 })}`);
  return items<unknown>(body, "entries", "items").map(toEntry);
}

const sum = (tally: unknown) => str(obj(tally).sumYuan);

/** Where a period stands (`RunView.state`): over or not, its signed close and its top-up. */
export interface PeriodStateView {
  periodOver: boolean;
  closableFrom?: string;
  close?: { signedByName?: string; signedAt?: string; explanation?: string };
  proposal?: { amountYuan: string; status: string; proposedAt?: string; executedAt?: string };
}

/** The draws of a period by one key (flow, hardship, residency): amount and count per value. */
export type DrawBreakdown = Record<string, { sumYuan: string; count: number }>;

export interface ReconciliationRow extends ReconciliationLine {
  state?: PeriodStateView;
  byFlow: DrawBreakdown;
  byHardshipType: DrawBreakdown;
  byResidency: DrawBreakdown;
}

function breakdown(input: unknown): DrawBreakdown {
  return Object.fromEntries(
    Object.entries(obj(input)).map(([key, tally]) => [
      key,
      { sumYuan: sum(tally) ?? "0.00", count: Number(obj(tally).count ?? 0) },
    ]),
  );
}

function toPeriodState(input: unknown): PeriodStateView | undefined {
  const state = obj(input);
  if (typeof state.periodOver !== "boolean") return undefined;
  const close = obj(state.close);
  const proposal = obj(state.proposal);
  return {
    periodOver: state.periodOver,
    closableFrom: str(state.closableFrom),
    ...(Object.keys(close).length
      ? {
          close: {
            signedByName: str(close.signedByName),
            signedAt: str(close.signedAt),
            explanation: str(close.explanation),
          },
        }
      : {}),
    ...(str(proposal.amountYuan)
      ? {
          proposal: {
            amountYuan: String(proposal.amountYuan),
            status: String(proposal.status ?? ""),
            proposedAt: str(proposal.proposedAt),
            executedAt: str(proposal.executedAt),
          },
        }
      : {}),
  };
}

/** One township's run (`RunView`: report.figures, report.discrepancies, state) as a table row. */
export function toReconciliationLine(input: unknown): ReconciliationRow {
  const run = obj(input);
  const report = obj(run.report ?? run);
  const figures = obj(report.figures);
  const draws = obj(figures.draws);
  return {
    state: toPeriodState(run.state),
    byFlow: breakdown(draws.byFlow),
    byHardshipType: breakdown(draws.byHardshipType),
    byResidency: breakdown(draws.byResidency),
    runId: str(run.runId),
    townshipId: String(run.townshipId ?? report.fundId ?? ""),
    townshipName: str(run.townshipName),
    period: str(run.period ?? obj(report.period).label),
    openingBalanceYuan: str(obj(figures.opening).balance),
    closingBalanceYuan: str(obj(figures.closing).balance),
    quotaYuan: str(obj(figures.closing).quota),
    allocationsYuan: sum(figures.allocations),
    drawsYuan: sum(draws),
    drawCount: typeof draws.count === "number" ? draws.count : undefined,
    reversalsYuan: sum(figures.reversals),
    recoveriesYuan: sum(figures.recoveries),
    replenishmentsYuan: sum(figures.replenishments),
    chainIntact: report.chainIntact !== false,
    headMatchesReplay: report.headMatchesReplay !== false,
    discrepancyCount: typeof report.discrepancyCount === "number" ? report.discrepancyCount : undefined,
    discrepancies: items<Raw>(report.discrepancies).map((d) => ({
      code: str(d.code),
      message: str(d.what),
      messageZh: str(d.whatZh),
      amountYuan: str(d.amountYuan),
    })),
  };
}

/** Reconciles every fund of the county for a period ("2026-11" or "2026-Q4"). */
export async function runReconciliation(
  period: string,
  options?: RequestOptions,
): Promise<ReconciliationRow[]> {
  const body = await post<unknown>("/reconciliations", { period }, options);
  return items<unknown>(body, "runs", "items", "reconciliations").map(toReconciliationLine);
}

/** Signs and closes one township's period (an explanation is required when discrepancies remain). */
export async function closePeriod(
  townshipId: string,
  period: string,
  explanation: string | undefined,
  options?: RequestOptions,
): Promise<Raw> {
  return obj(
    await post<unknown>(
      `/funds/${enc(townshipId)}/periods/${enc(period)}/close`,
      explanation ? { explanation } : {},
      options,
    ),
  );
}

function toProposal(input: unknown): Replenishment {
  const p = obj(input);
  return {
    replenishmentId: String(p.proposalId ?? p.replenishmentId ?? ""),
    townshipId: String(p.fundId ?? p.townshipId ?? ""),
    period: str(p.period),
    amountYuan: String(p.amountYuan ?? ""),
    status: String(p.status ?? ""),
    proposedBy: str(p.proposedBy),
    proposedAt: str(p.proposedAt),
    executedBy: str(p.executedBy),
    executedAt: str(p.executedAt),
  };
}

export async function listReplenishments(): Promise<Replenishment[]> {
  return items<unknown>(await get<unknown>("/replenishments"), "proposals", "items").map(toProposal);
}

export async function proposeReplenishment(townshipId: string, period: string, options?: RequestOptions) {
  const body = obj(
    await post<unknown>(`/funds/${enc(townshipId)}/periods/${enc(period)}/replenishment`, {}, options),
  );
  return toProposal(body.proposal ?? body);
}

export async function executeReplenishment(townshipId: string, period: string, options?: RequestOptions) {
  const body = obj(
    await post<unknown>(
      `/funds/${enc(townshipId)}/periods/${enc(period)}/replenishment/execute`,
      {},
      options,
    ),
  );
  return toProposal(body.proposal ?? body);
}

type ExportLink = paths["/exports/reconciliation"]["get"]["responses"][200]["content"]["application/json"];

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

/** One case waiting for money, as finance sees it: money and dates, no names (DOMAIN §1). */
export interface FundWaitRow {
  position: number;
  caseId: string;
  purpose: string;
  amountYuan: string;
  waitingSince: string;
  fitsNow: boolean;
  shortfallYuan: string;
  cumulativeShortfallYuan: string;
}

export interface FundWaitList {
  townshipId: string;
  name: string;
  availableYuan: string;
  shortYuan: string;
  cases: FundWaitRow[];
}

/** The queues of cases waiting for money, per fund, in the order a top-up pays them. */
export async function listFundWaits(): Promise<{ order: string; funds: FundWaitList[] }> {
  const body = obj(await get<unknown>("/fund-waits"));
  return { order: String(body.order ?? ""), funds: items<FundWaitList>(body, "funds") };
}

/** 临时追加: money for a fund in mid-period, quota unchanged; the waiting cases are paid at once. */
export async function allocateExtra(
  townshipId: string,
  amountYuan: string,
  reason: string,
  options?: RequestOptions,
): Promise<{ resumedCases: string[] }> {
  const body = obj(
    await post<unknown>(`/funds/${enc(townshipId)}/extra-allocations`, { amountYuan, reason }, options),
  );
  return { resumedCases: items<string>(body, "resumedCases") };
}
