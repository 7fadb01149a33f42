import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { ValidationError } from "#core/errors.ts";
import { Yuan } from "#core/money/yuan.ts";
import { policyInForce, resolvePolicy } from "#core/policy/index.ts";
import {
  BUDGET_LINE_TEXT,
  csvCell,
  DETAIL_HEADERS,
  detailRow,
  executableReplenishment,
  parsePeriod,
  quotaHint,
  replenishmentProposal,
  toCsv,
  UTF8_BOM,
} from "#core/reconciliation/index.ts";
import { demoCountyPolicy } from "#local/seed/policy-demo-county.ts";
import { octoberHistory } from "./support.ts";

describe("reconciliation periods in Asia/Shanghai (DOMAIN §6, §7)", () => {
  it("a month runs from local midnight of its first day to local midnight of the next month", () => {
    const p = parsePeriod("2026-10");
    expect(p).toMatchObject({
      kind: "month",
      fromIso: "2026-09-30T16:00:00.000Z",
      toIso: "2026-10-31T16:00:00.000Z",
      throughIso: "2026-10-31T15:59:59.999Z",
    });
  });

  it("a quarter covers three months; Q4 ends at the local new year", () => {
    const p = parsePeriod("2026-Q4");
    expect(p.fromIso).toBe("2026-09-30T16:00:00.000Z");
    expect(p.toIso).toBe("2026-12-31T16:00:00.000Z");
  });

  it("anything else is a field-level validation error in both languages", () => {
    for (const bad of ["2026-13", "2026-Q5", "26-10", "2026/10", ""]) {
      expect(() => parsePeriod(bad)).toThrow(ValidationError);
    }
    try {
      parsePeriod("2026-13");
    } catch (error) {
      expect((error as ValidationError).fields[0]?.path).toBe("period");
      expect((error as ValidationError).messageZh).toBe("对账期间须为月份或季度");
    }
  });
});

describe("sizing and topping up a fund (DOMAIN §2.3, §6)", () => {
  const policy = resolvePolicy(policyInForce(demoCountyPolicy, new Date("2026-10-01T00:00:00Z")), "rural");

  it("the quota hint is per-capita × registered population from the county policy", () => {
    const hint = quotaHint(policy, 58_000);
    expect(hint.basis).toBe("population");
    expect(hint.suggestedQuotaYuan.equals(policy.fundQuotaPerCapitaYuan.times(58_000))).toBe(true);
  });

  it("last year's spending wins when it was higher than the population basis", () => {
    const spending = policy.fundQuotaPerCapitaYuan.times(58_000).plus(Yuan.parse("1.00"));
    const hint = quotaHint(policy, 58_000, spending);
    expect(hint.basis).toBe("last-year-spending");
    expect(hint.suggestedQuotaYuan.equals(spending)).toBe(true);
  });

  it("the replenishment proposal is quota − closing balance, never negative", () => {
    expect(replenishmentProposal(Yuan.parse("60000.00"), Yuan.parse("55499.50")).toString()).toBe("4500.50");
    expect(replenishmentProposal(Yuan.parse("100.00"), Yuan.parse("100.00")).toString()).toBe("0.00");
  });

  it("execution never overfills: money that came back since the close lowers what is executed", () => {
    const proposal = Yuan.parse("4500.50");
    expect(executableReplenishment(proposal, Yuan.parse("60000.00"), Yuan.parse("55499.50")).toString()).toBe(
      "4500.50",
    );
    expect(executableReplenishment(proposal, Yuan.parse("60000.00"), Yuan.parse("56000.00")).toString()).toBe(
      "4000.00",
    );
  });
});

describe("exports that open cleanly in Excel (DOMAIN §6)", () => {
  it("CSV starts with a UTF-8 byte-order mark, quotes every cell and ends lines with CRLF", () => {
    const csv = toCsv(["金额", "说明"], [["12.30", 'a "quoted", text']]);
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    expect(csv).toBe(`${UTF8_BOM}"金额","说明"\r\n"12.30","a ""quoted"", text"\r\n`);
  });

  it("a cell that would run as a formula is neutralised", () => {
    expect(csvCell("=SUM(A1)")).toBe(`"'=SUM(A1)"`);
    expect(csvCell("@cmd")).toBe(`"'@cmd"`);
    expect(csvCell("1000.00")).toBe(`"1000.00"`);
  });

  it("a draw row carries the budget line 2082001 临时救助支出; the payee's name is clear for finance, masked for auditors", () => {
    const draw = octoberHistory()[3];
    if (!draw) throw new Error("no draw");
    const facts = {
      payment: {
        paymentId: "p1",
        method: "bank" as const,
        status: "confirmed" as const,
        amountYuan: draw.amountYuan,
        payeeName: "张三丰",
        accountMasked: "************7890",
        bankReference: "BR-1",
      },
    };
    const finance = detailRow(draw, facts, ["county-finance"]);
    const auditor = detailRow(draw, facts, ["auditor"]);
    const col = (name: (typeof DETAIL_HEADERS)[number]) => DETAIL_HEADERS.indexOf(name);
    expect(finance[col("收款人")]).toBe("张三丰");
    expect(auditor[col("收款人")]).toBe("张**");
    expect(finance[col("收款账号")]).toBe("************7890");
    expect(finance[col("金额")]).toBe("1000.00");
    expect(finance[col("预算科目")]).toBe(BUDGET_LINE_TEXT);
    expect(BUDGET_LINE_TEXT).toBe("2082001 临时救助支出");
    expect(finance[col("记账时间")]).toBe("2026-10-03 10:00:00");
  });

  it("a spreadsheet library reads the CSV back with the same Chinese headers and amounts", async () => {
    const csv = toCsv(
      ["乡镇名称", "支出金额", "预算科目"],
      [
        ["城关镇", "5400.50", BUDGET_LINE_TEXT],
        ["河东乡", "0.10", BUDGET_LINE_TEXT],
      ],
    );
    const workbook = new ExcelJS.Workbook();
    const { Readable } = await import("node:stream");
    const sheet = await workbook.csv.read(Readable.from([Buffer.from(csv, "utf8")]), {
      map: (value: unknown) => value,
    } as never);
    const rows = sheet.getSheetValues().filter(Boolean) as unknown[][];
    const header = (rows[0] ?? []).slice(1).map((v) => String(v).replace(UTF8_BOM, ""));
    expect(header).toEqual(["乡镇名称", "支出金额", "预算科目"]);
    expect(rows[1]?.slice(1)).toEqual(["城关镇", "5400.50", "2082001 临时救助支出"]);
    expect(rows[2]?.slice(1)).toEqual(["河东乡", "0.10", "2082001 临时救助支出"]);
  });
});
