/**
 * The province roll-up as an XLSX workbook: a sheet of counties (with the province's total), a sheet of
 * townships, each with the time its figures are as of (数据截至), and the 外地受助 figures per
 * registration county × county where aided; Chinese headers, yuan with two decimals as numbers Excel
 * can add up. Written to the documents store under `exports/<province>/` and handed out as a
 * short-lived signed link, as the finance exports are (functions/services/finance/exports.ts).
 */
import writeXlsxFile, { type Cell, type SheetData } from "write-excel-file/node";
import { zhDate, zhDateTime } from "#core/labels/index.ts";
import { Yuan } from "#core/money/yuan.ts";
import { amountCell, type ExportLink, storeExport, XLSX_CONTENT_TYPE } from "../finance/exports.ts";
import type { AreaFigures } from "./figures.ts";
import type { ProvinceRollup } from "./rollup.ts";

const FIGURE_HEADERS = [
  "受理件数",
  "急难型",
  "支出型",
  "本地户籍",
  "非本地户籍",
  "办理中",
  "已办结",
  "不予救助",
  "已撤回",
  "支出笔数",
  "支出金额（元）",
  "本地人员支出（元）",
  "非本地人员支出（元）",
  "冲回金额（元）",
  "先行救助决定数",
  "时限内决定数",
  "时限内决定率",
  "逾期未补齐手续",
  "备用金额度（元）",
  "备用金余额（元）",
  "可用余额（元）",
  "低于预警线的备用金",
  "期间内余额预警次数",
  "已结账至期末的备用金",
  "期间内未结账月份数",
] as const;

const yuan = (fen: number): Cell => amountCell(Yuan.fromFen(fen).toString());

/** `2026年12月7日 08:00`, and whether read for this export rather than stored by the daily roll-up. */
function asOfText(county: { asOf: string; source: "stored" | "computed" }): string {
  return county.source === "computed" ? `${zhDateTime(county.asOf)}（实时计算）` : zhDateTime(county.asOf);
}

/** Share within the response time, one decimal ("95.0%"), or "—" without decisions. */
function share(part: number, whole: number): string {
  if (whole === 0) return "—";
  return `${(Math.round((part * 1000) / whole) / 10).toFixed(1)}%`;
}

function figureCells(f: AreaFigures): Cell[] {
  const c = f.cases;
  return [
    c.filed,
    c.urgent,
    c.expenditure,
    c.local,
    c.nonLocal,
    c.byStatusGroup["in-progress"],
    c.byStatusGroup.closed,
    c.byStatusGroup.refused,
    c.byStatusGroup.withdrawn,
    f.paid.count,
    yuan(f.paid.amountFen),
    yuan(f.paid.localFen),
    yuan(f.paid.nonLocalFen),
    yuan(f.paid.reversedFen),
    f.advanceDecisions.decided,
    f.advanceDecisions.withinResponseTime,
    share(f.advanceDecisions.withinResponseTime, f.advanceDecisions.decided),
    f.overduePaperwork,
    yuan(f.funds.quotaFen),
    yuan(f.funds.balanceFen),
    yuan(f.funds.availableFen),
    f.funds.belowAlertLevel,
    f.funds.alertsRaised,
    f.reconciliation.closedThroughPeriodEnd,
    f.reconciliation.monthsNotClosed,
  ];
}

const columns = (headers: readonly string[]) =>
  headers.map((header) => ({ width: Math.max(10, header.length * 2 + 4) }));

function sheets(rollup: ProvinceRollup) {
  const period = `${zhDate(rollup.from)} 至 ${zhDate(rollup.to)}`;
  const countyHeaders = ["统计期间", "县（市、区）", ...FIGURE_HEADERS, "数据截至"];
  const counties: SheetData = [countyHeaders];
  for (const county of rollup.counties) {
    counties.push([period, county.name, ...figureCells(county.figures), asOfText(county)]);
  }
  counties.push([period, "全省合计", ...figureCells(rollup.figures), zhDateTime(rollup.asOf)]);
  const townshipHeaders = [
    "统计期间",
    "县（市、区）",
    "乡镇（街道）",
    ...FIGURE_HEADERS,
    "最近结账期间",
    "数据截至",
  ];
  const townships: SheetData = [townshipHeaders];
  for (const county of rollup.counties) {
    for (const t of county.townships) {
      townships.push([
        period,
        county.name,
        t.name,
        ...figureCells(t.figures),
        t.lastClose?.period ?? "未结账",
        asOfText(county),
      ]);
    }
  }
  // 外地受助: counted per registration county × county where aided, never a person.
  const noticeHeaders = ["统计期间", "户籍所在县", "救助地县", "外地受助办结件数", "支出金额（元）"];
  const notices: SheetData = [noticeHeaders];
  for (const flow of rollup.registrationNotices) {
    notices.push([
      period,
      flow.registrationCountyName,
      flow.countyName ?? flow.countyId,
      flow.count,
      yuan(flow.paidFen),
    ]);
  }
  return [
    { sheet: "各县汇总", data: counties, columns: columns(countyHeaders) },
    { sheet: "乡镇明细", data: townships, columns: columns(townshipHeaders) },
    { sheet: "外地受助", data: notices, columns: columns(noticeHeaders) },
  ];
}

export function rollupFileName(rollup: ProvinceRollup): string {
  return `aidflow-${rollup.provinceId}-rollup-${rollup.from}-${rollup.to}.xlsx`;
}

export async function rollupWorkbook(rollup: ProvinceRollup): Promise<Buffer> {
  return writeXlsxFile(sheets(rollup)).toBuffer();
}

/** Stores the workbook under an unguessable key and returns its signed download link. */
export async function publishRollup(rollup: ProvinceRollup): Promise<ExportLink> {
  const name = rollupFileName(rollup);
  const body = await rollupWorkbook(rollup);
  return storeExport(rollup.provinceId, { name, body, contentType: XLSX_CONTENT_TYPE });
}
