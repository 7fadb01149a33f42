/**
 * Spreadsheet onboarding of a county (DOMAIN §8): the template (docs/templates/county.xlsx)
 * filled in for a county is read, every row checked, then written through the administration, users
 * and finance services — the same checks, audit and maker-checker as the API routes. One service for
 * `aidflow county import`, `POST /admin/counties/import` (the console's upload) and the local demo.
 *
 * Sheets read: 乡镇 (乡镇代码, 名称, 户籍人口, 城乡), 政策参数 (参数, 值: 县代码, 县名称, 版本号,
 * 生效时间, 依据, then every DOMAIN §7 parameter by its name), 用户 (姓名, 手机号, 角色, 乡镇代码) and
 * 备用金定额 (乡镇代码, 定额（元）). Every row is checked first — against the sheets and against what is
 * stored (a phone with another account, a quota below the fund's, a version starting too early) — an
 * error names its sheet, row and column in Chinese and English, and nothing is written unless every
 * row passes.
 * A county already created takes its 乡镇 rows as its administrator's routes write them (townships.ts):
 * a new township added, a changed name, urban/rural or population edited; none is ever removed.
 * Idempotent: a county already created with the same townships, a version already proposed with the
 * same content, a user already created with the same details and a fund already at its quota change
 * nothing. The policy version is only proposed: another administrator approves it. A quota row is
 * written as the township's 备用金定额 (townships.ts, as the route sets it: no money moves); the money
 * is county finance's (DOMAIN §6), so the fund is allocated up to it only when a finance user is named
 * (the finance allocation service); otherwise it waits for finance.
 * An import that changed something appends one `county.import` audit event (each change is audited by
 * its own service too).
 */
import ExcelJS from "exceljs";
import {
  type CountyDirectory,
  DirectoryStore,
  parseCountyDirectory,
  type TownshipRecord,
} from "#adapters/directory-store.ts";
import type { IdentityAccounts } from "#adapters/identity/accounts.ts";
import type { FundView } from "#adapters/ledger/index.ts";
import { PolicyStore } from "#adapters/policy-store.ts";
import { UserDirectory } from "#adapters/user-directory.ts";
import {
  type Actor,
  COUNTY_STAFF_ROLES,
  ROLE_DESCRIPTIONS,
  type Role,
  requireAuthorized,
} from "#core/access/index.ts";
import { ConflictError, type FieldError, NotFoundError, ValidationError } from "#core/errors.ts";
import { Yuan } from "#core/money/yuan.ts";
import { PolicyVersionSchema, toValidationError } from "#core/policy/index.ts";
import { sheetPath, sheetPlaceOf } from "#core/sheet-path.ts";
import type { FinanceDeps } from "#functions/services/finance/deps.ts";
import { allocate } from "#functions/services/finance/funds.ts";
import { type AdminDeps, createCounty, proposePolicyVersion } from "./administration.ts";
import { addTownship, editTownship, importFundQuota, minimumQuota, quotaShortfall } from "./townships.ts";
import { createUser, MAINLAND_MOBILE, type NewUserInput } from "./users.ts";

/** One problem of the workbook: where (sheet, row from 1, column letter with its header) and what. */
export interface SheetError {
  sheet: string;
  /** 0 when the problem is not one row's (a missing sheet or parameter). */
  row: number;
  column: string;
  messageZh: string;
  message: string;
}

export interface CountyWorkbook {
  county: CountyDirectory;
  version: { versionId: string; effectiveFrom: string; basis?: string; parameters: Record<string, unknown> };
  /** The 政策参数 row of 生效时间 (for an error found against the stored versions). */
  effectiveFromRow: number;
  /** 用户: one staff user a row (its sheet row, for errors found against what is stored). */
  users: Array<NewUserInput & { row: number }>;
  /** 备用金定额: one township fund's quota a row. */
  quotas: Array<{ townshipId: string; quotaYuan: string; row: number }>;
}

/** The largest workbook read (the upload's limit too): a county's sheets are a few hundred rows. */
export const WORKBOOK_MAX_BYTES = 2 * 1024 * 1024;

export const TOWNSHIP_SHEET = "乡镇";
export const POLICY_SHEET = "政策参数";
export const USER_SHEET = "用户";
export const QUOTA_SHEET = "备用金定额";
const USER_HEADERS = ["姓名", "手机号", "角色", "乡镇代码"] as const;
const QUOTA_HEADERS = ["乡镇代码", "定额（元）"] as const;
/** A quota in yuan with at most two decimals. */
const QUOTA_TEXT = /^\d{1,12}(\.\d{1,2})?$/;
/** The template's columns of 乡镇, in order. */
const TOWNSHIP_COLUMNS = ["townshipId", "name", "registeredPopulation", "area"] as const;
const TOWNSHIP_HEADERS: Record<(typeof TOWNSHIP_COLUMNS)[number], string> = {
  townshipId: "乡镇代码",
  name: "名称",
  registeredPopulation: "户籍人口",
  area: "城乡",
};
/** Rows of 政策参数 that are not parameters. */
const META: Record<string, string> = {
  县代码: "countyId",
  县名称: "countyName",
  版本号: "versionId",
  生效时间: "effectiveFrom",
  依据: "basis",
};
/** A row cap per sheet (a limit on everything). */
const ROWS_MAX = 500;
const VALUE_COLUMN = "B（值）";

const letter = (index: number) => String.fromCharCode("A".charCodeAt(0) + index);
const cellOf = (headers: readonly string[], index: number) => `${letter(index)}（${headers[index]}）`;

function text(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object" && "text" in value) return String(value.text).trim();
  if (typeof value === "object" && "result" in value) return String(value.result ?? "").trim();
  return String(value).trim();
}

/** A parameter's cell as the policy schema wants it: numbers, 是/否, "10倍低保" for a 低保 multiple. */
function parameterValue(raw: string): unknown {
  const multiple = /^(\d+(?:\.5)?)\s*(?:倍低保|×低保|x低保)$/.exec(raw);
  if (multiple) return { dibaoMonths: Number(multiple[1]) };
  if (raw === "是") return true;
  if (raw === "否") return false;
  if (/^-?\d+$/.test(raw)) return Number(raw);
  return raw;
}

const LIMITS = new Set(["townshipApprovalCeiling", "perCaseCap"]);
const YUAN_TEXT = new Set([
  "dibaoMonthlyStandardUrbanYuan",
  "dibaoMonthlyStandardRuralYuan",
  "advanceCeilingYuan",
  "stagedAssistanceThresholdYuan",
  "cashCeilingYuan",
  "fundQuotaPerCapitaYuan",
]);

interface PolicyRows {
  meta: Record<string, string>;
  parameters: Record<string, unknown>;
  /** The row of each meta key and of each `parameters.<name>`. */
  rowOf: Map<string, number>;
}

/** 政策参数: one parameter a row (row 1 is the header). */
function readPolicySheet(sheet: ExcelJS.Worksheet): PolicyRows {
  const rows: PolicyRows = { meta: {}, parameters: {}, rowOf: new Map() };
  sheet.eachRow((row, n) => {
    if (n === 1 || n > ROWS_MAX) return;
    const key = text(row.getCell(1).value);
    const raw = text(row.getCell(2).value);
    if (key === "") return;
    const metaKey = META[key];
    if (metaKey) {
      rows.meta[metaKey] = raw;
      rows.rowOf.set(metaKey, n);
      return;
    }
    rows.rowOf.set(`parameters.${key}`, n);
    const value = parameterValue(raw);
    rows.parameters[key] = LIMITS.has(key)
      ? typeof value === "object"
        ? value
        : { yuan: raw }
      : YUAN_TEXT.has(key)
        ? raw
        : value;
  });
  return rows;
}

/** 乡镇: one township a row under the header, with the sheet row of each. */
function readTownshipSheet(sheet: ExcelJS.Worksheet): {
  townships: Record<string, unknown>[];
  rows: number[];
} {
  const townships: Record<string, unknown>[] = [];
  const rows: number[] = [];
  sheet.eachRow((row, n) => {
    if (n === 1 || n > ROWS_MAX) return;
    const cells = TOWNSHIP_COLUMNS.map((_, i) => text(row.getCell(i + 1).value));
    if (cells.every((c) => c === "")) return;
    const [townshipId, name, population, area] = cells as [string, string, string, string];
    townships.push({
      townshipId,
      name,
      registeredPopulation: /^\d+$/.test(population) ? Number(population) : population,
      area: area === "城市" ? "urban" : area === "农村" ? "rural" : area,
    });
    rows.push(n);
  });
  return { townships, rows };
}

/** The county directory of 县代码, 县名称 and 乡镇; its problems as sheet errors. */
function checkCounty(
  policy: PolicyRows,
  townships: { townships: Record<string, unknown>[]; rows: number[] },
  errors: SheetError[],
): CountyDirectory | undefined {
  try {
    return parseCountyDirectory({
      countyId: policy.meta.countyId ?? "",
      name: policy.meta.countyName ?? "",
      townships: townships.townships,
    });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const field of error.fields) {
      const [head, index, column] = field.path.split(".");
      if (head === "townships" && index !== undefined && column !== undefined) {
        const at = TOWNSHIP_COLUMNS.indexOf(column as (typeof TOWNSHIP_COLUMNS)[number]);
        errors.push({
          sheet: TOWNSHIP_SHEET,
          row: townships.rows[Number(index)] ?? 0,
          column:
            at >= 0 ? `${letter(at)}（${TOWNSHIP_HEADERS[column as keyof typeof TOWNSHIP_HEADERS]}）` : "",
          messageZh: field.messageZh,
          message: field.message,
        });
      } else {
        const key = head === "name" ? "countyName" : head === "townships" ? "" : (head ?? "");
        errors.push({
          sheet: key ? POLICY_SHEET : TOWNSHIP_SHEET,
          row: policy.rowOf.get(key) ?? 0,
          column: key ? VALUE_COLUMN : "",
          messageZh: field.messageZh,
          message: field.message,
        });
      }
    }
    return undefined;
  }
}

/** The policy version of 政策参数, checked by the core schema; its problems as sheet errors. */
function checkVersion(
  policy: PolicyRows,
  countyKnown: boolean,
  errors: SheetError[],
): CountyWorkbook["version"] {
  const { meta, parameters, rowOf } = policy;
  const version = {
    versionId: meta.versionId ?? "",
    effectiveFrom: meta.effectiveFrom ?? "",
    ...(meta.basis ? { basis: meta.basis } : {}),
    parameters,
  };
  const checked = PolicyVersionSchema.safeParse({ ...version, countyId: meta.countyId ?? "" });
  if (checked.success) return version;
  for (const field of toValidationError(checked.error, "policy version", "救助政策版本").fields) {
    const segments = field.path.split(".");
    const key = segments.slice(0, 2).join(".");
    const single = segments[0] ?? "";
    // A bad 县代码 is reported once, by the county's check.
    if (single === "countyId" && !countyKnown) continue;
    const row = rowOf.get(key) ?? rowOf.get(single) ?? 0;
    errors.push({
      sheet: POLICY_SHEET,
      row,
      column: VALUE_COLUMN,
      messageZh: row === 0 ? `缺少「${key}」：${field.messageZh}` : field.messageZh,
      message: row === 0 ? `"${key}" is missing: ${field.message}` : field.message,
    });
  }
  return version;
}

/** Reads and checks a workbook; `workbook` only when every row passes. */
export async function readCountyWorkbook(
  file: Buffer,
): Promise<{ workbook?: CountyWorkbook; errors: SheetError[] }> {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    return {
      errors: [
        {
          sheet: "",
          row: 0,
          column: "",
          messageZh: "无法读取该文件：请上传按模板填写的 .xlsx 工作簿",
          message: "The file cannot be read: upload an .xlsx workbook filled in from the template",
        },
      ],
    };
  }
  const errors: SheetError[] = [];
  const townshipSheet = book.getWorksheet(TOWNSHIP_SHEET);
  const policySheet = book.getWorksheet(POLICY_SHEET);
  for (const [name, sheet] of [
    [TOWNSHIP_SHEET, townshipSheet],
    [POLICY_SHEET, policySheet],
  ] as const) {
    if (!sheet)
      errors.push({
        sheet: name,
        row: 0,
        column: "",
        messageZh: `缺少工作表「${name}」`,
        message: `The sheet "${name}" is missing`,
      });
  }
  if (!townshipSheet || !policySheet) return { errors };
  const policy = readPolicySheet(policySheet);
  const townships = readTownshipSheet(townshipSheet);
  const county = checkCounty(policy, townships, errors);
  const version = checkVersion(policy, county !== undefined, errors);
  const known = new Set(townships.townships.map((t) => String(t.townshipId)));
  const users = readUsers(book.getWorksheet(USER_SHEET), known, errors);
  const quotas = readQuotas(book.getWorksheet(QUOTA_SHEET), known, errors);
  if (errors.length > 0 || !county) return { errors };
  const effectiveFromRow = policy.rowOf.get("effectiveFrom") ?? 0;
  return { workbook: { county, version, effectiveFromRow, users, quotas }, errors };
}

/** A role by its Chinese name (经办人) or its code (township-officer); only a county's roles. */
function roleOf(text: string): Role | undefined {
  return COUNTY_STAFF_ROLES.find((role) => role === text || ROLE_DESCRIPTIONS[role].nameZh === text);
}

function readUsers(
  sheet: ExcelJS.Worksheet | undefined,
  townships: ReadonlySet<string>,
  errors: SheetError[],
): CountyWorkbook["users"] {
  const users: CountyWorkbook["users"] = [];
  const phones = new Map<string, number>();
  sheet?.eachRow((row, n) => {
    if (n === 1 || n > ROWS_MAX) return;
    const cells = USER_HEADERS.map((_, i) => text(row.getCell(i + 1).value));
    if (cells.every((c) => c === "")) return;
    const [name, phone, roleText, townshipId] = cells as [string, string, string, string];
    const fail = (column: number, messageZh: string, message: string) =>
      errors.push({ sheet: USER_SHEET, row: n, column: cellOf(USER_HEADERS, column), messageZh, message });
    if (name === "" || [...name].length > 40)
      fail(0, "姓名不能为空，且不得超过 40 个字符", "A name of 1 to 40 characters");
    if (!MAINLAND_MOBILE.test(phone)) fail(1, "须为 11 位大陆手机号码", "An 11-digit mainland mobile number");
    else if (phones.has(phone))
      fail(1, `手机号与第 ${phones.get(phone)} 行重复`, `The same phone as row ${phones.get(phone)}`);
    else phones.set(phone, n);
    const role = roleOf(roleText);
    if (!role)
      fail(
        2,
        `须为本县角色之一：${COUNTY_STAFF_ROLES.map((r) => ROLE_DESCRIPTIONS[r].nameZh).join("、")}`,
        `One of the county's roles: ${COUNTY_STAFF_ROLES.join(", ")}`,
      );
    const bound = role !== undefined && ROLE_DESCRIPTIONS[role].townshipBound;
    if (bound && townshipId === "") fail(3, "该角色须填写所属乡镇", "This role needs a township");
    else if (bound && !townships.has(townshipId))
      fail(3, "须为「乡镇」工作表中的乡镇代码", "A township code of the sheet 乡镇");
    else if (role && !bound && townshipId !== "")
      fail(3, "该角色不属于某个乡镇，请留空", "This role is not bound to a township: leave it empty");
    if (role) users.push({ name, phone, role, ...(bound ? { townshipId } : {}), row: n });
  });
  return users;
}

function readQuotas(
  sheet: ExcelJS.Worksheet | undefined,
  townships: ReadonlySet<string>,
  errors: SheetError[],
): CountyWorkbook["quotas"] {
  const quotas: CountyWorkbook["quotas"] = [];
  const seen = new Map<string, number>();
  sheet?.eachRow((row, n) => {
    if (n === 1 || n > ROWS_MAX) return;
    const cells = QUOTA_HEADERS.map((_, i) => text(row.getCell(i + 1).value));
    if (cells.every((c) => c === "")) return;
    const [townshipId, quotaYuan] = cells as [string, string];
    const before = errors.length;
    const fail = (column: number, messageZh: string, message: string) =>
      errors.push({ sheet: QUOTA_SHEET, row: n, column: cellOf(QUOTA_HEADERS, column), messageZh, message });
    if (!townships.has(townshipId))
      fail(0, "须为「乡镇」工作表中的乡镇代码", "A township code of the sheet 乡镇");
    else if (seen.has(townshipId))
      fail(0, `乡镇与第 ${seen.get(townshipId)} 行重复`, `The same township as row ${seen.get(townshipId)}`);
    else seen.set(townshipId, n);
    if (!QUOTA_TEXT.test(quotaYuan) || !Yuan.parse(quotaYuan).isPositive())
      fail(1, "须为大于零的金额（元，最多两位小数）", "An amount above zero (yuan, at most two decimals)");
    if (errors.length === before)
      quotas.push({ townshipId, quotaYuan: Yuan.parse(quotaYuan).toString(), row: n });
  });
  return quotas;
}

// ── Plan and apply ──────────────────────────────────────────────────────────────────────────────

export const IMPORT_STEPS = [
  "county-created",
  "county-unchanged",
  "township-added",
  "township-updated",
  "version-proposed",
  "version-unchanged",
  "user-created",
  "user-unchanged",
  "quota-allocated",
  "quota-unchanged",
  "quota-waiting",
] as const;
export type ImportStep = (typeof IMPORT_STEPS)[number];

export interface ImportDeps extends AdminDeps {
  identity: IdentityAccounts;
  /** Reads a township fund (its quota now): a re-import finds quotas allocated since. */
  funds?: { getFund(townshipId: string): Promise<FundView> };
  /** County finance's services and the finance user who allocates the quotas; absent: quotas wait. */
  finance?: { deps: FinanceDeps; userId: string };
}

/** One line of the plan: what changes (or changed), in both languages. */
export interface ImportPlanStep {
  step: ImportStep;
  subject?: string;
  textZh: string;
  text: string;
}

export interface ImportPlan {
  countyId: string;
  countyName: string;
  dryRun: boolean;
  /** Whether the import writes (dry run: would write) anything. */
  changes: boolean;
  steps: ImportPlanStep[];
}

type Planned = { step: ImportStep; subject?: string; apply?: () => Promise<void> };

/** How long an import holds its county (the route's timeout is 30 s; a crashed one frees it then). */
const IMPORT_LEASE_MS = 60_000;

function rowError(
  sheet: string,
  row: number,
  column: string,
  messageZh: string,
  message: string,
): ValidationError {
  return workbookError([{ sheet, row, column, messageZh, message }]);
}

/** The 400 of a workbook that does not pass: one field a problem, `workbook.<sheet>.<row>.<column>`. */
export function workbookError(errors: readonly SheetError[]): ValidationError {
  const fields: FieldError[] = errors.map((e) => ({
    path: sheetPath(e),
    message: e.message,
    messageZh: e.messageZh,
  }));
  return new ValidationError(
    `The workbook does not pass (${errors.length} problem(s)); nothing was written`,
    `表格未通过检查（${errors.length} 处问题），未写入任何数据`,
    { fields },
  );
}

/** Where and what, as one line for a terminal. */
export function describeErrors(errors: readonly SheetError[]): string {
  return errors
    .map(
      (e) =>
        `工作表「${e.sheet}」${e.row > 0 ? `第 ${e.row} 行` : ""}${e.column ? ` ${e.column} 列` : ""}：${e.messageZh}`,
    )
    .join("\n");
}

/** The sheet errors of a workbook refused by `importCountyWorkbook` (read back from its fields). */
export function sheetErrorsOf(error: ValidationError): SheetError[] {
  return error.fields.flatMap((f) => {
    const place = sheetPlaceOf(f.path);
    return place ? [{ ...place, messageZh: f.messageZh, message: f.message }] : [];
  });
}

async function planUsers(deps: ImportDeps, workbook: CountyWorkbook, actor: Actor): Promise<Planned[]> {
  const { countyId } = workbook.county;
  const directory = new UserDirectory(deps.db, deps.table);
  const stored = await directory.usersOf(countyId);
  const plans: Planned[] = [];
  for (const user of workbook.users) {
    const { row, ...input } = user;
    const phoneColumn = cellOf(USER_HEADERS, 1);
    const same = stored.find((u) => u.phone === input.phone);
    if (same) {
      if (
        same.name !== input.name ||
        same.roles.join() !== input.role ||
        (same.townshipId ?? "") !== (input.townshipId ?? "")
      )
        throw rowError(
          USER_SHEET,
          row,
          phoneColumn,
          "该手机号已有账号，且姓名、角色或乡镇与表格不同",
          "The phone already has an account with another name, role or township",
        );
      plans.push({ step: "user-unchanged", subject: input.name });
      continue;
    }
    const claim = await directory.phoneClaim(input.phone);
    if (claim && (claim.countyId !== countyId || claim.state === "created"))
      throw rowError(
        USER_SHEET,
        row,
        phoneColumn,
        "该手机号已有账号，不能重复创建",
        "The phone already has an account",
      );
    plans.push({
      step: "user-created",
      subject: input.name,
      apply: async () => {
        await createUser(deps, actor, countyId, input);
      },
    });
  }
  return plans;
}

/** The fund's quota now; zero for a fund not opened yet (or nothing to read it with). */
async function quotaOf(deps: ImportDeps, townshipId: string): Promise<Yuan> {
  const funds = deps.finance?.deps.ledger ?? deps.funds;
  if (!funds) return Yuan.zero;
  try {
    return (await funds.getFund(townshipId)).quotaYuan;
  } catch (error) {
    if (error instanceof NotFoundError) return Yuan.zero;
    throw error;
  }
}

/** The township's 备用金定额 as its administrator holds it (townships.ts); undefined before any. */
async function administeredQuotas(deps: ImportDeps, countyId: string): Promise<Map<string, Yuan>> {
  const records = await new DirectoryStore(deps.db, deps.table).townshipRecords(countyId);
  return new Map(
    records.flatMap((r) => (r.fundQuotaYuan ? [[r.townshipId, Yuan.parse(r.fundQuotaYuan)] as const] : [])),
  );
}

/** A 备用金定额 row's bounds: the population's least (policy in force) and the fund's quota now. */
async function checkQuotaRow(
  deps: ImportDeps,
  countyId: string,
  township: CountyDirectory["townships"][number] | undefined,
  row: number,
  target: Yuan,
  current: Yuan,
): Promise<void> {
  const minimum = township ? await minimumQuota(deps, { countyId, ...township }) : undefined;
  if (minimum && target.lessThan(minimum))
    throw rowError(
      QUOTA_SHEET,
      row,
      cellOf(QUOTA_HEADERS, 1),
      `不得低于按户籍人口核定的 ${minimum.format()}（人均定额 × 户籍人口）`,
      `At least ${minimum.toString()} yuan: the policy's per-capita amount × the registered population`,
    );
  if (current.greaterThan(target))
    throw rowError(
      QUOTA_SHEET,
      row,
      cellOf(QUOTA_HEADERS, 1),
      `低于该乡镇备用金现有额度 ${current.format()}，调减须由财务另行处理`,
      `Below the fund's quota now (${current.toString()} yuan): finance lowers a quota, not an import`,
    );
}

async function planQuotas(deps: ImportDeps, workbook: CountyWorkbook, actor: Actor): Promise<Planned[]> {
  if (workbook.quotas.length === 0) return [];
  const { countyId } = workbook.county;
  const finance = deps.finance;
  const administered = await administeredQuotas(deps, countyId);
  const approved = await new PolicyStore(deps.db, deps.table).approvedSet(countyId);
  // The finance user by their name on the audit trail (the id when the directory does not know them).
  const financeName = finance
    ? (await new UserDirectory(deps.db, deps.table).user(countyId, finance.userId))?.name
    : undefined;
  const plans: Planned[] = [];
  for (const quota of workbook.quotas) {
    const township = workbook.county.townships.find((t) => t.townshipId === quota.townshipId);
    const subject = `${township?.name ?? quota.townshipId} ${Yuan.parse(quota.quotaYuan).format()}`;
    const current = await quotaOf(deps, quota.townshipId);
    const target = Yuan.parse(quota.quotaYuan);
    // The row is the township's 备用金定额 (the route's write, townships.ts): written when it differs.
    const setQuota =
      administered.get(quota.townshipId)?.equals(target) === true
        ? undefined
        : async () => {
            await importFundQuota(deps, actor, countyId, quota.townshipId, target.toString());
          };
    await checkQuotaRow(deps, countyId, township, quota.row, target, current);
    if (current.equals(target)) {
      plans.push({ step: "quota-unchanged", subject, ...(setQuota ? { apply: setQuota } : {}) });
      continue;
    }
    if (!finance || !approved) {
      plans.push({ step: "quota-waiting", subject, ...(setQuota ? { apply: setQuota } : {}) });
      continue;
    }
    const financeActor: Actor = {
      userId: finance.userId,
      name: financeName ?? finance.userId,
      roles: ["county-finance"],
      countyId,
    };
    plans.push({
      step: "quota-allocated",
      subject,
      apply: async () => {
        // The key names the quota: the same file again finds this allocation in the ledger.
        const key = `county-import:${quota.townshipId}:${target.toString()}`;
        const request = {
          townshipId: quota.townshipId,
          targetQuotaYuan: target.toString(),
          reason: "开通县导入：备用金定额",
        };
        await setQuota?.();
        await allocate(finance.deps, financeActor, request, key, key);
      },
    });
  }
  return plans;
}

/** JSON with keys sorted: stored maps do not keep their order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

const byId = (a: { townshipId: string }, b: { townshipId: string }) =>
  a.townshipId.localeCompare(b.townshipId);

/** A 乡镇 row whose population would leave the township's set quota under its minimum (no 备用金定额 row for it). */
async function refuseShortfall(
  deps: ImportDeps,
  before: TownshipRecord,
  after: Pick<TownshipRecord, "area" | "registeredPopulation">,
  name: string,
): Promise<void> {
  const shortfall = await quotaShortfall(deps, before, after);
  if (shortfall)
    throw rowError(
      TOWNSHIP_SHEET,
      0,
      "",
      `${name}户籍人口 ${after.registeredPopulation} 人时备用金定额不得低于 ${shortfall.minimum.format()}，现定额 ${shortfall.quota.format()}：请在“备用金定额”表中一并调高`,
      `Township ${name}: with ${after.registeredPopulation} registered residents the fund quota must be at least ${shortfall.minimum.toString()} yuan (it is ${shortfall.quota.toString()}): raise it in the 备用金定额 sheet too`,
    );
}

/**
 * An existing county's 乡镇 rows as the township routes write them (townships.ts): a township not
 * stored is added, one whose name, urban/rural or population differs is edited at the revision read
 * now; a stored township missing from the sheet is refused (an import never removes a township).
 */
async function planCounty(deps: ImportDeps, workbook: CountyWorkbook, actor: Actor): Promise<Planned[]> {
  const directory = new DirectoryStore(deps.db, deps.table);
  const { county } = workbook;
  const { countyId } = county;
  if (!(await directory.county(countyId)))
    return [
      {
        step: "county-created",
        apply: async () => {
          await createCounty(deps, actor, county);
        },
      },
    ];
  const stored = await directory.townshipRecords(countyId);
  const listed = new Set(county.townships.map((t) => t.townshipId));
  const missing = stored.filter((t) => !listed.has(t.townshipId));
  if (missing.length > 0)
    throw rowError(
      TOWNSHIP_SHEET,
      0,
      "",
      `表格缺少已开通的乡镇：${missing.map((t) => t.name).join("、")}；导入不删除乡镇`,
      `The sheet leaves out townships of the county (${missing.map((t) => t.townshipId).join(", ")}): an import never removes a township`,
    );
  const plans: Planned[] = [];
  for (const township of [...county.townships].sort(byId)) {
    const { townshipId, name, area, registeredPopulation } = township;
    const record = stored.find((t) => t.townshipId === townshipId);
    const quotaRow = workbook.quotas.find((q) => q.townshipId === townshipId);
    if (record && !quotaRow) await refuseShortfall(deps, record, { area, registeredPopulation }, name);
    if (!record)
      plans.push({
        step: "township-added",
        subject: name,
        apply: async () => {
          await addTownship(deps, actor, countyId, township);
        },
      });
    else if (
      record.name !== name ||
      record.area !== area ||
      record.registeredPopulation !== registeredPopulation
    )
      plans.push({
        step: "township-updated",
        subject: name,
        apply: async () => {
          // A quota the sheet raises is written first: the new population may need it (townships.ts).
          if (quotaRow && Yuan.parse(quotaRow.quotaYuan).greaterThan(Yuan.parse(record.fundQuotaYuan ?? "0")))
            await importFundQuota(deps, actor, countyId, townshipId, quotaRow.quotaYuan);
          const now = (await directory.townshipRecords(countyId)).find((t) => t.townshipId === townshipId);
          const profile = { name, area, registeredPopulation };
          await editTownship(deps, actor, countyId, townshipId, {
            ...profile,
            expectedRevision: now?.revision ?? 0,
          });
        },
      });
  }
  return [{ step: "county-unchanged" }, ...plans];
}

async function planVersion(deps: ImportDeps, workbook: CountyWorkbook, actor: Actor): Promise<Planned> {
  const policies = new PolicyStore(deps.db, deps.table);
  const { county, version, effectiveFromRow } = workbook;
  const existing = await policies.proposal(county.countyId, version.versionId);
  const wanted = PolicyVersionSchema.parse({ ...version, countyId: county.countyId });
  if (existing) {
    const same =
      canonical(existing.version.parameters) === canonical(wanted.parameters) &&
      Date.parse(existing.version.effectiveFrom) === Date.parse(wanted.effectiveFrom) &&
      (existing.version.basis ?? "") === (wanted.basis ?? "");
    if (!same)
      throw rowError(
        POLICY_SHEET,
        0,
        "",
        "该政策版本号已存在且内容不同，请换一个版本号",
        `Policy version ${version.versionId} exists with other content: use another version id`,
      );
    return { step: "version-unchanged" };
  }
  // The administration service's rule, checked before anything is written.
  const last = (await policies.approvedSet(county.countyId))?.set.versions.at(-1);
  const start = Date.parse(wanted.effectiveFrom);
  if (last && (start <= Date.parse(last.effectiveFrom) || start < deps.now().getTime()))
    throw rowError(
      POLICY_SHEET,
      effectiveFromRow,
      VALUE_COLUMN,
      "生效时间须晚于现行版本，且不能早于当前时间",
      "The version must start after the version in force and not in the past",
    );
  return {
    step: "version-proposed",
    apply: async () => {
      await proposePolicyVersion(deps, actor, county.countyId, version);
    },
  };
}

function describeStep(
  workbook: CountyWorkbook,
  step: ImportStep,
  subject = "",
): { textZh: string; text: string } {
  const { county, version } = workbook;
  const words: Record<ImportStep, [string, string]> = {
    "county-created": [
      `开通县 ${county.name}（${county.townships.length} 个乡镇）`,
      `Create the county ${county.name} (${county.townships.length} townships)`,
    ],
    "county-unchanged": [`县 ${county.name} 已开通，无变化`, `County ${county.name} exists: unchanged`],
    "township-added": [`新增乡镇 ${subject}`, `Add the township ${subject}`],
    "township-updated": [
      `修改乡镇 ${subject} 的名称、城乡或户籍人口`,
      `Update the name, urban/rural or population of ${subject}`,
    ],
    "version-proposed": [
      `提出政策版本 ${version.versionId}（待另一名管理员审批）`,
      `Propose policy version ${version.versionId} (approved by another administrator)`,
    ],
    "version-unchanged": [
      `政策版本 ${version.versionId} 已存在，无变化`,
      `Policy version ${version.versionId} exists: unchanged`,
    ],
    "user-created": [`创建用户 ${subject}`, `Create the user ${subject}`],
    "user-unchanged": [`用户 ${subject} 已存在，无变化`, `User ${subject} exists: unchanged`],
    "quota-allocated": [`拨付备用金至定额：${subject}`, `Allocate the fund up to its quota: ${subject}`],
    "quota-unchanged": [`备用金定额 ${subject} 已到位，无变化`, `Fund quota ${subject} in place: unchanged`],
    "quota-waiting": [
      `备用金定额 ${subject} 待财务拨付（政策版本审批后，由县财政按定额拨付）`,
      `Fund quota ${subject} waits for county finance (allocated once the policy version is approved)`,
    ],
  };
  const [textZh, text] = words[step];
  return { textZh, text };
}

/**
 * Applies a checked workbook; with `dryRun` only says what would change. Everything is checked (and
 * planned) before the first write: a refusal writes nothing.
 */
export async function importCounty(
  deps: ImportDeps,
  actor: Actor,
  workbook: CountyWorkbook,
  dryRun: boolean,
): Promise<ImportPlan> {
  const { countyId, name } = workbook.county;
  requireAuthorized(actor, "county.create", { countyId });
  const plan = async () => [
    ...(await planCounty(deps, workbook, actor)),
    await planVersion(deps, workbook, actor),
    ...(await planUsers(deps, workbook, actor)),
    ...(await planQuotas(deps, workbook, actor)),
  ];
  let planned = await plan();
  let changes = planned.some((p) => p.apply !== undefined);
  if (!dryRun && changes) {
    // One import of a county at a time, planned again once claimed: a twin request that finished
    // meanwhile leaves nothing to change (and nothing to audit), one still running answers 409.
    const directory = new DirectoryStore(deps.db, deps.table);
    if (!(await directory.claimImport(countyId, deps.now().getTime(), IMPORT_LEASE_MS)))
      throw new ConflictError(
        `An import of county ${countyId} is running`,
        "该县的导入正在进行，请稍后查看结果",
        { details: { countyId } },
      );
    try {
      planned = await plan();
      changes = planned.some((p) => p.apply !== undefined);
      for (const p of planned) await p.apply?.();
    } finally {
      await directory.releaseImport(countyId);
    }
  }
  const steps = planned.map(({ step, subject }) => ({
    step,
    ...(subject ? { subject } : {}),
    ...describeStep(workbook, step, subject),
  }));
  if (!dryRun && changes)
    await deps.audit.append({
      countyId,
      action: "county.import",
      resourceType: "county",
      resourceId: countyId,
      actor: { userId: actor.userId, name: actor.name, roles: actor.roles },
      after: {
        versionId: workbook.version.versionId,
        steps: steps.map(({ step, subject }) => ({ step, subject })),
      },
    });
  return { countyId, countyName: name, dryRun, changes, steps };
}

/** Reads, checks and imports a workbook's bytes; a workbook that does not pass is a 400 naming each problem. */
export async function importCountyWorkbook(
  deps: ImportDeps,
  actor: Actor,
  file: Buffer,
  dryRun: boolean,
): Promise<ImportPlan> {
  if (file.byteLength > WORKBOOK_MAX_BYTES)
    throw new ValidationError("The workbook is too large", "表格文件过大", {
      fields: [
        {
          path: "body.workbook",
          message: `The workbook is at most ${WORKBOOK_MAX_BYTES / 1024 / 1024} MB`,
          messageZh: `表格文件不能超过 ${WORKBOOK_MAX_BYTES / 1024 / 1024} MB`,
        },
      ],
    });
  const { workbook, errors } = await readCountyWorkbook(file);
  if (!workbook) throw workbookError(errors);
  return importCounty(deps, actor, workbook, dryRun);
}
