/** A township fund's history built in memory (chained with the ledger's own functions) and an in-memory matching source. */

import type { HeadSnapshot } from "#core/ledger/index.ts";
import {
  applyEffect,
  type ChainedEntry,
  chainEntry,
  EMPTY_BALANCES,
  GENESIS_HASH,
  type LedgerEntryInput,
  parseLedgerEntry,
} from "#core/ledger/index.ts";
import { Yuan } from "#core/money/yuan.ts";
import type {
  ConfirmationFact,
  DrawFacts,
  LedgerDrawFact,
  MatchingSource,
  Period,
} from "#core/reconciliation/index.ts";

export const FUND = "230123100";

export function chain(inputs: readonly Omit<LedgerEntryInput, "fundId">[], fundId = FUND): ChainedEntry[] {
  let balances = EMPTY_BALANCES;
  let prevHash = GENESIS_HASH;
  return inputs.map((input, index) => {
    const entry = parseLedgerEntry({ ...input, fundId });
    const effect = applyEffect(balances, entry);
    if (!effect.ok) throw new Error(`test history is invalid at ${index + 1}: ${effect.message}`);
    const chained = chainEntry(entry, index + 1, prevHash, effect.after);
    balances = effect.after;
    prevHash = chained.entryHash;
    return chained;
  });
}

export function headOf(entries: readonly ChainedEntry[]): HeadSnapshot {
  const last = entries.at(-1);
  if (!last) return { sequence: 0, headHash: GENESIS_HASH, balances: EMPTY_BALANCES };
  return { sequence: last.sequence, headHash: last.entryHash, balances: last.after };
}

export interface MemoryMatching extends MatchingSource {
  facts: Map<string, DrawFacts>;
  confirmationList: ConfirmationFact[];
  ledger: Map<string, LedgerDrawFact>;
}

/** Matching data for a history: every draw approved, paid by bank and confirmed, unless told otherwise. */
export function matchingFor(entries: readonly ChainedEntry[], period: Period): MemoryMatching {
  const facts = new Map<string, DrawFacts>();
  const confirmationList: ConfirmationFact[] = [];
  const ledger = new Map<string, LedgerDrawFact>();
  for (const entry of entries) {
    ledger.set(entry.entryId, { sequence: entry.sequence, kind: entry.kind, amountYuan: entry.amountYuan });
    if (entry.kind !== "draw") continue;
    const bankReference = `BR-${entry.entryId}`;
    facts.set(entry.entryId, {
      decision: { decisionId: `decision-${entry.entryId}`, approved: true, amountYuan: entry.amountYuan },
      payment: {
        paymentId: `pay-${entry.entryId}`,
        method: "bank",
        status: "confirmed",
        amountYuan: entry.amountYuan,
        bankReference,
        payeeName: "张三丰",
        accountMasked: "************7890",
      },
    });
    if (entry.bookedAt >= period.fromIso && entry.bookedAt < period.toIso) {
      confirmationList.push({
        bankReference,
        method: "bank",
        amountYuan: entry.amountYuan,
        confirmedAt: entry.bookedAt,
        caseId: entry.reference.caseId ?? "",
        drawEntryId: entry.entryId,
      });
    }
  }
  return {
    facts,
    confirmationList,
    ledger,
    async drawFacts(_fundId, draws) {
      return new Map(
        draws.flatMap((d) => (facts.has(d.entryId) ? [[d.entryId, facts.get(d.entryId) as DrawFacts]] : [])),
      );
    },
    async *confirmations() {
      yield* confirmationList;
    },
    async ledgerEntries(_fundId, ids) {
      return new Map(ids.flatMap((id) => (ledger.has(id) ? [[id, ledger.get(id) as LedgerDrawFact]] : [])));
    },
  };
}

const at = (day: string, time = "10:00:00") => `${day}T${time}+08:00`;

const ref = (caseId: string, extra: Record<string, string> = {}) => ({
  caseId,
  obligationId: `${caseId}:advance`,
  flow: "A" as const,
  hardshipType: "fire",
  residency: "local" as const,
  ...extra,
});

/**
 * October 2026 in 城关镇 with every entry type: the September allocation is the opening balance;
 * October has a top-up allocation, advance / follow-up / stage draws, a commitment and its partial
 * release, a reversal, a recovery and a replenishment.
 */
export function octoberHistory(): ChainedEntry[] {
  return chain([
    { entryId: "alloc-2026", kind: "allocation", amountYuan: "58000.00", bookedAt: at("2026-09-01") },
    {
      entryId: "draw:c-sept:advance:1",
      kind: "draw",
      drawKind: "advance",
      amountYuan: "800.00",
      bookedAt: at("2026-09-20"),
      reference: ref("c-sept"),
    },
    // Booked 00:00:00 local on 1 October: the first instant of the period.
    {
      entryId: "alloc-raise",
      kind: "allocation",
      amountYuan: "2000.00",
      bookedAt: at("2026-10-01", "00:00:00"),
    },
    {
      entryId: "draw:c1:advance:1",
      kind: "draw",
      drawKind: "advance",
      amountYuan: "1000.00",
      bookedAt: at("2026-10-03"),
      reference: ref("c1"),
    },
    {
      entryId: "draw:c2:advance:1",
      kind: "draw",
      drawKind: "advance",
      amountYuan: "600.00",
      bookedAt: at("2026-10-04"),
      reference: ref("c2", { residency: "non-local", hardshipType: "traffic-accident" }),
    },
    {
      entryId: "reversal:c2:advance:1",
      kind: "reversal",
      amountYuan: "600.00",
      bookedAt: at("2026-10-05"),
      reference: ref("c2", { residency: "non-local" }),
    },
    {
      entryId: "draw:c2:advance:2",
      kind: "draw",
      drawKind: "advance",
      amountYuan: "600.00",
      bookedAt: at("2026-10-06"),
      reference: ref("c2", { residency: "non-local", hardshipType: "traffic-accident" }),
    },
    {
      entryId: "draw:c1:follow-up:1",
      kind: "draw",
      drawKind: "follow-up",
      amountYuan: "2500.50",
      bookedAt: at("2026-10-10"),
      reference: ref("c1", { obligationId: "c1:follow-up" }),
    },
    {
      entryId: "commit:c3",
      kind: "commit",
      amountYuan: "3000.00",
      bookedAt: at("2026-10-11"),
      reference: { caseId: "c3", flow: "B" },
    },
    {
      entryId: "draw:c3:stage-1:1",
      kind: "draw",
      drawKind: "stage",
      amountYuan: "500.00",
      bookedAt: at("2026-10-12"),
      reference: {
        caseId: "c3",
        obligationId: "c3:stage-1",
        flow: "B",
        hardshipType: "medical",
        residency: "local",
      },
    },
    {
      entryId: "release:c3",
      kind: "release",
      amountYuan: "1000.00",
      bookedAt: at("2026-10-20"),
      reference: { caseId: "c3", flow: "B" },
    },
    {
      entryId: "recovery:c-sept",
      kind: "recovery",
      amountYuan: "300.00",
      bookedAt: at("2026-10-25"),
      reference: { caseId: "c-sept" },
    },
    { entryId: "replenish-2026-09", kind: "replenishment", amountYuan: "800.00", bookedAt: at("2026-10-28") },
    // 31 October 23:59:59.999 local: the last instant of the period.
    {
      entryId: "draw:c4:advance:1",
      kind: "draw",
      drawKind: "advance",
      amountYuan: "200.00",
      bookedAt: "2026-10-31T15:59:59.999Z",
      reference: ref("c4"),
    },
    // November: after the period, still replayed for the chain and the head.
    {
      entryId: "draw:c5:advance:1",
      kind: "draw",
      drawKind: "advance",
      amountYuan: "100.00",
      bookedAt: at("2026-11-01", "00:00:00"),
      reference: ref("c5"),
    },
  ]);
}

export const yuan = (text: string): Yuan => Yuan.parse(text);
