/**
 * DynamoDB Local's JVM CPU per request by operation (what a county seed's requests cost on the other
 * side of the wire): N requests of each kind, one after another, on a table of the `main` layout.
 *
 *   npx tsx bench/county/jvm-ops.ts --n 400
 */
import { readFileSync } from "node:fs";
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { Command } from "commander";
import { ensureTables, localDynamoClient, startDynamoEngine } from "#local/dynamodb/engine.ts";

const options = new Command()
  .option("--n <n>", "requests of each kind", Number, 400)
  .parse()
  .opts<{ n: number }>();

function cpu(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const engine = await startDynamoEngine();
const pid = engine.pid as number;
const client = localDynamoClient(engine.endpoint);
const doc = DynamoDBDocumentClient.from(client);
const tables = await ensureTables(client, "ops-");
const TableName = tables.main;
const payload = {
  text: "模拟".repeat(200),
  n: 12345,
  list: Array.from({ length: 20 }, (_, i) => ({ i, s: `x${i}` })),
};

async function measure(name: string, one: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 50; i++) await one(i + 1_000_000); // warm
  const c0 = cpu(pid);
  const n0 = process.cpuUsage();
  const t0 = Date.now();
  for (let i = 0; i < options.n; i++) await one(i);
  const jvm = ((cpu(pid) - c0) / options.n) * 1000;
  const used = process.cpuUsage(n0);
  const node = (used.user + used.system) / 1000 / options.n;
  process.stdout.write(
    `${name.padEnd(44)} JVM ${jvm.toFixed(2)} ms + node ${node.toFixed(2)} ms CPU a request; wall ${((Date.now() - t0) / options.n).toFixed(2)} ms\n`,
  );
}

for (let round = 0; round < 2; round++) {
  process.stdout.write(`round ${round + 1}\n`);
  await measure("PutItem", (i) =>
    doc.send(new PutCommand({ TableName, Item: { pk: `P#${i}`, sk: "X", ...payload } })),
  );
  await measure("GetItem (consistent)", (i) =>
    doc.send(new GetCommand({ TableName, Key: { pk: `P#${i}`, sk: "X" }, ConsistentRead: true })),
  );
  await measure("UpdateItem (conditional)", (i) =>
    doc.send(
      new UpdateCommand({
        TableName,
        Key: { pk: `P#${i}`, sk: "X" },
        UpdateExpression: "SET n = n + :one",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":one": 1 },
      }),
    ),
  );
  await measure("Query (pk, 1 item)", (i) =>
    doc.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": `P#${i}` },
      }),
    ),
  );
  for (const k of [1, 2, 5, 10, 25]) {
    await measure(`TransactWriteItems, ${k} puts`, (i) =>
      doc.send(
        new TransactWriteCommand({
          TransactItems: Array.from({ length: k }, (_, j) => ({
            Put: { TableName, Item: { pk: `T#${i}`, sk: `E#${j}`, ...payload } },
          })),
        }),
      ),
    );
    await measure(`BatchWriteItem, ${k} puts`, (i) =>
      doc.send(
        new BatchWriteCommand({
          RequestItems: {
            [TableName]: Array.from({ length: k }, (_, j) => ({
              PutRequest: { Item: { pk: `B#${i}`, sk: `E#${j}`, ...payload } },
            })),
          },
        }),
      ),
    );
  }
}
client.destroy();
await engine.stop();
