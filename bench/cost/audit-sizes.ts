/**
 * What makes a Flow A case's audit events as large as they are: one happy case on a fresh in-memory
 * county, then each `AUDIT#` item of the county (and the `AUDITDEDUP#` markers), its size as DynamoDB
 * bills it and the size of each field of the stored event, largest first. An audit item is written once
 * and copied once into `gsi1`; above 1 KB it costs a second write unit per copy (×2 in a transaction).
 *
 *   npx tsx bench/cost/audit-sizes.ts
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { storedAuditEvent } from "#adapters/audit-store.ts";
import { itemBytes as itemSize, valueBytes as valueSize } from "#adapters/item-size.ts";
import { runAsCommand } from "../main.ts";
import { onHappyCase } from "./item-sizes.ts";

function main(): Promise<void> {
  return onHappyCase(830_000, async ({ db, table, caseId }) => {
    const history = await db.send(
      new QueryCommand({
        TableName: table,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": `AUDITRES#case#${caseId}` },
      }),
    );
    let total = 0;
    for (const item of history.Items ?? []) {
      const bytes = itemSize(item);
      total += bytes;
      const event = storedAuditEvent(item) as unknown as Record<string, unknown>;
      const fields = Object.entries(event)
        .map(([k, v]) => ({
          k,
          bytes: Buffer.byteLength(JSON.stringify(k), "utf8") + 1 + JSON.stringify(v).length,
        }))
        .sort((a, b) => b.bytes - a.bytes)
        .map((f) => `${f.k} ${f.bytes}`);
      const keys = Object.entries(item)
        .filter(([k]) => k !== "event" && k !== "eventZ")
        .map(([k, v]) => `${k} ${Buffer.byteLength(k, "utf8") + valueSize(v)}`);
      const form = item.eventZ
        ? `eventZ ${valueSize(item.eventZ)} deflated`
        : `event ${valueSize(item.event)}`;
      console.log(
        `${String(event.action).padEnd(24)} ${String(bytes).padStart(5)} bytes (${form}): ${[...keys, ...fields].join(", ")}`,
      );
    }
    console.log(`${history.Items?.length ?? 0} events about the case, ${total} bytes`);
    const dedup = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: {
          ":pk": `AUDITDEDUP#${String((history.Items?.[0] as { pk?: string })?.pk).slice(6)}`,
        },
        ConsistentRead: true,
      }),
    );
    for (const item of dedup.Items ?? [])
      console.log(`dedup marker ${itemSize(item)} bytes: ${String(item.sk)}`);
  });
}

runAsCommand(import.meta.url, main);
