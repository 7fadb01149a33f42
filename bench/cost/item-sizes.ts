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

/** DynamoDB's size of a value (functions/adapters/item-size.ts: the stores decide with the same rules). */
export const sizeOf = valueBytes;

function report(label: string, item: Record<string, unknown>): string[] {
  const rows = Object.entries(item)
    .map(([k, v]) => ({ k, bytes: Buffer.byteLength(k, "utf8") + sizeOf(v) }))
    .sort((a, b) => b.bytes - a.bytes);
  const total = rows.reduce((n, r) => n + r.bytes, 0);
  return [`${label}: ${total} bytes`, ...rows.map((r) => `  ${String(r.bytes).padStart(5)}  ${r.k}`)];
}

async function main(): Promise<void> {
  const county = await startLocalCounty({ inMemory: true, clock: { mode: "real" } });
  try {
    const clients = await happyPathClients(county.apiUrl);
    const { caseId } = await happyPathCase(clients, 820_000, Date.now() + 180_000);
    const db = DynamoDBDocumentClient.from(county.runtime.dynamo);
    const out = await db.send(
      new QueryCommand({
        TableName: county.runtime.tables.main,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": `CASE#${caseId}` },
        ConsistentRead: true,
      }),
    );
    for (const item of out.Items ?? []) console.log(report(String(item.sk), item).join("\n"));
  } finally {
    await county.stop();
  }
}

runAsCommand(import.meta.url, main);
