import { describe, expect, it } from "vitest";
import type { LedgerOutcome } from "#adapters/ledger/index.ts";
import { faultyClient } from "../../support/faults.ts";
import { allocation, draw, ledgerFixture } from "./support.ts";

/**
 * The writer plans the next batch while a transaction is in flight, on the head that transaction
 * leaves. These tests hold that the plan made ahead is used only when that head became real: when
 * the transaction before it fails (cleanly or ambiguously) the entries go back to the queue and
 * are planned again — none lost, none doubled, and the chain keeps the order of submission.
 */
async function fundedFund(label: string, amount: string) {
  const fixture = await ledgerFixture(label);
  const fundId = `township-${label}`;
  await fixture.store.openFund(fundId);
  expect((await fixture.writer().submit(allocation(fundId, "alloc-1", amount))).status).toBe("applied");
  return { ...fixture, fundId };
}

/** pay-i applied at sequence i + 2 (the allocation is 1): the queue's order is the chain's order. */
function expectAppliedInSubmissionOrder(outcomes: LedgerOutcome[], appliedCount: number) {
  outcomes.forEach((outcome, i) => {
    if (i < appliedCount)
      expect(outcome).toMatchObject({ status: "applied", entryId: `pay-${i}`, sequence: i + 2 });
    else expect(outcome).toMatchObject({ status: "rejected", reason: "insufficient-funds" });
  });
}

describe("batches planned while the previous transaction is in flight", () => {
  it("are sent as planned when the transaction before them commits, in submission order", async () => {
    // Prepare
    const { store, writer, fundId } = await fundedFund("ahead", "100000");
    const w = writer(undefined, { entriesPerBatchMax: 50 });

    // Act: 300 draws at once — six full batches (pages of 50), each planned during the one before.
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, i) => w.submit(draw(fundId, `pay-${i}`, "100"))),
    );

    // Assess
    expect(w.stats.preparedAhead).toBeGreaterThanOrEqual(5);
    expect(w.stats.preparedDropped).toBe(0);
    expect(w.stats.applied).toBe(300);
    expectAppliedInSubmissionOrder(outcomes, 300);
    expect((await store.getFund(fundId)).balanceYuan.toString()).toBe("70000.00");
    expect(await store.verify(fundId)).toMatchObject({ ok: true, sequence: 301 });
  });

  it("are dropped and planned again when the transaction before them fails, ambiguously or cleanly, on a fund that runs dry", async () => {
    // Prepare: ¥20,000 for 300 draws of ¥100 in pages of 50 — the first 200 fit. The SDK does not retry
    // (attemptsMax 1), so the writer itself sees each failure. A full batch planned ahead is
    // signed at once and held, so it passes the injector when planned: calls 1 (batch 1) and
    // 3 (batch 2, sent again after its held version 2 was dropped) commit but answer with a
    // timeout; the conflict rule counts the calls the first let through (2, 4, 5, 6, …): its 4th
    // is the held batch 4, adopted after batch 3 committed, and cancelled without committing.
    const { tables, store, writer, fundId } = await fundedFund("dropped", "20000");
    const { client, faults } = faultyClient(
      tables.endpoint,
      [
        { kind: "ambiguous-timeout", commands: ["TransactWriteItemsCommand"], onCalls: [1, 3] },
        { kind: "transaction-conflict", commands: ["TransactWriteItemsCommand"], onCalls: [4] },
      ],
      { attemptsMax: 1 },
    );
    const w = writer(client, { entriesPerBatchMax: 50 });

    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, i) => w.submit(draw(fundId, `pay-${i}`, "100"))),
    );

    // Assess
    expect(faults.count("ambiguous-timeout")).toBe(2);
    expect(faults.count("transaction-conflict")).toBe(1);
    expect(w.stats.preparedDropped).toBeGreaterThanOrEqual(2);
    expectAppliedInSubmissionOrder(outcomes, 200);
    const stored: string[] = [];
    for await (const entry of store.streamEntries(fundId, { consistentRead: true })) {
      if (entry.kind === "draw") stored.push(entry.entryId);
    }
    expect(stored).toEqual(Array.from({ length: 200 }, (_, i) => `pay-${i}`));
    const fund = await store.getFund(fundId);
    expect(fund.balanceYuan.toString()).toBe("0.00");
    expect(await store.verify(fundId)).toMatchObject({ ok: true, sequence: 201 });
  });
});
