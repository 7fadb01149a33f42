/**
 * Writes docs/templates/county.xlsx, the county onboarding template of `aidflow county import`:
 * sheets 乡镇, 政策参数, 用户 and 备用金定额 filled with the demo county's values as an example (a county
 * replaces them; the example phones are not real numbers). Quotas follow the county's rule (per-capita
 * amount × registered population, DOMAIN §2.3). Run: `npx tsx scripts/county-template.ts`.
 */
import ExcelJS from "exceljs";
import { ROLE_DESCRIPTIONS } from "#core/access/index.ts";
import { Yuan } from "#core/money/yuan.ts";
import { DEMO_COUNTY } from "#local/seed/demo-county.ts";
import { demoCountyParameters2026 } from "#local/seed/policy-demo-county.ts";

const HINTS: Record<string, string> = {
  townshipApprovalCeiling: "元，或如“4倍低保”",
  perCaseCap: "元，或如“10倍低保”",
  stagedPlanWithinCalendarYear: "是/否",
  cashCeilingExceedsAdvanceAllowed: "是/否",
  holidayCalendarRef: "全国节假日安排：cn-national",
};

export async function countyTemplate(): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  const townships = book.addWorksheet("乡镇");
  townships.addRow(["乡镇代码", "名称", "户籍人口", "城乡"]);
  for (const t of DEMO_COUNTY.townships)
    townships.addRow([
      t.townshipId,
      t.name,
      t.registeredPopulation,
      t.name.endsWith("街道") ? "城市" : "农村",
    ]);
  const policy = book.addWorksheet("政策参数");
  policy.addRow(["参数", "值", "说明"]);
  policy.addRow(["县代码", DEMO_COUNTY.countyId, "6 位县级行政区划代码"]);
  policy.addRow(["县名称", DEMO_COUNTY.name, ""]);
  policy.addRow(["版本号", `${DEMO_COUNTY.countyId}-2026-01`, "字母、数字、点、下划线或连字符"]);
  policy.addRow(["生效时间", "2026-01-01T00:00:00+08:00", "带时区"]);
  policy.addRow(["依据", "示例县临时救助实施细则（演示数据）", ""]);
  for (const [key, value] of Object.entries(demoCountyParameters2026)) {
    const cell =
      typeof value === "object"
        ? "yuan" in value
          ? value.yuan
          : `${value.dibaoMonths}倍低保`
        : typeof value === "boolean"
          ? value
            ? "是"
            : "否"
          : String(value);
    policy.addRow([key, cell, HINTS[key] ?? ""]);
  }
  const users = book.addWorksheet("用户");
  users.addRow(["姓名", "手机号", "角色", "乡镇代码"]);
  const [first] = DEMO_COUNTY.townships;
  users.addRow([
    "王芳",
    "13800000101",
    ROLE_DESCRIPTIONS["township-officer"].nameZh,
    first?.townshipId ?? "",
  ]);
  users.addRow([
    "陈静",
    "13800000102",
    ROLE_DESCRIPTIONS["township-approver"].nameZh,
    first?.townshipId ?? "",
  ]);
  users.addRow(["孙涛", "13800000103", ROLE_DESCRIPTIONS["county-finance"].nameZh, ""]);
  const quotas = book.addWorksheet("备用金定额");
  quotas.addRow(["乡镇代码", "定额（元）"]);
  const perCapita = Yuan.parse(demoCountyParameters2026.fundQuotaPerCapitaYuan);
  for (const t of DEMO_COUNTY.townships)
    quotas.addRow([t.townshipId, perCapita.times(t.registeredPopulation).toString()]);
  for (const sheet of book.worksheets) for (const column of sheet.columns) column.width = 24;
  return book;
}

if (process.argv[1]?.endsWith("county-template.ts")) {
  await (await countyTemplate()).xlsx.writeFile("docs/templates/county.xlsx");
  process.stdout.write("docs/templates/county.xlsx written\n");
}
