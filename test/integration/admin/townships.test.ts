/**
 * Townships after the county's creation (issue 22) through the Administration handler on this run's
 * DynamoDB Local: a county administrator adds a township, edits one (the code never changes) and
 * sets its fund quota (备用金定额) — which moves no money: county finance allocates up to it.
 * - bad input is a 400 field by field in zh and en; an unknown township 404; another county's
 *   administrator 403 — and a refused request writes nothing;
 * - twins from the same revision: one written, the other 409; the same values again `repeated`;
 *   a retry with its Idempotency-Key answers the first answer; every change one audit event;
 * - the quota is at least per-capita × population under the policy in force and never below what
 *   finance allocated;
 * - the county's workbook with the edited values imports as "unchanged".
 */
import { randomUUID } from "node:crypto";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AdminTables, adminTables, countyWorkbook } from "#test/support/admin-routes.ts";
import { claimsOf, httpEvent } from "#test/unit/http/support.ts";

const COUNTY = "230131";
const TOWN = "230131100";
const VILLAGE = "230131400";
const countyAdmin = claimsOf({
  userId: "county-admin-1",
  name: "孙丽",
  roles: ["county-admin"],
  countyId: COUNTY,
});
const otherCountyAdmin = claimsOf({ userId: "county-admin-9", roles: ["county-admin"], countyId: "230132" });
const officer = claimsOf({
  userId: "officer-1",
  roles: ["township-officer"],
  countyId: COUNTY,
  townshipId: TOWN,
});
const finance = claimsOf({ userId: "finance-1", name: "钱多", roles: ["county-finance"], countyId: COUNTY });
const provinceAdmin = claimsOf({
  userId: "province-admin-1",
  name: "郑国华",
  roles: ["province-admin"],
  countyId: "230000",
});

type Handler = (
  event: unknown,
) => Promise<{ statusCode: number; body: string; headers?: Record<string, string> }>;
let world: AdminTables;
let admin: Handler;
let financeHandler: Handler;
let importHandler: Handler;

interface View {
  townshipId: string;
  name: string;
  area: string;
  registeredPopulation: number;
  revision: number;
  fundQuotaYuan?: string;
  allocatedQuotaYuan: string;
  minimumQuotaYuan?: string;
  repeated?: boolean;
}

async function call(
  handler: Handler,
  claims: Record<string, string>,
  routeKey: string,
  path: string,
  pathParameters: Record<string, string>,
  body?: unknown,
  idempotencyKey?: string,
) {
  const result = await handler(
    httpEvent(routeKey, {
      claims,
      path,
      pathParameters,
      ...(body !== undefined ? { body } : {}),
      ...(idempotencyKey ? { headers: { "idempotency-key": idempotencyKey } } : {}),
    }),
  );
  return {
    status: result.statusCode,
    body: JSON.parse(result.body || "null"),
    headers: result.headers ?? {},
  };
}

const list = (claims = countyAdmin, countyId = COUNTY) =>
  call(admin, claims, "GET /admin/counties/{countyId}/townships", `/admin/counties/${countyId}/townships`, {
    countyId,
  });
const add = (body: unknown, claims = countyAdmin, countyId = COUNTY, key?: string) =>
  call(
    admin,
    claims,
    "POST /admin/counties/{countyId}/townships",
    `/admin/counties/${countyId}/townships`,
    { countyId },
    body,
    key,
  );
const edit = (townshipId: string, body: unknown, claims = countyAdmin, countyId = COUNTY, key?: string) =>
  call(
    admin,
    claims,
    "POST /admin/counties/{countyId}/townships/{townshipId}",
    `/admin/counties/${countyId}/townships/${townshipId}`,
    { countyId, townshipId },
    body,
    key,
  );
const quota = (townshipId: string, body: unknown, claims = countyAdmin, countyId = COUNTY, key?: string) =>
  call(
    admin,
    claims,
    "POST /admin/counties/{countyId}/townships/{townshipId}/fund-quota",
    `/admin/counties/${countyId}/townships/${townshipId}/fund-quota`,
    { countyId, townshipId },
    body,
    key,
  );
/** The county's audit events of `action` about one township. */
const eventsOf = async (action: string, townshipId: string) =>
  (
    (await world.auditEvents(COUNTY, action)) as { resourceId?: string; before?: unknown; after?: unknown }[]
  ).filter((e) => e.resourceId === townshipId);
const townshipOf = async (townshipId: string) =>
  ((await list()).body.townships as View[]).find((t) => t.townshipId === townshipId) as View;

/** Every item of the ledger table, as text: a quota set by the administrator must leave it as it is. */
async function ledgerItems(): Promise<string> {
  const db = DynamoDBDocumentClient.from(world.tables.client);
  const out = await db.send(new ScanCommand({ TableName: world.tables.names.ledger, ConsistentRead: true }));
  return JSON.stringify((out.Items ?? []).map((i) => `${i.pk}|${i.sk}|${JSON.stringify(i)}`).sort());
}

beforeAll(async () => {
  world = await adminTables("admin-townships");
  admin = (await import("#functions/handlers/admin/admin.ts")).handler as never;
  financeHandler = (await import("#functions/handlers/finance/finance.ts")).handler as never;
  importHandler = (await import("#functions/handlers/admin/county-import.ts")).handler as never;
  // The county onboarded from the shipped workbook (its townships, policy version, users and quotas).
  const book = await countyWorkbook(COUNTY, "乡镇测试县");
  const imported = await call(
    importHandler,
    provinceAdmin,
    "POST /admin/counties/import",
    "/admin/counties/import",
    {},
    { workbook: Buffer.from(await book.xlsx.writeBuffer()).toString("base64"), dryRun: false },
  );
  expect(imported.status, JSON.stringify(imported.body)).toBe(200);
  const versionId = `${COUNTY}-2026-01`;
  const approved = await call(
    admin,
    countyAdmin,
    "POST /admin/counties/{countyId}/policy-versions/{versionId}/approval",
    `/admin/counties/${COUNTY}/policy-versions/${versionId}/approval`,
    { countyId: COUNTY, versionId },
  );
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe("townships after creation: added, edited and given a fund quota by the county administrator", () => {
  it("adds a township inside the county's code, audited once; the same key again answers the first answer", async () => {
    // Prepare
    const body = { townshipId: VILLAGE, name: "河西乡", area: "rural", registeredPopulation: 12000 };
    const key = randomUUID();
    // Act
    const first = await add(body, countyAdmin, COUNTY, key);
    const retried = await add(body, countyAdmin, COUNTY, key);
    const again = await add(body);
    // Assess
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      ...body,
      revision: 0,
      allocatedQuotaYuan: "0.00",
      minimumQuotaYuan: "12000.00",
    });
    expect(retried.status).toBe(201);
    expect(retried.headers["idempotent-replayed"]).toBe("true");
    expect(retried.body).toEqual(first.body);
    expect(again.status).toBe(409);
    expect(again.body.messageZh).toBe("该乡镇代码已存在，不能重复添加");
    expect(await eventsOf("township.add", VILLAGE)).toHaveLength(1);
    expect(((await list()).body.townships as View[]).map((t) => t.townshipId)).toEqual([
      TOWN,
      "230131200",
      "230131300",
      VILLAGE,
    ]);
  });

  it("bad input is a 400 naming each field in Chinese and English, and writes nothing", async () => {
    // Prepare
    const before = await world.written();
    // Act
    const outside = await add({
      townshipId: "230199100",
      name: "外县镇",
      area: "rural",
      registeredPopulation: 100,
    });
    const shapes = await add({ townshipId: "23013130", name: " ", area: "town", registeredPopulation: -3 });
    const badEdit = await edit(TOWN, {
      name: "城关镇",
      area: "urban",
      registeredPopulation: 1.5,
      expectedRevision: 0,
    });
    const badQuota = await quota(TOWN, { quotaYuan: "12.345", expectedRevision: 0 });
    const zeroQuota = await quota(TOWN, { quotaYuan: "0.00", expectedRevision: 0 });
    // Assess
    expect(outside.status).toBe(400);
    expect(outside.body.fields).toEqual([
      expect.objectContaining({ path: "body.townshipId", messageZh: `须以本县代码 ${COUNTY} 开头` }),
    ]);
    expect(shapes.status).toBe(400);
    const paths = (shapes.body.fields as { path: string; message: string; messageZh: string }[]).map(
      (f) => f.path,
    );
    expect(paths.sort()).toEqual(["area", "name", "registeredPopulation", "townshipId"]);
    for (const f of shapes.body.fields as { message: string; messageZh: string }[]) {
      expect(f.message).not.toBe("");
      expect(f.messageZh).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(badEdit.status).toBe(400);
    expect(badEdit.body.fields[0]).toMatchObject({
      path: "registeredPopulation",
      messageZh: "须为整数（人）",
    });
    expect(badQuota.status).toBe(400);
    expect(badQuota.body.fields[0]).toMatchObject({
      path: "quotaYuan",
      messageZh: "须为金额（元，最多两位小数）",
    });
    expect(zeroQuota.status).toBe(400);
    expect(zeroQuota.body.fields[0]).toMatchObject({
      path: "body.quotaYuan",
      messageZh: "须为大于零的金额（元，最多两位小数）",
    });
    expect(await world.written()).toBe(before);
  });

  it("an unknown township is 404; another county's administrator and an officer are 403; nothing written", async () => {
    // Prepare
    const before = await world.written();
    const profile = { name: "改名镇", area: "urban", registeredPopulation: 30000, expectedRevision: 0 };
    // Act
    const unknown = await edit("230131900", profile);
    const unknownQuota = await quota("230131900", { quotaYuan: "50000.00", expectedRevision: 0 });
    const ofAnotherCounty = await edit("230132100", profile);
    const byOtherCounty = await edit(TOWN, profile, otherCountyAdmin);
    const quotaByOtherCounty = await quota(
      TOWN,
      { quotaYuan: "50000.00", expectedRevision: 0 },
      otherCountyAdmin,
    );
    const listByOtherCounty = await list(otherCountyAdmin);
    const byOfficer = await add(
      { townshipId: "230131300", name: "新乡", area: "rural", registeredPopulation: 10 },
      officer,
    );
    // Assess
    expect(unknown.status).toBe(404);
    expect(unknown.body.messageZh).toBe("该乡镇不存在");
    expect(unknownQuota.status).toBe(404);
    expect(ofAnotherCounty.status).toBe(404);
    expect(byOtherCounty.status).toBe(403);
    expect(quotaByOtherCounty.status).toBe(403);
    expect(listByOtherCounty.status).toBe(403);
    expect(byOfficer.status).toBe(403);
    expect(await world.written()).toBe(before);
  });

  it("edits name, urban/rural and population over the revision read: twins from one revision write one, the other 409", async () => {
    // Prepare
    const read = await townshipOf(TOWN);
    // Act
    const [a, b] = await Promise.all([
      edit(TOWN, {
        name: "城关街道",
        area: "urban",
        registeredPopulation: 31000,
        expectedRevision: read.revision,
      }),
      edit(TOWN, {
        name: "城关镇（新）",
        area: "rural",
        registeredPopulation: 32000,
        expectedRevision: read.revision,
      }),
    ]);
    const after = await townshipOf(TOWN);
    const same = await edit(TOWN, {
      name: after.name,
      area: after.area,
      registeredPopulation: after.registeredPopulation,
      expectedRevision: read.revision,
    });
    // Assess
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const won = (a.status === 200 ? a : b).body as View;
    const lost = (a.status === 200 ? b : a).body as { messageZh: string };
    expect(lost.messageZh).toBe("该乡镇已被他人修改，请刷新后重试");
    expect(after).toMatchObject({ name: won.name, revision: read.revision + 1, townshipId: TOWN });
    expect(same.status).toBe(200);
    expect(same.body.repeated).toBe(true);
    const events = await eventsOf("township.edit", TOWN);
    expect(events).toHaveLength(1);
    expect(events[0]?.before).toEqual({ name: "城关镇", area: "rural", registeredPopulation: 58000 });
  });

  it("sets the fund quota without moving money: at least per-capita × population, audited once, retried once", async () => {
    // Prepare
    const read = await townshipOf(VILLAGE);
    const ledgerBefore = await ledgerItems();
    const key = randomUUID();
    // Act
    const tooLow = await quota(VILLAGE, { quotaYuan: "11999.99", expectedRevision: read.revision });
    const set = await quota(
      VILLAGE,
      { quotaYuan: "15000", expectedRevision: read.revision },
      countyAdmin,
      COUNTY,
      key,
    );
    const retried = await quota(
      VILLAGE,
      { quotaYuan: "15000", expectedRevision: read.revision },
      countyAdmin,
      COUNTY,
      key,
    );
    const repeated = await quota(VILLAGE, { quotaYuan: "15000.00", expectedRevision: read.revision });
    const stale = await quota(VILLAGE, { quotaYuan: "16000.00", expectedRevision: read.revision });
    // Assess
    expect(tooLow.status).toBe(400);
    expect(tooLow.body.fields[0]).toMatchObject({ path: "body.quotaYuan" });
    expect(tooLow.body.fields[0].messageZh).toContain("不得低于按户籍人口核定的 ¥12,000.00");
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({
      fundQuotaYuan: "15000.00",
      allocatedQuotaYuan: "0.00",
      repeated: false,
    });
    expect(retried.headers["idempotent-replayed"]).toBe("true");
    expect(retried.body).toEqual(set.body);
    expect(repeated.body.repeated).toBe(true);
    expect(stale.status).toBe(409);
    expect(await ledgerItems()).toBe(ledgerBefore);
    const events = await eventsOf("township.fundQuota.set", VILLAGE);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      before: { fundQuotaYuan: null },
      after: { fundQuotaYuan: "15000.00" },
    });
  });

  it("county finance allocates up to the quota; a quota below what finance allocated is refused", async () => {
    // Prepare
    const allocated = await call(
      financeHandler,
      finance,
      "POST /allocations",
      "/allocations",
      {},
      { townshipId: VILLAGE, targetQuotaYuan: "15000.00", reason: "按备用金定额拨付" },
      randomUUID(),
    );
    expect(allocated.status, JSON.stringify(allocated.body)).toBe(200);
    const read = await townshipOf(VILLAGE);
    const before = await world.written();
    // Act
    const lower = await quota(VILLAGE, { quotaYuan: "14000.00", expectedRevision: read.revision });
    // Assess
    expect(read.allocatedQuotaYuan).toBe("15000.00");
    expect(lower.status).toBe(400);
    expect(lower.body.fields[0].messageZh).toBe("低于县财政已拨付的额度 ¥15,000.00，调减须由财务另行处理");
    expect(await world.written()).toBe(before);
  });
});

/** The shipped workbook for the county with `townships` as its 乡镇 rows and their set quotas as 备用金定额 (a township without one has no row). */
async function workbookWith(townships: readonly View[]): Promise<string> {
  const book = await countyWorkbook(COUNTY, "乡镇测试县", (b) => {
    for (const name of ["乡镇", "备用金定额"])
      (b.getWorksheet(name) as ExcelJS.Worksheet).eachRow((row, n) => {
        if (n > 1) for (let c = 1; c <= 4; c++) row.getCell(c).value = null;
      });
    const sheet = b.getWorksheet("乡镇") as ExcelJS.Worksheet;
    const quotas = b.getWorksheet("备用金定额") as ExcelJS.Worksheet;
    townships.forEach((t, i) => {
      sheet.getRow(i + 2).values = [
        t.townshipId,
        t.name,
        t.registeredPopulation,
        t.area === "urban" ? "城市" : "农村",
      ];
    });
    townships
      .filter((t) => t.fundQuotaYuan !== undefined)
      .forEach((t, i) => {
        quotas.getRow(i + 2).values = [t.townshipId, t.fundQuotaYuan ?? ""];
      });
  });
  return Buffer.from(await book.xlsx.writeBuffer()).toString("base64");
}

const importWorkbook = (workbook: string) =>
  call(
    importHandler,
    provinceAdmin,
    "POST /admin/counties/import",
    "/admin/counties/import",
    {},
    {
      workbook,
      dryRun: false,
    },
  );

describe("the county workbook after townships were administered", () => {
  it("the workbook with the edited townships and quotas imports unchanged", async () => {
    // Prepare
    const workbook = await workbookWith((await list()).body.townships as View[]);
    const before = await world.written();
    // Act
    const plan = await importWorkbook(workbook);
    // Assess
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body.changes).toBe(false);
    expect((plan.body.steps as { step: string }[]).map((s) => s.step)).toContain("county-unchanged");
    expect(await world.written()).toBe(before);
  });

  it("a workbook's 乡镇 and 备用金定额 rows are written as the routes write them; a township left out is refused", async () => {
    // Prepare
    const now = (await list()).body.townships as View[];
    const renamed = now.map((t) =>
      t.townshipId === "230131300"
        ? { ...t, name: "新华街道（更名）", registeredPopulation: 44000, fundQuotaYuan: "44000.00" }
        : t,
    );
    const added: View = {
      townshipId: "230131500",
      name: "新建乡",
      area: "rural",
      registeredPopulation: 5000,
      revision: 0,
      fundQuotaYuan: "5000.00",
      allocatedQuotaYuan: "0.00",
    };
    const withNew = await workbookWith([...renamed, added]);
    const leftOut = await workbookWith(now.filter((t) => t.townshipId !== "230131200"));
    const before = await world.written();
    // Act
    const refused = await importWorkbook(leftOut);
    const afterRefusal = await world.written();
    const plan = await importWorkbook(withNew);
    const again = await importWorkbook(withNew);
    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body.fields[0].messageZh).toContain("表格缺少已开通的乡镇");
    expect(afterRefusal).toBe(before);
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    const steps = (plan.body.steps as { step: string; subject?: string }[]).filter((s) =>
      s.step.startsWith("township-"),
    );
    expect(steps).toEqual([
      expect.objectContaining({ step: "township-updated", subject: "新华街道（更名）" }),
      expect.objectContaining({ step: "township-added", subject: "新建乡" }),
    ]);
    const listed = (await list()).body.townships as View[];
    expect(listed.find((t) => t.townshipId === "230131300")).toMatchObject({
      name: "新华街道（更名）",
      registeredPopulation: 44000,
      fundQuotaYuan: "44000.00",
    });
    expect(listed.find((t) => t.townshipId === "230131500")).toMatchObject({
      name: "新建乡",
      fundQuotaYuan: "5000.00",
    });
    expect(await eventsOf("township.edit", "230131300")).toHaveLength(1);
    expect(await eventsOf("township.add", "230131500")).toHaveLength(1);
    expect(again.body.changes).toBe(false);
  });
});

describe("a population edit never leaves a set quota under its minimum (DOMAIN §2.3)", () => {
  it("the route refuses a population whose minimum exceeds the quota until the quota is raised; a smaller one passes", async () => {
    // Prepare
    const read = await townshipOf(VILLAGE);
    const profile = { name: read.name, area: read.area };
    const before = await world.written();
    // Act
    const tooMany = await edit(VILLAGE, {
      ...profile,
      registeredPopulation: 16000,
      expectedRevision: read.revision,
    });
    const afterRefusal = await world.written();
    const fewer = await edit(VILLAGE, {
      ...profile,
      registeredPopulation: 14000,
      expectedRevision: read.revision,
    });
    const raised = await quota(VILLAGE, { quotaYuan: "16000.00", expectedRevision: read.revision + 1 });
    const thenMore = await edit(VILLAGE, {
      ...profile,
      registeredPopulation: 16000,
      expectedRevision: read.revision + 2,
    });
    // Assess
    expect(read).toMatchObject({ fundQuotaYuan: "15000.00", registeredPopulation: 12000 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.fields).toEqual([
      {
        path: "body.registeredPopulation",
        messageZh: "户籍人口 16000 人时备用金定额不得低于 ¥16,000.00，现定额 ¥15,000.00：请先调高备用金定额",
        message:
          "With 16000 registered residents the fund quota must be at least 16000.00 yuan; it is 15000.00: raise the quota first",
      },
    ]);
    expect(afterRefusal).toBe(before);
    expect(fewer.status, JSON.stringify(fewer.body)).toBe(200);
    expect(fewer.body.minimumQuotaYuan).toBe("14000.00");
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    expect(thenMore.status, JSON.stringify(thenMore.body)).toBe(200);
    expect(thenMore.body).toMatchObject({
      registeredPopulation: 16000,
      fundQuotaYuan: "16000.00",
      minimumQuotaYuan: "16000.00",
    });
  });

  it("the workbook raises a population only with a quota that meets it: the quota is written first, in one import", async () => {
    // Prepare
    const now = (await list()).body.townships as View[];
    const read = now.find((t) => t.townshipId === "230131300") as View;
    const population = read.registeredPopulation + 7000;
    const grown = (quotaYuan?: string) =>
      now.map((t) => {
        if (t !== read) return t;
        const { fundQuotaYuan: _, ...rest } = t;
        return {
          ...rest,
          registeredPopulation: population,
          ...(quotaYuan ? { fundQuotaYuan: quotaYuan } : {}),
        };
      });
    const withoutQuota = await workbookWith(grown());
    const withQuota = await workbookWith(grown(`${population}.00`));
    const edits = (await eventsOf("township.edit", read.townshipId)).length;
    const quotas = (await eventsOf("township.fundQuota.set", read.townshipId)).length;
    const before = await world.written();
    // Act
    const refused = await importWorkbook(withoutQuota);
    const afterRefusal = await world.written();
    const applied = await importWorkbook(withQuota);
    // Assess
    expect(read.fundQuotaYuan).toBe(`${read.registeredPopulation}.00`);
    expect(refused.status).toBe(400);
    expect(refused.body.fields[0].messageZh).toBe(
      `${read.name}户籍人口 ${population} 人时备用金定额不得低于 ¥${population.toLocaleString("en-US")}.00，现定额 ¥${read.registeredPopulation.toLocaleString("en-US")}.00：请在“备用金定额”表中一并调高`,
    );
    expect(afterRefusal).toBe(before);
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(await townshipOf(read.townshipId)).toMatchObject({
      registeredPopulation: population,
      fundQuotaYuan: `${population}.00`,
    });
    expect(await eventsOf("township.edit", read.townshipId)).toHaveLength(edits + 1);
    expect(await eventsOf("township.fundQuota.set", read.townshipId)).toHaveLength(quotas + 1);
  });
});
