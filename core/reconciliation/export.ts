/**
 * Finance exports that open cleanly in Excel (DOMAIN §6): UTF-8 with a byte-order mark (so Excel on
 * Windows reads the Chinese headers), CRLF line ends, every cell quoted, amounts as two-decimal
 * text with a dot and no separators (never a float, never scientific notation), and the budget
 * line of temporary assistance on every money row. Personal data masked per role (DOMAIN §7,
 * core/access FIELD_VISIBILITY). Pure: the services stream rows built here to a file or a response.
 */

import { fieldVisibility } from "../access/masking.ts";
import type { Role } from "../access/roles.ts";
import {
  CAUSE_NAMES_ZH,
  HARDSHIP_TYPE_NAMES_ZH,
  hardshipTypeOf,
  isHardshipCause,
} from "../cases/hardship.ts";
import { maskName } from "../identity/masking.ts";
import type { ChainedEntry } from "../ledger/canonical.ts";
import { DISCREPANCY_NAMES_ZH, type Discrepancy } from "./discrepancy.ts";
import type { DrawFacts } from "./matching.ts";
import type { ReconciliationReport } from "./reconciler.ts";
import { UNKNOWN_KEY } from "./summary.ts";

/** 政府收支分类科目 2082001 临时救助支出: the budget line every reserve-fund payment is booked on. */
export const BUDGET_LINE = { code: "2082001", name: "临时救助支出" } as const;
export const BUDGET_LINE_TEXT = `${BUDGET_LINE.code} ${BUDGET_LINE.name}`;

export const UTF8_BOM = "\uFEFF";

export const SUMMARY_HEADERS = [
  "对账期间",
  "乡镇代码",
  "乡镇名称",
  "预算科目",
  "期初余额",
  "拨付笔数",
  "拨付金额",
  "支出笔数",
  "支出金额",
  "先行救助支出",
  "分阶段救助支出",
  "本地人员支出",
  "外地人员支出",
  "冲回金额",
  "追回金额",
  "补足金额",
  "未兑付承诺",
  "期末余额",
  "额度",
  "差异数",
  "对账结论",
] as const;

export const DETAIL_HEADERS = [
  "记账时间",
  "乡镇代码",
  "分录序号",
  "分录编号",
  "案件编号",
  "救助流程",
  "困难类型",
  "户籍类别",
  "支出类型",
  "收款人",
  "收款账号",
  "支付方式",
  "银行流水号",
  "金额",
  "预算科目",
] as const;

export const DISCREPANCY_HEADERS = [
  "差异类型",
  "差异说明",
  "乡镇代码",
  "分录序号",
  "案件编号",
  "银行流水号",
  "涉及分录",
  "金额",
] as const;

const RESIDENCY_ZH: Record<string, string> = { local: "本地", "non-local": "外地", [UNKNOWN_KEY]: "未登记" };
const DRAW_KIND_ZH: Record<string, string> = {
  advance: "先行救助",
  "follow-up": "跟进救助",
  stage: "分阶段救助",
};
const METHOD_ZH: Record<string, string> = { bank: "银行转账", cash: "现金" };
/** The flows by their names in the policy (DOMAIN §3, §4), not by the letters the code uses. */
export const FLOW_NAMES_ZH: Record<string, string> = { A: "先行救助", B: "分阶段救助" };

/** `急难型·火灾` from a draw's recorded cause, `急难型` from a recorded kind; unknown codes stay blank. */
function hardshipText(recorded: string | undefined): string {
  if (!recorded) return "";
  if (isHardshipCause(recorded))
    return `${HARDSHIP_TYPE_NAMES_ZH[hardshipTypeOf(recorded)]}·${CAUSE_NAMES_ZH[recorded]}`;
  return HARDSHIP_TYPE_NAMES_ZH[recorded as keyof typeof HARDSHIP_TYPE_NAMES_ZH] ?? "";
}

/** Shanghai local time "2026-10-05 14:03:00" (DOMAIN §7 time zone), a form Excel shows as typed. */
export function localTimeText(iso: string): string {
  const shifted = new Date(Date.parse(iso) + 8 * 60 * 60 * 1000).toISOString(); // not-policy: UTC+8 in ms
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`; // not-policy: ISO text positions
}

export function summaryRow(report: ReconciliationReport, townshipName: string): string[] {
  const f = report.figures;
  const byFlow = (flow: string) => f.draws.byFlow[flow]?.sumYuan.toString() ?? "0.00";
  const byResidency = (r: string) => f.draws.byResidency[r]?.sumYuan.toString() ?? "0.00";
  return [
    report.period.label,
    report.fundId,
    townshipName,
    BUDGET_LINE_TEXT,
    f.opening.balance.toString(),
    String(f.allocations.count),
    f.allocations.sumYuan.toString(),
    String(f.draws.count),
    f.draws.sumYuan.toString(),
    byFlow("A"),
    byFlow("B"),
    byResidency("local"),
    byResidency("non-local"),
    f.reversals.sumYuan.toString(),
    f.recoveries.sumYuan.toString(),
    f.replenishments.sumYuan.toString(),
    f.commitmentsOpenYuan.toString(),
    f.closing.balance.toString(),
    f.closing.quota.toString(),
    String(report.discrepancyCount),
    report.clean ? "相符" : "存在差异",
  ];
}

/** A draw as a detail row; the payee's name is shown as the reader's roles allow. */
export function detailRow(
  entry: ChainedEntry,
  facts: DrawFacts | undefined,
  roles: readonly Role[],
): string[] {
  const payment = facts?.payment;
  const name = payment?.payeeName ?? "";
  const visibility = fieldVisibility(roles, "name");
  const shownName = visibility === "clear" ? name : visibility === "masked" ? maskName(name) : "";
  return [
    localTimeText(entry.bookedAt),
    entry.fundId,
    String(entry.sequence),
    entry.entryId,
    entry.reference.caseId ?? "",
    FLOW_NAMES_ZH[entry.reference.flow ?? ""] ?? "",
    hardshipText(entry.reference.hardshipType),
    RESIDENCY_ZH[entry.reference.residency ?? UNKNOWN_KEY] ?? "",
    DRAW_KIND_ZH[entry.drawKind ?? ""] ?? "",
    shownName,
    // Accounts are masked for every reader of an export (DOMAIN §7): the store keeps only the masked form here.
    fieldVisibility(roles, "bankAccount") === "hidden" ? "" : (payment?.accountMasked ?? ""),
    payment ? (METHOD_ZH[payment.method] ?? payment.method) : "",
    payment?.bankReference ?? "",
    entry.amountYuan.toString(),
    BUDGET_LINE_TEXT,
  ];
}

export function discrepancyRow(row: Discrepancy): string[] {
  return [
    DISCREPANCY_NAMES_ZH[row.code],
    row.whatZh,
    row.where.fundId,
    row.where.sequence !== undefined ? String(row.where.sequence) : "",
    row.where.caseId ?? "",
    row.where.bankReference ?? "",
    row.entries.join(" "),
    row.amountYuan ?? "",
  ];
}

/**
 * One CSV cell: always quoted (commas, quotes and line breaks inside stay in the cell), and a
 * leading = + - @ is neutralised with an apostrophe so no cell is ever run as a formula.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/** A whole CSV document (small exports); large ones write `UTF8_BOM`, then `csvLine` per row. */
export function toCsv(headers: readonly string[], rows: Iterable<readonly string[]>): string {
  let text = UTF8_BOM + csvLine(headers);
  for (const row of rows) text += csvLine(row);
  return text;
}
