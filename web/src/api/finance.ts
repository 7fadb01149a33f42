/**
 * County finance (DOMAIN §5–§6): township funds with quota / balance / committed / available and the
 * alert level, the ledger over time, reconciliation and its signed close, replenishment proposed by
 * one finance user and executed by a second, and exports.
 */
import { API_BASE, get, post, query, type RequestOptions } from "./http.ts";
import type { Fund, LedgerEntry, Reconciliation, ReconciliationLine, Replenishment } from "./types.ts";

type Raw = Record<string, unknown>;
const items = <T>(body: unknown, ...keys: string[]): T[] => {
  if (Array.isArray(body)) return body as T[];
  const record = (body && typeof body === "object" ? body : {}) as Raw;
  for (const key of keys) if (Array.isArray(record[key])) return record[key] as T[];
  return [];
};

export async function listFunds(): Promise<Fund[]> {
  return items<Fund>(await get<unknown>("/funds"), "items", "funds");
}

export async function listLedgerEntries(
  townshipId: string,
  from?: string,
  to?: string,
): Promise<LedgerEntry[]> {
  const body = await get<unknown>(
    `/funds/${encodeURIComponent(townshipId)}/entries${query({ from, to, limit: 500 })}`,
  );
  return items<LedgerEntry>(body, "items", "entries");
}

function toReconciliation(body: unknown): Reconciliation {
  const raw = (body && typeof body === "object" ? body : {}) as Raw;
  return {
    reconciliationId: typeof raw.reconciliationId === "string" ? raw.reconciliationId : undefined,
    period: String(raw.period ?? ""),
    status: typeof raw.status === "string" ? raw.status : undefined,
    signedBy: typeof raw.signedBy === "string" ? raw.signedBy : undefined,
    signedAt: typeof raw.signedAt === "string" ? raw.signedAt : undefined,
    lines: items<ReconciliationLine>(raw, "lines", "townships", "items"),
    raw,
  };
}

/** Runs (or re-reads) the reconciliation of a period, e.g. "2026-11" or "2026-Q4". */
export async function runReconciliation(period: string, options?: RequestOptions): Promise<Reconciliation> {
  return toReconciliation(await post<unknown>("/reconciliations", { period }, options));
}

export async function signReconciliation(
  reconciliation: Reconciliation,
  options?: RequestOptions,
): Promise<Reconciliation> {
  const id = reconciliation.reconciliationId ?? reconciliation.period;
  return toReconciliation(
    await post<unknown>(`/reconciliations/${encodeURIComponent(id)}/sign`, {}, options),
  );
}

export async function listReplenishments(): Promise<Replenishment[]> {
  return items<Replenishment>(await get<unknown>("/replenishments"), "items", "replenishments");
}

export async function proposeReplenishment(
  townshipId: string,
  period: string | undefined,
  options?: RequestOptions,
): Promise<Replenishment> {
  return await post<Replenishment>("/replenishments", { townshipId, ...(period ? { period } : {}) }, options);
}

export async function executeReplenishment(
  replenishmentId: string,
  options?: RequestOptions,
): Promise<Replenishment> {
  return await post<Replenishment>(
    `/replenishments/${encodeURIComponent(replenishmentId)}/execute`,
    {},
    options,
  );
}

/**
 * Exports are downloaded with the bearer token (a plain link cannot carry it), then handed to the
 * browser as a file.
 */
export async function downloadExport(
  kind: string,
  period: string,
  format: "csv" | "xlsx",
  token: string | null,
): Promise<void> {
  const response = await fetch(
    `${API_BASE}/exports/${encodeURIComponent(kind)}${query({ period, format })}`,
    {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    },
  );
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as Raw;
    throw Object.assign(new Error(String(body.messageZh ?? body.message ?? `HTTP ${response.status}`)), {
      status: response.status,
    });
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = `aidflow-${kind}-${period}.${format}`;
  link.click();
  URL.revokeObjectURL(url);
}
