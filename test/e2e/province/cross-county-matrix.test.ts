/**
 * Issue 22, "What must be shown": a cross-county matrix. Two counties are created through the API
 * (`POST /admin/counties`), their staff through the users API, their policy versions proposed and
 * approved by two administrators, their funds allocated by their own finance, and a case filed in each
 * (the real Flow A state machine). Then every catalog route is called by every role of county A with
 * county B's ids put wherever the route names a resource — path, query, body (case, township, fund,
 * county, policy version, user, calendar year) — and must answer 403 or 404, reading nothing and
 * writing nothing (a digest of both tables before and after each request). Routes that cannot name
 * another county's resource at all answer with the actor's own county only: their body must hold none
 * of county B's ids.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { RouteAccess } from "#functions/http/index.ts";
import { resetConfig } from "#functions/runtime/config.ts";
import { resetFlowDeps } from "#functions/services/deps.ts";
import { demoCountyParameters2026 } from "#local/seed/policy-demo-county.ts";
import { type LocalCounty, startLocalCounty } from "#local/services.ts";
import { loadCatalogRoutes } from "#test/e2e/proofs/catalog-routes.ts";
import { digestTables } from "#test/e2e/proofs/tables.ts";
import { type ApiClient, signIn } from "#test/e2e/support/api.ts";
import type { TestTables } from "#test/support/dynamo.ts";

interface CountySetup {
  countyId: string;
  name: string;
  townshipId: string;
  versionId: string;
  /** userId by role. */
  staff: Record<string, string>;
  caseId: string;
  applicantId: string;
}

const ROLES = [
  "township-officer",
  "township-approver",
  "county-civil-affairs",
  "county-finance",
  "auditor",
  "county-admin",
] as const;

let county: LocalCounty;
let province: ApiClient;
const A: CountySetup = {
  countyId: "230183",
  name: "甲县",
  townshipId: "230183100",
  versionId: "230183-2026-01",
  staff: {},
  caseId: "",
  applicantId: "applicant-zhang",
};
const B: CountySetup = {
  countyId: "230184",
  name: "乙县",
  townshipId: "230184100",
  versionId: "230184-2026-01",
  staff: {},
  caseId: "",
  applicantId: "applicant-li",
};

const key = () => randomUUID();

async function expectStatus(
  response: Promise<{ status: number; text: string }>,
  status: number,
): Promise<{ status: number; text: string }> {
  const answered = await response;
  expect(answered.status, answered.text).toBe(status);
  return answered;
}

/** A county, its staff (one per county role), its approved policy, its funded township and a filed case. */
async function setUp(c: CountySetup, phoneBlock: string): Promise<void> {
  await expectStatus(
    province.post(
      "/admin/counties",
      {
        countyId: c.countyId,
        name: c.name,
        townships: [
          { townshipId: c.townshipId, name: `${c.name}城关镇`, registeredPopulation: 30000, area: "rural" },
        ],
      },
      { idempotencyKey: key() },
    ),
    201,
  );
  for (const [i, role] of ROLES.entries()) {
    const created = await province.post<{ userId: string }>(
      `/admin/counties/${c.countyId}/users`,
      {
        name: `${c.name}职员${i + 1}`,
        phone: `139${phoneBlock}000${i + 1}`,
        role,
        ...(role.startsWith("township-") ? { townshipId: c.townshipId } : {}),
      },
      { idempotencyKey: key() },
    );
    expect(created.status, created.text).toBe(201);
    c.staff[role] = created.body.userId;
  }
  await expectStatus(
    province.post(
      `/admin/counties/${c.countyId}/policy-versions`,
      {
        versionId: c.versionId,
        effectiveFrom: "2026-01-01T00:00:00+08:00",
        basis: `${c.name}临时救助实施细则（测试数据）`,
        parameters: demoCountyParameters2026,
      },
      { idempotencyKey: key() },
    ),
    201,
  );
  const admin = await signIn(county.apiUrl, c.staff["county-admin"] as string);
  await expectStatus(
    admin.post(
      `/admin/counties/${c.countyId}/policy-versions/${c.versionId}/approval`,
      {},
      { idempotencyKey: key() },
    ),
    200,
  );
  const finance = await signIn(county.apiUrl, c.staff["county-finance"] as string);
  await expectStatus(
    finance.post(
      "/allocations",
      { townshipId: c.townshipId, amountYuan: "30000.00", reason: "2026 年度备用金" },
      { idempotencyKey: key() },
    ),
    200,
  );
  const applicant = await signIn(county.apiUrl, c.applicantId);
  const filed = await applicant.post<{ caseId: string }>(
    "/cases",
    {
      townshipId: c.townshipId,
      hardship: { cause: "fire" },
      description: "房屋失火",
      requestedAmountYuan: "500.00",
      applicant: {
        name: c.applicantId === "applicant-zhang" ? "张伟" : "李娜",
        document: {
          type: "resident-id",
          number: c.applicantId === "applicant-zhang" ? "230123198001011238" : "230123199002023454",
        },
        registration: { countyCode: c.countyId },
      },
      bankAccount: { holderName: "张伟", bankName: "农村信用社", account: "6217000012345678" },
    },
    { idempotencyKey: key() },
  );
  expect(filed.status, filed.text).toBe(201);
  c.caseId = filed.body.caseId;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const progress = await applicant.get<{ tasks: Array<{ taskType: string; status: string }> }>(
      `/cases/${c.caseId}/progress`,
    );
    if (progress.body.tasks?.some((t) => t.taskType === "advance-decision" && t.status === "open")) break;
    if (Date.now() > deadline)
      throw new Error(`case of ${c.countyId} never reached its decision: ${progress.text}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** County B's id for each name a route may use for a resource (path parameter, query or body key). */
function bIds(): Record<string, string> {
  return {
    caseId: B.caseId,
    townshipId: B.townshipId,
    fundId: B.townshipId,
    countyId: B.countyId,
    versionId: B.versionId,
    userId: B.staff["township-officer"] as string,
    year: "2026",
    period: "2026-12",
  };
}

const RESOURCE_KEYS = ["caseId", "townshipId", "fundId", "countyId", "versionId", "userId"];

function keysOf(schema: unknown): string[] {
  const shape = (schema as { shape?: object } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

const FILING = (townshipId: string) => ({
  townshipId,
  hardship: { cause: "medical" },
  description: "家中主要劳动力患重病，长期住院治疗",
  requestedAmountYuan: "500.00",
  applicant: {
    name: "王建国",
    document: { type: "resident-id", number: "230123198001011238" },
    registration: { countyCode: A.countyId },
  },
  bankAccount: { holderName: "王建国", bankName: "农村信用社", account: "6217000012340000" },
});

const POLICY_VERSION = () => ({
  effectiveFrom: "2027-01-01T00:00:00+08:00",
  basis: "跨县测试（测试数据）",
  parameters: demoCountyParameters2026,
});

/**
 * A body each route would accept, so that what answers is the authorization, not the validation;
 * the resource keys are then overwritten with county B's ids (`callFor`).
 */
const VALID_BODIES: Record<string, () => Record<string, unknown>> = {
  "POST /cases": () => FILING(B.townshipId),
  "POST /plans": () => ({
    ...FILING(B.townshipId),
    expectedDurationMonths: 6,
    estimatedTotalYuan: "2400.00",
  }),
  "POST /allocations": () => ({ amountYuan: "100.00", reason: "跨县测试" }),
  "POST /reconciliations": () => ({ period: "2026-12" }),
  "POST /admin/counties/{countyId}/policy-versions": () => ({
    versionId: `${B.countyId}-2027-01`,
    ...POLICY_VERSION(),
  }),
  "PUT /admin/counties/{countyId}/policy-versions/{versionId}": POLICY_VERSION,
  "POST /admin/counties/{countyId}/users": () => ({
    name: "跨县测试",
    phone: "13999990001",
    role: "township-officer",
  }),
  "PUT /admin/counties/{countyId}/message-templates": () => ({ templates: {} }),
  "POST /admin/counties/{countyId}/townships": () => ({
    townshipId: `${B.countyId}900`,
    name: "跨县新乡",
    area: "rural",
    registeredPopulation: 1000,
  }),
  "POST /admin/counties/{countyId}/townships/{townshipId}": () => ({
    name: "跨县改名",
    area: "rural",
    registeredPopulation: 30000,
    expectedRevision: 0,
  }),
  "POST /admin/counties/{countyId}/townships/{townshipId}/fund-quota": () => ({
    quotaYuan: "30000.00",
    expectedRevision: 0,
  }),
  "POST /incidents/{incidentId}/households": () => ({
    townshipId: B.townshipId,
    name: "王建国",
    document: { type: "resident-id", number: "230123198001011238" },
  }),
};

/** Query values a route requires beside the resource. */
const REQUIRED_QUERY: Record<string, Record<string, string>> = {
  "GET /exports/reconciliation": { period: "2026-12" },
};

/**
 * Requests that are not a cross-county access: an applicant files at the township of the emergency,
 * whatever county that is (DOMAIN §2.1) — filing in county B's township, and reading the counties and
 * townships to choose it from (no personal data), is the rule, not a breach.
 */
const NOT_CROSS_COUNTY: Record<string, string> = {
  "POST /cases as applicant": "an applicant files wherever the emergency happened (DOMAIN §2.1)",
  "POST /plans as applicant": "an applicant files wherever the emergency happened (DOMAIN §2.1)",
  "GET /townships as applicant":
    "an applicant picks the township of the emergency in any county (DOMAIN §2.1)",
  "GET /counties as applicant":
    "an applicant picks the county of the emergency (DOMAIN §2.1): codes and names only",
};

interface Call {
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | undefined;
  /** Which of B's resources the request names (empty: the route cannot name one). */
  names: string[];
}

function callFor(route: RouteAccess): Call {
  const ids = bIds();
  const names: string[] = [];
  const path = route.path.replace(/\{([A-Za-z0-9_]+)\+?\}/g, (_m, name: string) => {
    if (RESOURCE_KEYS.includes(name)) names.push(`path ${name}`);
    return encodeURIComponent(ids[name] ?? "x1");
  });
  const query: Record<string, string> = { ...REQUIRED_QUERY[route.routeKey] };
  for (const name of keysOf(route.query))
    if (RESOURCE_KEYS.includes(name) && ids[name]) {
      query[name] = ids[name];
      names.push(`query ${name}`);
    }
  let body: Record<string, unknown> | undefined;
  if (route.method !== "GET" && route.method !== "DELETE") {
    body = VALID_BODIES[route.routeKey]?.() ?? {};
    for (const name of keysOf(route.body))
      if (RESOURCE_KEYS.includes(name) && ids[name]) {
        body[name] = ids[name];
        names.push(`body ${name}`);
      }
  }
  return { path, query, body, names };
}

/** Everything of county B a response could leak. */
function bMarkers(): string[] {
  return [B.countyId, B.townshipId, B.caseId, B.versionId, B.name, ...Object.values(B.staff)];
}

beforeAll(async () => {
  county = await startLocalCounty({
    dynamoEndpoint: inject("dynamoEndpoint"),
    tablePrefix: `xc-e2e-${Math.random().toString(36).slice(2, 8)}-`,
    clock: { mode: "real" },
    workflows: [{ name: "flow-a", file: "workflows/flow-a.asl.json" }],
  });
  resetConfig();
  resetFlowDeps();
  province = await signIn(county.apiUrl, "province-admin-1");
  await setUp(A, "8301");
  await setUp(B, "8401");
}, 120_000);

afterAll(async () => {
  await county?.stop();
  resetFlowDeps();
});

describe("cross-county matrix: two API-created counties, every route × every role of A against B", () => {
  it("answers 403 or 404 to every request naming county B's resources, and reads and writes nothing of B", async () => {
    // Prepare
    const tables = {
      client: county.runtime.dynamo,
      names: county.runtime.tables,
    } as unknown as TestTables;
    const { registered } = await loadCatalogRoutes();
    const routes = registered.filter((route) => !route.public);
    const actors: Array<[string, ApiClient]> = [];
    for (const role of ROLES) actors.push([role, await signIn(county.apiUrl, A.staff[role] as string)]);
    actors.push(["applicant", await signIn(county.apiUrl, A.applicantId)]);
    const markers = bMarkers();
    const wrongAnswers: string[] = [];
    const writes: string[] = [];
    const leaks: string[] = [];
    const skipped: string[] = [];
    let naming = 0;
    let ownOnly = 0;
    let before = await digestTables(tables);

    // Act
    for (const route of routes) {
      const call = callFor(route);
      const query = Object.keys(call.query).length ? `?${new URLSearchParams(call.query).toString()}` : "";
      for (const [role, client] of actors) {
        if (NOT_CROSS_COUNTY[`${route.routeKey} as ${role}`]) {
          skipped.push(`${route.routeKey} as ${role}: ${NOT_CROSS_COUNTY[`${route.routeKey} as ${role}`]}`);
          continue;
        }
        const response = await client.request(route.method, `${call.path}${query}`, call.body, {
          idempotencyKey: key(),
        });
        const cell = `${route.routeKey} as ${role} [${call.names.join(", ") || "own county only"}] → ${response.status}`;
        const after = await digestTables(tables);
        const leaked = markers.filter((m) => response.text.includes(m));
        if (call.names.length > 0) {
          naming++;
          if (response.status !== 403 && response.status !== 404)
            wrongAnswers.push(`${cell} ${response.text.slice(0, 160)}`);
          if (after !== before) writes.push(cell);
        } else {
          ownOnly++;
          if (response.status >= 400 && after !== before) writes.push(cell);
        }
        if (leaked.length > 0) leaks.push(`${cell}: ${leaked.join(", ")}`);
        before = after;
      }
    }

    // Assess
    console.log(
      [
        `cross-county matrix: ${routes.length} routes × ${actors.length} roles of ${A.countyId} against ${B.countyId}`,
        `  ${naming} requests naming B's resources (403/404 expected), ${ownOnly} on routes that cannot name one (own county only)`,
        `  wrong answers ${wrongAnswers.length}, writes ${writes.length}, leaks ${leaks.length}`,
        `  not cross-county: ${skipped.join("; ")}`,
      ].join("\n"),
    );
    expect(naming).toBeGreaterThan(routes.length);
    expect(wrongAnswers).toEqual([]);
    expect(writes).toEqual([]);
    expect(leaks).toEqual([]);
    // Every route × every role, with two table scans after each request: minutes on a loaded machine.
  }, 900_000);
});
