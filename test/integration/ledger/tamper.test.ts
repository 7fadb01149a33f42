import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { beforeEach, describe, expect, it } from "vitest";
import { entrySk, fundPk } from "#adapters/ledger/index.ts";
import { entryToItem } from "#adapters/ledger/items.ts";
import { type ChainedEntry, chainEntry, parseLedgerEntry } from "#core/ledger/index.ts";
import { Yuan } from "#core/money/yuan.ts";
import { allocation, draw, type LedgerFixture, ledgerFixture } from "./support.ts";

const FUND = "township-tamper";
let fixture: LedgerFixture;

/** A fund with 12 entries: an allocation and 11 draws of ¥100. */
beforeEach(async () => {
  fixture = await ledgerFixture("tamper");
  await fixture.store.openFund(FUND);
  const writer = fixture.writer();
  await writer.submit(allocation(FUND, "alloc-1", "5000"));
  for (let i = 0; i < 11; i++) await writer.submit(draw(FUND, `pay-${i}`, "100"));
  expect(await fixture.store.verify(FUND)).toMatchObject({ ok: true, sequence: 12 });
});

const key = (sequence: number) => ({ pk: { S: fundPk(FUND) }, sk: { S: entrySk(sequence) } });

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
    const fields = JSON.parse(Item?.body?.S ?? "[]") as unknown[];
    expect(fields[7]).toBe("100.00");
    fields[7] = "10.00";
    await fixture.tables.client.send(
      new UpdateItemCommand({
        TableName: fixture.tables.names.ledger,
        Key: key(5),
        UpdateExpression: "SET body = :b",
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
        UpdateExpression: "SET body = :b",
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
    // Prepare: a forger shifts entries 4..12 to 5..13 and slips a draw in at 4, re-hashing only it.
    const all = await entries();
    for (const entry of all.slice(3).reverse()) {
      await fixture.tables.client.send(
        new PutItemCommand({
          TableName: fixture.tables.names.ledger,
          Item: entryToItem({ ...entry, sequence: entry.sequence + 1 }),
        }),
      );
    }
    const third = all[2] as ChainedEntry;
    const forged = chainEntry(parseLedgerEntry(draw(FUND, "forged", "999")), 4, third.entryHash, {
      ...third.after,
      balance: third.after.balance.minus(Yuan.parse("999")),
    });
    await fixture.tables.client.send(
      new PutItemCommand({ TableName: fixture.tables.names.ledger, Item: entryToItem(forged) }),
    );

    // Act
    const verdict = await fixture.store.verify(FUND);

    // Assess: entry 4 is well chained, but it has no applied-id record: the writer never wrote it.
    expect(verdict).toMatchObject({ ok: false, firstBadSequence: 4 });
  });

  it("an entry appended behind the writer's back, correctly chained: it lies beyond the head", async () => {
    const last = (await entries()).at(-1) as ChainedEntry;
    const forged = chainEntry(parseLedgerEntry(draw(FUND, "forged", "50")), 13, last.entryHash, {
      ...last.after,
      balance: last.after.balance.minus(Yuan.parse("50")),
    });
    await fixture.tables.client.send(
      new PutItemCommand({ TableName: fixture.tables.names.ledger, Item: entryToItem(forged) }),
    );

    expect(await fixture.store.verify(FUND)).toMatchObject({ ok: false, firstBadSequence: 13 });
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
