/**
 * The CLI as a script would run it: `node bin/aidflow.mjs …` in its own process against this run's
 * DynamoDB Local, tables named by the environment; exit codes 0 clean, 1 discrepancies, 2 usage.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SUMMARY_HEADERS, UTF8_BOM } from "#core/reconciliation/index.ts";
import { allocate } from "#functions/services/finance/funds.ts";
import {
  CHENGGUAN,
  type FinanceWorld,
  finance1,
  financeWorld,
  HEDONG,
} from "#test/integration/finance/world.ts";

const BIN = resolve(import.meta.dirname, "../../../bin/aidflow.mjs");

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => {
      stdout += c;
    });
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

describe("npx aidflow (the CLI)", () => {
  let world: FinanceWorld;
  let env: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    world = await financeWorld("cli");
    world.setNow("2026-09-15T02:00:00Z");
    await allocate(
      world.deps,
      finance1,
      { townshipId: CHENGGUAN, amountYuan: "58000.00", reason: "年度备用金" },
      "a1",
      "c1",
    );
    await allocate(
      world.deps,
      finance1,
      { townshipId: HEDONG, amountYuan: "21000.00", reason: "年度备用金" },
      "a2",
      "c2",
    );
    world.setNow("2026-10-02T02:00:00Z");
    await world.paidCase({ caseId: "cli-1", amountYuan: "800.00" });
    await world.paidCase({ caseId: "cli-2", amountYuan: "450.50", townshipId: HEDONG, local: false });
    env = {
      AWS_ENDPOINT_URL_DYNAMODB: world.tables.endpoint,
      AWS_REGION: "cn-north-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AIDFLOW_TABLE_MAIN: world.tables.names.main,
      AIDFLOW_TABLE_LEDGER: world.tables.names.ledger,
      AIDFLOW_LOG_LEVEL: "ERROR",
    };
    dir = await mkdtemp(join(tmpdir(), "aidflow-cli-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reconcile: a clean month exits 0 and prints each township's figures", async () => {
    const result = await run(
      ["reconcile", "--county", "230123", "--period", "2026-10", "--no-progress", "--user", "finance-1"],
      env,
    );
    expect(result.stderr).not.toContain("aidflow:");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("230123100 城关镇 2026-10: clean");
    expect(result.stdout).toContain("closing 57200.00");
    expect(result.stdout).toContain("230123200 河东乡 2026-10: clean");
  });

  it("usage and configuration errors exit 2", async () => {
    expect((await run(["reconcile", "--county", "230123", "--period", "2026-13"], env)).code).toBe(2);
    expect((await run(["reconcile", "--county", "999999", "--period", "2026-10"], env)).code).toBe(2);
    expect((await run(["reconcile", "--period", "2026-10"], env)).code).toBe(2);
    expect((await run(["frobnicate"], env)).code).toBe(2);
    const noTables = await run(["reconcile", "--county", "230123", "--period", "2026-10"], {
      ...env,
      AIDFLOW_TABLE_MAIN: "",
    });
    expect(noTables.code).toBe(2);
    expect(noTables.stderr).toContain("AIDFLOW_TABLE_MAIN");
  });

  it("export: CSV with BOM and Chinese headers, and an XLSX workbook, read back by a spreadsheet library", async () => {
    const csvFile = join(dir, "summary.csv");
    const csv = await run(
      ["export", "--county", "230123", "--period", "2026-10", "--out", csvFile, "--no-progress"],
      env,
    );
    expect(csv.code).toBe(0);
    const text = await readFile(csvFile, "utf8");
    expect(text.startsWith(UTF8_BOM)).toBe(true);
    const sheet = await new ExcelJS.Workbook().csv.read(Readable.from([Buffer.from(text, "utf8")]), {
      map: (v: unknown) => v,
    } as never);
    const rows = (sheet.getSheetValues().filter(Boolean) as unknown[][]).map((r) => r.slice(1).map(String));
    expect(rows[0]?.map((h) => h.replace(UTF8_BOM, ""))).toEqual([...SUMMARY_HEADERS]);
    expect(rows.slice(1).map((r) => [r[1], r[SUMMARY_HEADERS.indexOf("支出金额")]])).toEqual([
      [CHENGGUAN, "800.00"],
      [HEDONG, "450.50"],
    ]);

    const xlsxFile = join(dir, "book.xlsx");
    const xlsx = await run(
      [
        "export",
        "--county",
        "230123",
        "--period",
        "2026-10",
        "--format",
        "xlsx",
        "--out",
        xlsxFile,
        "--as",
        "auditor",
        "--no-progress",
      ],
      env,
    );
    expect(xlsx.code).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(xlsxFile);
    expect(book.worksheets.map((w) => w.name)).toEqual(["对账汇总", "支出明细", "差异清单"]);
    const detail = book.getWorksheet("支出明细");
    if (!detail) throw new Error("no detail sheet");
    const payees = [2, 3].map((r) => String((detail.getRow(r).values as unknown[])[10]));
    expect(payees).toEqual(["张**", "张**"]);
  });

  it("reconcile: discrepancies exit 1 and are listed one per line", async () => {
    await world.tables.client.send(
      new UpdateItemCommand({
        TableName: world.tables.names.ledger,
        Key: { pk: { S: `FUND#${HEDONG}` }, sk: { S: "HEAD" } },
        UpdateExpression: "SET balanceYuan = :b",
        ExpressionAttributeValues: { ":b": { S: "1.00" } },
      }),
    );
    const result = await run(
      ["reconcile", "--county", "230123", "--period", "2026-10", "--township", HEDONG, "--no-progress"],
      env,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("! head-differs-from-replay");
  });
});
