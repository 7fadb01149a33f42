/**
 * The incident dashboard and its XLSX export for the county report (DOMAIN §8 disaster mode):
 * households registered, approved, paid and waiting for money, money per township, and the time from
 * registration to payment (core/incidents figures). The export holds the same figures per township and
 * one row per household, names shown as the reader's role may see them (core/access masking), ID
 * numbers masked, times in Asia/Shanghai.
 */
import writeXlsxFile, { type Cell, type SheetData } from "write-excel-file/node";
import { type Actor, fieldVisibility } from "#core/access/index.ts";
import { maskName } from "#core/identity/masking.ts";
import { type IncidentFigures, incidentFigures, type StageCounts } from "#core/incidents/index.ts";
import { HOUSEHOLD_STAGE_LABELS } from "#core/labels/index.ts";
import { amountCell, type ExportLink, storeExport, XLSX_CONTENT_TYPE } from "../finance/exports.ts";
import { type IncidentView, readableIncident, viewOf } from "./declare.ts";
import type { IncidentDeps } from "./deps.ts";
import { type HouseholdRow, householdRows } from "./households.ts";

/** A stage count as answered: core's counts with the sums as yuan text. */
export type CountsView = Omit<StageCounts, "approvedYuan" | "paidYuan"> & {
  approvedYuan: string;
  paidYuan: string;
};

export interface IncidentDashboard {
  incident: IncidentView;
  totals: CountsView;
  townships: Array<CountsView & { townshipId: string; name: string }>;
  registrationToPayment: IncidentFigures["registrationToPayment"];
}

function countsView({ approvedYuan, paidYuan, ...counts }: StageCounts): CountsView {
  return { ...counts, approvedYuan: approvedYuan.toString(), paidYuan: paidYuan.toString() };
}

async function figuresOf(
  deps: IncidentDeps,
  actor: Actor,
  incidentId: string,
): Promise<{ dashboard: IncidentDashboard; rows: HouseholdRow[] }> {
  const incident = await readableIncident(deps, actor, incidentId);
  // A township-bound reader sees their own township's households and figures.
  const townshipIds = actor.townshipId ? [actor.townshipId] : incident.townshipIds;
  const rows = await householdRows(deps, incident, actor.townshipId);
  const figures = incidentFigures(townshipIds, rows);
  const view = await viewOf(deps, incident);
  const names = new Map(view.townships.map((t) => [t.townshipId, t.name]));
  return {
    rows,
    dashboard: {
      incident: view,
      totals: countsView(figures.totals),
      townships: figures.townships.map((t) => ({
        townshipId: t.townshipId,
        name: names.get(t.townshipId) ?? "所在乡镇",
        ...countsView(t),
      })),
      registrationToPayment: figures.registrationToPayment,
    },
  };
}

export async function incidentDashboard(
  deps: IncidentDeps,
  actor: Actor,
  incidentId: string,
): Promise<IncidentDashboard> {
  return (await figuresOf(deps, actor, incidentId)).dashboard;
}

/** An instant as Asia/Shanghai date and minute, e.g. 2026-07-20 14:05. */
export function shanghaiMinute(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
}

function minutesText(minutes: number | undefined): string {
  if (minutes === undefined) return "—";
  return minutes < 60 ? `${minutes} 分钟` : `${Math.floor(minutes / 60)} 小时 ${minutes % 60} 分钟`;
}

const SUMMARY_HEADERS = [
  "乡镇（街道）",
  "登记户数",
  "待审批",
  "已批准",
  "不予救助",
  "等待资金",
  "已发放",
  "批准金额（元）",
  "发放金额（元）",
];
const DETAIL_HEADERS = [
  "乡镇（街道）",
  "户主姓名",
  "证件号码",
  "登记时间",
  "状态",
  "批准金额（元）",
  "发放金额（元）",
  "发放时间",
];

function countCells(c: CountsView): Cell[] {
  return [
    c.registered,
    c.awaitingDecision,
    c.approved,
    c.rejected,
    c.waitingForFunds,
    c.paid,
    amountCell(c.approvedYuan),
    amountCell(c.paidYuan),
  ];
}

const columns = (headers: readonly string[]) =>
  headers.map((h) => ({ width: Math.max(12, h.length * 2 + 4) }));

function workbookSheets(dashboard: IncidentDashboard, rows: readonly HouseholdRow[], actor: Actor) {
  const { incident } = dashboard;
  const summary: SheetData = [
    ["灾情名称", incident.name],
    ["灾害原因", incident.causeZh],
    ["开始日期", incident.startDate],
    ["结束日期", incident.endDate ?? "未结束"],
    ["每户标准（元）", amountCell(incident.standardAdvanceYuan)],
    ["登记至发放时间（中位数）", minutesText(dashboard.registrationToPayment.medianMinutes)],
    ["登记至发放时间（90%）", minutesText(dashboard.registrationToPayment.p90Minutes)],
    [],
    SUMMARY_HEADERS,
  ];
  for (const t of dashboard.townships) summary.push([t.name, ...countCells(t)]);
  summary.push(["合计", ...countCells(dashboard.totals)]);
  const names = new Map(dashboard.townships.map((t) => [t.townshipId, t.name]));
  const nameShown = fieldVisibility(actor.roles, "name");
  const detail: SheetData = [DETAIL_HEADERS];
  for (const row of rows) {
    const name = row.facts.applicant.name;
    detail.push([
      names.get(row.townshipId) ?? "所在乡镇",
      nameShown === "clear" ? name : nameShown === "masked" ? maskName(name) : "—",
      row.facts.applicant.document.numberMasked,
      shanghaiMinute(row.registeredAt),
      HOUSEHOLD_STAGE_LABELS[row.stage].zh,
      row.approvedYuan ? amountCell(row.approvedYuan) : "",
      row.paid ? amountCell(row.paid.amountYuan) : "",
      row.paid ? shanghaiMinute(row.paid.paidAt) : "",
    ]);
  }
  return [
    { sheet: "灾情汇总", data: summary, columns: columns(SUMMARY_HEADERS) },
    { sheet: "受灾户明细", data: detail, columns: columns(DETAIL_HEADERS) },
  ];
}

/** Stores the workbook under an unguessable key and answers its signed download link. */
export async function publishIncidentExport(
  deps: IncidentDeps,
  actor: Actor,
  incidentId: string,
): Promise<ExportLink> {
  const { dashboard, rows } = await figuresOf(deps, actor, incidentId);
  const body = await writeXlsxFile(workbookSheets(dashboard, rows, actor)).toBuffer();
  const name = `aidflow-incident-${dashboard.incident.startDate}-${incidentId}.xlsx`;
  return storeExport(dashboard.incident.countyId, { name, body, contentType: XLSX_CONTENT_TYPE });
}
