import { describe, expect, it } from "vitest";
import type { LedgerOutcome } from "#adapters/ledger/index.ts";
import { LedgerUnavailableError } from "#core/ledger/index.ts";
import { Yuan } from "#core/money/yuan.ts";
import { faultyClient } from "../../support/faults.ts";
import { allocation, draw, ledgerFixture } from "./support.ts";

async function fundedFund(label: string, amount: string) {
  const fixture = await ledgerFixture(label);
  const fundId = `township-${label}`;
  await fixture.store.openFund(fundId);
  expect((await fixture.writer().submit(allocation(fundId, "alloc-1", amount))).status).toBe("applied");
  return { ...fixture, fundId };
}

/** Every applied outcome is exactly one entry in the table, and the table holds nothing else. */
async function expectExactlyApplied(
  store: Awaited<ReturnType<typeof fundedFund>>["store"],
  fundId: string,
  outcomes: LedgerOutcome[],
  amountOf: (entryId: string) => string,
) {
  const applied = outcomes.filter((o) => o.status === "applied");
  const drawn = [];
  for await (const entry of store.streamEntries(fundId)) if (entry.kind === "draw") drawn.push(entry.entryId);
  expect(drawn.sort()).toEqual(applied.map((o) => o.entryId).sort());
  expect(new Set(applied.map((o) => (o.status === "applied" ? o.sequence : 0))).size).toBe(applied.length);
  const fund = await store.getFund(fundId);
  const spent = Yuan.sum(applied.map((o) => Yuan.parse(amountOf(o.entryId))));
  expect(fund.balanceYuan.toString()).toBe(fund.quotaYuan.minus(spent).toString());
  expect(await store.verify(fundId)).toMatchObject({ ok: true, sequence: applied.length + 1 });
}

describe("injected DynamoDB failures: retried with backoff, nothing lost or doubled", () => {
  it("TransactionConflict on a third of the transactions", async () => {
    // Prepare
    const { tables, store, writer, fundId } = await fundedFund("conflict", "50000");
    const { client, faults } = faultyClient(tables.endpoint, [
      { kind: "transaction-conflict", commands: ["TransactWriteItemsCommand"], probability: 0.33 },
    ]);
    const delays: number[] = [];
    const w = writer(client, {
      sleep: (ms) => {
        delays.push(ms);
        return new Promise((resolve) => setTimeout(resolve, ms));
      },
    });

    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 120 }, (_, i) => w.submit(draw(fundId, `pay-${i}`, "120.50"))),
    );

    // Assess
    expect(faults.count("transaction-conflict")).toBeGreaterThan(0);
    expect(delays.length).toBeGreaterThanOrEqual(faults.count("transaction-conflict"));
    expect(Math.max(...delays)).toBeLessThanOrEqual(40);
    expect(outcomes.every((o) => o.status === "applied")).toBe(true);
    await expectExactlyApplied(store, fundId, outcomes, () => "120.50");
  });

  it("throttling on every kind of call and throttles after commit, on a fund that runs dry", async () => {
    // Prepare: 120 draws of ¥100 on ¥9,000: 90 fit.
    const { tables, store, writer, fundId } = await fundedFund("throttle", "9000");
    const { client, faults } = faultyClient(
      tables.endpoint,
      [
        { kind: "ambiguous-throttle", commands: ["TransactWriteItemsCommand"], onCalls: [1, 3, 4] },
        { kind: "throttle", probability: 0.25 },
      ],
      { seed: 7, attemptsMax: 2 },
    );
    const w = writer(client);

    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 120 }, (_, i) => w.submit(draw(fundId, `pay-${i}`, "100"))),
    );

    // Assess
    expect(faults.count("throttle")).toBeGreaterThan(0);
    expect(faults.count("ambiguous-throttle")).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.status === "applied").length).toBe(90);
    expect(outcomes.filter((o) => o.status === "rejected" && o.reason === "insufficient-funds").length).toBe(
      30,
    );
    await expectExactlyApplied(store, fundId, outcomes, () => "100");
  });

  it("two writer instances on the same fund at once: the head condition keeps them exact", async () => {
    // Prepare: as two Lambda instances would, each with its own client and queue.
    const { tables, store, writer, fundId } = await fundedFund("two-writers", "20000");
    const a = writer(faultyClient(tables.endpoint, []).client);
    const b = writer(faultyClient(tables.endpoint, []).client);
    const amountOf = (id: string) => (id.startsWith("a-") ? "110" : "95.50");

    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, i) => [
        a.submit(draw(fundId, `a-${i}`, "110")),
        b.submit(draw(fundId, `b-${i}`, "95.50")),
      ]).flat(),
    );

    // Assess: 100 × (110 + 95.50) = 20,550 > 20,000, so some are refused; the rest land exactly once.
    expect(outcomes.some((o) => o.status === "rejected")).toBe(true);
    expect(
      outcomes.every(
        (o) => o.status === "applied" || (o.status === "rejected" && o.reason === "insufficient-funds"),
      ),
    ).toBe(true);
    await expectExactlyApplied(store, fundId, outcomes, amountOf);
  });

  it("a store that stays unreachable gives every caller LedgerUnavailableError, never a silent drop", async () => {
    const { tables, store, writer, fundId } = await fundedFund("unreachable", "1000");
    const { client } = faultyClient(tables.endpoint, [{ kind: "timeout", probability: 1 }], {
      attemptsMax: 1,
    });
    const w = writer(client, { attemptsMax: 3 });

    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => w.submit(draw(fundId, `pay-${i}`, "10"))),
    );

    expect(results.every((r) => r.status === "rejected" && r.reason instanceof LedgerUnavailableError)).toBe(
      true,
    );
    expect((await store.getFund(fundId)).sequence).toBe(1);
  });
});
