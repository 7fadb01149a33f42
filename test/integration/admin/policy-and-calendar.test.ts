/**
 * Policy versions and holiday calendars as data (DOMAIN §7, §8), through the Administration handler
 * (the HTTP API's claims as the JWT authorizer passes them) on this run's DynamoDB Local:
 * - maker-checker: the proposer of a version cannot approve it (403, nothing written), another
 *   administrator can; an approved version is never edited (409); bad input is a 400 in zh and en;
 * - a case filed under version 1 keeps version 1's figures after version 2 takes effect;
 * - the 2027 national schedule loaded at run time moves a paperwork deadline across the Spring
 *   Festival (an example schedule, not the official one: test/fixtures/calendars/).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PolicyStore } from "#adapters/policy-store.ts";
import { localDateOf } from "#core/calendar/index.ts";
import { resetConfig } from "#functions/runtime/config.ts";
import { createFlowDeps } from "#functions/services/deps.ts";
import { fileCase } from "#functions/services/flow-a/filing.ts";
import { planPaperwork } from "#functions/services/flow-a/steps.ts";
import type { FlowDeps } from "#functions/services/ports.ts";
import { FileCaseSchema } from "#functions/services/steps/filing.ts";
import { demoCountyParameters2026 } from "#local/seed/policy-demo-county.ts";
import { createTestTables, type TestTables } from "#test/support/dynamo.ts";
import { claimsOf, httpEvent } from "#test/unit/http/support.ts";
import schedule2027 from "../../fixtures/calendars/cn-holidays-2027-example.json" with { type: "json" };

const COUNTY = "230123";
const countyAdmin1 = claimsOf({
  userId: "county-admin-1",
  name: "孙丽",
  roles: ["county-admin"],
  countyId: COUNTY,
});
const countyAdmin2 = claimsOf({
  userId: "county-admin-2",
  name: "钱进",
  roles: ["county-admin"],
  countyId: COUNTY,
});
const otherCountyAdmin = claimsOf({ userId: "county-admin-9", roles: ["county-admin"], countyId: "230124" });
const provinceAdmin = claimsOf({ userId: "province-admin-1", roles: ["province-admin"], countyId: "230000" });
const otherProvinceAdmin = claimsOf({
  userId: "province-admin-31",
  roles: ["province-admin"],
  countyId: "310000",
});
const officer = {
  userId: "officer-chengguan-1",
  name: "王芳",
  roles: ["township-officer" as const],
  countyId: COUNTY,
  townshipId: "230123100",
};

let tables: TestTables;
let documentsDir: string;
let nowMs = Date.parse("2026-12-01T09:00:00+08:00");
let deps: FlowDeps;
let admin: (event: unknown) => Promise<{ statusCode: number; body: string }>;
const previousEnv = { ...process.env };

async function call(
  claims: Record<string, string>,
  routeKey: string,
  path: string,
  pathParameters: Record<string, string>,
  body?: unknown,
) {
  const result = await admin(
    httpEvent(routeKey, { claims, path, pathParameters, ...(body ? { body } : {}) }),
  );
  return { status: result.statusCode, body: JSON.parse(result.body || "null") };
}

const v2Body = (overrides: Record<string, unknown> = {}) => ({
  versionId: "230123-2027-01",
  effectiveFrom: "2027-01-01T00:00:00+08:00",
  basis: "示例县临时救助实施细则（2027年修订，测试数据）",
  parameters: {
    ...demoCountyParameters2026,
    paperworkDeadlineWorkingDays: 10,
    advanceCeilingYuan: "800",
    cashCeilingYuan: "800",
  },
  ...overrides,
});

async function policyItems(): Promise<Record<string, unknown>[]> {
  const db = DynamoDBDocumentClient.from(tables.client);
  const out = await db.send(
    new QueryCommand({
      TableName: tables.names.main,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": `POLICY#${COUNTY}` },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

async function auditCount(countyId = COUNTY): Promise<number> {
  const db = DynamoDBDocumentClient.from(tables.client);
  const out = await db.send(
    new QueryCommand({
      TableName: tables.names.main,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": `AUDIT#${countyId}` },
      ConsistentRead: true,
    }),
  );
  return out.Items?.length ?? 0;
}

/** Each filing its own cause: the same person and cause while a case is open is the same case. */
async function file(description: string, cause: string): Promise<string> {
  const request = FileCaseSchema.parse({
    townshipId: "230123100",
    hardship: { cause },
    description,
    applicant: {
      name: "张伟",
      document: { type: "resident-id", number: "230123198001011238" },
      phone: "13812345678",
      registration: { countyCode: COUNTY },
    },
    bankAccount: { holderName: "张伟", bankName: "农村信用社", account: "6217000012345678" },
  });
  const result = await fileCase(deps, officer, request, `corr-${description}`);
  return (result as { caseId: string }).caseId;
}

beforeAll(async () => {
  tables = await createTestTables("admin-policy");
  documentsDir = await mkdtemp(join(tmpdir(), "aidflow-admin-"));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: tables.endpoint,
    AWS_REGION: "cn-north-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AIDFLOW_RUNTIME: "local",
    AIDFLOW_TABLE_MAIN: tables.names.main,
    AIDFLOW_TABLE_LEDGER: tables.names.ledger,
    AIDFLOW_IDENTITY_HASH_KEY: "admin-test-identity-hash-key-0123456789abcdef",
    AIDFLOW_DOCUMENTS_DIR: documentsDir,
  });
  resetConfig();
  const { installClock } = await import("#functions/runtime/clock.ts");
  installClock({ nowMs: () => nowMs } as never);
  admin = (await import("#functions/handlers/admin/admin.ts")).handler as never;
  deps = createFlowDeps({
    client: tables.client,
    tables: tables.names,
    identityHashKey: "admin-test-identity-hash-key-0123456789abcdef",
    payeeHashSecret: "admin-test-payee-hash-secret-000001",
    bankCallbackUrl: () => "http://127.0.0.1:1/bank/callback",
    gateway: () => {
      throw new Error("no bank in this test");
    },
    workflow: {
      startExecution: async () => ({ status: "started" }) as never,
      sendTaskSuccess: async () => "delivered",
      sendTaskFailure: async () => "delivered",
    },
    stateMachines: { flowA: "arn:aws-cn:states:cn-north-1:000000000000:stateMachine:flow-a" },
    now: () => new Date(nowMs),
  });
});

afterAll(async () => {
  const { resetClock } = await import("#functions/runtime/clock.ts");
  resetClock();
  process.env = previousEnv;
  resetConfig();
  tables?.client.destroy();
  await rm(documentsDir, { recursive: true, force: true });
});

const PROPOSE = "POST /admin/counties/{countyId}/policy-versions";
const APPROVE = "POST /admin/counties/{countyId}/policy-versions/{versionId}/approval";
const REVISE = "PUT /admin/counties/{countyId}/policy-versions/{versionId}";
const versionPath = (id: string) => `/admin/counties/${COUNTY}/policy-versions/${id}`;

describe("policy versions: proposed by one administrator, approved by another", () => {
  it("refuses bad input field by field in zh and en, writing nothing", async () => {
    const before = await policyItems();
    const audits = await auditCount();
    const bad = await call(
      countyAdmin1,
      PROPOSE,
      `/admin/counties/${COUNTY}/policy-versions`,
      { countyId: COUNTY },
      {
        ...v2Body({ versionId: "bad-1" }),
        parameters: {
          ...demoCountyParameters2026,
          paperworkDeadlineWorkingDays: 40,
          advanceCeilingYuan: "12.345",
        },
      },
    );
    expect(bad.status).toBe(400);
    const paths = (bad.body.fields as { path: string; message: string; messageZh: string }[]).map(
      (f) => f.path,
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        "body.parameters.paperworkDeadlineWorkingDays",
        "body.parameters.advanceCeilingYuan",
      ]),
    );
    for (const field of bad.body.fields) expect(field.messageZh).toMatch(/\p{Script=Han}/u);
    const past = await call(
      countyAdmin1,
      PROPOSE,
      `/admin/counties/${COUNTY}/policy-versions`,
      { countyId: COUNTY },
      {
        ...v2Body({ versionId: "bad-2", effectiveFrom: "2026-06-01T00:00:00+08:00" }),
      },
    );
    expect(past.status).toBe(400);
    expect(past.body.fields).toEqual([expect.objectContaining({ path: "body.effectiveFrom" })]);
    expect(await policyItems()).toEqual(before);
    expect(await auditCount()).toBe(audits);
  });

  it("an administrator of another county or province may not propose (403, nothing written)", async () => {
    const before = await policyItems();
    for (const claims of [otherCountyAdmin, otherProvinceAdmin]) {
      const refused = await call(
        claims,
        PROPOSE,
        `/admin/counties/${COUNTY}/policy-versions`,
        { countyId: COUNTY },
        v2Body(),
      );
      expect(refused.status).toBe(403);
    }
    const officerRefused = await call(
      claimsOf({ ...officer, roles: ["township-officer"] }),
      PROPOSE,
      `/admin/counties/${COUNTY}/policy-versions`,
      { countyId: COUNTY },
      v2Body(),
    );
    expect(officerRefused.status).toBe(403);
    expect(await policyItems()).toEqual(before);
  });

  it("the proposer cannot approve (403, nothing written); a second administrator does; approved is never edited (409)", async () => {
    const proposed = await call(
      countyAdmin1,
      PROPOSE,
      `/admin/counties/${COUNTY}/policy-versions`,
      { countyId: COUNTY },
      v2Body(),
    );
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    expect(proposed.body.status).toBe("proposed");

    const beforeSelf = await policyItems();
    const audits = await auditCount();
    const self = await call(countyAdmin1, APPROVE, `${versionPath("230123-2027-01")}/approval`, {
      countyId: COUNTY,
      versionId: "230123-2027-01",
    });
    expect(self.status).toBe(403);
    expect(self.body.messageZh).toContain("另一名管理员");
    expect(await policyItems()).toEqual(beforeSelf);
    expect(await auditCount()).toBe(audits);

    const approved = await call(countyAdmin2, APPROVE, `${versionPath("230123-2027-01")}/approval`, {
      countyId: COUNTY,
      versionId: "230123-2027-01",
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ status: "approved", approvedBy: { userId: "county-admin-2" } });
    expect(await auditCount()).toBe(audits + 1);

    const again = await call(provinceAdmin, APPROVE, `${versionPath("230123-2027-01")}/approval`, {
      countyId: COUNTY,
      versionId: "230123-2027-01",
    });
    expect(again.status).toBe(409);

    const beforeEdit = await policyItems();
    const edit = await call(
      countyAdmin2,
      REVISE,
      versionPath("230123-2027-01"),
      { countyId: COUNTY, versionId: "230123-2027-01" },
      { effectiveFrom: "2027-01-01T00:00:00+08:00", parameters: demoCountyParameters2026 },
    );
    expect(edit.status).toBe(409);
    expect(edit.body.messageZh).toContain("不得修改");
    const inForce = await call(
      countyAdmin1,
      PROPOSE,
      `/admin/counties/${COUNTY}/policy-versions`,
      { countyId: COUNTY },
      v2Body(),
    );
    expect(inForce.status).toBe(409);
    expect(await policyItems()).toEqual(beforeEdit);

    const set = await new PolicyStore(
      DynamoDBDocumentClient.from(tables.client),
      tables.names.main,
    ).approvedSet(COUNTY);
    expect(set?.set.versions.map((v) => v.versionId)).toEqual(["230123-2026-01", "230123-2027-01"]);
  });

  it("a case decided under version 1 keeps its figures after version 2 takes effect", async () => {
    // Prepare: filed on 2026-12-01 under version 1 (5 working days, advance ceiling 1000)
    nowMs = Date.parse("2026-12-01T09:00:00+08:00");
    const v1Case = await file("v1 case", "fire");
    expect((await deps.cases.get(v1Case)).policyVersionId).toBe("230123-2026-01");

    // Act: version 2 (10 working days, advance ceiling 800) is in force from 2027-01-01
    nowMs = Date.parse("2027-01-04T09:00:00+08:00");
    const v1Paperwork = await planPaperwork(deps, v1Case);
    const v2Case = await file("v2 case", "flood");

    // Assess
    expect(v1Paperwork.workingDays).toBe(5);
    const v1Record = await deps.cases.get(v1Case);
    const v1Policy = await deps.policy.resolveVersion(COUNTY, "230123100", v1Record.policyVersionId);
    expect(v1Policy.advanceCeilingYuan.toString()).toBe("1000.00");
    expect((await deps.cases.get(v2Case)).policyVersionId).toBe("230123-2027-01");
    expect((await planPaperwork(deps, v2Case)).workingDays).toBe(10);
  });
});

describe("holiday calendars as data", () => {
  const NATIONAL = "PUT /admin/calendars/national/{year}";

  it("the 2027 schedule loaded at run time moves a paperwork deadline across the Spring Festival", async () => {
    // Prepare: a case under version 1 whose advance is paid on Wednesday 2027-02-03
    nowMs = Date.parse("2026-12-30T09:00:00+08:00");
    const caseId = await file("spring festival case", "traffic-accident");
    nowMs = Date.parse("2027-02-03T10:00:00+08:00");
    const status = await call(
      countyAdmin1,
      "GET /admin/counties/{countyId}/calendar",
      `/admin/counties/${COUNTY}/calendar`,
      {
        countyId: COUNTY,
      },
    );
    expect(status.status).toBe(200);
    expect(status.body.warnings).toEqual([
      expect.objectContaining({
        year: 2027,
        code: "weekends-only",
        messageZh: expect.stringContaining("只按周末"),
      }),
      expect.objectContaining({ year: 2028, code: "weekends-only" }),
    ]);
    const weekendsOnly = await planPaperwork(deps, caseId);

    // Act: the province administrator loads the 2027 schedule
    const refused = await call(
      countyAdmin1,
      NATIONAL,
      "/admin/calendars/national/2027",
      { year: "2027" },
      schedule2027,
    );
    expect(refused.status).toBe(403);
    const wrongYear = await call(
      provinceAdmin,
      NATIONAL,
      "/admin/calendars/national/2028",
      { year: "2028" },
      schedule2027,
    );
    expect(wrongYear.status).toBe(400);
    expect(wrongYear.body.fields[0]).toMatchObject({ path: "body.year" });
    const loaded = await call(
      provinceAdmin,
      NATIONAL,
      "/admin/calendars/national/2027",
      { year: "2027" },
      schedule2027,
    );
    expect(loaded.status, JSON.stringify(loaded.body)).toBe(200);
    const withFestival = await planPaperwork(deps, caseId);

    // Assess: 5 working days from Wed 3 Feb — weekends only: Wed 10 Feb; with 春节 (5–13 Feb) and the
    // make-up Sunday 14 Feb: Wed 17 Feb
    expect(localDateOf(new Date(weekendsOnly.dueAt))).toBe("2027-02-10");
    expect(localDateOf(new Date(withFestival.dueAt))).toBe("2027-02-17");
    const after = await call(
      countyAdmin1,
      "GET /admin/counties/{countyId}/calendar",
      `/admin/counties/${COUNTY}/calendar`,
      {
        countyId: COUNTY,
      },
    );
    expect(after.body.warnings.map((w: { year: number }) => w.year)).toEqual([2028]);
    expect(after.body.years.map((y: { year: number }) => y.year)).toEqual([2026, 2027]);
  });

  it("county local days count only inside a loaded year and move the deadline too", async () => {
    nowMs = Date.parse("2027-03-01T10:00:00+08:00");
    const caseId = await file("local day case", "sudden-illness");
    const LOCAL = "PUT /admin/counties/{countyId}/calendar/local-days/{year}";
    const missingYear = await call(
      countyAdmin1,
      LOCAL,
      `/admin/counties/${COUNTY}/calendar/local-days/2029`,
      {
        countyId: COUNTY,
        year: "2029",
      },
      { holidays: [{ name: "县庆", from: "2029-03-02", to: "2029-03-02" }] },
    );
    expect(missingYear.status).toBe(409);
    const outside = await call(
      countyAdmin1,
      LOCAL,
      `/admin/counties/${COUNTY}/calendar/local-days/2027`,
      {
        countyId: COUNTY,
        year: "2027",
      },
      { holidays: [{ name: "县庆", from: "2028-03-02", to: "2028-03-02" }] },
    );
    expect(outside.status).toBe(400);
    const before = await planPaperwork(deps, caseId);
    const set = await call(
      countyAdmin1,
      LOCAL,
      `/admin/counties/${COUNTY}/calendar/local-days/2027`,
      {
        countyId: COUNTY,
        year: "2027",
      },
      { holidays: [{ name: "县庆", from: "2027-03-02", to: "2027-03-02" }] },
    );
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const after = await planPaperwork(deps, caseId);
    expect(localDateOf(new Date(before.dueAt))).toBe("2027-03-15");
    expect(localDateOf(new Date(after.dueAt))).toBe("2027-03-16");
  });
});
