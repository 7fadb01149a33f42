/**
 * `aidflow county import` (DOMAIN §8): the shipped template (docs/templates/county.xlsx), filled in for a
 * new county, creates the county and proposes its policy version through the administration service;
 * importing the same file again changes nothing; `--dry-run` writes nothing; bad rows are each named
 * by sheet, row and column in Chinese, and nothing is written.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PolicyStore } from "#adapters/policy-store.ts";
import { main } from "#local/cli/main.ts";
import { createTestTables, type TestTables } from "#test/support/dynamo.ts";

const TEMPLATE = join(import.meta.dirname, "../../../docs/templates/county.xlsx");

let tables: TestTables;
let dir: string;
const previousEnv = { ...process.env };

/** The template with the demo county's codes replaced by `countyId`'s, then `edit` applied. */
async function workbookFor(countyId: string, edit?: (book: ExcelJS.Workbook) => void): Promise<string> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(TEMPLATE);
  for (const sheet of book.worksheets)
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        if (typeof cell.value === "string" && cell.value.startsWith("230123"))
          cell.value = countyId + cell.value.slice(6);
      }),
    );
  const policy = book.getWorksheet("政策参数") as ExcelJS.Worksheet;
  policy.getRow(3).getCell(2).value = `测试县${countyId}`;
  edit?.(book);
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
    });
    const result = await run("county", "import", file, "--user", "province-admin-1");
    expect(result.code).toBe(2);
    expect(result.out).toContain("未写入任何数据");
    expect(result.out).toContain("工作表「乡镇」第 3 行 A（乡镇代码） 列：须以本县代码 230125 开头");
    expect(result.out).toMatch(/工作表「乡镇」第 4 行 D（城乡） 列：/);
    expect(result.out).toMatch(/工作表「政策参数」第 \d+ 行 B（值） 列：须为元，最多两位小数/);
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
    expect(first.out).toContain("暂不导入的工作表：用户、备用金定额");
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
    expect(await items()).toBe(after);
  });
});
