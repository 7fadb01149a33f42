/**
 * `aidflow county import county.xlsx [--dry-run] --user <province administrator>`: onboards a county
 * from the spreadsheet template (docs/templates/county.xlsx) through the administration service —
 * the same checks, audit and maker-checker as the API.
 *
 * Sheets read: 乡镇 (乡镇代码, 名称, 户籍人口, 城乡) and 政策参数 (参数, 值: 县代码, 县名称, 版本号,
 * 生效时间, 依据, then every DOMAIN §7 parameter by its name). Every row is checked first; an error
 * names its sheet, row and column in Chinese, and nothing is written unless every row passes.
 * Idempotent: a county already created with the same townships and a version already proposed with
 * the same content change nothing. The policy version is only proposed: another administrator
 * approves it (API). The sheets 用户 and 备用金定额 are not imported yet (they are reported as skipped).
 */
import ExcelJS from "exceljs";
import { type CountyDirectory, DirectoryStore, parseCountyDirectory } from "#adapters/directory-store.ts";
import { PolicyStore } from "#adapters/policy-store.ts";
import type { Actor } from "#core/access/index.ts";
import { ValidationError } from "#core/errors.ts";
import { PolicyVersionSchema } from "#core/policy/index.ts";
import type { AdminDeps } from "#functions/services/admin/administration.ts";
import { createCounty, proposePolicyVersion } from "#functions/services/admin/administration.ts";

export interface SheetError {
  sheet: string;
  row: number;
  column: string;
  messageZh: string;
}

export interface CountyWorkbook {
  county: CountyDirectory;
  version: { versionId: string; effectiveFrom: string; basis?: string; parameters: Record<string, unknown> };
  skippedSheets: string[];
}

const TOWNSHIP_SHEET = "乡镇";
const POLICY_SHEET = "政策参数";
const NOT_YET = ["用户", "备用金定额"];
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
  if (errors.length > 0 || !county) return { errors };
  return {
    workbook: {
      county,
      version,
      skippedSheets: NOT_YET.filter((name) => book.getWorksheet(name) !== undefined),
    },
    errors,
  };
}

export type ImportStep = "county-created" | "county-unchanged" | "version-proposed" | "version-unchanged";

/** Applies a checked workbook; with `dryRun` only says what would change. */
export async function importCounty(
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
  io: { out: (text: string) => void; deps: AdminDeps },
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
  const steps = await importCounty(io.deps, actor, workbook, options.dryRun);
  const words: Record<ImportStep, string> = {
    "county-created": `开通县 ${workbook.county.name}（${workbook.county.townships.length} 个乡镇）`,
    "county-unchanged": `县 ${workbook.county.name} 已开通，无变化`,
    "version-proposed": `提出政策版本 ${workbook.version.versionId}（待另一名管理员审批）`,
    "version-unchanged": `政策版本 ${workbook.version.versionId} 已存在，无变化`,
  };
  io.out(
    `${options.dryRun ? "（试运行，未写入）" : ""}${steps.map((s) => words[s]).join("\n")}\n${
      workbook.skippedSheets.length > 0 ? `暂不导入的工作表：${workbook.skippedSheets.join("、")}\n` : ""
    }`,
  );
  return { ok: true };
}
