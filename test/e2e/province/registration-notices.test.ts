/**
 * 外地受助 (DOMAIN §3.6, issue 22 §3): three counties created through the API. A resident of 乙县 (B)
 * hit by a fire in 甲县 (A) is aided there through the real Flow A (advance paid, paperwork, close);
 * at the close 乙县's county civil affairs and auditor find a masked notice about their resident —
 * case number, dates, where aided, cause, amount paid, result — and its figures per county and cause;
 * 丙县 (C) finds nothing, 甲县 (the aiding county) finds nothing either, and every case route of the
 * catalog answers 403 or 404 to 乙县's users, writing nothing.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { resetConfig } from "#functions/runtime/config.ts";
import { resetFlowDeps } from "#functions/services/deps.ts";
import type { NoticeStats, RegistrationNoticeView } from "#functions/services/registration-notices.ts";
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
  townshipName: string;
  /** userId by role (`township-officer-2`: the second officer). */
  staff: Record<string, string>;
}

const A: CountySetup = {
  countyId: "230183",
  name: "甲县",
  townshipId: "230183100",
  townshipName: "甲县城关镇",
  staff: {},
};
const B: CountySetup = {
  countyId: "230184",
  name: "乙县",
  townshipId: "230184100",
  townshipName: "乙县城关镇",
  staff: {},
};
const C: CountySetup = {
  countyId: "230185",
  name: "丙县",
  townshipId: "230185100",
  townshipName: "丙县城关镇",
  staff: {},
};

const ROLES_OF_A = [
  "township-officer",
  "township-officer-2",
  "township-approver",
  "county-civil-affairs",
  "county-finance",
  "county-admin",
] as const;
const ROLES_OF_READERS = ["township-officer", "county-civil-affairs", "auditor"] as const;

const APPLICANT = {
  name: "张伟",
  idNumber: "230184198001011230",
  phone: "13912345678",
  account: "6217000012345678",
  description: "房屋失火，家中财物全部烧毁",
};

let county: LocalCounty;
let province: ApiClient;
let caseId = "";

const key = () => randomUUID();

async function createCounty(c: CountySetup, roles: readonly string[], phoneBlock: string): Promise<void> {
  const created = await province.post(
    "/admin/counties",
    {
      countyId: c.countyId,
      name: c.name,
      townships: [
        { townshipId: c.townshipId, name: c.townshipName, registeredPopulation: 30000, area: "rural" },
      ],
    },
    { idempotencyKey: key() },
  );
  expect(created.status, created.text).toBe(201);
  for (const [i, role] of roles.entries()) {
    const realRole = role.replace(/-2$/, "");
    const user = await province.post<{ userId: string }>(
      `/admin/counties/${c.countyId}/users`,
      {
        name: `${c.name}职员${i + 1}`,
        phone: `139${phoneBlock}000${i + 1}`,
        role: realRole,
        ...(realRole.startsWith("township-") ? { townshipId: c.townshipId } : {}),
      },
      { idempotencyKey: key() },
    );
    expect(user.status, user.text).toBe(201);
    c.staff[role] = user.body.userId;
  }
}

interface Progress {
  case: { status: string; outcome?: { totalPaidYuan: string; registrationCountyNotified: boolean } };
  tasks: Array<{ taskType: string; status: string }>;
}

async function until(client: ApiClient, check: (p: Progress) => boolean, what: string): Promise<Progress> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const progress = await client.get<Progress>(`/cases/${caseId}/progress`);
    if (progress.status === 200 && check(progress.body)) return progress.body;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${progress.text}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const openTask = (type: string) => (p: Progress) =>
  p.tasks.some((t) => t.taskType === type && t.status === "open");

/** 甲县 onboarded (policy approved by its own administrator, fund allocated), and B's resident aided there to the close. */
async function aidBResidentInA(): Promise<Progress> {
  const proposed = await province.post(
    `/admin/counties/${A.countyId}/policy-versions`,
    {
      versionId: `${A.countyId}-2026-01`,
      effectiveFrom: "2026-01-01T00:00:00+08:00",
      basis: "甲县临时救助实施细则（测试数据）",
      parameters: demoCountyParameters2026,
    },
    { idempotencyKey: key() },
  );
  expect(proposed.status, proposed.text).toBe(201);
  const admin = await signIn(county.apiUrl, A.staff["county-admin"] as string);
  const approvedVersion = await admin.post(
    `/admin/counties/${A.countyId}/policy-versions/${A.countyId}-2026-01/approval`,
    {},
    { idempotencyKey: key() },
  );
  expect(approvedVersion.status, approvedVersion.text).toBe(200);
  const finance = await signIn(county.apiUrl, A.staff["county-finance"] as string);
  const allocated = await finance.post(
    "/allocations",
    { townshipId: A.townshipId, amountYuan: "30000.00", reason: "2026 年度备用金" },
    { idempotencyKey: key() },
  );
  expect(allocated.status, allocated.text).toBe(200);

  const applicant = await signIn(county.apiUrl, "applicant-zhang");
  const filed = await applicant.post<{ caseId: string }>(
    "/cases",
    {
      townshipId: A.townshipId,
      hardship: { cause: "fire" },
      description: APPLICANT.description,
      requestedAmountYuan: "600.00",
      applicant: {
        name: APPLICANT.name,
        document: { type: "resident-id", number: APPLICANT.idNumber },
        phone: APPLICANT.phone,
        registration: { countyCode: B.countyId },
      },
      bankAccount: { holderName: APPLICANT.name, bankName: "农村信用社", account: APPLICANT.account },
    },
    { idempotencyKey: key() },
  );
  expect(filed.status, filed.text).toBe(201);
  caseId = filed.body.caseId;
  const officer = await signIn(county.apiUrl, A.staff["township-officer"] as string);
  const approver = await signIn(county.apiUrl, A.staff["township-approver"] as string);
  await until(applicant, openTask("advance-decision"), "the advance decision");
  const approved = await approver.post(
    `/cases/${caseId}/advance-decision`,
    { decision: "approve", amountYuan: "600.00" },
    { idempotencyKey: key() },
  );
  expect(approved.status, approved.text).toBe(200);
  await until(officer, openTask("paperwork"), "the paperwork task after payment");
  const visitedAt = new Date(county.runtime.clock.nowMs()).toISOString();
  const paperwork = await officer.post(
    `/cases/${caseId}/paperwork`,
    {
      investigators: [
        { userId: A.staff["township-officer"], visitedAt },
        { userId: A.staff["township-officer-2"], visitedAt },
      ],
      economicCheck: { result: "eligible" },
      facts: "入户核实属实",
      goodFaithBasis: "现场照片及村委会证明",
    },
    { idempotencyKey: key() },
  );
  expect(paperwork.status, paperwork.text).toBe(202);
  const coSigned = await (await signIn(county.apiUrl, A.staff["township-officer-2"] as string)).post(
    `/cases/${caseId}/paperwork/co-sign`,
    { decision: "confirm" },
    { idempotencyKey: key() },
  );
  expect(coSigned.status, coSigned.text).toBe(200);
  await until(officer, openTask("follow-up"), "the follow-up task");
  const closed = await officer.post(
    `/cases/${caseId}/follow-up`,
    { close: { summary: "结案，已告知户籍地" } },
    { idempotencyKey: key() },
  );
  expect(closed.status, closed.text).toBe(200);
  return await until(applicant, (p) => p.case.status === "closed", "the case to close");
}

beforeAll(async () => {
  county = await startLocalCounty({
    dynamoEndpoint: inject("dynamoEndpoint"),
    tablePrefix: `rn-e2e-${Math.random().toString(36).slice(2, 8)}-`,
    clock: { mode: "accelerated", speed: 60 },
    workflows: [{ name: "flow-a", file: "workflows/flow-a.asl.json" }],
  });
  resetConfig();
  resetFlowDeps();
  province = await signIn(county.apiUrl, "province-admin-1");
  await createCounty(A, ROLES_OF_A, "8311");
  await createCounty(B, ROLES_OF_READERS, "8411");
  await createCounty(C, ROLES_OF_READERS, "8511");
}, 120_000);

afterAll(async () => {
  await county?.stop();
  resetFlowDeps();
});

describe("外地受助: the registration county of a non-local applicant aided in another county", () => {
  it("sees a masked notice and its figures; a third county and the aiding county see none", async () => {
    // Prepare
    const final = await aidBResidentInA();
    const bCivil = await signIn(county.apiUrl, B.staff["county-civil-affairs"] as string);
    const bAuditor = await signIn(county.apiUrl, B.staff.auditor as string);
    const bOfficer = await signIn(county.apiUrl, B.staff["township-officer"] as string);
    const cCivil = await signIn(county.apiUrl, C.staff["county-civil-affairs"] as string);
    const aCivil = await signIn(county.apiUrl, A.staff["county-civil-affairs"] as string);

    // Act
    const list = await bCivil.get<{ countyId: string; items: RegistrationNoticeView[] }>(
      "/registration-notices",
    );
    const byAuditor = await bAuditor.get<{ items: RegistrationNoticeView[] }>("/registration-notices");
    const stats = await bCivil.get<NoticeStats>("/registration-notices/stats");
    const officerList = await bOfficer.get("/registration-notices");
    const third = await cCivil.get<{ items: RegistrationNoticeView[] }>("/registration-notices");
    const thirdStats = await cCivil.get<NoticeStats>("/registration-notices/stats");
    const aiding = await aCivil.get<{ items: RegistrationNoticeView[] }>("/registration-notices");
    const otherCounty = await bCivil.get("/registration-notices?countyId=230183");

    // Assess
    expect(final.case.outcome).toMatchObject({ totalPaidYuan: "600.00", registrationCountyNotified: true });
    expect(list.status, list.text).toBe(200);
    expect(list.body.countyId).toBe(B.countyId);
    expect(list.body.items).toHaveLength(1);
    const notice = list.body.items[0] as RegistrationNoticeView;
    expect(notice).toMatchObject({
      caseId,
      countyId: A.countyId,
      countyName: A.name,
      townshipId: A.townshipId,
      townshipName: A.townshipName,
      cause: "fire",
      flow: "A",
      result: "aided",
      paidFen: 60000,
      paidYuan: "600.00",
      applicantNameMasked: "张*",
      idNumberMasked: "2301**********1230",
    });
    expect(notice.filedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(notice.closedOn >= notice.filedOn).toBe(true);
    // Nothing more than the notice: no clear name, document, phone, account, narrative or document.
    for (const secret of [
      APPLICANT.name,
      APPLICANT.idNumber,
      APPLICANT.phone,
      APPLICANT.account,
      "农村信用社",
    ])
      expect(list.text).not.toContain(secret);
    expect(list.text).not.toContain(APPLICANT.description);
    expect(Object.keys(notice).sort()).toEqual(
      [
        "applicantNameMasked",
        "caseId",
        "cause",
        "closedAt",
        "closedOn",
        "countyId",
        "countyName",
        "filedAt",
        "filedOn",
        "flow",
        "idNumberMasked",
        "paidFen",
        "paidYuan",
        "result",
        "townshipId",
        "townshipName",
      ].sort(),
    );
    expect(byAuditor.status, byAuditor.text).toBe(200);
    expect(byAuditor.body.items.map((n) => n.caseId)).toEqual([caseId]);
    expect(stats.status, stats.text).toBe(200);
    expect(stats.body).toMatchObject({
      countyId: B.countyId,
      total: { count: 1, paidFen: 60000, paidYuan: "600.00" },
      rows: [{ countyId: A.countyId, countyName: A.name, cause: "fire", count: 1, paidFen: 60000 }],
      complete: true,
    });
    expect(officerList.status, officerList.text).toBe(403);
    expect(third.status, third.text).toBe(200);
    expect(third.body.items).toEqual([]);
    expect(third.text).not.toContain(caseId);
    expect(thirdStats.body).toMatchObject({
      countyId: C.countyId,
      total: { count: 0, paidFen: 0 },
      rows: [],
    });
    expect(aiding.status, aiding.text).toBe(200);
    expect(aiding.body.items).toEqual([]);
    expect(otherCounty.status, otherCounty.text).toBe(400);
  }, 240_000);

  it("the notice opens no case: every case route answers 403 or 404 to the registration county and writes nothing", async () => {
    // Prepare
    expect(caseId).not.toBe("");
    const tables = { client: county.runtime.dynamo, names: county.runtime.tables } as unknown as TestTables;
    const { registered } = await loadCatalogRoutes();
    const caseRoutes = registered.filter((route) => route.path.includes("{caseId}"));
    const readers: Array<[string, ApiClient]> = [];
    for (const role of ROLES_OF_READERS)
      readers.push([role, await signIn(county.apiUrl, B.staff[role] as string)]);
    const wrong: string[] = [];
    const writes: string[] = [];
    let before = await digestTables(tables);

    // Act
    for (const route of caseRoutes) {
      const path = route.path.replace(/\{([A-Za-z0-9_]+)\+?\}/g, (_m, name: string) =>
        name === "caseId" ? caseId : "x1",
      );
      const body = route.method === "GET" || route.method === "DELETE" ? undefined : {};
      for (const [role, client] of readers) {
        const response = await client.request(route.method, path, body, { idempotencyKey: key() });
        const after = await digestTables(tables);
        if (response.status !== 403 && response.status !== 404)
          wrong.push(`${route.routeKey} as ${role} → ${response.status} ${response.text.slice(0, 120)}`);
        if (after !== before) writes.push(`${route.routeKey} as ${role}`);
        before = after;
      }
    }

    // Assess
    expect(caseRoutes.length).toBeGreaterThan(10);
    expect(wrong).toEqual([]);
    expect(writes).toEqual([]);
  }, 600_000);
});
