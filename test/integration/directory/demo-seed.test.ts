/**
 * The demo seed (local/seed/seed.ts) stores 示例县 like any other county — its directory and its
 * policy set in `main` — before it allocates the funds, and a second run changes nothing.
 */
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { parseCountyPolicySet } from "#core/policy/index.ts";
import { DEMO_COUNTY } from "#local/seed/demo-county.ts";
import { demoCountyPolicy } from "#local/seed/policy-demo-county.ts";
import { seedDemoCounty } from "#local/seed/seed.ts";
import { createTestTables } from "#test/support/dynamo.ts";

describe("demo seed", () => {
  it("stores the demo county's directory and policy set, then allocates; a second run changes nothing", async () => {
    // Prepare
    const tables = await createTestTables("seed-directory");
    const db = DynamoDBDocumentClient.from(tables.client);
    const options = {
      client: tables.client,
      tables: tables.names,
      nowMs: () => Date.parse("2026-03-02T01:00:00Z"),
    };
    const directoryItems = async () =>
      (
        await db.send(
          new QueryCommand({
            TableName: tables.names.main,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": `DIRECTORY#${DEMO_COUNTY.countyId}` },
          }),
        )
      ).Items ?? [];
    // Act
    const first = await seedDemoCounty(options);
    const itemsAfterFirst = await directoryItems();
    const second = await seedDemoCounty(options);
    const policy = await db.send(
      new GetCommand({
        TableName: tables.names.main,
        Key: { pk: `POLICY#${DEMO_COUNTY.countyId}`, sk: "SET" },
      }),
    );
    // Assess
    expect(itemsAfterFirst.map((i) => [i.sk, i.name, i.area ?? null])).toEqual([
      ["COUNTY", "示例县", null],
      ["TOWNSHIP#230123100", "城关镇", "rural"],
      ["TOWNSHIP#230123200", "河东乡", "rural"],
      ["TOWNSHIP#230123300", "新华街道", "urban"],
    ]);
    expect((await directoryItems()).length).toBe(itemsAfterFirst.length);
    expect(parseCountyPolicySet(policy.Item?.policySet)).toEqual(demoCountyPolicy);
    expect(first.every((f) => f.allocated)).toBe(true);
    expect(second.every((f) => !f.allocated)).toBe(true);
    expect(second.map((f) => f.balanceYuan)).toEqual(first.map((f) => f.balanceYuan));
  });
});
