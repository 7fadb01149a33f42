import { DescribeTableCommand, TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { TABLES } from "../../infra/tables.ts";
import { createTestTables } from "../support/dynamo.ts";

describe("embedded DynamoDB", () => {
  it("creates every table of infra/tables.ts with its indexes", async () => {
    const { client, names } = await createTestTables("engine");
    for (const table of TABLES) {
      const described = await client.send(new DescribeTableCommand({ TableName: names[table.id] }));
      expect(described.Table?.TableStatus).toBe("ACTIVE");
      expect((described.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(
        table.globalIndexes.map((i) => i.name).sort(),
      );
    }
  });

  it("supports transactions (the reason dynalite was not chosen)", async () => {
    const { client, names } = await createTestTables("engine");
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: names.ledger, Item: { pk: { S: "a" }, sk: { S: "1" } } } },
          { Put: { TableName: names.ledger, Item: { pk: { S: "a" }, sk: { S: "2" } } } },
        ],
      }),
    );
    await expect(
      client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: names.ledger,
                Item: { pk: { S: "a" }, sk: { S: "1" } },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      ),
    ).rejects.toThrow(/cancel/i);
  });
});
