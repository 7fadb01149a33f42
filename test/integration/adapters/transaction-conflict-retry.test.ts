/**
 * A plain write to an item a transaction holds fails with `TransactionConflictException`, which
 * DynamoDB documents as retryable and the SDK classifies as a client error. Every client of the
 * handlers (functions/runtime/dynamo-client.ts) retries it like a throttle, within the same
 * attempts — found by the county simulation (seed 344), where one conflict failed a whole step.
 */
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { retryingTransactionConflicts } from "#functions/runtime/dynamo-client.ts";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "#local/dynamodb/engine.ts";
import { createTestTables } from "#test/support/dynamo.ts";
import { injectFaults, quickRetryStrategy } from "#test/support/faults.ts";

const clients: DynamoDBClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

async function clientWithConflictOnFirstPut(label: string, wrap: boolean) {
  const tables = await createTestTables(label);
  const strategy = quickRetryStrategy(3, 1);
  const client = new DynamoDBClient({
    endpoint: tables.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    retryStrategy: (wrap ? retryingTransactionConflicts(strategy) : strategy) as never,
  });
  clients.push(client);
  const faults = injectFaults(client, [
    { kind: "transaction-conflict", commands: ["PutItemCommand"], onCalls: [1] },
  ]);
  const put = () =>
    client.send(
      new PutItemCommand({
        TableName: tables.names.main,
        Item: { pk: { S: "CASE#C20260302-0000000344" }, sk: { S: "CASE" }, status: { S: "closed" } },
      }),
    );
  return { faults, put };
}

describe("a write that meets a transaction in progress", () => {
  it("is retried by the handlers' clients and lands on the second attempt", async () => {
    // Prepare
    const { faults, put } = await clientWithConflictOnFirstPut("conflict-retry", true);

    // Act
    const answer = await put();

    // Assess
    expect(answer.$metadata.httpStatusCode).toBe(200);
    expect(faults.count("transaction-conflict")).toBe(1);
    expect(faults.attempts).toBe(2);
  });

  it("fails at once with the SDK's own classification (what the wrapper changes)", async () => {
    const { faults, put } = await clientWithConflictOnFirstPut("conflict-plain", false);

    await expect(put()).rejects.toMatchObject({ name: "TransactionConflictException" });
    expect(faults.attempts).toBe(1);
  });
});
