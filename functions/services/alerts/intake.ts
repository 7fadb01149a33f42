/**
 * Early-warning intake (主动发现, core/alerts): alerts arrive from partner systems as HMAC-signed
 * messages (per-source keys, a replay window, every signed message taken once) or from a county's
 * spreadsheet (CSV or XLSX). Every alert of a message or a sheet is checked before anything is
 * written; a refused message or sheet writes nothing. Each alert is stored once per person + risk
 * kind within the policy's window (`alertDedupWindowDays`): a repeat is answered with the alert that
 * stands, not stored again. A new alert is a verification task of the township of residence with a
 * deadline in working days (`alertVerificationWorkingDays`, the county's calendar).
 */
import { randomBytes } from "node:crypto";
import ExcelJS from "exceljs";
import type { AlertRecord, AlertStore } from "#adapters/alert-store.ts";
import type { AuditStore } from "#adapters/audit-store.ts";
import { countyOfTownship } from "#adapters/directory-store.ts";
import { type Actor, requireAuthorized } from "#core/access/index.ts";
import {
  type AlertInput,
  AlertInputSchema,
  dedupWindowLastDay,
  RISK_KIND_NAMES_ZH,
  reportedDateProblem,
  riskKindOfLabel,
  verificationDeadline,
} from "#core/alerts/index.ts";
import { localDateOf } from "#core/calendar/index.ts";
import { ConflictError, type FieldError, ValidationError } from "#core/errors.ts";
import { issueToFieldError } from "#functions/http/index.ts";
import { notify } from "../messages/notify.ts";
import type { FlowDeps } from "../ports.ts";

export interface AlertDeps {
  flow: FlowDeps;
  alerts: AlertStore;
  audit: AuditStore;
}

/** A signed message carries at most this many alerts (each checked before any is written). */
export const SIGNED_ALERTS_MAX = 50;
/** A spreadsheet carries at most this many rows (one county's list of a day, read in memory). */
export const IMPORT_ROWS_MAX = 2000;
/** The largest spreadsheet read (base64 in a JSON body). */
export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;

export interface AlertReceipt {
  alertId: string;
  /** An alert of the same person + kind stood within the window: this is it, nothing was stored. */
  repeat: boolean;
  townshipId: string;
  dueAt: string;
}

export function newAlertId(now: Date): string {
  return `W${localDateOf(now).replaceAll("-", "")}-${randomBytes(5).toString("hex")}`;
}

/** Validates a list of alerts: every problem with its path (`alerts.<i>.<field>`), or the alerts. */
async function checkAlerts(
  deps: AlertDeps,
  inputs: readonly unknown[],
  now: Date,
  pathOf: (index: number, field: string) => string,
  countyId?: string,
): Promise<{ alerts: AlertInput[]; fields: FieldError[] }> {
  const fields: FieldError[] = [];
  const alerts: AlertInput[] = [];
  for (const [index, input] of inputs.entries()) {
    const parsed = AlertInputSchema.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const error = issueToFieldError(issue);
        fields.push({ ...error, path: pathOf(index, error.path) });
      }
      continue;
    }
    const alert = parsed.data;
    if (reportedDateProblem(alert.date, now)) {
      fields.push({
        path: pathOf(index, "date"),
        message: "the date lies in the future",
        messageZh: "日期不能晚于今天",
      });
    }
    const township = await deps.flow.directory.township(alert.townshipId);
    if (!township || (countyId !== undefined && countyOfTownship(alert.townshipId) !== countyId)) {
      fields.push({
        path: pathOf(index, "townshipId"),
        message: countyId ? "not a township of your county" : "an unknown township",
        messageZh: countyId ? "不是本县的乡镇" : "乡镇代码不存在",
      });
      continue;
    }
    alerts.push(alert);
  }
  return { alerts, fields };
}

function refused(fields: FieldError[], message: string, messageZh: string): ValidationError {
  return new ValidationError(message, messageZh, { fields });
}

/**
 * Stores one checked alert (or answers the one standing for the person + kind) and tells the
 * township's officers of a new one.
 */
export async function receiveAlert(
  deps: AlertDeps,
  input: AlertInput,
  via: { kind: AlertRecord["receivedVia"]; from: string; actor: Pick<Actor, "userId" | "name" | "roles"> },
  correlationId: string,
): Promise<AlertReceipt> {
  const now = deps.flow.now();
  const countyId = countyOfTownship(input.townshipId);
  const policy = await deps.flow.policy.resolve(countyId, input.townshipId, now);
  const calendar = await deps.flow.calendar.calendarOf(countyId, policy.holidayCalendarRef);
  const person = personOf(deps, input);
  const due = verificationDeadline(now, policy.alertVerificationWorkingDays, calendar);
  const today = localDateOf(now);
  const alert: AlertRecord = {
    alertId: newAlertId(now),
    countyId,
    townshipId: input.townshipId,
    person,
    kind: input.kind,
    source: input.source,
    reportedOn: input.date,
    evidence: input.evidence,
    receivedAt: now.toISOString(),
    receivedVia: via.kind,
    receivedFrom: via.from,
    status: "open",
    dueAt: due.deadline.toISOString(),
    firstDueAt: due.deadline.toISOString(),
    policyVersionId: policy.policyVersionId,
    visits: [],
    version: 1,
  };
  const created = await deps.alerts.create(
    alert,
    dedupWindowLastDay(today, policy.alertDedupWindowDays),
    today,
  );
  if (!created.created) {
    const standing = await deps.alerts.get(created.existingAlertId);
    return {
      alertId: created.existingAlertId,
      repeat: true,
      townshipId: standing?.townshipId ?? input.townshipId,
      dueAt: standing?.dueAt ?? alert.dueAt,
    };
  }
  await announce(deps, alert, via, correlationId);
  return { alertId: alert.alertId, repeat: false, townshipId: alert.townshipId, dueAt: alert.dueAt };
}

/** A new alert: audited, and the township's officers told of the task and its deadline. */
async function announce(
  deps: AlertDeps,
  alert: AlertRecord,
  via: { kind: AlertRecord["receivedVia"]; from: string; actor: Pick<Actor, "userId" | "name" | "roles"> },
  correlationId: string,
): Promise<void> {
  const { countyId, person } = alert;
  await deps.audit.append({
    countyId,
    townshipId: alert.townshipId,
    actor: via.actor,
    action: "alert.receive",
    resourceType: "alert",
    resourceId: alert.alertId,
    reason: `${via.kind === "signed" ? "signed message" : "import"} from ${via.from}`,
    after: {
      kind: alert.kind,
      source: alert.source,
      reportedOn: alert.reportedOn,
      person: { idNumberMasked: person.idMasked, name: person.name },
      dueAt: alert.dueAt,
    },
    correlationId,
  });
  await notify(
    deps.flow,
    {
      kind: "task-assigned",
      values: {
        township: (await deps.flow.directory.township(alert.townshipId))?.name ?? "所在乡镇",
        task: "预警核查",
        caseNumber: alert.alertId,
        deadline: alert.dueAt,
      },
    },
    { kind: "staff", countyId, townshipId: alert.townshipId, role: "township-officer" },
    { caseId: alert.alertId, discriminator: "alert-received" },
  );
}

/** The person as stored: the keyed hash and the masked number, never the number itself. */
function personOf(deps: AlertDeps, input: AlertInput): AlertRecord["person"] {
  const { idNumber, name, household } = input.person;
  if (idNumber) {
    const checked = deps.flow.identity.check({ type: "resident-id", number: idNumber } as { type: string });
    return {
      personKey: checked.personKey,
      idMasked: checked.numberMasked,
      ...(name ? { name } : {}),
      ...(household ? { household } : {}),
    };
  }
  // Without a number the person is the name within the household, at the township of residence.
  return {
    personKey: deps.flow.identity.attestedKey(input.townshipId, `${name ?? ""}@${household ?? ""}`),
    ...(name ? { name } : {}),
    ...(household ? { household } : {}),
  };
}

// ── Signed partner messages ─────────────────────────────────────────────────────────────────────

/**
 * A partner's signed message `{ alerts: [...] }`, its signature already verified with the source's
 * key. Every alert is checked first (400, nothing written); then the message is taken once — the same
 * signed message again is a replay (409, nothing written) — and each alert is received.
 */
export async function receiveSignedAlerts(
  deps: AlertDeps,
  sourceId: string,
  signature: string,
  payload: unknown,
  replayTtlSeconds: number,
  correlationId: string,
): Promise<{ alerts: AlertReceipt[] }> {
  const list = (payload as { alerts?: unknown } | undefined)?.alerts;
  if (
    payload === null ||
    typeof payload !== "object" ||
    Object.keys(payload).some((k) => k !== "alerts") ||
    !Array.isArray(list) ||
    list.length === 0 ||
    list.length > SIGNED_ALERTS_MAX
  ) {
    throw refused(
      [
        {
          path: "alerts",
          message: `a list of 1 to ${SIGNED_ALERTS_MAX} alerts, and nothing else`,
          messageZh: `须为 1 至 ${SIGNED_ALERTS_MAX} 条预警的列表，且不含其他内容`,
        },
      ],
      "The message does not follow the early-warning contract",
      "预警报文不符合接口约定",
    );
  }
  const now = deps.flow.now();
  const { alerts, fields } = await checkAlerts(deps, list, now, (i, field) =>
    field ? `alerts.${i}.${field}` : `alerts.${i}`,
  );
  if (fields.length > 0) {
    throw refused(fields, "The message does not follow the early-warning contract", "预警报文不符合接口约定");
  }
  if (!(await deps.alerts.takeMessage(sourceId, signature, replayTtlSeconds))) {
    throw new ReplayedMessageError();
  }
  const actor = { userId: `source:${sourceId}`, name: sourceId, roles: [] };
  const receipts: AlertReceipt[] = [];
  for (const alert of alerts) {
    receipts.push(await receiveAlert(deps, alert, { kind: "signed", from: sourceId, actor }, correlationId));
  }
  return { alerts: receipts };
}

/** The same signed message a second time (409): nothing is written. */
export class ReplayedMessageError extends ConflictError {
  override readonly code = "REPLAYED";
  constructor() {
    super(
      "This signed message was taken before: sign a new message to send again",
      "该报文已接收过，不能重复提交",
    );
  }
}

// ── Spreadsheet import (CSV or XLSX) ───────────────────────────────────────────────────────────

/** The sheet's columns: Chinese header → the alert's field. */
export const IMPORT_COLUMNS = [
  { header: "身份证号", field: "person.idNumber" },
  { header: "姓名", field: "person.name" },
  { header: "家庭（户主或住址）", field: "person.household" },
  { header: "居住地乡镇代码", field: "townshipId" },
  { header: "风险类型", field: "kind" },
  { header: "来源", field: "source" },
  { header: "日期", field: "date" },
  { header: "依据摘要", field: "evidence" },
] as const;

const COLUMN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

export interface ImportRequest {
  fileName: string;
  contentBase64: string;
}

export interface ImportResult {
  rows: number;
  received: number;
  repeats: number;
  alerts: Array<AlertReceipt & { row: number }>;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return localDateOf(value);
  if (typeof value === "object" && "text" in value) return String(value.text).trim();
  if (typeof value === "object" && "result" in value) return String(value.result ?? "").trim();
  return String(value).trim();
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && body[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((cell) => cell.trim() !== ""));
}

async function readRows(request: ImportRequest): Promise<string[][]> {
  const bytes = Buffer.from(request.contentBase64, "base64");
  if (bytes.length > IMPORT_MAX_BYTES) {
    throw refused(
      [
        {
          path: "contentBase64",
          message: `at most ${IMPORT_MAX_BYTES / 1024 / 1024} MB`,
          messageZh: `文件不能超过 ${IMPORT_MAX_BYTES / 1024 / 1024} MB`,
        },
      ],
      "The file is too large",
      "文件过大",
    );
  }
  if (/\.csv$/i.test(request.fileName))
    return parseCsv(bytes.toString("utf8")).map((r) => r.map((c) => c.trim()));
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw refused(
      [
        {
          path: "contentBase64",
          message: "the file cannot be read: upload a .csv or .xlsx file filled in from the template",
          messageZh: "无法读取该文件：请上传按模板填写的 .csv 或 .xlsx 文件",
        },
      ],
      "The file cannot be read",
      "无法读取该文件",
    );
  }
  const sheet = book.worksheets[0];
  const rows: string[][] = [];
  sheet?.eachRow((row) => {
    const values: string[] = [];
    for (let c = 1; c <= IMPORT_COLUMNS.length; c++) values.push(cellText(row.getCell(c).value));
    rows.push(values);
  });
  return rows.filter((r) => r.some((cell) => cell !== ""));
}

/** One row's cells as an alert input (empty cells left out; 风险类型 by its Chinese label). */
function rowInput(cells: readonly string[]): Record<string, unknown> {
  const person: Record<string, string> = {};
  const alert: Record<string, unknown> = {};
  for (const [i, column] of IMPORT_COLUMNS.entries()) {
    const value = cells[i]?.trim() ?? "";
    if (value === "") continue;
    if (column.field.startsWith("person.")) person[column.field.slice(7)] = value;
    else if (column.field === "kind") alert.kind = riskKindOfLabel(value) ?? value;
    else alert[column.field] = value;
  }
  return { person, ...alert };
}

/** The header row must be the template's, column by column. */
function checkHeader(header: readonly string[]): void {
  const headerFields: FieldError[] = [];
  IMPORT_COLUMNS.forEach((column, i) => {
    if ((header[i] ?? "").trim() !== column.header) {
      headerFields.push({
        path: `第 1 行 ${COLUMN_LETTERS[i]} 列`,
        message: `row 1, column ${COLUMN_LETTERS[i]}: the header must be "${column.header}"`,
        messageZh: `第 1 行 ${COLUMN_LETTERS[i]} 列：表头须为「${column.header}」`,
      });
    }
  });
  if (headerFields.length > 0)
    throw refused(headerFields, "The sheet does not follow the template", "表格不符合模板");
}

/**
 * Imports a county's list of alerts: the header row as the template's, then one alert a row. Every
 * row is checked (an error names its row and column, in Chinese and English) and nothing is written
 * unless every row passes; then each row is received (a repeat is answered, not stored again).
 */
export async function importAlerts(
  deps: AlertDeps,
  actor: Actor,
  request: ImportRequest,
  correlationId: string,
): Promise<ImportResult> {
  requireAuthorized(actor, "alert.import", { countyId: actor.countyId });
  const rows = await readRows(request);
  checkHeader(rows[0] ?? []);
  const body = rows.slice(1);
  if (body.length === 0 || body.length > IMPORT_ROWS_MAX) {
    throw refused(
      [
        {
          path: "contentBase64",
          message: `1 to ${IMPORT_ROWS_MAX} rows of alerts`,
          messageZh: `须有 1 至 ${IMPORT_ROWS_MAX} 行预警`,
        },
      ],
      "The sheet has no rows to import or too many",
      "表格没有可导入的行或行数过多",
    );
  }
  const columnOf = (field: string): number => {
    const index = IMPORT_COLUMNS.findIndex((c) => field === c.field || field.startsWith(`${c.field}.`));
    return index >= 0 ? index : IMPORT_COLUMNS.findIndex((c) => c.field.startsWith(`${field}.`));
  };
  const now = deps.flow.now();
  const { alerts, fields } = await checkAlerts(
    deps,
    body.map(rowInput),
    now,
    (i, field) => {
      const column = columnOf(field);
      const letter = column >= 0 ? COLUMN_LETTERS[column] : "";
      return `第 ${i + 2} 行${letter ? ` ${letter} 列（${IMPORT_COLUMNS[column]?.header}）` : ""}`;
    },
    actor.countyId,
  );
  if (fields.length > 0) {
    throw refused(
      fields.map((f) => ({
        ...f,
        messageZh: `${f.path}：${f.messageZh}`,
        message: `${f.path}: ${f.message}`,
      })),
      "Some rows do not pass: nothing was imported",
      "部分行未通过检查，未导入任何预警",
    );
  }
  const receipts: ImportResult["alerts"] = [];
  for (const [i, alert] of alerts.entries()) {
    const receipt = await receiveAlert(
      deps,
      alert,
      { kind: "import", from: actor.userId, actor },
      correlationId,
    );
    receipts.push({ ...receipt, row: i + 2 });
  }
  return {
    rows: alerts.length,
    received: receipts.filter((r) => !r.repeat).length,
    repeats: receipts.filter((r) => r.repeat).length,
    alerts: receipts,
  };
}

/** The template's header row and one example, as CSV (the console offers it for download). */
export function importTemplateCsv(): string {
  const example = [
    "",
    "王某某",
    "王某某户，城关镇东街 12 号",
    "230123100",
    RISK_KIND_NAMES_ZH["medical-expense"],
    "县医保局",
    "2026-03-01",
    "本月个人自付医疗费用 4.2 万元",
  ];
  return `${IMPORT_COLUMNS.map((c) => c.header).join(",")}\n${example.join(",")}\n`;
}
