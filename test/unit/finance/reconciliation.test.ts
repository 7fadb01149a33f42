import { describe, expect, it } from "vitest";
import {
  type ChainedEntry,
  canonicalEncoding,
  chainEntry,
  UnreadableEntryError,
} from "#core/ledger/index.ts";
import { Yuan } from "#core/money/yuan.ts";
import { parsePeriod, type ReconciliationReport, reconcilePeriod } from "#core/reconciliation/index.ts";
import { FUND, headOf, matchingFor, octoberHistory, yuan } from "./support.ts";

const october = parsePeriod("2026-10");

async function reconcile(
  entries: ChainedEntry[],
  matching = matchingFor(entries, october),
  head = headOf(entries),
): Promise<ReconciliationReport> {
  return reconcilePeriod({ fundId: FUND, period: october, entries, head, source: matching });
}

describe("reconciliation of a township fund for a month (DOMAIN §6)", () => {
  it("a month with every entry type reconciles clean, with the figures county finance signs", async () => {
    // Prepare
    const history = octoberHistory();
    // Act
    const report = await reconcile(history);
    // Assess
    expect(report.discrepancies).toEqual([]);
    expect(report.clean).toBe(true);
    const f = report.figures;
    expect(f.opening.balance.toString()).toBe("57200.00");
    expect(f.allocations).toEqual({ count: 1, sumYuan: yuan("2000.00") });
    expect(f.draws.count).toBe(6);
    expect(f.draws.sumYuan.toString()).toBe("5400.50");
    expect(f.draws.byFlow.A?.sumYuan.toString()).toBe("4900.50");
    expect(f.draws.byFlow.B?.sumYuan.toString()).toBe("500.00");
    expect(f.draws.byResidency.local?.sumYuan.toString()).toBe("4200.50");
    expect(f.draws.byResidency["non-local"]).toEqual({ count: 2, sumYuan: yuan("1200.00") });
    expect(f.draws.byHardshipType.fire?.sumYuan.toString()).toBe("3700.50");
    expect(f.draws.byHardshipType["traffic-accident"]?.count).toBe(2);
    expect(f.draws.byHardshipType.medical?.sumYuan.toString()).toBe("500.00");
    expect(f.reversals.sumYuan.toString()).toBe("600.00");
    expect(f.recoveries.sumYuan.toString()).toBe("300.00");
    expect(f.replenishments.sumYuan.toString()).toBe("800.00");
    expect(f.commits.sumYuan.toString()).toBe("3000.00");
    expect(f.releases.sumYuan.toString()).toBe("1000.00");
    expect(f.commitmentsOpenYuan.toString()).toBe("1500.00");
    expect(f.closing.balance.toString()).toBe("55499.50");
    expect(f.closing.quota.toString()).toBe("60000.00");
    expect(f.firstSequence).toBe(3);
    expect(f.lastSequence).toBe(14);
    expect(report.entriesVerified).toBe(15);
    expect(report.drawsChecked).toBe(6);
    expect(report.confirmationsChecked).toBe(6);
    expect(report.chainIntact && report.headMatchesReplay).toBe(true);
  });

  it("a draw without a decision is reported as its own row naming the draw", async () => {
    const history = octoberHistory();
    const matching = matchingFor(history, october);
    const facts = matching.facts.get("draw:c1:advance:1");
    matching.facts.set("draw:c1:advance:1", { ...(facts?.payment ? { payment: facts.payment } : {}) });

    const report = await reconcile(history, matching);

    expect(report.discrepancies).toHaveLength(1);
    expect(report.discrepancies[0]).toMatchObject({
      code: "draw-without-decision",
      where: { fundId: FUND, sequence: 4, caseId: "c1" },
      entries: ["draw:c1:advance:1"],
      amountYuan: "1000.00",
    });
  });

  it("a draw whose decision was a rejection is a draw without an approved decision", async () => {
    const history = octoberHistory();
    const matching = matchingFor(history, october);
    const facts = matching.facts.get("draw:c4:advance:1");
    matching.facts.set("draw:c4:advance:1", { ...facts, decision: { decisionId: "d-c4", approved: false } });

    const report = await reconcile(history, matching);

    expect(report.discrepancies.map((d) => [d.code, d.entries])).toEqual([
      ["draw-without-decision", ["draw:c4:advance:1"]],
    ]);
  });

  it("a draw without a payment record is reported", async () => {
    const history = octoberHistory();
    const matching = matchingFor(history, october);
    const facts = matching.facts.get("draw:c2:advance:2");
    matching.facts.set("draw:c2:advance:2", { ...(facts?.decision ? { decision: facts.decision } : {}) });

    const report = await reconcile(history, matching);

    expect(report.discrepancies.map((d) => d.code)).toEqual(["draw-without-payment"]);
    expect(report.discrepancies[0]?.where.sequence).toBe(7);
  });

  it("a bank confirmation without a draw is reported with its bank reference", async () => {
    const history = octoberHistory();
    const matching = matchingFor(history, october);
    matching.confirmationList.push({
      bankReference: "BR-STRAY-1",
      method: "bank",
      amountYuan: yuan("950.00"),
      confirmedAt: "2026-10-15T02:00:00.000Z",
      caseId: "c-unknown",
      drawEntryId: "draw:c-unknown:advance:1",
    });

    const report = await reconcile(history, matching);

    expect(report.discrepancies).toHaveLength(1);
    expect(report.discrepancies[0]).toMatchObject({
      code: "confirmation-without-draw",
      where: { bankReference: "BR-STRAY-1", caseId: "c-unknown" },
      amountYuan: "950.00",
    });
  });

  it("a confirmation of another amount than its draw is an amount mismatch", async () => {
    const history = octoberHistory();
    const matching = matchingFor(history, october);
    const first = matching.confirmationList[0];
    if (!first) throw new Error("no confirmation");
    matching.confirmationList[0] = { ...first, amountYuan: yuan("1000.01") };

    const report = await reconcile(history, matching);

    expect(report.discrepancies.map((d) => d.code)).toEqual(["amount-mismatch"]);
  });

  it("a cash draw without both signatures is reported, naming which signature is missing", async () => {
    const history = octoberHistory();
    const matching = matchingFor(history, october);
    const facts = matching.facts.get("draw:c4:advance:1");
    if (!facts?.payment) throw new Error("no payment");
    matching.facts.set("draw:c4:advance:1", {
      ...facts,
      payment: { ...facts.payment, method: "cash", signatures: { receiver: true, officer: false } },
    });

    const report = await reconcile(history, matching);

    expect(report.discrepancies).toHaveLength(1);
    expect(report.discrepancies[0]).toMatchObject({
      code: "cash-without-signatures",
      entries: ["draw:c4:advance:1"],
      whatZh: "现金支出缺少经办人签字",
    });
  });

  it("a cash draw with both signatures reconciles clean", async () => {
    const history = octoberHistory();
    const matching = matchingFor(history, october);
    const facts = matching.facts.get("draw:c4:advance:1");
    if (!facts?.payment) throw new Error("no payment");
    matching.facts.set("draw:c4:advance:1", {
      ...facts,
      payment: { ...facts.payment, method: "cash", signatures: { receiver: true, officer: true } },
    });

    expect((await reconcile(history, matching)).clean).toBe(true);
  });

  it("a tampered entry breaks the chain and is reported as its own row naming the entry", async () => {
    const history = octoberHistory();
    const matching = matchingFor(history, october);
    // The hardship type of a draw edited in storage after the fact: no amount changes, only the hash tells.
    const target = history[4] as ChainedEntry;
    history[4] = { ...target, reference: { ...target.reference, hardshipType: "fire" } };

    const report = await reconcile(history, matching);

    expect(report.chainIntact).toBe(false);
    expect(report.discrepancies).toHaveLength(1);
    expect(report.discrepancies[0]).toMatchObject({
      code: "chain-broken",
      where: { sequence: 5 },
      entries: ["draw:c2:advance:1"],
    });
  });

  it("a deleted entry breaks the chain where it was", async () => {
    const history = octoberHistory();
    const matching = matchingFor(history, october);
    history.splice(7, 1);

    const report = await reconcile(history, matching, headOf(octoberHistory()));

    const codes = report.discrepancies.map((d) => d.code);
    expect(codes).toContain("chain-broken");
    expect(report.discrepancies.find((d) => d.code === "chain-broken")?.where.sequence).toBe(8);
  });

  it("a head that disagrees with the replay is reported as its own row", async () => {
    const history = octoberHistory();
    const head = headOf(history);
    const edited = {
      ...head,
      balances: { ...head.balances, balance: head.balances.balance.plus(Yuan.parse("100.00")) },
    };

    const report = await reconcile(history, matchingFor(history, october), edited);

    expect(report.chainIntact).toBe(true);
    expect(report.headMatchesReplay).toBe(false);
    expect(report.discrepancies.map((d) => d.code)).toEqual(["head-differs-from-replay"]);
    expect(report.discrepancies[0]?.what).toContain("55399.50");
  });

  it("every injected discrepancy at once gives one row each", async () => {
    const history = octoberHistory();
    const matching = matchingFor(history, october);
    matching.facts.set("draw:c1:advance:1", {
      ...matching.facts.get("draw:c1:advance:1"),
      decision: undefined,
    } as never);
    const cash = matching.facts.get("draw:c4:advance:1");
    if (!cash?.payment) throw new Error("no payment");
    matching.facts.set("draw:c4:advance:1", {
      ...cash,
      payment: { ...cash.payment, method: "cash", signatures: { receiver: false, officer: false } },
    });
    matching.confirmationList.push({
      bankReference: "BR-X",
      method: "bank",
      amountYuan: yuan("1.00"),
      confirmedAt: "2026-10-09T00:00:00.000Z",
    });
    const target = history[9] as ChainedEntry;
    history[9] = { ...target, reference: { ...target.reference, residency: "non-local" } };
    const head = headOf(octoberHistory());

    const report = await reconcile(history, matching, { ...head, sequence: head.sequence + 1 });

    expect(report.discrepancies.map((d) => d.code).sort()).toEqual(
      [
        "cash-without-signatures",
        "chain-broken",
        "confirmation-without-draw",
        "draw-without-decision",
      ].sort(),
    );
    expect(report.discrepancyCount).toBe(4);
    expect(report.clean).toBe(false);
  });

  it("a head ahead of an intact replay (entries missing at the end) is reported", async () => {
    const history = octoberHistory();
    const head = headOf(history);
    const report = await reconcile(history.slice(0, -1), matchingFor(history, october), head);
    expect(report.discrepancies.map((d) => d.code)).toEqual(["head-differs-from-replay"]);
  });

  it("an entry booked out of order with the period is reported once", async () => {
    const history = octoberHistory();
    // Rebuild the chain with an entry whose booking instant lies before the period's entries.
    const moved = history.map((e) => ({ ...e }));
    const late = moved[12] as ChainedEntry;
    const rebuilt: ChainedEntry[] = [];
    let prev = moved[0] as ChainedEntry;
    rebuilt.push(prev);
    for (const e of moved.slice(1)) {
      const bookedAt = e === late ? "2026-09-30T00:00:00.000Z" : e.bookedAt;
      const chained = chainEntry({ ...e, bookedAt }, e.sequence, prev.entryHash, e.after);
      rebuilt.push(chained);
      prev = chained;
    }

    const report = await reconcile(rebuilt, matchingFor(rebuilt, october));

    expect(report.discrepancies.map((d) => d.code)).toContain("entry-out-of-order");
    expect(report.discrepancies.filter((d) => d.code === "entry-out-of-order")).toHaveLength(1);
  });

  it("streams: an async stream gives the same report and progress is reported", async () => {
    const history = octoberHistory();
    async function* stream() {
      for (const entry of history) yield entry;
    }
    const seen: number[] = [];
    const report = await reconcilePeriod({
      fundId: FUND,
      period: october,
      entries: stream(),
      head: headOf(history),
      source: matchingFor(history, october),
      onProgress: (n) => seen.push(n),
      progressEvery: 5,
    });
    expect(report.clean).toBe(true);
    expect(report.figures.closing.balance.toString()).toBe("55499.50");
    expect(seen).toEqual([5, 10, 15, 15]);
  });

  it("an entry the store cannot read ends the stream with a chain-broken row at its sequence", async () => {
    const history = octoberHistory();
    async function* damaged() {
      for (const entry of history.slice(0, 6)) yield entry;
      throw new UnreadableEntryError(7, "not JSON");
    }
    const report = await reconcilePeriod({
      fundId: FUND,
      period: october,
      entries: damaged(),
      head: headOf(history),
      source: matchingFor(history, october),
    });
    const broken = report.discrepancies.filter((d) => d.code === "chain-broken");
    expect(broken).toHaveLength(1);
    expect(broken[0]?.where.sequence).toBe(7);
    expect(broken[0]?.what).toContain("cannot be read");
    expect(report.entriesVerified).toBe(6);
  });

  it("keeps at most rowsMax rows but counts every discrepancy", async () => {
    const history = octoberHistory();
    const matching = matchingFor(history, october);
    for (const key of matching.facts.keys()) matching.facts.set(key, {});
    const report = await reconcilePeriod({
      fundId: FUND,
      period: october,
      entries: history,
      head: headOf(history),
      source: matching,
      rowsMax: 3,
    });
    expect(report.discrepancies).toHaveLength(3);
    expect(report.discrepancyCount).toBe(12);
    expect(report.discrepanciesTruncated).toBe(true);
  });

  it("the canonical bytes of an entry are what the chain hashes (the bench compares against them)", () => {
    const [first] = octoberHistory();
    if (!first) throw new Error("empty");
    const { entryHash: _h, ...unhashed } = first;
    expect(canonicalEncoding(unhashed)).toContain('"58000.00"');
  });
});
