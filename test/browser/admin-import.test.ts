/**
 * 导入县 in the administration console (issue 22 item 2, spreadsheet onboarding) at 1440×900 in
 * Chinese, as the province administrator: the template link downloads docs/templates/county.xlsx; a
 * workbook with bad rows is previewed and answered with a table 工作表/行/列/问题 (导入 stays off,
 * nothing is created); the corrected workbook is previewed (the changes listed, nothing written yet),
 * then imported after a confirmation naming the county — the county then exists, with the users of the
 * sheet. Each state: axe clean, no internal code, user id, policy version code or ISO time in the text.
 */
import { readFile } from "node:fs/promises";
import type ExcelJS from "exceljs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { signIn } from "#test/e2e/support/api.ts";
import { COUNTY_TEMPLATE, countyWorkbook } from "#test/support/admin-routes.ts";
import { newPage, screenshot, seriousAxeViolations, signInAs } from "./support/browser.ts";
import { confirmDialog, DESKTOP_1440, expectConsoleReadable } from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";
import { consoleScreenshot } from "./support/docs-screenshots.ts";

const COUNTY = "230192";
const NAME = "新河县";
let world: BrowserCounty;

beforeAll(async () => {
  world = await startBrowserCounty("browser-import");
}, 180_000);

afterAll(async () => {
  await world?.close();
});

/** The template filled in for 新河县 (codes and phones its own), then `edit` applied. */
async function workbook(edit?: (book: ExcelJS.Workbook) => void): Promise<Buffer> {
  const book = await countyWorkbook(COUNTY, NAME, (filled) => {
    (filled.getWorksheet("政策参数") as ExcelJS.Worksheet).getRow(6).getCell(2).value =
      "新河县临时救助实施细则（测试数据）";
    edit?.(filled);
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}

async function choose(page: Page, buffer: Buffer): Promise<void> {
  await page.locator("input[data-field=workbook]").setInputFiles({
    name: "county.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer,
  });
  await expect.poll(() => page.locator("[data-action=preview]").isDisabled()).toBe(false);
}

describe("导入县 in the administration console", () => {
  it("province-admin-1: downloads the template, sees bad rows as a table, previews and imports a county", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(async () => void (await screenshot(page, "admin-import-FAILED").catch(() => undefined)));
    const clean = async (state: string) => {
      expect(await seriousAxeViolations(page), state).toEqual([]);
      await expectConsoleReadable(page, state);
    };
    const province = await signIn(world.url, "province-admin-1");

    // Act: from the navigation to 导入县
    await signInAs(page, world.url, "province-admin-1");
    await page.locator(".console__link", { hasText: "导入县" }).click();
    await page.locator("[data-ready=admin-import]").waitFor();

    // Assess: the template link serves the shipped template
    const href = (await page.locator("[data-template-link]").getAttribute("href")) ?? "";
    const served = await page.request.get(new URL(href, world.url).toString());
    expect(served.status()).toBe(200);
    expect(Buffer.from(await served.body()).equals(await readFile(COUNTY_TEMPLATE))).toBe(true);
    expect(await page.locator("[data-action=import]").isDisabled()).toBe(true);
    await clean("import page");

    // Act: a workbook with a bad township code and a bad phone
    await choose(
      page,
      await workbook((book) => {
        (book.getWorksheet("乡镇") as ExcelJS.Worksheet).getRow(3).getCell(1).value = "230999200";
        (book.getWorksheet("用户") as ExcelJS.Worksheet).getRow(3).getCell(2).value = "1380013800";
      }),
    );
    await page.locator("[data-action=preview]").click();
    const problems = page.locator("[data-import-problems]");
    await problems.waitFor();

    // Assess: 工作表/行/列/问题, nothing created, 导入 off
    const headers = await problems.locator(".el-table__header th").allInnerTexts();
    expect(headers.map((h) => h.trim())).toEqual(["工作表", "行", "列", "问题"]);
    const rows = (await problems.locator(".el-table__body-wrapper .el-table__row").allInnerTexts()).map((r) =>
      r.replace(/\s+/g, " ").trim(),
    );
    expect(rows).toContain(`乡镇 3 A（乡镇代码） 须以本县代码 ${COUNTY} 开头`);
    expect(rows).toContain("用户 3 B（手机号） 须为 11 位大陆手机号码");
    await expect(problems.locator("h2").innerText()).resolves.toBe("表格未通过检查，未写入任何数据");
    expect(await page.locator("[data-action=import]").isDisabled()).toBe(true);
    expect((await province.get(`/admin/counties/${COUNTY}`)).status).toBe(404);
    await clean("bad rows");
    await consoleScreenshot(page, "admin-import-errors");

    // Act: the corrected workbook, previewed
    await choose(page, await workbook());
    await page.locator("[data-action=preview]").click();
    const plan = page.locator("[data-import-plan][data-dry-run=yes]");
    await plan.waitFor();

    // Assess: the changes listed, nothing written yet
    const planned = await plan.locator(".el-table__body-wrapper").innerText();
    expect(planned).toContain(`开通县 ${NAME} 及其乡镇`);
    expect(planned).toContain(`提出 ${NAME} 的政策版本（待另一名管理员批准）`);
    expect(planned).toContain("创建用户 王芳");
    expect(planned).toMatch(/备用金定额待县财政拨付：城关镇 ¥58,000\.00/);
    expect((await province.get(`/admin/counties/${COUNTY}`)).status).toBe(404);
    await clean("preview");
    await consoleScreenshot(page, "admin-import-preview");

    // Act: 导入 after the confirmation
    await page.locator("[data-action=import]").click();
    const said = await confirmDialog(page);
    await page.locator("[data-import-plan][data-dry-run=no]").waitFor();

    // Assess: the county exists with its users; the page says what changed
    expect(said).toContain(NAME);
    await expect(page.locator("[data-import-plan] h2").innerText()).resolves.toBe(`已导入 ${NAME}`);
    const county = await province.get<{ name: string; townships: unknown[] }>(`/admin/counties/${COUNTY}`);
    expect(county.status).toBe(200);
    expect(county.body).toMatchObject({ name: NAME });
    expect(county.body.townships).toHaveLength(3);
    const users = await province.get<{ users: Array<{ name: string }> }>(`/admin/counties/${COUNTY}/users`);
    expect(users.body.users.map((u) => u.name).sort()).toEqual(["孙涛", "王芳", "陈静"].sort());
    await clean("imported");
    await context.close();
  });
});
