/**
 * What is in the test's tables: item counts (DynamoDB Scan with `Select: COUNT`, nothing excluded)
 * and a digest of every item, so that "a rejected request writes nothing" also catches an update of an
 * existing item, not only a new one.
 */
import { createHash } from "node:crypto";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import type { TestTables } from "#test/support/dynamo.ts";

export interface TableSnapshot {
  counts: { main: number; ledger: number };
  digest: string;
}

async function scanAll(tables: TestTables, tableName: string, countOnly: boolean) {
  let count = 0;
  const items: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await tables.client.send(
      new ScanCommand({
        TableName: tableName,
        ...(countOnly ? { Select: "COUNT" } : {}),
        ...(startKey ? { ExclusiveStartKey: startKey as never } : {}),
      }),
    );
    count += page.Count ?? 0;
    for (const item of page.Items ?? []) items.push(canonical(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { count, items };
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

export async function snapshotTables(tables: TestTables): Promise<TableSnapshot> {
  const [mainCount, ledgerCount, main, ledger] = await Promise.all([
    scanAll(tables, tables.names.main, true),
    scanAll(tables, tables.names.ledger, true),
    scanAll(tables, tables.names.main, false),
    scanAll(tables, tables.names.ledger, false),
  ]);
  const digest = createHash("sha256")
    .update([...main.items].sort().join("\n"))
    .update("\u0000")
    .update([...ledger.items].sort().join("\n"))
    .digest("hex");
  return { counts: { main: mainCount.count, ledger: ledgerCount.count }, digest };
}

/** Only the digest (two scans): cheap enough to take after every request of a sequential run. */
export async function digestTables(tables: TestTables): Promise<string> {
  const [main, ledger] = await Promise.all([
    scanAll(tables, tables.names.main, false),
    scanAll(tables, tables.names.ledger, false),
  ]);
  return createHash("sha256")
    .update([...main.items].sort().join("\n"))
    .update("\u0000")
    .update([...ledger.items].sort().join("\n"))
    .digest("hex");
}
