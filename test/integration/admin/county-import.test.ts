/**
 * `aidflow county import` (DOMAIN §8): the shipped template (docs/templates/county.xlsx), filled in for a
 * new county, creates the county and proposes its policy version through the administration service;
 * creates its staff users (用户) and, once the version is approved and a finance user is named,
 * allocates each township fund up to its quota (备用金定额); importing the same file again changes
 * nothing; `--dry-run` writes nothing; bad rows are each named by sheet, row and column in Chinese,
 * and nothing is written.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditStore } from "#adapters/audit-store.ts";
import { LedgerStore } from "#adapters/ledger/index.ts";
import { PolicyStore } from "#adapters/policy-store.ts";
import { UserDirectory } from "#adapters/user-directory.ts";
import { approvePolicyVersion } from "#functions/services/admin/administration.ts";
import { main } from "#local/cli/main.ts";
import { countyWorkbook } from "#test/support/admin-routes.ts";
import { createTestTables, type TestTables } from "#test/support/dynamo.ts";

let tables: TestTables;
let dir: string;
const previousEnv = { ...process.env };

/** The template filled in for `countyId` (named 测试县<code>), then `edit` applied; a file's path. */
async function workbookFor(countyId: string, edit?: (book: ExcelJS.Workbook) => void): Promise<string> {
  const book = await countyWorkbook(countyId, `测试县${countyId}`, edit);
  const file = join(dir, `${countyId}-${Math.random().toString(36).slice(2, 6)}.xlsx`);
  await book.xlsx.writeFile(file);
  return file;
}

async function run(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const code = await main(argv, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      out += text;
    },
    env: process.env,
  });
  return { code, out };
}

async function items(): Promise<number> {
  const db = DynamoDBDocumentClient.from(tables.client);
  return (await db.send(new ScanCommand({ TableName: tables.names.main, Select: "COUNT" }))).Count ?? 0;
}

beforeAll(async () => {
  tables = await createTestTables("county-import", { demoCounty: false });
  dir = await mkdtemp(join(tmpdir(), "aidflow-import-"));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: tables.endpoint,
    AWS_REGION: "cn-north-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AIDFLOW_TABLE_MAIN: tables.names.main,
    AIDFLOW_TABLE_LEDGER: tables.names.ledger,
  });
});

afterAll(async () => {
  process.env = previousEnv;
  tables?.client.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe("aidflow county import", () => {
  it("bad rows are named by sheet, row and column in Chinese, and nothing is written", async () => {
    const file = await workbookFor("230125", (book) => {
      const townships = book.getWorksheet("乡镇") as ExcelJS.Worksheet;
      townships.getRow(3).getCell(1).value = "230999200";
      townships.getRow(4).getCell(4).value = "郊区";
      const policy = book.getWorksheet("政策参数") as ExcelJS.Worksheet;
      policy.eachRow((row) => {
        if (row.getCell(1).value === "advanceCeilingYuan") row.getCell(2).value = "一千";
      });
      const users = book.getWorksheet("用户") as ExcelJS.Worksheet;
      users.getRow(2).getCell(2).value = "12345";
      users.getRow(3).getCell(3).value = "村长";
      users.getRow(4).getCell(4).value = "230125100";
      const quotas = book.getWorksheet("备用金定额") as ExcelJS.Worksheet;
      quotas.getRow(2).getCell(2).value = "-5";
    });
    const result = await run("county", "import", file, "--user", "province-admin-1");
    expect(result.code).toBe(2);
    expect(result.out).toContain("未写入任何数据");
    expect(result.out).toContain("工作表「乡镇」第 3 行 A（乡镇代码） 列：须以本县代码 230125 开头");
    expect(result.out).toMatch(/工作表「乡镇」第 4 行 D（城乡） 列：/);
    expect(result.out).toMatch(/工作表「政策参数」第 \d+ 行 B（值） 列：须为元，最多两位小数/);
    expect(result.out).toContain("工作表「用户」第 2 行 B（手机号） 列：须为 11 位大陆手机号码");
    expect(result.out).toMatch(/工作表「用户」第 3 行 C（角色） 列：须为本县角色之一/);
    expect(result.out).toContain("工作表「用户」第 4 行 D（乡镇代码） 列：该角色不属于某个乡镇，请留空");
    expect(result.out).toContain("工作表「备用金定额」第 2 行 B（定额（元）） 列：须为大于零的金额");
    expect(await items()).toBe(0);
  });

  it("--dry-run says what would change and writes nothing", async () => {
    const file = await workbookFor("230126");
    const result = await run("county", "import", file, "--user", "province-admin-1", "--dry-run");
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain("试运行");
    expect(result.out).toContain("开通县 测试县230126（3 个乡镇）");
    expect(await items()).toBe(0);
  });

  it("the template for a new county creates it and proposes its version; the same file again changes nothing", async () => {
    const file = await workbookFor("230124");
    const first = await run("county", "import", file, "--user", "province-admin-1");
    expect(first.code, first.out).toBe(0);
    expect(first.out).toContain("提出政策版本 230124-2026-01（待另一名管理员审批）");
    expect(first.out).toContain("创建用户 王芳");
    expect(first.out).toContain("创建用户 孙涛");
    expect(first.out).toMatch(/备用金定额 城关镇 .* 待财务拨付/);
    const proposal = await new PolicyStore(
      DynamoDBDocumentClient.from(tables.client),
      tables.names.main,
    ).proposal("230124", "230124-2026-01");
    expect(proposal).toMatchObject({ status: "proposed", proposedBy: { userId: "province-admin-1" } });
    expect(proposal?.version.parameters).toMatchObject({
      perCaseCap: { dibaoMonths: 10 },
      advanceCeilingYuan: "1000",
    });
    const after = await items();

    const again = await run("county", "import", file, "--user", "province-admin-1");
    expect(again.code, again.out).toBe(0);
    expect(again.out).toContain("已开通，无变化");
    expect(again.out).toContain("已存在，无变化");
    expect(again.out).toContain("用户 王芳 已存在，无变化");
    expect(await items()).toBe(after);
    const staff = await new UserDirectory(
      DynamoDBDocumentClient.from(tables.client),
      tables.names.main,
    ).usersOf("230124");
    expect(staff.map((u) => [u.name, u.roles[0], u.townshipId ?? ""]).sort()).toEqual([
      ["孙涛", "county-finance", ""],
      ["王芳", "township-officer", "230124100"],
      ["陈静", "township-approver", "230124100"],
    ]);
  });

  it("once the version is approved, a named finance user allocates each fund up to its quota; again changes nothing", async () => {
    // Prepare: the version proposed by the import above, approved by a second administrator.
    const file = await workbookFor("230124");
    const db = DynamoDBDocumentClient.from(tables.client);
    await approvePolicyVersion(
      {
        db,
        table: tables.names.main,
        audit: new AuditStore({ client: db, tableName: tables.names.main }),
        now: () => new Date(),
      },
      { userId: "province-admin-2", name: "省管理员二", roles: ["province-admin"], countyId: "230000" },
      "230124",
      "230124-2026-01",
    );

    // Act
    const funded = await run(
      "county",
      "import",
      file,
      "--user",
      "province-admin-1",
      "--finance-user",
      "finance-9",
    );
    const after = await items();
    const again = await run(
      "county",
      "import",
      file,
      "--user",
      "province-admin-1",
      "--finance-user",
      "finance-9",
    );

    // Assess
    expect(funded.code, funded.out).toBe(0);
    expect(funded.out).toMatch(/拨付备用金至定额：城关镇/);
    const ledger = new LedgerStore(tables.client, tables.names);
    const fund = await ledger.getFund("230124100");
    expect(fund.quotaYuan.isPositive()).toBe(true);
    expect(fund.quotaYuan.equals(fund.balanceYuan)).toBe(true);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toMatch(/备用金定额 城关镇 .* 已到位，无变化/);
    expect(await items()).toBe(after);
  });
});
