/**
 * `aidflow county import county.xlsx [--dry-run] --user <province administrator>`: onboards a county
 * from the spreadsheet template (docs/templates/county.xlsx) through the administration service —
 * the same checks, audit and maker-checker as the API.
 *
 * Sheets read: 乡镇 (乡镇代码, 名称, 户籍人口, 城乡), 政策参数 (参数, 值: 县代码, 县名称, 版本号,
 * 生效时间, 依据, then every DOMAIN §7 parameter by its name), 用户 (姓名, 手机号, 角色, 乡镇代码) and
 * 备用金定额 (乡镇代码, 定额（元）). Every row is checked first — against the sheets and against what is
 * stored (a phone with another account, a quota below the fund's) — an error names its sheet, row and
 * column in Chinese, and nothing is written unless every row passes.
 * Idempotent: a county already created with the same townships, a version already proposed with the
 * same content, a user already created with the same details and a fund already at its quota change
 * nothing. The policy version is only proposed: another administrator approves it (API). Users are
 * created through the users service (the same checks, audit and identity accounts as the API). A
 * quota is money arriving (DOMAIN §6): county finance allocates it, so the quotas are allocated only
 * when a finance user is named (`--finance-user`, the finance allocation service up to the quota);
 * otherwise they are checked and reported as waiting for finance.
 */
import ExcelJS from "exceljs";
import { type CountyDirectory, DirectoryStore, parseCountyDirectory } from "#adapters/directory-store.ts";
import type { IdentityAccounts } from "#adapters/identity/accounts.ts";
import { PolicyStore } from "#adapters/policy-store.ts";
import { UserDirectory } from "#adapters/user-directory.ts";
import { type Actor, COUNTY_STAFF_ROLES, ROLE_DESCRIPTIONS, type Role } from "#core/access/index.ts";
import { NotFoundError, ValidationError } from "#core/errors.ts";
import { Yuan } from "#core/money/yuan.ts";
import { PolicyVersionSchema } from "#core/policy/index.ts";
import type { AdminDeps } from "#functions/services/admin/administration.ts";
import { createCounty, proposePolicyVersion } from "#functions/services/admin/administration.ts";
import { createUser, MAINLAND_MOBILE, type NewUserInput } from "#functions/services/admin/users.ts";
import type { FinanceDeps } from "#functions/services/finance/deps.ts";
import { allocate } from "#functions/services/finance/funds.ts";

export interface SheetError {
  sheet: string;
  row: number;
  column: string;
  messageZh: string;
}

export interface CountyWorkbook {
  county: CountyDirectory;
  version: { versionId: string; effectiveFrom: string; basis?: string; parameters: Record<string, unknown> };
  /** 用户: one staff user a row (its sheet row, for errors found against what is stored). */
  users: Array<NewUserInput & { row: number }>;
  /** 备用金定额: one township fund's quota a row. */
  quotas: Array<{ townshipId: string; quotaYuan: string; row: number }>;
}

const TOWNSHIP_SHEET = "乡镇";
const POLICY_SHEET = "政策参数";
const USER_SHEET = "用户";
const QUOTA_SHEET = "备用金定额";
const USER_HEADERS = ["姓名", "手机号", "角色", "乡镇代码"] as const;
const QUOTA_HEADERS = ["乡镇代码", "定额（元）"] as const;
/** A quota in yuan with at most two decimals, above zero. */
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

const letter = (index: number) => String.fromCharCode("A".charCodeAt(0) + index);

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

export async function readCountyWorkbook(
  file: string | Buffer,
): Promise<{ workbook?: CountyWorkbook; errors: SheetError[] }> {
  const book = new ExcelJS.Workbook();
  if (typeof file === "string") await book.xlsx.readFile(file);
  else await book.xlsx.load(file as unknown as ArrayBuffer);
  const errors: SheetError[] = [];
  const townshipSheet = book.getWorksheet(TOWNSHIP_SHEET);
  const policySheet = book.getWorksheet(POLICY_SHEET);
  for (const [name, sheet] of [
    [TOWNSHIP_SHEET, townshipSheet],
    [POLICY_SHEET, policySheet],
  ] as const) {
    if (!sheet) errors.push({ sheet: name, row: 0, column: "", messageZh: `缺少工作表「${name}」` });
  }
  if (!townshipSheet || !policySheet) return { errors };

  // 政策参数: one parameter a row (row 1 is the header).
  const meta: Record<string, string> = {};
  const parameters: Record<string, unknown> = {};
  const rowOf = new Map<string, number>();
  policySheet.eachRow((row, n) => {
    if (n === 1 || n > ROWS_MAX) return;
    const key = text(row.getCell(1).value);
    const raw = text(row.getCell(2).value);
    if (key === "") return;
    const metaKey = META[key];
    if (metaKey) {
      meta[metaKey] = raw;
      rowOf.set(metaKey, n);
      return;
    }
    rowOf.set(`parameters.${key}`, n);
    const value = parameterValue(raw);
    parameters[key] = LIMITS.has(key)
      ? typeof value === "object"
        ? value
        : { yuan: raw }
      : YUAN_TEXT.has(key)
        ? raw
        : value;
  });

  // 乡镇: one township a row under the header.
  const townships: Record<string, unknown>[] = [];
  townshipSheet.eachRow((row, n) => {
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
  });
  const townshipRows: number[] = [];
  townshipSheet.eachRow((row, n) => {
    if (n > 1 && n <= ROWS_MAX && TOWNSHIP_COLUMNS.some((_, i) => text(row.getCell(i + 1).value) !== ""))
      townshipRows.push(n);
  });

  let county: CountyDirectory | undefined;
  try {
    county = parseCountyDirectory({ countyId: meta.countyId ?? "", name: meta.countyName ?? "", townships });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const field of error.fields) {
      const [head, index, column] = field.path.split(".");
      if (head === "townships" && index !== undefined && column !== undefined) {
        const at = TOWNSHIP_COLUMNS.indexOf(column as (typeof TOWNSHIP_COLUMNS)[number]);
        errors.push({
          sheet: TOWNSHIP_SHEET,
          row: townshipRows[Number(index)] ?? 0,
          column:
            at >= 0 ? `${letter(at)}（${TOWNSHIP_HEADERS[column as keyof typeof TOWNSHIP_HEADERS]}）` : "",
          messageZh: field.messageZh,
        });
      } else {
        const key = head === "name" ? "countyName" : head === "townships" ? "" : (head ?? "");
        errors.push({
          sheet: key ? POLICY_SHEET : TOWNSHIP_SHEET,
          row: rowOf.get(key) ?? 0,
          column: key ? "B（值）" : "",
          messageZh: field.messageZh,
        });
      }
    }
  }

  const version = {
    versionId: meta.versionId ?? "",
    effectiveFrom: meta.effectiveFrom ?? "",
    ...(meta.basis ? { basis: meta.basis } : {}),
    parameters,
  };
  const checked = PolicyVersionSchema.safeParse({ ...version, countyId: meta.countyId ?? "" });
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const key = issue.path.slice(0, 2).map(String).join(".");
      const single = String(issue.path[0] ?? "");
      const row = rowOf.get(key) ?? rowOf.get(single) ?? 0;
      const zh = (issue as { params?: { zh?: string } }).params?.zh ?? issue.message;
      if (single === "countyId" && county === undefined) continue;
      errors.push({
        sheet: POLICY_SHEET,
        row,
        column: "B（值）",
        messageZh: row === 0 ? `缺少「${key}」：${zh}` : zh,
      });
    }
  }
  const known = new Set(townships.map((t) => String(t.townshipId)));
  const users = readUsers(book.getWorksheet(USER_SHEET), known, errors);
  const quotas = readQuotas(book.getWorksheet(QUOTA_SHEET), known, errors);
  if (errors.length > 0 || !county) return { errors };
  return { workbook: { county, version, users, quotas }, errors };
}

const cellOf = (headers: readonly string[], index: number) => `${letter(index)}（${headers[index]}）`;

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
    const fail = (column: number, messageZh: string) =>
      errors.push({ sheet: USER_SHEET, row: n, column: cellOf(USER_HEADERS, column), messageZh });
    if (name === "" || [...name].length > 40) fail(0, "姓名不能为空，且不得超过 40 个字符");
    if (!MAINLAND_MOBILE.test(phone)) fail(1, "须为 11 位大陆手机号码");
    else if (phones.has(phone)) fail(1, `手机号与第 ${phones.get(phone)} 行重复`);
    else phones.set(phone, n);
    const role = roleOf(roleText);
    if (!role)
      fail(2, `须为本县角色之一：${COUNTY_STAFF_ROLES.map((r) => ROLE_DESCRIPTIONS[r].nameZh).join("、")}`);
    const bound = role !== undefined && ROLE_DESCRIPTIONS[role].townshipBound;
    if (bound && townshipId === "") fail(3, "该角色须填写所属乡镇");
    else if (bound && !townships.has(townshipId)) fail(3, "须为「乡镇」工作表中的乡镇代码");
    else if (role && !bound && townshipId !== "") fail(3, "该角色不属于某个乡镇，请留空");
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
    const fail = (column: number, messageZh: string) =>
      errors.push({ sheet: QUOTA_SHEET, row: n, column: cellOf(QUOTA_HEADERS, column), messageZh });
    let ok = true;
    if (!townships.has(townshipId)) {
      fail(0, "须为「乡镇」工作表中的乡镇代码");
      ok = false;
    } else if (seen.has(townshipId)) {
      fail(0, `乡镇与第 ${seen.get(townshipId)} 行重复`);
      ok = false;
    } else seen.set(townshipId, n);
    if (!QUOTA_TEXT.test(quotaYuan) || !Yuan.parse(quotaYuan).isPositive()) {
      fail(1, "须为大于零的金额（元，最多两位小数）");
      ok = false;
    }
    if (ok) quotas.push({ townshipId, quotaYuan: Yuan.parse(quotaYuan).toString(), row: n });
  });
  return quotas;
}

export type ImportStep =
  | "county-created"
  | "county-unchanged"
  | "version-proposed"
  | "version-unchanged"
  | "user-created"
  | "user-unchanged"
  | "quota-allocated"
  | "quota-unchanged"
  | "quota-waiting";

export interface ImportDeps extends AdminDeps {
  identity: IdentityAccounts;
  /** County finance's services and the finance user who allocates the quotas; absent: quotas wait. */
  finance?: { deps: FinanceDeps; userId: string };
}

type Planned = { step: ImportStep; subject?: string; apply?: () => Promise<void> };

/** Applies a checked workbook; with `dryRun` only says what would change. */
export async function importCounty(
  deps: ImportDeps,
  actor: Actor,
  workbook: CountyWorkbook,
  dryRun: boolean,
): Promise<Array<{ step: ImportStep; subject?: string }>> {
  const steps = (await countyAndVersion(deps, actor, workbook, dryRun)).map((step) => ({ step }));
  // Users and quotas are checked against what is stored before any of them is written.
  const planned = [...(await planUsers(deps, actor, workbook)), ...(await planQuotas(deps, workbook))];
  for (const p of planned) if (!dryRun) await p.apply?.();
  return [...steps, ...planned.map(({ step, subject }) => ({ step, ...(subject ? { subject } : {}) }))];
}

function rowError(sheet: string, row: number, column: string, messageZh: string): ValidationError {
  return new ValidationError(
    `${sheet} row ${row}: ${messageZh}`,
    `工作表「${sheet}」第 ${row} 行 ${column} 列：${messageZh}`,
  );
}

async function planUsers(deps: ImportDeps, actor: Actor, workbook: CountyWorkbook): Promise<Planned[]> {
  const { countyId } = workbook.county;
  const directory = new UserDirectory(deps.db, deps.table);
  const stored = await directory.usersOf(countyId);
  const plans: Planned[] = [];
  for (const user of workbook.users) {
    const { row, ...input } = user;
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
          cellOf(USER_HEADERS, 1),
          "该手机号已有账号，且姓名、角色或乡镇与表格不同",
        );
      plans.push({ step: "user-unchanged", subject: input.name });
      continue;
    }
    const claim = await directory.phoneClaim(input.phone);
    if (claim && (claim.countyId !== countyId || claim.state === "created"))
      throw rowError(USER_SHEET, row, cellOf(USER_HEADERS, 1), "该手机号已有账号，不能重复创建");
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

async function planQuotas(deps: ImportDeps, workbook: CountyWorkbook): Promise<Planned[]> {
  if (workbook.quotas.length === 0) return [];
  const { countyId } = workbook.county;
  const finance = deps.finance;
  const approved = await new PolicyStore(deps.db, deps.table).approvedSet(countyId);
  const plans: Planned[] = [];
  for (const quota of workbook.quotas) {
    const township = workbook.county.townships.find((t) => t.townshipId === quota.townshipId);
    const subject = `${township?.name ?? quota.townshipId} ${Yuan.parse(quota.quotaYuan).format()}`;
    const currentQuota = finance ? await quotaOf(finance.deps, quota.townshipId) : Yuan.zero;
    const target = Yuan.parse(quota.quotaYuan);
    if (currentQuota.equals(target)) {
      plans.push({ step: "quota-unchanged", subject });
      continue;
    }
    if (currentQuota.greaterThan(target))
      throw rowError(
        QUOTA_SHEET,
        quota.row,
        cellOf(QUOTA_HEADERS, 1),
        `低于该乡镇备用金现有额度 ${currentQuota.format()}，调减须由财务另行处理`,
      );
    if (!finance || !approved) {
      plans.push({ step: "quota-waiting", subject });
      continue;
    }
    const financeActor: Actor = {
      userId: finance.userId,
      name: finance.userId,
      roles: ["county-finance"],
      countyId,
    };
    plans.push({
      step: "quota-allocated",
      subject,
      apply: async () => {
        // The key names the quota: the same file again finds this allocation in the ledger.
        const key = `county-import:${quota.townshipId}:${target.toString()}`;
        await allocate(
          finance.deps,
          financeActor,
          {
            townshipId: quota.townshipId,
            targetQuotaYuan: target.toString(),
            reason: "开通县导入：备用金定额",
          },
          key,
          key,
        );
      },
    });
  }
  return plans;
}

/** The fund's quota now; zero for a fund not opened yet. */
async function quotaOf(deps: FinanceDeps, townshipId: string): Promise<Yuan> {
  try {
    return (await deps.ledger.getFund(townshipId)).quotaYuan;
  } catch (error) {
    if (error instanceof NotFoundError) return Yuan.zero;
    throw error;
  }
}

async function countyAndVersion(
  deps: AdminDeps,
  actor: Actor,
  workbook: CountyWorkbook,
  dryRun: boolean,
): Promise<ImportStep[]> {
  const steps: ImportStep[] = [];
  const directory = new DirectoryStore(deps.db, deps.table);
  const policies = new PolicyStore(deps.db, deps.table);
  const { county, version } = workbook;
  if (await directory.county(county.countyId)) {
    const stored = await directory.townshipsOf(county.countyId);
    const same =
      canonical(stored.map(({ countyId: _, ...t }) => t).sort(byId)) ===
      canonical([...county.townships].sort(byId));
    if (!same)
      throw new ValidationError(
        `County ${county.countyId} exists with other townships`,
        "该县已开通且乡镇与表格不同；修改乡镇暂不支持通过导入完成",
      );
    steps.push("county-unchanged");
  } else {
    if (!dryRun) await createCounty(deps, actor, county);
    steps.push("county-created");
  }
  const existing = await policies.proposal(county.countyId, version.versionId);
  if (existing) {
    const wanted = PolicyVersionSchema.parse({ ...version, countyId: county.countyId });
    const same =
      canonical(existing.version.parameters) === canonical(wanted.parameters) &&
      Date.parse(existing.version.effectiveFrom) === Date.parse(wanted.effectiveFrom) &&
      (existing.version.basis ?? "") === (wanted.basis ?? "");
    if (!same)
      throw new ValidationError(
        `Policy version ${version.versionId} exists with other content`,
        "该政策版本号已存在且内容不同，请换一个版本号",
      );
    steps.push("version-unchanged");
  } else {
    if (!dryRun) await proposePolicyVersion(deps, actor, county.countyId, version);
    steps.push("version-proposed");
  }
  return steps;
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

export function describeErrors(errors: readonly SheetError[]): string {
  return errors
    .map(
      (e) =>
        `工作表「${e.sheet}」${e.row > 0 ? `第 ${e.row} 行` : ""}${e.column ? ` ${e.column} 列` : ""}：${e.messageZh}`,
    )
    .join("\n");
}

/** The CLI's wiring: the administration service on the tables of the environment. */
export async function countyImportCommand(
  file: string,
  options: { user: string; dryRun: boolean },
  io: { out: (text: string) => void; deps: ImportDeps },
): Promise<{ ok: boolean }> {
  const { workbook, errors } = await readCountyWorkbook(file);
  if (!workbook) {
    io.out(`导入失败，未写入任何数据（${errors.length} 处错误）：\n${describeErrors(errors)}\n`);
    return { ok: false };
  }
  const province = `${workbook.county.countyId.slice(0, 2)}0000`;
  const actor: Actor = {
    userId: options.user,
    name: options.user,
    roles: ["province-admin"],
    countyId: province,
  };
  let steps: Awaited<ReturnType<typeof importCounty>>;
  try {
    steps = await importCounty(io.deps, actor, workbook, options.dryRun);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    io.out(`导入失败，未写入任何数据：\n${error.messageZh}\n`);
    return { ok: false };
  }
  const words: Record<ImportStep, (subject: string) => string> = {
    "county-created": () => `开通县 ${workbook.county.name}（${workbook.county.townships.length} 个乡镇）`,
    "county-unchanged": () => `县 ${workbook.county.name} 已开通，无变化`,
    "version-proposed": () => `提出政策版本 ${workbook.version.versionId}（待另一名管理员审批）`,
    "version-unchanged": () => `政策版本 ${workbook.version.versionId} 已存在，无变化`,
    "user-created": (who) => `创建用户 ${who}`,
    "user-unchanged": (who) => `用户 ${who} 已存在，无变化`,
    "quota-allocated": (what) => `拨付备用金至定额：${what}`,
    "quota-unchanged": (what) => `备用金定额 ${what} 已到位，无变化`,
    "quota-waiting": (what) =>
      `备用金定额 ${what} 待财务拨付（政策版本审批后，以 --finance-user 指定财务人员再次导入）`,
  };
  io.out(
    `${options.dryRun ? "（试运行，未写入）" : ""}${steps.map((s) => words[s.step](s.subject ?? "")).join("\n")}\n`,
  );
  return { ok: true };
}
