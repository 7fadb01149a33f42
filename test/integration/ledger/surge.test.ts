import { describe, expect, it } from "vitest";
import { type ChainedEntry, replay } from "#core/ledger/index.ts";
import { Yuan } from "#core/money/yuan.ts";
import { allocation, draw, ledgerFixture } from "./support.ts";

describe("a flood surge on one township fund", () => {
  it("500 concurrent draws, some bigger than what is left: no overdraw, exactly the accepted ones applied, replay equals the head", async () => {
    // Prepare: ¥100,000 in the fund; 500 draws of ¥150–¥450 ask for ~¥150,000 in all.
    const { store, writer: makeWriter } = await ledgerFixture("surge");
    const fundId = "township-surge";
    await store.openFund(fundId, { alertPercent: "20" });
    const writer = makeWriter();
    const funded = await writer.submit(allocation(fundId, "alloc-1", "100000"));
    expect(funded.status).toBe("applied");
    const amounts = Array.from(
      { length: 500 },
      (_, i) => `${150 + ((i * 37) % 301)}.${String(i % 100).padStart(2, "0")}`,
    );

    // Act
    const outcomes = await Promise.all(
      amounts.map((amount, i) => writer.submit(draw(fundId, `draw-${i}`, amount))),
    );

    // Assess
    const applied = outcomes.filter((o) => o.status === "applied");
    const refused = outcomes.filter((o) => o.status === "rejected");
    expect(applied.length + refused.length).toBe(500);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((o) => o.status === "rejected" && o.reason === "insufficient-funds")).toBe(true);
    for (const o of refused) {
      // A draw was refused only when it really exceeded what was left at that moment.
      if (o.status === "rejected")
        expect(Yuan.parse(amounts[Number(o.entryId.slice(5))]).greaterThan(o.availableYuan!)).toBe(true);
    }
    const appliedSum = Yuan.sum(applied.map((o) => Yuan.parse(amounts[Number(o.entryId.slice(5))])));
    const fund = await store.getFund(fundId);
    expect(fund.balanceYuan.toString()).toBe(Yuan.parse("100000").minus(appliedSum).toString());
    expect(fund.balanceYuan.isNegative()).toBe(false);
    expect(fund.sequence).toBe(1 + applied.length);

    const entries: ChainedEntry[] = [];
    for await (const entry of store.streamEntries(fundId, { pageSize: 64 })) entries.push(entry);
    const drawIds = entries
      .filter((e) => e.kind === "draw")
      .map((e) => e.entryId)
      .sort();
    expect(drawIds).toEqual(applied.map((o) => o.entryId).sort());
    expect(new Set(entries.map((e) => e.sequence)).size).toBe(entries.length);

    const replayed = replay(fundId, entries, {
      sequence: fund.sequence,
      headHash: fund.headHash,
      balances: { quota: fund.quotaYuan, balance: fund.balanceYuan, committed: fund.committedYuan },
    });
    expect(replayed.ok).toBe(true);
    expect(await store.verify(fundId)).toEqual({
      ok: true,
      sequence: fund.sequence,
      headHash: fund.headHash,
    });

    // One low-balance alert for the one crossing under 20 % of the quota, not one per draw.
    expect(applied.filter((o) => o.status === "applied" && o.alert).length).toBe(1);
  });
});
