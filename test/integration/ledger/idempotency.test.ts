import { describe, expect, it } from "vitest";
import { LedgerUnavailableError } from "#core/ledger/index.ts";
import { faultyClient } from "../../support/faults.ts";
import { allocation, draw, ledgerFixture } from "./support.ts";

const TRANSACT = ["TransactWriteItemsCommand"];

async function fundedFund(label: string, amount = "10000") {
  const fixture = await ledgerFixture(label);
  const fundId = `township-${label}`;
  await fixture.store.openFund(fundId);
  const seeded = await fixture.writer().submit(allocation(fundId, "alloc-1", amount));
  expect(seeded.status).toBe("applied");
  return { ...fixture, fundId };
}

describe("an entry id is applied at most once, forever", () => {
  it("a payment retried after it was applied is answered duplicate, by the same writer and by another instance", async () => {
    // Prepare
    const { store, writer, fundId } = await fundedFund("retry");
    const first = await writer().submit(draw(fundId, "pay-1", "800"));

    // Act
    const again = await writer().submit(draw(fundId, "pay-1", "800"));
    const otherContent = await writer().submit(draw(fundId, "pay-1", "900"));

    // Assess
    expect(first.status).toBe("applied");
    expect(again).toMatchObject({ status: "duplicate", sequence: 2, sameContent: true });
    expect(otherContent).toMatchObject({ status: "duplicate", sequence: 2, sameContent: false });
    const fund = await store.getFund(fundId);
    expect(fund.balanceYuan.toString()).toBe("9200.00");
    expect(fund.sequence).toBe(2);
  });

  it("a retry that no longer fits the head it moved is a duplicate, not a refusal: a draw that emptied the fund, a release of everything committed", async () => {
    // Prepare: a draw takes the whole fund; a commitment is released in full (the county simulation's
    // seed 187: a plan's close retried after its release had landed).
    const { store, writer, fundId } = await fundedFund("retry-refit", "1000");
    const w = writer();
    expect((await w.submit(draw(fundId, "pay-all", "1000"))).status).toBe("applied");
    expect((await w.submit(allocation(fundId, "alloc-2", "500"))).status).toBe("applied");
    expect(
      (await w.submit({ ...draw(fundId, "commit-1", "400"), kind: "commit", drawKind: undefined })).status,
    ).toBe("applied");
    expect(
      (await w.submit({ ...draw(fundId, "release-1", "400"), kind: "release", drawKind: undefined })).status,
    ).toBe("applied");

    // Act: each is submitted again (a new submission: the first one's answer never reached its caller)
    const drawAgain = await writer().submit(draw(fundId, "pay-all", "1000"));
    const releaseAgain = await writer().submit({
      ...draw(fundId, "release-1", "400"),
      kind: "release",
      drawKind: undefined,
    });
    const neverApplied = await writer().submit({
      ...draw(fundId, "release-2", "400"),
      kind: "release",
      drawKind: undefined,
    });

    // Assess
    expect(drawAgain).toMatchObject({ status: "duplicate", sameContent: true });
    expect(releaseAgain).toMatchObject({ status: "duplicate", sameContent: true });
    expect(neverApplied).toMatchObject({ status: "rejected" });
    const fund = await store.getFund(fundId);
    expect(fund.balanceYuan.toString()).toBe("500.00");
    expect(fund.committedYuan.toString()).toBe("0.00");
    expect((await store.verify(fundId)).ok).toBe(true);
  });

  it("the same payment submitted twice at once is written once", async () => {
    const { store, writer, fundId } = await fundedFund("twins");
    const w = writer();

    const [a, b] = await Promise.all([
      w.submit(draw(fundId, "pay-2", "300")),
      w.submit(draw(fundId, "pay-2", "300")),
    ]);

    expect([a.status, b.status].sort()).toEqual(["applied", "duplicate"]);
    expect((await store.getFund(fundId)).balanceYuan.toString()).toBe("9700.00");
  });

  it("a write that commits but reports a timeout is retried by the SDK with its request token and applied once", async () => {
    // Prepare: the first TransactWriteItems reaches the database, then the caller sees a timeout.
    const { tables, store, writer, fundId } = await fundedFund("ambiguous-sdk");
    const { client, faults } = faultyClient(tables.endpoint, [
      { kind: "ambiguous-timeout", commands: TRANSACT, onCalls: [1] },
    ]);

    // Act
    const outcome = await writer(client).submit(draw(fundId, "pay-3", "1000"));

    // Assess
    expect(faults.count("ambiguous-timeout")).toBe(1);
    expect(outcome).toMatchObject({ status: "applied", sequence: 2 });
    const fund = await store.getFund(fundId);
    expect(fund.balanceYuan.toString()).toBe("9000.00");
    expect(fund.sequence).toBe(2);
    expect((await store.verify(fundId)).ok).toBe(true);
  });

  it("an ambiguous batch beyond the SDK's retries: the writer reads the id items back and applies each entry once", async () => {
    // Prepare: no SDK retries; the first batch commits and the writer sees a throttle.
    const { tables, store, writer, fundId } = await fundedFund("ambiguous-writer");
    const { client, faults } = faultyClient(
      tables.endpoint,
      [{ kind: "ambiguous-throttle", commands: TRANSACT, onCalls: [1] }],
      {
        attemptsMax: 1,
      },
    );
    const w = writer(client);

    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) => w.submit(draw(fundId, `pay-${i}`, "100"))),
    );

    // Assess
    expect(faults.count()).toBe(1);
    expect(outcomes.every((o) => o.status === "applied")).toBe(true);
    expect(new Set(outcomes.map((o) => (o.status === "applied" ? o.sequence : 0))).size).toBe(30);
    const fund = await store.getFund(fundId);
    expect(fund.balanceYuan.toString()).toBe("7000.00");
    expect(fund.sequence).toBe(31);
    expect((await store.verify(fundId)).ok).toBe(true);
  });

  it("an ambiguous write whose read-back also fails is recognised as its own on the next attempt, not as a duplicate", async () => {
    // Prepare: the write commits and reports a throttle; the read-back of the id items times out.
    const { tables, store, writer, fundId } = await fundedFund("ambiguous-own");
    const { client, faults } = faultyClient(
      tables.endpoint,
      [
        { kind: "ambiguous-throttle", commands: TRANSACT, onCalls: [1] },
        { kind: "timeout", commands: ["BatchGetItemCommand"], onCalls: [1] },
      ],
      { attemptsMax: 1 },
    );

    // Act
    const outcome = await writer(client).submit(draw(fundId, "pay-7", "700"));

    // Assess: the next attempt's screening finds this submission's own id in the page it wrote.
    expect(faults.count()).toBe(2);
    expect(outcome).toMatchObject({ status: "applied", sequence: 2, head: { sequence: 2 } });
    expect((await store.getFund(fundId)).balanceYuan.toString()).toBe("9300.00");
    expect((await store.verify(fundId)).ok).toBe(true);
  });

  it("a caller that saw only errors and retries the same id elsewhere learns it was applied: the money moved once", async () => {
    // Prepare: every write commits but reports a throttle, and every later read fails: the writer can
    // never learn the outcome, so its caller gets LedgerUnavailableError (never a silent drop).
    const { tables, store, writer, fundId } = await fundedFund("ambiguous-caller");
    const { client } = faultyClient(
      tables.endpoint,
      [
        { kind: "ambiguous-throttle", commands: TRANSACT, probability: 1 },
        // The first read (the head, before the first write) succeeds; every read after it fails.
        { kind: "timeout", commands: ["GetItemCommand", "BatchGetItemCommand"], onCalls: range(2, 100) },
      ],
      { attemptsMax: 1 },
    );
    const blind = writer(client, { attemptsMax: 3 });

    // Act
    const firstTry = blind.submit(draw(fundId, "pay-9", "2500"));
    await expect(firstTry).rejects.toBeInstanceOf(LedgerUnavailableError);
    const retried = await writer().submit(draw(fundId, "pay-9", "2500"));

    // Assess
    expect(retried).toMatchObject({ status: "duplicate", sequence: 2, sameContent: true });
    const fund = await store.getFund(fundId);
    expect(fund.balanceYuan.toString()).toBe("7500.00");
    expect((await store.verify(fundId)).ok).toBe(true);
  });
});

describe("a committed page whose answer was lost", () => {
  it("a retried draw is answered applied with the original entry from its page, not written twice; a retry days later by another process is the same entry", async () => {
    // Prepare: the page commits, the writer sees a timeout (no SDK retry), and its read-back of the
    // ids (the catch-up query) times out too: the writer learns nothing until its next attempt.
    const { tables, store, writer, fundId } = await fundedFund("lost-answer");
    const { client, faults } = faultyClient(
      tables.endpoint,
      [
        { kind: "ambiguous-timeout", commands: TRANSACT, onCalls: [1] },
        { kind: "timeout", commands: ["QueryCommand"], onCalls: [1] },
      ],
      { attemptsMax: 1 },
    );
    const w = writer(client);

    // Act
    const outcomes = await Promise.all([
      w.submit(draw(fundId, "pay-lost", "600")),
      w.submit(draw(fundId, "pay-lost-2", "400")),
    ]);
    const daysLater = await writer().submit(draw(fundId, "pay-lost", "600"));

    // Assess
    expect(faults.count()).toBe(2);
    const stored: { entryId: string; sequence: number; entryHash: string }[] = [];
    for await (const e of store.streamEntries(fundId, { consistentRead: true })) stored.push(e);
    const original = stored.find((e) => e.entryId === "pay-lost");
    expect(stored.filter((e) => e.entryId === "pay-lost")).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({
      status: "applied",
      sequence: original?.sequence,
      entryHash: original?.entryHash,
      head: { sequence: 3 },
    });
    expect(outcomes[1]).toMatchObject({ status: "applied", sequence: 3 });
    expect(daysLater).toMatchObject({
      status: "duplicate",
      sequence: original?.sequence,
      entryHash: original?.entryHash,
      sameContent: true,
    });
    expect((await store.getFund(fundId)).balanceYuan.toString()).toBe("9000.00");
    expect(await store.verify(fundId)).toMatchObject({ ok: true, sequence: 3 });
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
