/**
 * Registering the households an incident hit (DOMAIN §8): a township officer fills the short form,
 * or imports a spreadsheet of them. Each household becomes a Flow A case filed on its behalf through
 * the Flow A filing service (same checks, dedup per household, audit and execution) with the
 * incident's cause and standard advance, then tagged with the incident. A spreadsheet is read and
 * every row checked first — a row that does not pass is named with its row and column in Chinese and
 * English, and nothing is written unless every row passes.
 */
import ExcelJS from "exceljs";
import { type Actor, requireAuthorized } from "#core/access/index.ts";
import { AidFlowError, ConflictError, type FieldError, ValidationError } from "#core/errors.ts";
import { type Incident, registrationOpen } from "#core/incidents/index.ts";
import { sheetPath } from "#core/sheet-path.ts";
import { issueToFieldError } from "#functions/http/index.ts";
import { fileCase } from "../flow-a/filing.ts";
import { FileCaseSchema } from "../steps/filing.ts";
import { readableIncident } from "./declare.ts";
import type { IncidentDeps } from "./deps.ts";
import { type RegisterHouseholdRequest, RegisterHouseholdSchema } from "./schemas.ts";

/** The largest workbook read, and the most rows in it (a township's households of one incident). */
export const HOUSEHOLD_WORKBOOK_MAX_BYTES = 4 * 1024 * 1024;
export const HOUSEHOLD_ROWS_MAX = 5000;
/** Filings of one import running at once (each is a few writes and an execution start). */
const FILING_CONCURRENCY = 4;

export const HOUSEHOLD_SHEET = "受灾户";
/** The sheet's columns, in order: the header text and the form field each fills. */
export const HOUSEHOLD_COLUMNS = [
  { header: "乡镇代码", field: "townshipId" },
  { header: "户主姓名", field: "name" },
  { header: "身份证号码", field: "document" },
  { header: "手机号", field: "phone" },
  { header: "开户名", field: "bankAccount.holderName" },
  { header: "开户银行", field: "bankAccount.bankName" },
  { header: "银行账号", field: "bankAccount.account" },
  { header: "家庭住址", field: "address" },
  { header: "备注", field: "note" },
] as const;

export interface RegisteredHousehold {
  caseId: string;
  townshipId: string;
  /** True when the household already had an open case for this cause: that case is the one listed. */
  existing: boolean;
}

/** One imported row: its case, or why this household's filing was refused (the others go on). */
export interface ImportRowResult extends Partial<RegisteredHousehold> {
  row: number;
  townshipId: string;
  refused?: { code: string; message: string; messageZh: string };
}

function refusedOutsideIncident(path: string): ValidationError {
  const message = "this township is not one the incident hit";
  const messageZh = "该乡镇不在本次灾情的受灾乡镇之中";
  return new ValidationError(message, messageZh, { fields: [{ path, message, messageZh }] });
}

function requireRegistrationOpen(incident: Incident, now: Date): void {
  if (!registrationOpen(incident, now)) {
    throw new ConflictError(
      "The incident is not open for registration (ended, or outside its dates)",
      "该灾情已结束或不在登记期内，不能再登记受灾户",
      { details: { incidentId: incident.incidentId, code: "incident-closed" } },
    );
  }
}

/** The Flow A filing of one household: the incident's cause and standard advance, filed on its behalf. */
function filingOf(incident: Incident, household: RegisterHouseholdRequest) {
  return FileCaseSchema.parse({
    townshipId: household.townshipId,
    hardship: { cause: incident.cause },
    description: `${incident.name}受灾登记${household.note ? `：${household.note}` : ""}`,
    requestedAmountYuan: incident.standardAdvanceYuan,
    irreversibleHarmIfDelayed: true,
    applicant: {
      name: household.name,
      document: household.document,
      ...(household.phone ? { phone: household.phone } : {}),
      ...(household.address ? { residence: { address: household.address } } : {}),
    },
    ...(household.bankAccount ? { bankAccount: household.bankAccount } : {}),
    ...(household.household ? { household: household.household } : {}),
    onBehalf: { reason: "found-by-staff", note: `灾情登记：${incident.name}` },
  });
}

/** Files the household's case (or finds its open one) and tags it with the incident. */
async function fileAndTag(
  deps: IncidentDeps,
  actor: Actor,
  incident: Incident,
  household: RegisterHouseholdRequest,
  via: "form" | "import",
  correlationId: string,
): Promise<RegisteredHousehold> {
  const filed = await fileCase(deps.flow, actor, filingOf(incident, household), correlationId);
  const tagged = await deps.incidents.tag({
    countyId: incident.countyId,
    incidentId: incident.incidentId,
    caseId: filed.caseId,
    townshipId: household.townshipId,
    registeredAt: deps.flow.now().toISOString(),
    registeredBy: actor.userId,
    via,
  });
  if (!tagged.tagged) {
    const other = await deps.incidents.get(incident.countyId, tagged.incidentId);
    throw new ConflictError(
      "The household was registered under another incident",
      `该户已在灾情「${other?.name ?? "其他灾情"}」中登记`,
      { details: { code: "other-incident" } },
    );
  }
  return { caseId: filed.caseId, townshipId: household.townshipId, existing: filed.existing };
}

/** The short form: one household, filed and tagged (an open case of the household is answered instead). */
export async function registerHousehold(
  deps: IncidentDeps,
  actor: Actor,
  incidentId: string,
  request: RegisterHouseholdRequest,
  correlationId: string,
): Promise<RegisteredHousehold> {
  const incident = await readableIncident(deps, actor, incidentId);
  requireAuthorized(actor, "case.fileOnBehalf", {
    countyId: incident.countyId,
    townshipId: request.townshipId,
  });
  if (!incident.townshipIds.includes(request.townshipId)) throw refusedOutsideIncident("townshipId");
  requireRegistrationOpen(incident, deps.flow.now());
  return fileAndTag(deps, actor, incident, request, "form", correlationId);
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object" && "text" in value) return String(value.text).trim();
  if (typeof value === "object" && "result" in value) return String(value.result ?? "").trim();
  return String(value).trim();
}

const columnOf = (index: number) =>
  `${String.fromCharCode(65 + index)}（${HOUSEHOLD_COLUMNS[index]?.header ?? ""}）`;

/** The column a form field's error belongs to (a path inside the bank account or document included). */
function columnOfPath(path: string): string {
  const index = HOUSEHOLD_COLUMNS.findIndex(
    (column) => path === column.field || path.startsWith(`${column.field}.`),
  );
  return index >= 0 ? columnOf(index) : columnOf(0);
}

function rowError(row: number, column: string, message: string, messageZh: string): FieldError {
  return { path: sheetPath({ sheet: HOUSEHOLD_SHEET, row, column }), message, messageZh };
}

/** One sheet row as the short form's request (empty cells left out). */
function rowRequest(cells: readonly string[]): Record<string, unknown> {
  const [townshipId, name, idNumber, phone, holderName, bankName, account, address, note] = cells;
  const bank = [holderName, bankName, account].some((v) => v) ? { holderName, bankName, account } : undefined;
  return {
    townshipId,
    name,
    document: { type: "resident-id", number: idNumber },
    ...(phone ? { phone } : {}),
    ...(bank ? { bankAccount: bank } : {}),
    ...(address ? { address } : {}),
    ...(note ? { note } : {}),
  };
}

/** One household row checked: its request, or its problems (a row already seen names the first). */
function checkHouseholdRow(
  n: number,
  cells: readonly string[],
  incident: Incident,
  actor: Actor,
  seen: ReadonlyMap<string, number>,
): { request: RegisterHouseholdRequest } | { error: FieldError[] } {
  const parsed = RegisterHouseholdSchema.safeParse(rowRequest(cells));
  if (!parsed.success) {
    return {
      error: parsed.error.issues.map((issue) => {
        const field = issueToFieldError(issue);
        return rowError(n, columnOfPath(field.path), field.message, field.messageZh);
      }),
    };
  }
  const request = parsed.data;
  if (!incident.townshipIds.includes(request.townshipId)) {
    return {
      error: [
        rowError(n, columnOf(0), "not a township the incident hit", "该乡镇不在本次灾情的受灾乡镇之中"),
      ],
    };
  }
  if (actor.townshipId && request.townshipId !== actor.townshipId) {
    return {
      error: [
        rowError(
          n,
          columnOf(0),
          "an officer registers their own township's households",
          "只能登记本乡镇的受灾户",
        ),
      ],
    };
  }
  const first = seen.get(cells[2] ?? "");
  if (first !== undefined) {
    return {
      error: [
        rowError(n, columnOf(2), `the same ID number as row ${first}`, `与第 ${first} 行的身份证号码重复`),
      ],
    };
  }
  return { request };
}

/** Reads and checks every row; the households in row order, or every problem found. */
export async function readHouseholdWorkbook(
  file: Buffer,
  incident: Incident,
  actor: Actor,
): Promise<{ rows: Array<{ row: number; request: RegisterHouseholdRequest }>; errors: FieldError[] }> {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    return {
      rows: [],
      errors: [rowError(0, "", "The file is not an .xlsx workbook", "文件不是有效的 .xlsx 表格")],
    };
  }
  const sheet = book.getWorksheet(HOUSEHOLD_SHEET);
  if (!sheet) {
    return {
      rows: [],
      errors: [
        rowError(0, "", `The sheet ${HOUSEHOLD_SHEET} is missing`, `缺少工作表「${HOUSEHOLD_SHEET}」`),
      ],
    };
  }
  const errors: FieldError[] = [];
  const rows: Array<{ row: number; request: RegisterHouseholdRequest }> = [];
  const seen = new Map<string, number>();
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    if (n > HOUSEHOLD_ROWS_MAX + 1) {
      if (n === HOUSEHOLD_ROWS_MAX + 2)
        errors.push(
          rowError(
            n,
            "",
            `At most ${HOUSEHOLD_ROWS_MAX} households a file`,
            `每个文件最多 ${HOUSEHOLD_ROWS_MAX} 户`,
          ),
        );
      return;
    }
    const cells = HOUSEHOLD_COLUMNS.map((_, i) => cellText(row.getCell(i + 1).value));
    if (cells.every((c) => c === "")) return;
    const checked = checkHouseholdRow(n, cells, incident, actor, seen);
    if ("error" in checked) {
      errors.push(...checked.error);
      return;
    }
    seen.set(cells[2] ?? "", n);
    rows.push({ row: n, request: checked.request });
  });
  if (rows.length === 0 && errors.length === 0) {
    errors.push(rowError(0, "", "The sheet lists no household", `工作表「${HOUSEHOLD_SHEET}」中没有受灾户`));
  }
  return { rows, errors };
}

function workbookError(errors: readonly FieldError[]): ValidationError {
  return new ValidationError(
    `The workbook does not pass (${errors.length} problem(s)); nothing was written`,
    `表格未通过检查（${errors.length} 处问题），未写入任何数据`,
    { fields: [...errors] },
  );
}

/**
 * The spreadsheet import: every row checked first (nothing written unless all pass), then each
 * household filed and tagged, a few at once. `dryRun` answers the rows that would be registered.
 */
export async function importHouseholds(
  deps: IncidentDeps,
  actor: Actor,
  incidentId: string,
  file: Buffer,
  dryRun: boolean,
  correlationId: string,
): Promise<{
  incidentId: string;
  dryRun: boolean;
  households: number;
  refused: number;
  rows: ImportRowResult[];
}> {
  const incident = await readableIncident(deps, actor, incidentId);
  requireAuthorized(actor, "case.fileOnBehalf", {
    countyId: incident.countyId,
    ...(actor.townshipId ? { townshipId: actor.townshipId } : {}),
  });
  requireRegistrationOpen(incident, deps.flow.now());
  if (file.byteLength > HOUSEHOLD_WORKBOOK_MAX_BYTES) {
    throw workbookError([
      {
        path: "body.workbook",
        message: `The workbook is at most ${HOUSEHOLD_WORKBOOK_MAX_BYTES / 1024 / 1024} MB`,
        messageZh: `表格文件不能超过 ${HOUSEHOLD_WORKBOOK_MAX_BYTES / 1024 / 1024} MB`,
      },
    ]);
  }
  const { rows, errors } = await readHouseholdWorkbook(file, incident, actor);
  if (errors.length > 0) throw workbookError(errors);
  if (dryRun) {
    return {
      incidentId,
      dryRun,
      households: rows.length,
      refused: 0,
      rows: rows.map((r) => ({ row: r.row, townshipId: r.request.townshipId })),
    };
  }
  const results: ImportRowResult[] = new Array(rows.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < rows.length; i = next++) {
      const { row, request } = rows[i] as (typeof rows)[number];
      try {
        results[i] = { row, ...(await fileAndTag(deps, actor, incident, request, "import", correlationId)) };
      } catch (error) {
        if (!(error instanceof AidFlowError)) throw error;
        results[i] = {
          row,
          townshipId: request.townshipId,
          refused: { code: error.code, message: error.message, messageZh: error.messageZh },
        };
      }
    }
  };
  await Promise.all(Array.from({ length: FILING_CONCURRENCY }, worker));
  const refused = results.filter((r) => r.refused).length;
  return { incidentId, dryRun, households: results.length - refused, refused, rows: results };
}
