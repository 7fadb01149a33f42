/**
 * What makes a Flow A case's items as large as they are: one happy case on a fresh in-memory county,
 * then its case item and its task items, each attribute's size as DynamoDB bills it (name + value,
 * UTF-8), largest first. The case item is rewritten by every step, with its index copies: each KB of
 * it costs a write unit per copy per update.
 *
 *   npx tsx bench/cost/item-sizes.ts
 */
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { valueBytes } from "#adapters/item-size.ts";
import { startLocalCounty } from "#local/services.ts";
import { runAsCommand } from "../main.ts";
import { happyPathCase, happyPathClients } from "../surge/run.ts";

function report(label: string, item: Record<string, unknown>): string[] {
  const rows = Object.entries(item)
    .map(([k, v]) => ({ k, bytes: Buffer.byteLength(k, "utf8") + valueBytes(v) }))
    .sort((a, b) => b.bytes - a.bytes);
  const total = rows.reduce((n, r) => n + r.bytes, 0);
  return [`${label}: ${total} bytes`, ...rows.map((r) => `  ${String(r.bytes).padStart(5)}  ${r.k}`)];
}

/** One happy case (`index`: its applicant) on a fresh in-memory county, then `work` on what it stored. */
export async function onHappyCase(
  index: number,
  work: (stored: { db: DynamoDBDocumentClient; table: string; caseId: string }) => Promise<void>,
): Promise<void> {
  const county = await startLocalCounty({ inMemory: true, clock: { mode: "real" } });
  try {
    const clients = await happyPathClients(county.apiUrl);
    const { caseId } = await happyPathCase(clients, index, Date.now() + 180_000);
    await work({
      db: DynamoDBDocumentClient.from(county.runtime.dynamo),
      table: county.runtime.tables.main,
      caseId,
    });
  } finally {
    await county.stop();
  }
}

function main(): Promise<void> {
  return onHappyCase(820_000, async ({ db, table, caseId }) => {
    const out = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": `CASE#${caseId}` },
        ConsistentRead: true,
      }),
    );
    for (const item of out.Items ?? []) console.log(report(String(item.sk), item).join("\n"));
  });
}

runAsCommand(import.meta.url, main);
