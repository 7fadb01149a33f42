/**
 * The masking walker (DOMAIN §1, §7): every GET route of /openapi.json, called as every role, against
 * a county with filed, approved and paid Flow A cases, a Flow B plan with a paid stage, documents,
 * addresses, household registrations, phones and bank accounts. Each person's values are planted and
 * searched for as substrings of every answer: a value may appear only where the policy table
 * (core/access FIELD_VISIBILITY) shows that field clear to the reader's role AND the reader may read
 * that person's case at all (an applicant their own, township staff their township, county roles the
 * county). ID numbers, phones and account numbers are never stored unmasked, so they appear nowhere.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fieldVisibility, type PersonalField, type Role } from "#core/access/index.ts";
import { localDateOf } from "#core/calendar/localDate.ts";
import { DEMO_COUNTY } from "#local/seed/demo-county.ts";
import { DEMO_USERS } from "#local/seed/users.ts";
import type { ApiClient } from "#test/e2e/support/index.ts";
import { assessmentBody, DAY_MS, type FlowBWorld, startFlowBWorld } from "#test/integration/flow-b/world.ts";

const CHENGGUAN = "230123100";
const HEDONG = "230123200";
const XINHUA = "230123300";

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A resident ID with a right GB 11643 check digit. */
function residentId(first17: string): string {
  const sum = ID_WEIGHTS.reduce((total, weight, i) => total + weight * Number(first17[i]), 0);
  return `${first17}${"10X98765432"[sum % 11]}`;
}

interface Person {
  label: string;
  townshipId: string;
  /** The applicant account that owns the case (undefined: filed for someone without an account). */
  ownerUserId?: string;
  name: string;
  idNumber: string;
  phone: string;
  account: string;
  address: string;
  registrationText: string;
  member: { name: string; idNumber: string };
}

/** Four-character names, so the given-name part (3 characters) is distinctive. */
const PEOPLE: Person[] = [
  {
    label: "Flow A, filed by the applicant, approved and paid (城关镇)",
    townshipId: CHENGGUAN,
    ownerUserId: "applicant-zhang",
    name: "欧阳秀英",
    idNumber: residentId("23012319840517302"),
    phone: "13945671234",
    account: "6222027788990011223",
    address: "黑龙江省哈尔滨市示例县城关镇春晖巷 17 号",
    registrationText: "山东省临沂市兰山区金雀山街道",
    member: { name: "欧阳晓峰", idNumber: residentId("23012320100302401") },
  },
  {
    label: "Flow A, filed by an officer on the person's behalf, waiting (城关镇)",
    townshipId: CHENGGUAN,
    name: "司马建华",
    idNumber: residentId("23012319700910551"),
    phone: "13645670987",
    account: "6217009911223344556",
    address: "黑龙江省哈尔滨市示例县城关镇秋实路 203 号",
    registrationText: "吉林省长春市南关区永吉街道",
    member: { name: "司马红梅", idNumber: residentId("23012319721101662") },
  },
  {
    label: "Flow A, another township's applicant, approved and paid (河东乡)",
    townshipId: HEDONG,
    ownerUserId: "applicant-li",
    name: "上官明月",
    idNumber: residentId("23012319920228773"),
    phone: "15845672345",
    account: "6228481234567890123",
    address: "黑龙江省哈尔滨市示例县河东乡杏花村 5 组",
    registrationText: "辽宁省沈阳市和平区南湖街道",
    member: { name: "上官子墨", idNumber: residentId("23012320150615884") },
  },
  {
    label: "Flow B, staged plan with stage 1 paid (新华街道)",
    townshipId: XINHUA,
    name: "诸葛文清",
    idNumber: residentId("23012319650301995"),
    phone: "18645673456",
    account: "6212261122334455667",
    address: "黑龙江省哈尔滨市示例县新华街道和平里 9 栋",
    registrationText: "河北省石家庄市长安区建北街道",
    member: { name: "诸葛慧敏", idNumber: residentId("23012319680808116") },
  },
];

/** What must not be found when a field is masked: its value, and the part its masked form never shows. */
function plantedValues(person: Person): Array<{ field: PersonalField; value: string }> {
  return [
    { field: "name", value: person.name },
    { field: "name", value: person.name.slice(1) },
    { field: "name", value: person.member.name },
    { field: "name", value: person.member.name.slice(1) },
    { field: "idNumber", value: person.idNumber },
    { field: "idNumber", value: person.member.idNumber },
    { field: "phone", value: person.phone },
    { field: "bankAccount", value: person.account },
    { field: "address", value: person.address },
    // A masked address keeps its first 6 characters (the region): the rest is the person's.
    { field: "address", value: [...person.address].slice(6).join("") },
    { field: "householdRegistration", value: person.registrationText },
    // The applicant's account name: shown as the actor of what they did (the audit trail).
    ...DEMO_USERS.filter((u) => u.userId === person.ownerUserId).map((u) => ({
      field: "name" as const,
      value: u.name,
    })),
  ];
}

interface Walker {
  userId: string;
  roles: Role[];
  townshipId?: string;
  client: ApiClient;
}

/** The reader may read this person's case at all (DOMAIN §1 scope). */
function inScope(reader: Walker, person: Person, caseTownship: string): boolean {
  if (reader.roles.includes("applicant")) return person.ownerUserId === reader.userId;
  if (reader.townshipId !== undefined) return reader.townshipId === caseTownship;
  return true;
}

function filingOf(person: Person, withMembers: boolean): Record<string, unknown> {
  return {
    townshipId: person.townshipId,
    hardship: { cause: "fire" },
    // A phone typed into the narrative: shown to whom the phone is clear, masked by pattern for the rest.
    description: `房屋失火，家中财物烧毁，急需生活救助。联系电话 ${person.phone}`,
    applicant: {
      name: person.name,
      document: { type: "resident-id", number: person.idNumber },
      phone: person.phone,
      registration: {
        countyCode: "371302",
        province: person.registrationText.slice(0, 3),
        description: person.registrationText,
      },
      residence: { address: person.address, residencePermit: true },
    },
    bankAccount: { holderName: person.name, bankName: "中国工商银行", account: person.account },
    ...(withMembers
      ? {
          household: [
            {
              name: person.member.name,
              relation: "child",
              document: { type: "resident-id", number: person.member.idNumber },
            },
          ],
        }
      : {}),
  };
}

let world: FlowBWorld;
const caseIds = new Map<string, { person: Person; townshipId: string }>();
let householdMembersFiled = false;

async function putDocument(client: ApiClient, caseId: string, fileName: string): Promise<void> {
  const content = Buffer.from("%PDF-1.4 walker\n");
  const requested = await client.post<{ upload: { url: string; headers: Record<string, string> } }>(
    `/cases/${caseId}/documents`,
    { kind: "incident-proof", fileName, contentType: "application/pdf", sizeBytes: content.length },
    { idempotencyKey: `walker-doc-${caseId}` },
  );
  expect(requested.status, requested.text).toBe(201);
  const put = await fetch(requested.body.upload.url, {
    method: "PUT",
    headers: requested.body.upload.headers,
    body: content,
  });
  expect(put.status).toBeLessThan(300);
}

/** Files with the household members; without them when the route does not take them (yet). */
async function fileWithMembers(
  client: ApiClient,
  path: string,
  body: (withMembers: boolean) => Record<string, unknown>,
  key: string,
): Promise<string> {
  let filed = await client.post<{ caseId: string; fields?: Array<{ path: string; message: string }> }>(
    path,
    body(true),
    { idempotencyKey: `${key}-m` },
  );
  const refusesMembers = (filed.body.fields ?? []).some((f) =>
    `${f.path} ${f.message}`.includes("household"),
  );
  if (filed.status === 400 && refusesMembers) {
    filed = await client.post(path, body(false), { idempotencyKey: key });
  } else {
    householdMembersFiled = true;
  }
  expect(filed.status, filed.text).toBe(201);
  return filed.body.caseId;
}

async function fileFlowA(client: ApiClient, person: Person, key: string): Promise<string> {
  const caseId = await fileWithMembers(client, "/cases", (members) => filingOf(person, members), key);
  caseIds.set(caseId, { person, townshipId: person.townshipId });
  return caseId;
}

async function approveAndPay(caseId: string, approverId: string): Promise<void> {
  const approver = await world.signIn(approverId);
  await world.openTask(caseId, "advance-decision");
  const approved = await approver.post(
    `/cases/${caseId}/advance-decision`,
    { decision: "approve", amountYuan: "800.00", reason: "火灾属实，同意先行救助" },
    { idempotencyKey: `walker-approve-${caseId}` },
  );
  expect(approved.status, approved.text).toBe(200);
  await world.eventually(
    async () => (await world.deps.payments.getObligation(`${caseId}.advance`))?.status === "instructed",
    `the bank instruction of ${caseId}`,
  );
  await world.payOut(`${caseId}.advance`);
  await world.openTask(caseId, "paperwork");
}

async function fileFlowB(person: Person): Promise<string> {
  const officer = await world.signIn("officer-xinhua-1");
  const approver = await world.signIn("approver-xinhua");
  const caseId = await fileWithMembers(
    officer,
    "/plans",
    (members) => ({
      ...filingOf(person, members),
      hardship: { cause: "medical" },
      description: `家中主要劳动力患重病，长期住院治疗。联系电话 ${person.phone}`,
      expectedDurationMonths: 6,
      estimatedTotalYuan: "2400.00",
    }),
    "walker-plan-file",
  );
  caseIds.set(caseId, { person, townshipId: person.townshipId });
  await world.openTask(caseId, "assessment");
  const assessed = await officer.post(`/plans/${caseId}/assessment`, assessmentBody(), {
    idempotencyKey: "walker-plan-assess",
  });
  expect(assessed.status, assessed.text).toBe(200);
  await world.openTask(caseId, "public-notice");
  await world.clock.advanceBy(7 * DAY_MS + 60_000);
  await world.openTask(caseId, "plan-approval");
  const approved = await approver.post(`/plans/${caseId}/approval`, {
    decision: "approve",
    reason: "公示无异议",
  });
  expect(approved.status, approved.text).toBe(200);
  const plan = await officer.get<{ plan: { stages: Array<{ index: number; dueAt: string }> } }>(
    `/plans/${caseId}`,
  );
  const first = plan.body.plan.stages[0];
  if (!first) throw new Error("the plan has no stage");
  await world.clock.advanceTo(Math.max(Date.parse(first.dueAt), world.clock.nowMs()));
  await world.openTask(caseId, "stage-recheck");
  const rechecked = await officer.post(
    `/plans/${caseId}/recheck`,
    {
      stage: 1,
      checkedOn: localDateOf(world.clock.nowMs()),
      outcome: "still-in-hardship",
      findings: "第1期入户复核：仍在治疗",
    },
    { idempotencyKey: "walker-plan-recheck-1" },
  );
  expect(rechecked.status, rechecked.text).toBe(200);
  await world.eventually(
    async () => (await world.deps.payments.getObligation(`${caseId}.stage-1`))?.status === "instructed",
    "the stage-1 instruction",
  );
  await world.payOut(`${caseId}.stage-1`);
  await putDocument(officer, caseId, "诊断证明.pdf");
  return caseId;
}

beforeAll(async () => {
  world = await startFlowBWorld({ label: "mask-walk" });
  const [flowAOwn, flowAOnBehalf, flowAOther, flowB] = PEOPLE as [Person, Person, Person, Person];
  const zhang = await world.signIn("applicant-zhang");
  const li = await world.signIn("applicant-li");
  const officer = await world.signIn("officer-chengguan-1");
  const own = await fileFlowA(zhang, flowAOwn, "walker-file-own");
  await putDocument(zhang, own, "火灾现场照片.pdf");
  await approveAndPay(own, "approver-chengguan");
  await fileFlowA(officer, flowAOnBehalf, "walker-file-behalf");
  const other = await fileFlowA(li, flowAOther, "walker-file-other");
  await approveAndPay(other, "approver-hedong");
  await fileFlowB(flowB);
}, 180_000);

afterAll(async () => {
  await world?.close();
});

interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: { enum?: string[] };
}

/** The answer's text, and the file behind it when it is a download link (exports): both are read. */
async function withDownload(response: { status: number; text: string; headers: Headers }): Promise<string> {
  if (response.status !== 200 || !response.headers.get("content-type")?.includes("json"))
    return response.text;
  const link = (JSON.parse(response.text) as { download?: { url?: string } }).download?.url;
  if (!link) return response.text;
  const file = await fetch(link);
  expect(file.status, link).toBe(200);
  return `${response.text}\n${await file.text()}`;
}

/** Values for the query parameters the walker knows; each adds variants to a route. */
function queryVariants(path: string, parameters: OpenApiParameter[]): Array<Record<string, string>> {
  const period = localDateOf(world.clock.nowMs()).slice(0, 7);
  const names = new Set(parameters.filter((p) => p.in === "query").map((p) => p.name));
  const required: Record<string, string> = {};
  if (names.has("period")) required.period = period;
  const variants: Array<Record<string, string>> = [required];
  const anyCase = [...caseIds.keys()];
  if (path === "/exports/reconciliation") {
    // CSV: the XLSX workbook holds the same rows, zipped (not searchable as text).
    for (const kind of ["summary", "detail", "discrepancies"]) variants.push({ ...required, kind });
  }
  if (names.has("resourceType") && names.has("resourceId")) {
    for (const caseId of anyCase) variants.push({ resourceType: "case", resourceId: caseId });
  }
  for (const name of ["viewsOfCase", "person"]) {
    if (names.has(name)) for (const caseId of anyCase) variants.push({ [name]: caseId });
  }
  if (names.has("viewer")) variants.push({ viewer: "officer-chengguan-1" }, { viewer: "officer-xinhua-1" });
  if (names.has("township")) for (const t of DEMO_COUNTY.townships) variants.push({ township: t.townshipId });
  if (names.has("limit")) variants.push({ ...required, limit: "200" });
  return variants;
}

/** Path variants: each planted case for {caseId}, each township for {townshipId}. */
function pathVariants(path: string): Array<{ path: string; caseTownship?: string }> {
  let variants: Array<{ path: string; caseTownship?: string }> = [{ path }];
  if (path.includes("{caseId}")) {
    variants = [...caseIds].flatMap(([caseId, c]) =>
      variants.map((v) => ({ path: v.path.replace("{caseId}", caseId), caseTownship: c.townshipId })),
    );
  }
  if (path.includes("{townshipId}")) {
    variants = DEMO_COUNTY.townships.flatMap((t) =>
      variants.map((v) => ({ ...v, path: v.path.replace("{townshipId}", t.townshipId) })),
    );
  }
  const period = localDateOf(world.clock.nowMs()).slice(0, 7);
  return variants.map((v) => ({ ...v, path: v.path.replace("{period}", period) }));
}

interface Leak {
  route: string;
  url: string;
  reader: string;
  person: string;
  field: PersonalField;
  value: string;
}

describe("masking walker: every GET route × every role finds no personal value the policy masks", () => {
  it("shows a person's name, ID, phone, account, address and registration only where the policy says clear", async () => {
    // Prepare
    const document = (
      await world
        .signIn("auditor-1")
        .then((c) =>
          c.get<{ paths: Record<string, Record<string, { parameters?: OpenApiParameter[] }>> }>(
            "/openapi.json",
          ),
        )
    ).body;
    const routes = Object.entries(document.paths).flatMap(([path, methods]) =>
      methods.get ? [{ path, parameters: methods.get.parameters ?? [] }] : [],
    );
    const readers: Walker[] = [];
    for (const user of DEMO_USERS) {
      readers.push({
        userId: user.userId,
        roles: [...user.roles],
        ...(user.townshipId ? { townshipId: user.townshipId } : {}),
        client: await world.signIn(user.userId),
      });
    }

    // Act
    const leaks: Leak[] = [];
    const statuses = new Map<string, number[]>();
    let calls = 0;
    for (const route of routes) {
      for (const pathVariant of pathVariants(route.path)) {
        for (const query of queryVariants(route.path, route.parameters)) {
          const search = new URLSearchParams(query).toString();
          const url = `${pathVariant.path}${search ? `?${search}` : ""}`;
          for (const reader of readers) {
            const response = await reader.client.get(url);
            calls += 1;
            statuses.set(route.path, [...(statuses.get(route.path) ?? []), response.status]);
            const text = await withDownload(response);
            for (const [caseId, planted] of caseIds) {
              const mayRead = inScope(reader, planted.person, planted.townshipId);
              for (const { field, value } of plantedValues(planted.person)) {
                const clear = mayRead && fieldVisibility(reader.roles, field) === "clear";
                if (!clear && text.includes(value)) {
                  leaks.push({
                    route: route.path,
                    url,
                    reader: reader.userId,
                    person: `${planted.person.label} ${caseId}`,
                    field,
                    value,
                  });
                }
              }
            }
          }
        }
      }
    }

    // Assess
    const summary = [...new Set(leaks.map((l) => `${l.route} as ${l.reader}: ${l.field}`))];
    console.log(
      [
        `masking walker: ${routes.length} GET routes, ${readers.length} readers, ${calls} calls, ${caseIds.size} planted cases, household members filed: ${householdMembersFiled}`,
        `  leaks: ${summary.length === 0 ? "none" : summary.join("; ")}`,
      ].join("\n"),
    );
    const serverErrors = [...statuses].filter(([, s]) => s.some((status) => status >= 500));
    expect(serverErrors).toEqual([]);
    // The walker reached personal data: some reader got each route's data at least once.
    for (const path of ["/cases/{caseId}/progress", "/plans/{caseId}", "/audit", "/cases"]) {
      expect(
        statuses.get(path)?.some((s) => s === 200),
        path,
      ).toBe(true);
    }
    expect(leaks.slice(0, 20)).toEqual([]);
  }, 300_000);
});
