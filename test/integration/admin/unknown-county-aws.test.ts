/**
 * In AWS a county exists only once an administrator creates it (DOMAIN §8): on tables holding no
 * county, with AIDFLOW_RUNTIME=aws, the demo county's code (230123, a real county's code) is not
 * served from demo data — filing there and its township list answer 404 with a clear message in
 * Chinese and English, and nothing is written. A county created by the province administrator is
 * known at once; a township it does not list is still a 404, and so is filing before the county has
 * an approved policy.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { config, resetConfig } from "#functions/runtime/config.ts";
import { resetFlowDeps } from "#functions/services/deps.ts";
import { demoCountyParameters2026 } from "#local/seed/policy-demo-county.ts";
import { createTestTables, type TestTables } from "#test/support/dynamo.ts";
import { claimsOf, httpEvent } from "#test/unit/http/support.ts";

type Handler = (event: unknown) => Promise<{ statusCode: number; body: string }>;

let tables: TestTables;
let documentsDir: string;
let fileCase: Handler;
let queries: Handler;
let admin: Handler;
const previousEnv = { ...process.env };

const officerOf = (countyId: string, townshipId: string) =>
  claimsOf({ userId: `officer-${townshipId}`, roles: ["township-officer"], countyId, townshipId });
const provinceAdmin = claimsOf({ userId: "province-admin-1", roles: ["province-admin"], countyId: "230000" });

function filing(townshipId: string, countyCode: string) {
  return {
    townshipId,
    hardship: { cause: "fire" },
    description: "房屋失火，家中财物烧毁，急需生活救助",
    applicant: {
      name: "张伟",
      document: { type: "resident-id", number: "230123198001011238" },
      phone: "13812345678",
      registration: { countyCode },
    },
    bankAccount: { holderName: "张伟", bankName: "农村信用社", account: "6217000012345678" },
  };
}

async function send(handler: Handler, claims: Record<string, string>, routeKey: string, body?: unknown) {
  const path = routeKey.split(" ")[1] as string;
  const result = await handler(httpEvent(routeKey, { claims, path, ...(body ? { body } : {}) }));
  return { status: result.statusCode, body: JSON.parse(result.body || "null") };
}

async function itemCount(): Promise<number> {
  const db = DynamoDBDocumentClient.from(tables.client);
  const out = await db.send(new ScanCommand({ TableName: tables.names.main, Select: "COUNT" }));
  return out.Count ?? 0;
}

beforeAll(async () => {
  tables = await createTestTables("aws-unknown-county", { demoCounty: false });
  documentsDir = await mkdtemp(join(tmpdir(), "aidflow-aws-mode-"));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: tables.endpoint,
    AWS_REGION: "cn-north-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AIDFLOW_RUNTIME: "aws",
    AIDFLOW_TABLE_MAIN: tables.names.main,
    AIDFLOW_TABLE_LEDGER: tables.names.ledger,
    AIDFLOW_IDENTITY_HASH_KEY: "aws-mode-test-identity-hash-key-0123456789",
    AIDFLOW_DOCUMENTS_DIR: documentsDir,
    AIDFLOW_STATE_MACHINE_FLOW_A: "arn:aws-cn:states:cn-north-1:000000000000:stateMachine:flow-a",
  });
  resetConfig();
  resetFlowDeps();
  fileCase = (await import("#functions/handlers/cases/file-case.ts")).handler as never;
  queries = (await import("#functions/handlers/queries/queries.ts")).handler as never;
  admin = (await import("#functions/handlers/admin/admin.ts")).handler as never;
});

afterAll(async () => {
  process.env = previousEnv;
  resetConfig();
  resetFlowDeps();
  tables?.client.destroy();
  await rm(documentsDir, { recursive: true, force: true });
});

describe("an unknown county or township in AWS mode", () => {
  it("runs in AWS mode on tables with no county", async () => {
    expect(config().runtime).toBe("aws");
    expect(await itemCount()).toBe(0);
  });

  it("the demo county's code is not served from demo data: filing and the township list are 404, nothing written", async () => {
    const officer = officerOf("230123", "230123100");
    const filed = await send(fileCase, officer, "POST /cases", filing("230123100", "230123"));
    expect(filed.status).toBe(404);
    expect(filed.body.message).toMatch(/not set up/);
    expect(filed.body.messageZh).toBe("该县尚未在本系统开通临时救助业务（没有已审批的救助政策）");
    const townships = await send(queries, officer, "GET /townships");
    expect(townships.status).toBe(404);
    expect(townships.body.messageZh).toBe("本县尚未在本系统开通");
    expect(await itemCount()).toBe(0);
  });

  it("a county created by the province administrator is known at once; an unlisted township stays 404", async () => {
    const bad = await send(admin, provinceAdmin, "POST /admin/counties", {
      countyId: "230124",
      name: "测试新县",
      townships: [{ townshipId: "230999100", name: "新城镇", registeredPopulation: 30000, area: "rural" }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([
      {
        path: "body.townships.0.townshipId",
        message: expect.any(String),
        messageZh: "须以本县代码 230124 开头",
      },
    ]);
    const elsewhere = await send(admin, provinceAdmin, "POST /admin/counties", {
      countyId: "310101",
      name: "外省县",
      townships: [{ townshipId: "310101100", name: "外省镇", registeredPopulation: 30000, area: "urban" }],
    });
    expect(elsewhere.status).toBe(403);
    expect(await itemCount()).toBe(0);
    const created = await send(admin, provinceAdmin, "POST /admin/counties", {
      countyId: "230124",
      name: "测试新县",
      townships: [{ townshipId: "230124100", name: "新城镇", registeredPopulation: 30000, area: "rural" }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const twice = await send(admin, provinceAdmin, "POST /admin/counties", {
      countyId: "230124",
      name: "测试新县",
      townships: [{ townshipId: "230124100", name: "新城镇", registeredPopulation: 30000, area: "rural" }],
    });
    expect(twice.status).toBe(409);

    const list = await send(queries, officerOf("230124", "230124100"), "GET /townships");
    expect(list.status).toBe(200);
    expect(list.body.townships.map((t: { name: string }) => t.name)).toEqual(["新城镇"]);

    const items = await itemCount();
    // Without an approved policy the county files nothing yet.
    const noPolicy = await send(
      fileCase,
      officerOf("230124", "230124100"),
      "POST /cases",
      filing("230124100", "230124"),
    );
    expect(noPolicy.status).toBe(404);
    expect(await itemCount()).toBe(items);
    // Its first policy version: proposed by the province administrator, approved by the county's.
    const proposed = await admin(
      httpEvent("POST /admin/counties/{countyId}/policy-versions", {
        claims: provinceAdmin,
        path: "/admin/counties/230124/policy-versions",
        pathParameters: { countyId: "230124" },
        body: {
          versionId: "230124-2026-01",
          effectiveFrom: "2026-01-01T00:00:00+08:00",
          parameters: demoCountyParameters2026,
        },
      }),
    );
    expect(proposed.statusCode, proposed.body).toBe(201);
    const approved = await admin(
      httpEvent("POST /admin/counties/{countyId}/policy-versions/{versionId}/approval", {
        claims: claimsOf({ userId: "county-admin-230124", roles: ["county-admin"], countyId: "230124" }),
        path: "/admin/counties/230124/policy-versions/230124-2026-01/approval",
        pathParameters: { countyId: "230124", versionId: "230124-2026-01" },
      }),
    );
    expect(approved.statusCode, approved.body).toBe(200);
    const afterPolicy = await itemCount();
    const unknownTownship = await send(
      fileCase,
      officerOf("230124", "230124900"),
      "POST /cases",
      filing("230124900", "230124"),
    );
    expect(unknownTownship.status).toBe(404);
    expect(unknownTownship.body.messageZh).toBe("该乡镇（街道）不存在或尚未在本系统开通");
    expect(await itemCount()).toBe(afterPolicy);
  });
});
