/**
 * The merged read under the case and task lists (functions/services/queries/merged-index.ts), on
 * DynamoDB Local: partitions read as one list by sort key, with a filter, an upper bound, and a read
 * budget so small that pages end early — following the positions must still give every matching item
 * exactly once, in order (TIGER style: the limit must never cost correctness).
 */
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMerged } from "#functions/services/queries/merged-index.ts";
import { createTestTables, type TestTables } from "#test/support/dynamo.ts";

const PARTITIONS = ["P#a", "P#b", "P#c"];
const ITEMS_PER_PARTITION = 25;
let tables: TestTables;
let db: DynamoDBDocumentClient;
/** Every item as written: partition, sort key, and whether the filter keeps it. */
const written: { pk: string; sk: string; kept: boolean }[] = [];

beforeAll(async () => {
  tables = await createTestTables("q-merge");
  db = DynamoDBDocumentClient.from(tables.client);
  // Interleaved sort keys (deadline-like), a third of them filtered out.
  for (const [p, pk] of PARTITIONS.entries()) {
    for (let n = 0; n < ITEMS_PER_PARTITION; n += 1) {
      const minute = String((n * 7 + p * 13) % 60).padStart(2, "0");
      const hour = String(n % 24).padStart(2, "0");
      const sk = `2026-03-0${1 + (n % 3)}T${hour}:${minute}:00.000Z#case-${p}-${n}`;
      const kept = (n + p) % 3 !== 0;
      written.push({ pk, sk, kept });
      await db.send(
        new PutCommand({
          TableName: tables.names.main,
          Item: { pk: `ITEM#${p}-${n}`, sk: "ITEM", gsi1pk: pk, gsi1sk: sk, kind: kept ? "keep" : "drop" },
        }),
      );
    }
  }
});

afterAll(() => {
  tables?.client.destroy();
});

async function follow(limit: number, readBudgetItems: number, before?: string) {
  const keys: string[] = [];
  let after: string | undefined;
  let pages = 0;
  for (; pages < 500; pages += 1) {
    const page = await readMerged(db, tables.names.main, {
      partitions: PARTITIONS.map((pk) => ({ indexName: "gsi1" as const, pk })),
      ...(after ? { after } : {}),
      ...(before ? { before } : {}),
      filter: { expression: "#kind = :keep", names: { "#kind": "kind" }, values: { ":keep": "keep" } },
      limit,
      readBudgetItems,
    });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    keys.push(...page.items.map((item) => String(item.gsi1sk)));
    if (!page.nextAfter) break;
    expect(after === undefined || page.nextAfter > after).toBe(true);
    after = page.nextAfter;
  }
  return { keys, pages: pages + 1 };
}

describe("merged read of index partitions", () => {
  const expected = () =>
    written
      .filter((w) => w.kept)
      .map((w) => w.sk)
      .sort();

  it("gives every matching item once, in sort-key order, with a generous budget", async () => {
    const { keys } = await follow(7, 2_000);
    expect(keys).toEqual(expected());
  });

  it("gives the same list when a tiny read budget ends pages early", async () => {
    for (const budget of [1, 3, 5, 11]) {
      const { keys, pages } = await follow(4, budget);
      expect(keys).toEqual(expected());
      expect(pages).toBeGreaterThan(Math.ceil(expected().length / 4) - 1);
    }
  });

  it("stops at the upper bound (the `dueBefore` of the lists)", async () => {
    const before = "2026-03-02T00:00:00.000Z";
    const { keys } = await follow(5, 4, before);
    expect(keys).toEqual(expected().filter((k) => k < before));
  });
});
