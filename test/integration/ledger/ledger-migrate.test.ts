/**
 * `npx aidflow ledger migrate` on a ledger written the old way (an ENTRY# and an ENTRYID# item per
 * entry, as the writer wrote them before pages): dry run writes nothing; the run rewrites each fund
 * into pages, verified by replay equality, and removes the old items; a second run changes nothing;
 * a broken old chain is refused and left as it is; the migrated ledger keeps exactly-once for the
 * old ids and takes new entries after them.
 */
import { PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fundPk, LedgerStore, LedgerWriter } from "#adapters/ledger/index.ts";
import { appliedIdToItem, emptyOpenPage, entryToItem, headToItem } from "#adapters/ledger/items.ts";
import {
  type ChainedEntry,
  EMPTY_BALANCES,
  fingerprintEntry,
  GENESIS_HASH,
  parseLedgerEntry,
  planBatch,
} from "#core/ledger/index.ts";
import { main } from "#local/cli/main.ts";
import { createTestTables, type TestTables } from "../../support/dynamo.ts";
import { allocation, draw } from "./support.ts";

let tables: TestTables;
let store: LedgerStore;
const previousEnv = { ...process.env };
const BIG = "township-old-big";
const SMALL = "township-old-small";
const BROKEN = "township-old-broken";
const PAGED = "township-paged";

/** Writes a fund as the writer wrote it before pages: head, then per entry an ENTRY# and an ENTRYID# item. */
async function writeOldLedger(fundId: string, draws: number): Promise<ChainedEntry[]> {
  const entries = [
    parseLedgerEntry(allocation(fundId, `${fundId}-alloc`, String(draws * 10 + 1000))),
    ...Array.from({ length: draws }, (_, i) => parseLedgerEntry(draw(fundId, `${fundId}-pay-${i}`, "10"))),
  ];
  const genesis = {
    fundId,
    sequence: 0,
    headHash: GENESIS_HASH,
    balances: EMPTY_BALANCES,
    alertState: "armed" as const,
  };
  const plan = planBatch(genesis, entries, (e) => e, 1_000_000);
  expect(plan.accepted).toHaveLength(entries.length);
  const put = (Item: Record<string, unknown>) =>
    tables.client.send(new PutItemCommand({ TableName: tables.names.ledger, Item: Item as never }));
  // A head of the layout before pages has no open page: no `openFirst` either.
  const { openFirst: _none, ...oldHead } = headToItem({
    ...plan.head,
    revision: entries.length,
    open: emptyOpenPage(plan.head.sequence),
  });
  await put(oldHead);
  for (const { chained } of plan.accepted) {
    await put(entryToItem(chained));
    await put(
      appliedIdToItem(fundId, {
        entryId: chained.entryId,
        sequence: chained.sequence,
        entryHash: chained.entryHash,
        fingerprint: fingerprintEntry(chained),
        submissionToken: `old-${chained.sequence}`,
      }),
    );
  }
  return plan.accepted.map((a) => a.chained);
}

async function keysOf(fundId: string): Promise<string[]> {
  const { Items } = await tables.client.send(
    new QueryCommand({
      TableName: tables.names.ledger,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": { S: fundPk(fundId) } },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []).map((item) => item.sk?.S ?? "");
}

async function migrate(...args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const code = await main(["ledger", "migrate", ...args], {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      out += text;
    },
    env: process.env,
  });
  return { code, out };
}

let big: ChainedEntry[];

beforeAll(async () => {
  tables = await createTestTables("ledger-migrate");
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: tables.endpoint,
    AWS_REGION: "cn-north-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AIDFLOW_TABLE_MAIN: tables.names.main,
    AIDFLOW_TABLE_LEDGER: tables.names.ledger,
  });
  store = new LedgerStore(tables.client, { ledger: tables.names.ledger });
  big = await writeOldLedger(BIG, 259); // 260 entries: two pages
  await writeOldLedger(SMALL, 2);
  await store.openFund(PAGED);
  await new LedgerWriter({ client: tables.client, tables: { ledger: tables.names.ledger } }).submit(
    allocation(PAGED, "paged-alloc", "100"),
  );
}, 180_000);

afterAll(() => {
  process.env = previousEnv;
  tables?.client.destroy();
});

describe("aidflow ledger migrate", () => {
  it("a dry run says what it would write and writes nothing", async () => {
    const before = await keysOf(BIG);

    const { code, out } = await migrate("--dry-run", "--fund", BIG, SMALL);

    expect(code).toBe(0);
    expect(out).toContain(`${BIG}: would rewrite 260 entries into 2 pages`);
    expect(out).toContain(`${SMALL}: would rewrite 3 entries into 1 pages`);
    expect(await keysOf(BIG)).toEqual(before);
  });

  it("rewrites every fund into pages, equal on replay, removes the old items; a second run changes nothing", {
    timeout: 120_000,
  }, async () => {
    // Act
    const first = await migrate();
    const second = await migrate();

    // Assess: the old funds are in pages with the same entries, hashes and balances
    expect(first.code).toBe(0);
    expect(first.out).toContain(
      `${BIG}: 260 entries rewritten into 2 pages, replay equal, old items removed`,
    );
    expect(first.out).toContain(`${SMALL}: 3 entries rewritten into 1 pages`);
    expect(first.out).toContain(`${PAGED}: already in pages (1 entries)`);
    // PAGED's one entry sits on its head's open page: no page item, and it verifies there.
    expect((await keysOf(PAGED)).filter((k) => k.startsWith("PAGE#"))).toEqual([]);
    expect(await store.verify(PAGED)).toMatchObject({ ok: true, sequence: 1 });
    const read: ChainedEntry[] = [];
    for await (const entry of store.streamEntries(BIG, { consistentRead: true })) read.push(entry);
    expect(read.map((e) => [e.entryId, e.sequence, e.entryHash, e.after.balance.toString()])).toEqual(
      big.map((e) => [e.entryId, e.sequence, e.entryHash, e.after.balance.toString()]),
    );
    expect(await store.verify(BIG)).toMatchObject({
      ok: true,
      sequence: 260,
      headHash: big.at(-1)?.entryHash,
    });
    const keys = await keysOf(BIG);
    expect(keys.filter((k) => k.startsWith("ENTRY"))).toEqual([]);
    expect(keys.filter((k) => k.startsWith("PAGE#"))).toHaveLength(2);
    expect(second.code).toBe(0);
    expect(second.out).toContain(`${BIG}: already in pages (260 entries), nothing to do`);
    expect(await keysOf(BIG)).toEqual(keys);

    // …and the migrated fund keeps exactly-once for its old ids and takes new entries after them
    const writer = new LedgerWriter({ client: tables.client, tables: { ledger: tables.names.ledger } });
    const retried = await writer.submit(draw(BIG, `${BIG}-pay-7`, "10"));
    const fresh = await writer.submit(draw(BIG, `${BIG}-pay-new`, "10"));
    expect(retried).toMatchObject({ status: "duplicate", sequence: 9, sameContent: true });
    expect(fresh).toMatchObject({ status: "applied", sequence: 261 });
    expect(await store.verify(BIG)).toMatchObject({ ok: true, sequence: 261 });
    // The new entry went onto the open page of the migrated head (no `openFirst` before): no new page.
    expect((await keysOf(BIG)).filter((k) => k.startsWith("PAGE#"))).toHaveLength(2);
  });

  it("a broken old chain is refused and left as it is, with exit code 1", async () => {
    // Prepare: an old ledger whose entry 2 was edited behind the writer's back.
    await writeOldLedger(BROKEN, 3);
    const key = { pk: { S: fundPk(BROKEN) }, sk: { S: "ENTRY#000000000002" } };
    const { Items } = await tables.client.send(
      new QueryCommand({
        TableName: tables.names.ledger,
        KeyConditionExpression: "pk = :pk AND sk = :sk",
        ExpressionAttributeValues: { ":pk": key.pk, ":sk": key.sk },
      }),
    );
    const item = Items?.[0] as Record<string, { S: string }>;
    await tables.client.send(
      new PutItemCommand({
        TableName: tables.names.ledger,
        Item: { ...item, body: { S: (item.body?.S ?? "").replace('"10.00"', '"1.00"') } },
      }),
    );
    const before = await keysOf(BROKEN);

    // Act
    const { code, out } = await migrate("--fund", BROKEN);

    // Assess
    expect(code).toBe(1);
    expect(out).toContain(`${BROKEN}: not migrated — its old entries do not verify: entry 2`);
    expect(await keysOf(BROKEN)).toEqual(before);
  });
});
