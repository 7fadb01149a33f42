/**
 * `POST /admin/counties/import` (issue 22, spreadsheet onboarding through the API — the console's
 * upload) through the handler on this run's DynamoDB Local, with the shipped template filled in for a
 * new county:
 * - bad rows: 400 with one field a problem, named by sheet, row and column (zh and en); nothing written;
 * - `dryRun`: the plan (what would change), nothing written;
 * - the import: the county, its version proposal and its users, one `county.import` audit event; the
 *   same file again answers "unchanged" everywhere and writes nothing;
 * - county roles (a county administrator, any other role of a county) get 403 and write nothing;
 * - a workbook above 2 MB is refused (400) and writes nothing.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PolicyStore } from "#adapters/policy-store.ts";
import { UserDirectory } from "#adapters/user-directory.ts";
import { type AdminTables, adminTables, countyWorkbook } from "#test/support/admin-routes.ts";
import type { TestTables } from "#test/support/dynamo.ts";
import { claimsOf, httpEvent } from "#test/unit/http/support.ts";

const ROUTE = "POST /admin/counties/import";
const COUNTY = "230127";

const provinceAdmin = claimsOf({
  userId: "province-admin-1",
  name: "郑国华",
  roles: ["province-admin"],
  countyId: "230000",
});
const countyAdmin = claimsOf({
  userId: "county-admin-1",
  name: "孙丽",
  roles: ["county-admin"],
  countyId: COUNTY,
});
const officer = claimsOf({
  userId: "officer-chengguan-1",
  roles: ["township-officer"],
  countyId: "230123",
  townshipId: "230123100",
});

let world: AdminTables;
let tables: TestTables;
let handler: (event: unknown) => Promise<{ statusCode: number; body: string }>;

/** The template filled in for `countyId` (named 导入县<code>), then `edit` applied; base64. */
async function workbookFor(countyId: string, edit?: (book: ExcelJS.Workbook) => void): Promise<string> {
  const book = await countyWorkbook(countyId, `导入县${countyId}`, edit);
  return Buffer.from(await book.xlsx.writeBuffer()).toString("base64");
}

interface Plan {
  countyId: string;
  countyName: string;
  dryRun: boolean;
  changes: boolean;
  steps: Array<{ step: string; subject?: string; textZh: string; text: string }>;
}

async function post(claims: Record<string, string>, body: unknown) {
  const result = await handler(httpEvent(ROUTE, { claims, path: "/admin/counties/import", body }));
  return { status: result.statusCode, body: JSON.parse(result.body || "null") };
}

const written = () => world.written();
const audits = async (countyId: string, action: string) => (await world.auditEvents(countyId, action)).length;

beforeAll(async () => {
  world = await adminTables("admin-import-route");
  tables = world.tables;
  handler = (await import("#functions/handlers/admin/county-import.ts")).handler as never;
});

afterAll(async () => {
  await world?.close();
});

describe("POST /admin/counties/import", () => {
  it("bad rows: 400 naming each by sheet, row and column in Chinese and English; nothing written", async () => {
    // Prepare
    const workbook = await workbookFor("230128", (book) => {
      (book.getWorksheet("乡镇") as ExcelJS.Worksheet).getRow(3).getCell(1).value = "230999200";
      (book.getWorksheet("用户") as ExcelJS.Worksheet).getRow(2).getCell(2).value = "12345";
      (book.getWorksheet("备用金定额") as ExcelJS.Worksheet).getRow(2).getCell(2).value = "-5";
    });
    const before = await written();
    // Act
    const answer = await post(provinceAdmin, { workbook, dryRun: false });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.messageZh).toContain("未写入任何数据");
    const fields = answer.body.fields as Array<{ path: string; message: string; messageZh: string }>;
    expect(fields).toContainEqual({
      path: "workbook.乡镇.3.A（乡镇代码）",
      message: expect.stringMatching(/230128/),
      messageZh: "须以本县代码 230128 开头",
    });
    expect(fields).toContainEqual({
      path: "workbook.用户.2.B（手机号）",
      message: "An 11-digit mainland mobile number",
      messageZh: "须为 11 位大陆手机号码",
    });
    expect(fields).toContainEqual({
      path: "workbook.备用金定额.2.B（定额（元））",
      message: "An amount above zero (yuan, at most two decimals)",
      messageZh: "须为大于零的金额（元，最多两位小数）",
    });
    // The quota row of the township whose code changed names a township 乡镇 no longer has.
    expect(fields).toContainEqual({
      path: "workbook.备用金定额.3.A（乡镇代码）",
      message: "A township code of the sheet 乡镇",
      messageZh: "须为「乡镇」工作表中的乡镇代码",
    });
    expect(fields).toHaveLength(4);
    expect(await written()).toBe(before);
  });

  it("a dry run answers the plan and writes nothing", async () => {
    // Prepare
    const workbook = await workbookFor(COUNTY);
    const before = await written();
    // Act
    const answer = await post(provinceAdmin, { workbook, dryRun: true });
    // Assess
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const plan = answer.body as Plan;
    expect(plan).toMatchObject({
      countyId: COUNTY,
      countyName: `导入县${COUNTY}`,
      dryRun: true,
      changes: true,
    });
    expect(plan.steps.map((s) => s.textZh)).toEqual([
      `开通县 导入县${COUNTY}（3 个乡镇）`,
      `提出政策版本 ${COUNTY}-2026-01（待另一名管理员审批）`,
      "创建用户 王芳",
      "创建用户 陈静",
      "创建用户 孙涛",
      "备用金定额 城关镇 ¥58,000.00 待财务拨付（政策版本审批后，由县财政按定额拨付）",
      "备用金定额 河东乡 ¥21,000.00 待财务拨付（政策版本审批后，由县财政按定额拨付）",
      "备用金定额 新华街道 ¥43,000.00 待财务拨付（政策版本审批后，由县财政按定额拨付）",
    ]);
    expect(plan.steps[0]?.text).toBe(`Create the county 导入县${COUNTY} (3 townships)`);
    expect(await written()).toBe(before);
  });

  it("the import writes the county, its proposal and users, audited once; the same file again writes nothing", async () => {
    // Prepare
    const workbook = await workbookFor(COUNTY);
    // Act
    const first = await post(provinceAdmin, { workbook, dryRun: false });
    const afterFirst = await written();
    const again = await post(provinceAdmin, { workbook, dryRun: false });
    // Assess
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect((first.body as Plan).steps.map((s) => s.step)).toEqual([
      "county-created",
      "version-proposed",
      "user-created",
      "user-created",
      "user-created",
      "quota-waiting",
      "quota-waiting",
      "quota-waiting",
    ]);
    const db = DynamoDBDocumentClient.from(tables.client);
    expect(await new PolicyStore(db, tables.names.main).proposal(COUNTY, `${COUNTY}-2026-01`)).toMatchObject({
      status: "proposed",
      proposedBy: { userId: "province-admin-1" },
    });
    const users = await new UserDirectory(db, tables.names.main).usersOf(COUNTY);
    expect(users.map((u) => u.name).sort()).toEqual(["孙涛", "王芳", "陈静"].sort());
    expect(await audits(COUNTY, "county.import")).toBe(1);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ changes: false, dryRun: false });
    expect((again.body as Plan).steps.map((s) => s.step)).toEqual([
      "county-unchanged",
      "version-unchanged",
      "user-unchanged",
      "user-unchanged",
      "user-unchanged",
      "quota-waiting",
      "quota-waiting",
      "quota-waiting",
    ]);
    expect(await written()).toBe(afterFirst);
  });

  it("a county administrator and a township officer get 403 and write nothing", async () => {
    // Prepare
    const workbook = await workbookFor("230129");
    const before = await written();
    // Act
    const byCountyAdmin = await post(countyAdmin, { workbook, dryRun: false });
    const byOfficer = await post(officer, { workbook, dryRun: true });
    // Assess
    expect(byCountyAdmin.status).toBe(403);
    expect(byOfficer.status).toBe(403);
    expect(byCountyAdmin.body.messageZh).toBe("当前角色无权执行此操作");
    expect(await written()).toBe(before);
  });

  it("a workbook above 2 MB is refused with a clear message and writes nothing", async () => {
    // Prepare
    const workbook = Buffer.alloc(2 * 1024 * 1024 + 1, 7).toString("base64");
    const before = await written();
    // Act
    const answer = await post(provinceAdmin, { workbook, dryRun: true });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.fields).toContainEqual({
      path: "body.workbook",
      message: "The workbook is at most 2 MB",
      messageZh: "表格文件不能超过 2 MB",
    });
    expect(await written()).toBe(before);
  });
});
