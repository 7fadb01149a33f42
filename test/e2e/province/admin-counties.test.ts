/**
 * GET /admin/counties (issue 22): the county picker's list, from the county directory alone. The
 * province administrator and the province viewer get the counties of their province — name and
 * number of townships — and never a county of another province; a county administrator gets their
 * own county; every other staff role and the applicant get 403. No roll-up figure is in the answer.
 */

import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DirectoryStore } from "#adapters/directory-store.ts";
import { digestTables } from "../proofs/tables.ts";
import { startTestApi, type TestApi } from "../support/index.ts";

const NEW_COUNTY = {
  countyId: "230124",
  name: "测试二县",
  townships: [
    { townshipId: "230124100", name: "北城镇", registeredPopulation: 21_000, area: "urban" },
    { townshipId: "230124200", name: "南河乡", registeredPopulation: 9_500, area: "rural" },
  ],
};
/** A county of another province (北京市), written straight into the directory. */
const OTHER_PROVINCE = {
  countyId: "110105",
  name: "外省测试区",
  townships: [
    { townshipId: "110105001", name: "外省街道", registeredPopulation: 50_000, area: "urban" as const },
  ],
};

interface CountyItem {
  countyId: string;
  name: string;
  townships: number;
}

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ label: "e2e-admin-counties" });
  const province = await api.signIn("province-admin-1");
  const created = await province.post("/admin/counties", NEW_COUNTY, {
    idempotencyKey: "admin-counties-new",
  });
  expect(created.status, created.text).toBe(201);
  await new DirectoryStore(DynamoDBDocumentClient.from(api.tables.client), api.tables.names.main).putCounty(
    OTHER_PROVINCE,
  );
}, 120_000);

afterAll(async () => {
  await api?.close();
});

async function countiesAs(userId: string) {
  const client = await api.signIn(userId);
  const answer = await client.get("/admin/counties");
  return { status: answer.status, text: answer.text, body: answer.body as { counties?: CountyItem[] } };
}

describe("GET /admin/counties", () => {
  it("lists the province's counties with their townships count to the province administrator and viewer", async () => {
    for (const userId of ["province-admin-1", "province-viewer-1"]) {
      // Act
      const answer = await countiesAs(userId);

      // Assess
      expect(answer.status, `${userId}: ${answer.text}`).toBe(200);
      expect(answer.body.counties, userId).toEqual([
        { countyId: "230123", name: "示例县", townships: 3 },
        { countyId: "230124", name: "测试二县", townships: 2 },
      ]);
      expect(answer.text, userId).not.toContain("110105");
      expect(answer.text, userId).not.toContain("figures");
    }
  });

  it("gives a county administrator their own county only", async () => {
    // Act
    const answer = await countiesAs("county-admin-1");

    // Assess
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.counties).toEqual([{ countyId: "230123", name: "示例县", townships: 3 }]);
  });

  it("refuses the county's staff roles and the applicant (403) and writes nothing", async () => {
    // Prepare
    const before = await digestTables(api.tables);

    for (const userId of [
      "officer-chengguan-1",
      "approver-chengguan",
      "county-civil-1",
      "finance-1",
      "auditor-1",
      "applicant-zhang",
    ]) {
      // Act
      const answer = await countiesAs(userId);

      // Assess
      expect(answer.status, `${userId}: ${answer.text}`).toBe(403);
      expect(answer.text, userId).not.toContain("示例县");
      expect(answer.body).toMatchObject({ messageZh: expect.any(String) });
    }
    expect(await digestTables(api.tables)).toBe(before);
  });
});
