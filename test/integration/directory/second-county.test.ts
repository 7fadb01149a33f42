/**
 * A second county stored in the directory (990001, two townships, its own policy set) works end to
 * end on the local runtime beside the bundled demo county: an officer of one of its townships files
 * a case, its finance allocates, lists and reconciles its funds, its county-wide case list and work
 * queues show the case with the township's stored name — and the demo county sees none of it and
 * keeps working unchanged.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CountyDirectory, DirectoryStore, putCountyPolicySet } from "#adapters/directory-store.ts";
import { type ApiServer, startApiServer } from "#local/http/server.ts";
import { CHENGGUAN, DEMO_COUNTY } from "#local/seed/demo-county.ts";
import { demoCountyPolicy } from "#local/seed/policy-demo-county.ts";
import { DEMO_USERS, type DemoUser } from "#local/seed/users.ts";
import { fileCase, filingFor, type ListPage, person } from "#test/e2e/queries/support.ts";
import { ApiClient } from "#test/e2e/support/api.ts";
import { type FlowAWorld, startFlowAWorld } from "#test/integration/flow-a/world.ts";

const DEV_SECRET = "directory-test-dev-token-secret-0001";
const COUNTY = "990001";
const EAST = "990001101";
const WEST = "990001202";

const SECOND: CountyDirectory = {
  countyId: COUNTY,
  name: "测试二县",
  townships: [
    { townshipId: EAST, name: "东城街道", registeredPopulation: 12_000, area: "urban" },
    { townshipId: WEST, name: "西山乡", registeredPopulation: 8_500, area: "rural" },
  ],
};

const user = (userId: string, roles: DemoUser["roles"], townshipId?: string): DemoUser => ({
  userId,
  name: `测试${userId}`,
  roles,
  countyId: COUNTY,
  ...(townshipId ? { townshipId } : {}),
  descriptionZh: "第二县测试用户",
});

type Item = { caseId: string; townshipId: string; townshipName: string | null; countyId: string };
type Fund = { townshipId: string; name: string; quotaYuan: string; balanceYuan: string };

let world: FlowAWorld;
let server: ApiServer;
let caseId: string;
let demoCaseId: string;

/** A client with a token of the server's local OIDC provider, as a sign-in there would issue. */
function as(who: DemoUser): ApiClient {
  return new ApiClient(server.url, server.mintToken(who));
}
function demo(userId: string): ApiClient {
  const found = DEMO_USERS.find((u) => u.userId === userId);
  if (!found) throw new Error(`no demo user ${userId}`);
  return as(found);
}

const officer = user("officer-east-1", ["township-officer"], EAST);
const approver = user("approver-east", ["township-approver"], EAST);
const civil = user("civil-990001", ["county-civil-affairs"]);
const finance = user("finance-990001", ["county-finance"]);

beforeAll(async () => {
  world = await startFlowAWorld({ label: "dir-second" });
  server = await startApiServer({ devTokenSecret: DEV_SECRET });
  // Prepare: the county and its policy (the demo policy, re-issued for this county).
  const db = DynamoDBDocumentClient.from(world.runtime.dynamo);
  await new DirectoryStore(db, world.runtime.tables.main).putCounty(SECOND);
  await putCountyPolicySet(db, world.runtime.tables.main, {
    countyId: COUNTY,
    countyName: SECOND.name,
    versions: demoCountyPolicy.versions.map((v, i) => ({
      ...v,
      countyId: COUNTY,
      versionId: `990001-v${i + 1}`,
    })),
  });
  const allocated = await as(finance).post<Fund>(
    "/allocations",
    { townshipId: EAST, amountYuan: "12000.00", reason: "2026 年度备用金" },
    { idempotencyKey: "alloc-east" },
  );
  if (allocated.status !== 200) throw new Error(`allocation failed: ${allocated.status} ${allocated.text}`);
  caseId = await fileCase(
    world,
    as(officer),
    filingFor(EAST, person(1), "fire", {
      applicant: {
        ...(filingFor(EAST, person(1), "fire").applicant as object),
        registration: { countyCode: COUNTY },
      },
    }),
  );
  demoCaseId = await fileCase(
    world,
    demo("officer-chengguan-1"),
    filingFor(CHENGGUAN.townshipId, person(2), "flood"),
  );
}, 120_000);

afterAll(async () => {
  await server?.close();
  await world?.close();
});

describe("a second county from the directory", () => {
  it("an officer of its township files a case: the flow opens the advance decision under the county's own policy", async () => {
    // Act
    const progress = await as(officer).get<Record<string, unknown>>(`/cases/${caseId}/progress`);
    const record = await world.deps.cases.get(caseId);
    // Assess
    expect(progress.status).toBe(200);
    expect(record).toMatchObject({ countyId: COUNTY, townshipId: EAST, status: "awaiting-advance-decision" });
    expect(JSON.stringify(record)).toContain("990001-v");
  });

  it("its county civil affairs lists the case county-wide, with the stored township name", async () => {
    // Act
    const response = await as(civil).get<ListPage<Item>>("/cases");
    // Assess
    expect(response.status).toBe(200);
    expect(response.body.items.map((i) => [i.caseId, i.townshipId, i.townshipName])).toEqual([
      [caseId, EAST, "东城街道"],
    ]);
  });

  it("its township approver's work queue holds the advance decision, named by the stored township", async () => {
    // Act
    const response = await as(approver).get<ListPage<Item & { taskType: string }>>("/work-queue");
    // Assess
    expect(response.status).toBe(200);
    expect(response.body.items.map((i) => [i.caseId, i.taskType, i.townshipName])).toEqual([
      [caseId, "advance-decision", "东城街道"],
    ]);
  });

  it("its finance lists both townships' funds and reconciles the county's opened fund", async () => {
    // Act
    const funds = await as(finance).get<{ funds: Fund[] }>("/funds");
    const runs = await as(finance).post<{ runs: { townshipId: string; townshipName: string }[] }>(
      "/reconciliations",
      { period: "2026-03" },
    );
    // Assess
    expect(funds.status).toBe(200);
    expect(funds.body.funds.map((f) => [f.townshipId, f.name, f.balanceYuan])).toEqual([
      [EAST, "东城街道", "12000.00"],
      [WEST, "西山乡", "0.00"],
    ]);
    expect(runs.status).toBe(200);
    expect(runs.body.runs.map((r) => [r.townshipId, r.townshipName])).toEqual([[EAST, "东城街道"]]);
  });

  it("a township not in its directory is refused by finance, and a demo officer cannot reach its cases", async () => {
    // Act
    const unknown = await as(finance).post(
      "/allocations",
      { townshipId: "990001999", amountYuan: "100.00", reason: "不存在的乡镇" },
      { idempotencyKey: "alloc-unknown" },
    );
    const outside = await demo("officer-chengguan-1").get(`/cases?township=${EAST}`);
    // Assess
    expect(unknown.status).toBe(404);
    expect(outside.status).toBe(403);
  });

  it("the demo county keeps working unchanged: its three funds, its own case, nothing of the second county", async () => {
    // Act
    const funds = await demo("finance-1").get<{ funds: Fund[] }>("/funds");
    const cases = await demo("county-civil-1").get<ListPage<Item>>("/cases");
    // Assess
    expect(funds.body.funds.map((f) => [f.townshipId, f.name])).toEqual(
      DEMO_COUNTY.townships.map((t) => [t.townshipId, t.name]),
    );
    expect(cases.body.items.map((i) => [i.caseId, i.townshipName])).toEqual([[demoCaseId, CHENGGUAN.name]]);
    expect(cases.body.items.every((i) => i.countyId === DEMO_COUNTY.countyId)).toBe(true);
  });

  it("GET /townships: staff of the county and of its townships read its directory, and so do applicants (to file)", async () => {
    // Prepare
    const applicant = user("applicant-990001", ["applicant"]);
    type Listed = {
      countyId: string;
      townships: { townshipId: string; name: string; area: string; registeredPopulation: number }[];
    };
    // Act
    const byOfficer = await as(officer).get<Listed>("/townships");
    const byFinance = await as(finance).get<Listed>("/townships");
    const byDemoCivil = await demo("county-civil-1").get<Listed>("/townships");
    const byApplicant = await as(applicant).get<Listed>("/townships");
    // Assess
    expect(byOfficer.status).toBe(200);
    expect(byOfficer.body).toEqual({
      countyId: COUNTY,
      townships: [
        { townshipId: EAST, name: "东城街道", area: "urban", registeredPopulation: 12_000 },
        { townshipId: WEST, name: "西山乡", area: "rural", registeredPopulation: 8_500 },
      ],
    });
    expect(byFinance.body).toEqual(byOfficer.body);
    expect(byDemoCivil.body.townships.map((t) => [t.name, t.area])).toEqual([
      ["城关镇", "rural"],
      ["河东乡", "rural"],
      ["新华街道", "urban"],
    ]);
    expect(byApplicant.status).toBe(200);
    expect(byApplicant.body).toEqual(byOfficer.body);
  });
});
