import { GetItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { fundPk, type LedgerWriterOptions } from "#adapters/ledger/index.ts";
import { LedgerUnavailableError } from "#core/ledger/index.ts";
import { faultyClient } from "../../support/faults.ts";
import { allocation, draw, type LedgerFixture, ledgerFixture } from "./support.ts";

/** The writer's writes of a batch: a single UpdateItem onto the head's open page, or a sealing transaction. */
const WRITES = ["TransactWriteItemsCommand", "UpdateItemCommand"];

/**
 * Every case runs twice: with the head's open page (a lone payment is one UpdateItem of the head)
 * and with it off (every batch seals its own page in a transaction).
 */
const LAYOUTS: [string, Partial<LedgerWriterOptions>][] = [
  ["open page on the head", {}],
  ["every batch a sealed page", { openPageEntriesMax: 0 }],
];

async function fundedFund(label: string, layout: Partial<LedgerWriterOptions>, amount = "10000") {
  const fixture = await ledgerFixture(label);
  const fundId = `township-${label}`;
  await fixture.store.openFund(fundId);
  const writer: LedgerFixture["writer"] = (client, options = {}) =>
    fixture.writer(client, { ...layout, ...options });
  const seeded = await writer().submit(allocation(fundId, "alloc-1", amount));
  expect(seeded.status).toBe("applied");
  return { ...fixture, writer, fundId };
}

/** Sort keys of the fund's `PAGE#` items (strongly consistent). */
async function pageKeys(fixture: LedgerFixture, fundId: string): Promise<string[]> {
  const { Items } = await fixture.tables.client.send(
    new QueryCommand({
      TableName: fixture.tables.names.ledger,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :page)",
      ExpressionAttributeValues: { ":pk": { S: fundPk(fundId) }, ":page": { S: "PAGE#" } },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []).map((item) => item.sk?.S ?? "");
}

/** The entry ids on the head's open page. */
async function openIds(fixture: LedgerFixture, fundId: string): Promise<string[]> {
  const { Item } = await fixture.tables.client.send(
    new GetItemCommand({
      TableName: fixture.tables.names.ledger,
      Key: { pk: { S: fundPk(fundId) }, sk: { S: "HEAD" } },
      ConsistentRead: true,
    }),
  );
  return (Item?.openIds?.L ?? []).map((claim) => (JSON.parse(claim.S ?? "") as [string, string])[0]);
}

describe.each(LAYOUTS)("an entry id is applied at most once, forever (%s)", (_name, layout) => {
  const label = (base: string) => `${base}-${layout.openPageEntriesMax === 0 ? "sealed" : "open"}`;
  it("a payment retried after it was applied is answered duplicate, by the same writer and by another instance", async () => {
    // Prepare
    const fixture = await fundedFund(label("retry"), layout);
    const { store, writer, fundId } = fixture;
    const first = await writer().submit(draw(fundId, "pay-1", "800"));
    // Open page: both entries are on the head, no page sealed; the retries come from writers with
    // an empty cache (a restart), which must find pay-1 there.
    expect(await openIds(fixture, fundId)).toEqual(
      layout.openPageEntriesMax === 0 ? [] : ["alloc-1", "pay-1"],
    );

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
    const { store, writer, fundId } = await fundedFund(label("retry-refit"), layout, "1000");
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
    const { store, writer, fundId } = await fundedFund(label("twins"), layout);
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
    const { tables, store, writer, fundId } = await fundedFund(label("ambiguous-sdk"), layout);
    const { client, faults } = faultyClient(tables.endpoint, [
      { kind: "ambiguous-timeout", commands: WRITES, onCalls: [1] },
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
    const { tables, store, writer, fundId } = await fundedFund(label("ambiguous-writer"), layout);
    const { client, faults } = faultyClient(
      tables.endpoint,
      [{ kind: "ambiguous-throttle", commands: WRITES, onCalls: [1] }],
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
    const { tables, store, writer, fundId } = await fundedFund(label("ambiguous-own"), layout);
    const { client, faults } = faultyClient(
      tables.endpoint,
      [
        { kind: "ambiguous-throttle", commands: WRITES, onCalls: [1] },
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
    const { tables, store, writer, fundId } = await fundedFund(label("ambiguous-caller"), layout);
    const { client } = faultyClient(
      tables.endpoint,
      [
        { kind: "ambiguous-throttle", commands: WRITES, probability: 1 },
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

describe.each(LAYOUTS)("a committed write whose answer was lost (%s)", (_name, layout) => {
  const label = (base: string) => `${base}-${layout.openPageEntriesMax === 0 ? "sealed" : "open"}`;
  it("a retried draw is answered applied with the original entry from its page, not written twice; a retry days later by another process is the same entry", async () => {
    // Prepare: the page commits, the writer sees a timeout (no SDK retry), and its read-back of the
    // ids (the catch-up query) times out too: the writer learns nothing until its next attempt.
    const { tables, store, writer, fundId } = await fundedFund(label("lost-answer"), layout);
    const { client, faults } = faultyClient(
      tables.endpoint,
      [
        { kind: "ambiguous-timeout", commands: WRITES, onCalls: [1] },
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

describe("a write onto the open page whose answer was lost, the page sealed since", () => {
  it("the retry finds its own id in the page that sealed it: applied once; a restarted writer's retry is a duplicate", async () => {
    // Prepare: writer A's single write of the head commits (pay-lost joins the open page) but A
    // sees a timeout, and its read-back (the id query) times out too. Before A tries again, another
    // process B writes a batch that seals the open page: PAGE#1 = alloc-1, pay-lost, pay-b.
    const fixture = await fundedFund("sealed-since", {});
    const { tables, store, writer, fundId } = fixture;
    const { client, faults } = faultyClient(
      tables.endpoint,
      [
        { kind: "ambiguous-timeout", commands: ["UpdateItemCommand"], onCalls: [1] },
        // Query 1 is A's catch-up before planning; query 2 its read-back after the timeout.
        { kind: "timeout", commands: ["QueryCommand"], onCalls: [2] },
      ],
      { attemptsMax: 1 },
    );
    const b = writer(undefined, { openPageEntriesMax: 0 });
    let sealedBy: unknown;
    const a = writer(client, {
      sleep: async () => {
        if (sealedBy === undefined) sealedBy = await b.submit(draw(fundId, "pay-b", "50"));
      },
    });

    // Act
    const outcome = await a.submit(draw(fundId, "pay-lost", "600"));
    const restarted = await writer().submit(draw(fundId, "pay-lost", "600"));

    // Assess
    expect(faults.count()).toBe(2);
    expect(sealedBy).toMatchObject({ status: "applied", sequence: 3 });
    expect(outcome).toMatchObject({ status: "applied", sequence: 2, head: { sequence: 3 } });
    expect(restarted).toMatchObject({ status: "duplicate", sequence: 2, sameContent: true });
    expect(await pageKeys(fixture, fundId)).toEqual(["PAGE#000000000001"]);
    expect(await openIds(fixture, fundId)).toEqual([]);
    expect((await store.getFund(fundId)).balanceYuan.toString()).toBe("9350.00");
    expect(await store.verify(fundId)).toMatchObject({ ok: true, sequence: 3 });
  });

  it("a retry of an id on the open page by a restarted writer (empty cache), once the page is sealed by a big batch, is the same entry", async () => {
    // Prepare: pay-open lands on the open page; then 30 draws at once seal it into PAGE#1.
    const fixture = await fundedFund("open-then-sealed", {});
    const { store, writer, fundId } = fixture;
    const first = await writer().submit(draw(fundId, "pay-open", "100"));
    expect(await openIds(fixture, fundId)).toEqual(["alloc-1", "pay-open"]);
    const w = writer();
    await Promise.all(Array.from({ length: 30 }, (_, i) => w.submit(draw(fundId, `bulk-${i}`, "10"))));
    expect(await pageKeys(fixture, fundId)).toEqual(["PAGE#000000000001"]);

    // Act
    const retried = await writer().submit(draw(fundId, "pay-open", "100"));

    // Assess
    expect(first).toMatchObject({ status: "applied", sequence: 2 });
    expect(retried).toMatchObject({
      status: "duplicate",
      sequence: 2,
      entryHash: first.status === "applied" ? first.entryHash : "",
      sameContent: true,
    });
    expect(await store.verify(fundId)).toMatchObject({ ok: true, sequence: 32 });
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
