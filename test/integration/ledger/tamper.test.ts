import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { beforeEach, describe, expect, it } from "vitest";
import { fundPk, pageSk } from "#adapters/ledger/index.ts";
import { pageToItem } from "#adapters/ledger/items.ts";
import { type ChainedEntry, chainEntry, parseLedgerEntry } from "#core/ledger/index.ts";
import { Yuan } from "#core/money/yuan.ts";
import { allocation, draw, type LedgerFixture, ledgerFixture } from "./support.ts";

const FUND = "township-tamper";
let fixture: LedgerFixture;

/**
 * A fund with 12 entries, one sealed page each (submitted one after another, the open page off):
 * an allocation and 11 draws of ¥100. The open page's own tampering is the last block.
 */
beforeEach(async () => {
  fixture = await ledgerFixture("tamper");
  await fixture.store.openFund(FUND);
  const writer = fixture.writer(undefined, { openPageEntriesMax: 0 });
  await writer.submit(allocation(FUND, "alloc-1", "5000"));
  for (let i = 0; i < 11; i++) await writer.submit(draw(FUND, `pay-${i}`, "100"));
  expect(await fixture.store.verify(FUND)).toMatchObject({ ok: true, sequence: 12 });
});

const key = (sequence: number) => ({ pk: { S: fundPk(FUND) }, sk: { S: pageSk(sequence) } });

async function entries(): Promise<ChainedEntry[]> {
  const all: ChainedEntry[] = [];
  for await (const entry of fixture.store.streamEntries(FUND, { consistentRead: true })) all.push(entry);
  return all;
}

describe("tampering with the table directly is detected and located", () => {
  it("an entry's amount edited in place: verify names that entry", async () => {
    // Prepare: the draw at sequence 5 rewritten from ¥100 to ¥10 in its stored encoding.
    const { Item } = await fixture.tables.client.send(
      new GetItemCommand({ TableName: fixture.tables.names.ledger, Key: key(5) }),
    );
    const fields = JSON.parse(Item?.bodies?.S ?? "[]") as unknown[];
    expect(fields[7]).toBe("100.00");
    fields[7] = "10.00";
    await fixture.tables.client.send(
      new UpdateItemCommand({
        TableName: fixture.tables.names.ledger,
        Key: key(5),
        UpdateExpression: "SET bodies = :b",
        ExpressionAttributeValues: { ":b": { S: JSON.stringify(fields) } },
      }),
    );

    expect(await fixture.store.verify(FUND)).toMatchObject({ ok: false, firstBadSequence: 5 });
  });

  it("an entry overwritten with garbage: verify names it rather than failing", async () => {
    await fixture.tables.client.send(
      new UpdateItemCommand({
        TableName: fixture.tables.names.ledger,
        Key: key(9),
        UpdateExpression: "SET bodies = :b",
        ExpressionAttributeValues: { ":b": { S: "not an entry" } },
      }),
    );

    expect(await fixture.store.verify(FUND)).toMatchObject({ ok: false, firstBadSequence: 9 });
  });

  it("an entry deleted from the middle: verify names the missing sequence", async () => {
    await fixture.tables.client.send(
      new DeleteItemCommand({ TableName: fixture.tables.names.ledger, Key: key(7) }),
    );

    expect(await fixture.store.verify(FUND)).toMatchObject({ ok: false, firstBadSequence: 7 });
  });

  it("the last entry deleted: the head still counts it, verify names it", async () => {
    await fixture.tables.client.send(
      new DeleteItemCommand({ TableName: fixture.tables.names.ledger, Key: key(12) }),
    );

    expect(await fixture.store.verify(FUND)).toMatchObject({ ok: false, firstBadSequence: 12 });
  });

  it("an entry inserted in the middle (later ones shifted up): verify names the inserted one", async () => {
    // Prepare: a forger shifts pages 4..12 to 5..13 and slips a draw in at 4, re-hashing only it.
    const all = await entries();
    for (const entry of all.slice(3).reverse()) {
      await fixture.tables.client.send(
        new PutItemCommand({
          TableName: fixture.tables.names.ledger,
          Item: pageToItem(FUND, [{ ...entry, sequence: entry.sequence + 1 }]),
        }),
      );
    }
    const third = all[2] as ChainedEntry;
    const forged = chainEntry(parseLedgerEntry(draw(FUND, "forged", "999")), 4, third.entryHash, {
      ...third.after,
      balance: third.after.balance.minus(Yuan.parse("999")),
    });
    await fixture.tables.client.send(
      new PutItemCommand({ TableName: fixture.tables.names.ledger, Item: pageToItem(FUND, [forged]) }),
    );

    // Act
    const verdict = await fixture.store.verify(FUND);

    // Assess: entry 4 is well chained, but its page's id item names another id: the writer never wrote it.
    expect(verdict).toMatchObject({ ok: false, firstBadSequence: 4 });
  });

  it("an entry appended behind the writer's back, correctly chained: it lies beyond the head", async () => {
    const last = (await entries()).at(-1) as ChainedEntry;
    const forged = chainEntry(parseLedgerEntry(draw(FUND, "forged", "50")), 13, last.entryHash, {
      ...last.after,
      balance: last.after.balance.minus(Yuan.parse("50")),
    });
    await fixture.tables.client.send(
      new PutItemCommand({ TableName: fixture.tables.names.ledger, Item: pageToItem(FUND, [forged]) }),
    );

    expect(await fixture.store.verify(FUND)).toMatchObject({ ok: false, firstBadSequence: 13 });
  });

  it("an entry edited inside a page of many: verify names that entry, not its page", async () => {
    // Prepare: 20 draws at once share one page (13..32); the 7th of them (sequence 19) is edited.
    const writer = fixture.writer(undefined, { openPageEntriesMax: 0 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => writer.submit(draw(FUND, `many-${i}`, "10"))));
    const { Item } = await fixture.tables.client.send(
      new GetItemCommand({ TableName: fixture.tables.names.ledger, Key: key(13), ConsistentRead: true }),
    );
    expect(Item?.lastSequence?.N).toBe("32");
    const bodies = (Item?.bodies?.S ?? "").split("\n");
    bodies[6] = (bodies[6] ?? "").replace('"10.00"', '"1.00"');
    await fixture.tables.client.send(
      new UpdateItemCommand({
        TableName: fixture.tables.names.ledger,
        Key: key(13),
        UpdateExpression: "SET bodies = :b",
        ExpressionAttributeValues: { ":b": { S: bodies.join("\n") } },
      }),
    );

    expect(await fixture.store.verify(FUND)).toMatchObject({ ok: false, firstBadSequence: 19 });
  });

  it("a whole page rewritten with a valid chain but without its id item: verify names its first entry", async () => {
    // Prepare: page 12 (the last draw) replaced by a page of two well-chained draws, the head moved to match.
    const all = await entries();
    const eleventh = all[10] as ChainedEntry;
    const a = chainEntry(parseLedgerEntry(draw(FUND, "forged-a", "1")), 12, eleventh.entryHash, {
      ...eleventh.after,
      balance: eleventh.after.balance.minus(Yuan.parse("1")),
    });
    const b = chainEntry(parseLedgerEntry(draw(FUND, "forged-b", "1")), 13, a.entryHash, {
      ...a.after,
      balance: a.after.balance.minus(Yuan.parse("1")),
    });
    await fixture.tables.client.send(
      new PutItemCommand({ TableName: fixture.tables.names.ledger, Item: pageToItem(FUND, [a, b]) }),
    );
    await fixture.tables.client.send(
      new UpdateItemCommand({
        TableName: fixture.tables.names.ledger,
        Key: { pk: { S: fundPk(FUND) }, sk: { S: "HEAD" } },
        UpdateExpression: "SET #s = :s, headHash = :h, balanceYuan = :b",
        ExpressionAttributeNames: { "#s": "sequence" },
        ExpressionAttributeValues: {
          ":s": { N: "13" },
          ":h": { S: b.entryHash },
          ":b": { S: b.after.balance.toString() },
        },
      }),
    );

    expect(await fixture.store.verify(FUND)).toMatchObject({ ok: false, firstBadSequence: 12 });
  });

  it("the head's balance edited: the stored head no longer equals the replay", async () => {
    await fixture.tables.client.send(
      new UpdateItemCommand({
        TableName: fixture.tables.names.ledger,
        Key: { pk: { S: fundPk(FUND) }, sk: { S: "HEAD" } },
        UpdateExpression: "SET balanceYuan = :b",
        ExpressionAttributeValues: { ":b": { S: "9999.00" } },
      }),
    );

    expect(await fixture.store.verify(FUND)).toMatchObject({ ok: false, firstBadSequence: 12 });
  });
});

describe("tampering with the head's open page is detected and located", () => {
  const OPEN = "township-tamper-open";
  const headKey = { pk: { S: fundPk(OPEN) }, sk: { S: "HEAD" } };

  /** A fund whose 4 entries (an allocation, 3 draws of ¥100, one at a time) all sit on the head's open page. */
  type Head = Record<string, { S?: string; N?: string; L?: { S?: string }[] }>;
  const texts = (head: Head, name: string) => (head[name]?.L ?? []).map((v) => v.S ?? "");

  async function openFund(): Promise<Head> {
    await fixture.store.openFund(OPEN);
    const writer = fixture.writer();
    await writer.submit(allocation(OPEN, "alloc-open", "1000"));
    for (let i = 0; i < 3; i++) await writer.submit(draw(OPEN, `open-${i}`, "100"));
    expect(await fixture.store.verify(OPEN)).toMatchObject({ ok: true, sequence: 4 });
    const { Item } = await fixture.tables.client.send(
      new GetItemCommand({ TableName: fixture.tables.names.ledger, Key: headKey, ConsistentRead: true }),
    );
    expect(Item?.openFirst?.N).toBe("1");
    expect(Item?.openBodies?.L).toHaveLength(4);
    return Item as Head;
  }

  async function setOnHead(name: string, list: string[]): Promise<void> {
    await fixture.tables.client.send(
      new UpdateItemCommand({
        TableName: fixture.tables.names.ledger,
        Key: headKey,
        UpdateExpression: "SET #a = :v",
        ExpressionAttributeNames: { "#a": name },
        ExpressionAttributeValues: { ":v": { L: list.map((S) => ({ S })) } },
      }),
    );
  }

  it("an open entry's amount edited on the head: verify names that entry", async () => {
    const head = await openFund();
    const bodies = texts(head, "openBodies");
    bodies[2] = (bodies[2] ?? "").replace('"100.00"', '"10.00"');
    await setOnHead("openBodies", bodies);

    expect(await fixture.store.verify(OPEN)).toMatchObject({ ok: false, firstBadSequence: 3 });
  });

  it("the open page's last entry dropped from the head: the head still counts it, verify names it", async () => {
    const head = await openFund();
    await setOnHead("openBodies", texts(head, "openBodies").slice(0, 3));
    await setOnHead("openHashes", texts(head, "openHashes").slice(0, 3));

    expect(await fixture.store.verify(OPEN)).toMatchObject({ ok: false, firstBadSequence: 4 });
  });

  it("an open entry's id claim swapped for another id: verify names that entry", async () => {
    const head = await openFund();
    const ids = texts(head, "openIds").map((c) => JSON.parse(c) as [string, string]);
    (ids[1] as [string, string])[0] = "someone-else";
    await setOnHead(
      "openIds",
      ids.map((c) => JSON.stringify(c)),
    );

    expect(await fixture.store.verify(OPEN)).toMatchObject({ ok: false, firstBadSequence: 2 });
  });
});
