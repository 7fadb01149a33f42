/**
 * `GET /counties` and `GET /townships?countyId=` for an applicant who signed in with no county — as
 * the applicant pool of a Cognito deployment gives them (functions/handlers/authorizer.ts): they
 * still see every county of the deployment and the townships of the one where the emergency
 * happened (DOMAIN §2.1). Staff keep their own county.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import type { Actor } from "#core/access/index.ts";
import { ForbiddenError } from "#core/errors.ts";
import { listCountiesToFileIn } from "#functions/services/queries/counties.ts";
import { listTownships } from "#functions/services/queries/townships.ts";
import { seedDemoCounty, seedSecondDemoCounty } from "#local/seed/seed.ts";
import { createTestTables } from "#test/support/dynamo.ts";

const NO_COUNTY_APPLICANT: Actor = { userId: "a-7f3c", name: "张伟", roles: ["applicant"], countyId: "" };
const OFFICER: Actor = {
  userId: "officer-chengguan-1",
  name: "李明",
  roles: ["township-officer"],
  countyId: "230123",
  townshipId: "230123100",
};

describe("the counties an applicant without a county may file in", () => {
  it("lists every county of the deployment and the chosen county's townships; staff keep their own", async () => {
    // Prepare
    const tables = await createTestTables("counties-to-file-in", { demoCounty: false });
    const options = {
      client: tables.client,
      tables: tables.names,
      nowMs: () => Date.parse("2026-12-07T01:00:00Z"),
    };
    await seedDemoCounty(options);
    await seedSecondDemoCounty(options);
    const deps = { db: DynamoDBDocumentClient.from(tables.client), table: tables.names.main };
    // Act
    const counties = await listCountiesToFileIn(deps, NO_COUNTY_APPLICANT);
    const townships = await listTownships(deps, NO_COUNTY_APPLICANT, "230191");
    const officersCounties = await listCountiesToFileIn(deps, OFFICER);
    // Assess
    expect(counties).toEqual([
      { countyId: "230123", name: "示例县" },
      { countyId: "230191", name: "示例二县" },
    ]);
    expect(townships.countyId).toBe("230191");
    expect(townships.townships.map((t) => t.name)).toEqual(["东山镇", "西河街道"]);
    expect(officersCounties).toEqual([{ countyId: "230123", name: "示例县" }]);
    await expect(listTownships(deps, OFFICER, "230191")).rejects.toBeInstanceOf(ForbiddenError);
  });
});
