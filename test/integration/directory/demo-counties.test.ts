/**
 * `npm start`'s demo (issue 22 item 5): on tables that hold no county, the two demo counties are
 * onboarded through the county import service — 示例县 and 示例二县 of the same province, each with its
 * townships, a policy version proposed by the importing province administrator and approved by a
 * county administrator, and its funds allocated to quota by a county finance user; 示例二县's staff are
 * created by the import. A second start changes nothing in either table.
 */
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { storedAuditEvent } from "#adapters/audit-store.ts";
import { DirectoryStore } from "#adapters/directory-store.ts";
import { PolicyStore } from "#adapters/policy-store.ts";
import { UserDirectory } from "#adapters/user-directory.ts";
import { seedDemoCounty, seedSecondDemoCounty } from "#local/seed/seed.ts";
import { digestTables } from "#test/e2e/proofs/tables.ts";
import { createTestTables } from "#test/support/dynamo.ts";

describe("demo counties through the import path", () => {
  it("creates 示例县 and 示例二县 with approved versions, staff and allocated funds; a restart changes nothing", async () => {
    // Prepare
    const tables = await createTestTables("demo-counties", { demoCounty: false });
    const db = DynamoDBDocumentClient.from(tables.client);
    const options = {
      client: tables.client,
      tables: tables.names,
      nowMs: () => Date.parse("2026-12-07T01:00:00Z"),
    };
    const audits = async (countyId: string) =>
      (
        (
          await db.send(
            new QueryCommand({
              TableName: tables.names.main,
              KeyConditionExpression: "pk = :pk",
              ExpressionAttributeValues: { ":pk": `AUDIT#${countyId}` },
            }),
          )
        ).Items ?? []
      ).map((i) => storedAuditEvent(i) as { action: string; actor: { userId: string; name: string } });
    // Act
    const first = [...(await seedDemoCounty(options)), ...(await seedSecondDemoCounty(options))];
    const afterFirst = await digestTables(tables);
    const second = [...(await seedDemoCounty(options)), ...(await seedSecondDemoCounty(options))];
    // Assess
    const counties = await new DirectoryStore(db, tables.names.main).countiesOfProvince("230000");
    expect(counties).toEqual([
      { countyId: "230123", name: "示例县" },
      { countyId: "230191", name: "示例二县" },
    ]);
    const policies = new PolicyStore(db, tables.names.main);
    expect(await policies.proposal("230123", "230123-2026-01")).toMatchObject({
      status: "approved",
      proposedBy: { userId: "province-admin-1" },
      approvedBy: { userId: "county-admin-1" },
    });
    const staff = await new UserDirectory(db, tables.names.main).usersOf("230191");
    expect(staff).toHaveLength(10);
    const countyAdmin = staff.find((u) => u.roles.includes("county-admin"));
    expect(await policies.proposal("230191", "230191-2026-01")).toMatchObject({
      status: "approved",
      proposedBy: { userId: "province-admin-1" },
      approvedBy: { userId: countyAdmin?.userId, name: "罗安" },
    });
    expect(first.map((f) => [f.name, f.quotaYuan, f.balanceYuan, f.allocated])).toEqual([
      ["城关镇", "58000.00", "58000.00", true],
      ["河东乡", "21000.00", "21000.00", true],
      ["新华街道", "43000.00", "43000.00", true],
      ["东山镇", "36000.00", "36000.00", true],
      ["西河街道", "24000.00", "24000.00", true],
    ]);
    const secondCountyAudit = await audits("230191");
    expect(secondCountyAudit.filter((e) => e.action === "county.import")).toHaveLength(2);
    expect(secondCountyAudit.filter((e) => e.action === "fund.allocate").map((e) => e.actor.name)).toEqual([
      "贺年",
      "贺年",
    ]);
    expect(second.every((f) => !f.allocated)).toBe(true);
    expect(await digestTables(tables)).toBe(afterFirst);
  });
});
