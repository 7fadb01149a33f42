/**
 * A county's onboarding workbook built in code, in the layout of docs/templates/county.xlsx (乡镇,
 * 政策参数, 用户, 备用金定额), so the local demo counties are onboarded through the same import service a
 * real county's filled-in template goes through (functions/services/admin/county-import.ts).
 */
import ExcelJS from "exceljs";
import type { PolicyParameters } from "#core/policy/index.ts";

export interface CountySheets {
  countyId: string;
  name: string;
  townships: ReadonlyArray<{
    townshipId: string;
    name: string;
    registeredPopulation: number;
    area: "urban" | "rural";
  }>;
  version: { versionId: string; effectiveFrom: string; basis: string; parameters: PolicyParameters };
  /** 用户: role by its Chinese name (经办人, 审批人, …), township for township-bound roles. */
  users: ReadonlyArray<{ name: string; phone: string; roleZh: string; townshipId?: string }>;
  /** 备用金定额: yuan with two decimals. */
  quotas: ReadonlyArray<{ townshipId: string; quotaYuan: string }>;
}

/** A parameter as the template writes it: 是/否, "10倍低保" for a 低保 multiple, a limit's yuan. */
function parameterCell(value: unknown): string {
  if (value === true) return "是";
  if (value === false) return "否";
  if (value && typeof value === "object") {
    const limit = value as { dibaoMonths?: number; yuan?: string };
    return limit.dibaoMonths !== undefined ? `${limit.dibaoMonths}倍低保` : String(limit.yuan);
  }
  return String(value);
}

export async function countyWorkbook(sheets: CountySheets): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const townships = book.addWorksheet("乡镇");
  townships.addRow(["乡镇代码", "名称", "户籍人口", "城乡"]);
  for (const t of sheets.townships)
    townships.addRow([t.townshipId, t.name, t.registeredPopulation, t.area === "urban" ? "城市" : "农村"]);
  const policy = book.addWorksheet("政策参数");
  policy.addRow(["参数", "值"]);
  policy.addRow(["县代码", sheets.countyId]);
  policy.addRow(["县名称", sheets.name]);
  policy.addRow(["版本号", sheets.version.versionId]);
  policy.addRow(["生效时间", sheets.version.effectiveFrom]);
  policy.addRow(["依据", sheets.version.basis]);
  for (const [name, value] of Object.entries(sheets.version.parameters))
    policy.addRow([name, parameterCell(value)]);
  const users = book.addWorksheet("用户");
  users.addRow(["姓名", "手机号", "角色", "乡镇代码"]);
  for (const u of sheets.users) users.addRow([u.name, u.phone, u.roleZh, u.townshipId ?? ""]);
  const quotas = book.addWorksheet("备用金定额");
  quotas.addRow(["乡镇代码", "定额（元）"]);
  for (const q of sheets.quotas) quotas.addRow([q.townshipId, q.quotaYuan]);
  return Buffer.from(await book.xlsx.writeBuffer());
}
