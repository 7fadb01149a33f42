/**
 * The administration console (issue 22 item 2) at 1440×900 in Chinese. The county administrator
 * lands on 用户管理, creates a township officer — a 10-digit phone first, answered with the API's
 * Chinese message under the phone field — sees the new row with the phone masked, and disables
 * them after a confirmation naming them; their own row offers no 停用. On 政策版本 they approve the
 * version the other county administrator proposed, after a confirmation stating its date; on 节假日
 * the loaded year is listed and next year's missing schedule is a warning. Each state: axe clean,
 * no internal code, user id, policy version code or ISO time in the text, no 401/403 answer. The
 * province administrator lands on the same page with the province's first county picked.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { demoCountyParameters2026 } from "#local/seed/policy-demo-county.ts";
import { signIn } from "#test/e2e/support/api.ts";
import { newPage, screenshot, seriousAxeViolations, signInAs } from "./support/browser.ts";
import { confirmDialog, DESKTOP_1440, expectConsoleReadable, recordApi } from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";
import { consoleScreenshot } from "./support/docs-screenshots.ts";

const COUNTY = "230123";
const NEW_OFFICER = "周新民";
let world: BrowserCounty;

beforeAll(async () => {
  world = await startBrowserCounty("browser-admin");
  // The other county administrator proposes a version; county-admin-1 approves it in the console.
  const proposer = await signIn(world.url, "county-admin-2");
  const proposed = await proposer.post(
    `/admin/counties/${COUNTY}/policy-versions`,
    {
      versionId: `${COUNTY}-2030-01`,
      effectiveFrom: "2030-01-01T00:00:00+08:00",
      basis: "示例县临时救助实施细则（2030年修订稿，测试数据）",
      parameters: { ...demoCountyParameters2026, paperworkDeadlineWorkingDays: 10 },
    },
    { idempotencyKey: "admin-console-proposal" },
  );
  expect(proposed.status, proposed.text).toBe(201);
}, 180_000);

afterAll(async () => {
  await world?.close();
});

async function pick(page: import("playwright-core").Page, field: string, option: string): Promise<void> {
  await page.locator(`[data-field=${field}]`).click();
  await page.locator(".el-select-dropdown__item:visible", { hasText: option }).first().click();
}

describe("the administration console", () => {
  it("county-admin-1: creates and disables a township officer, approves a version, reads the calendar", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(async () => void (await screenshot(page, "admin-console-FAILED").catch(() => undefined)));
    const calls = recordApi(page);
    const clean = async (state: string) => {
      expect(await seriousAxeViolations(page), state).toEqual([]);
      await expectConsoleReadable(page, state);
    };

    // Act: land on 用户管理
    await signInAs(page, world.url, "county-admin-1");
    await page.locator("[data-ready=admin-users][data-loaded=yes]").waitFor();
    await page.waitForLoadState("networkidle");

    // Assess: landing, header, own row without 停用
    expect(new URL(page.url()).pathname).toBe("/admin");
    await expect(page.locator(".console__link--active").innerText()).resolves.toBe("用户管理");
    await expect(page.locator(".console__link").allInnerTexts()).resolves.toEqual([
      "用户管理",
      "政策版本",
      "节假日",
      "乡镇与备用金",
      "短信模板",
    ]);
    const rows = page.locator("[data-admin-users] .el-table__body-wrapper .el-table__row");
    const own = rows.filter({ hasText: "孙丽" });
    await expect(own.innerText()).resolves.toContain("本人账号");
    expect(await own.locator("[data-action=disable-user]").count()).toBe(0);
    await clean("users listed");

    // Act: a 10-digit phone first
    await page.locator("[data-field=name] input, input[data-field=name]").first().fill(NEW_OFFICER);
    await page.locator("#new-user-phone").fill("1380013800");
    await pick(page, "role", "经办人");
    await pick(page, "townshipId", "城关镇");
    await page.locator("[data-action=create-user]").click();

    // Assess: the API's message under the phone field, nothing created
    const phoneError = page
      .locator(".el-form-item", { has: page.locator("#new-user-phone") })
      .locator(".el-form-item__error");
    await phoneError.waitFor();
    await expect(phoneError.innerText()).resolves.toContain("11 位大陆手机号码");
    expect(await rows.filter({ hasText: NEW_OFFICER }).count()).toBe(0);
    await clean("phone refused");

    // Act: the right phone
    await page.locator("#new-user-phone").fill("13800138000");
    await page.locator("[data-action=create-user]").click();
    await page.locator(".af-success", { hasText: NEW_OFFICER }).waitFor();

    // Assess: the new row, phone masked
    const created = rows.filter({ hasText: NEW_OFFICER });
    await created.waitFor();
    const createdText = await created.innerText();
    expect(createdText).toMatch(/周新民\s+经办人\s+城关镇\s+138\*{4}8000\s+在用/);
    expect(await page.locator("body").innerText()).not.toContain("13800138000");
    await clean("officer created");
    // Every success message gone (one may still be fading out when the next one opens).
    await expect.poll(() => page.locator(".af-success").count(), { timeout: 30_000 }).toBe(0);
    await consoleScreenshot(page, "admin-users");

    // Act: 停用 after the confirmation
    await created.locator("[data-action=disable-user]").click();
    const said = await confirmDialog(page);

    // Assess
    expect(said).toContain(NEW_OFFICER);
    expect(said).toContain("本页面无法撤销");
    await expect.poll(async () => await created.innerText()).toContain("已停用");
    expect(await created.locator("[data-action=disable-user]").count()).toBe(0);
    await clean("officer disabled");

    // Act: 政策版本
    await page.locator(".console__link", { hasText: "政策版本" }).click();
    await page.locator("[data-ready=admin-policy][data-loaded=yes]").waitFor();
    const versions = page.locator("[data-admin-policy] .el-table__body-wrapper .el-table__row");
    const proposal = versions.filter({ hasText: "2030年1月1日" });

    // Assess: the version in force and the other administrator's proposal
    await expect(versions.filter({ hasText: "已生效（现行）" }).count()).resolves.toBe(1);
    await expect(proposal.innerText()).resolves.toMatch(/第 2 版\s+2030年1月1日\s+待批准\s+钱进/);
    await clean("policy versions");

    // Act: 批准
    await proposal.locator("[data-action=approve-policy]").click();
    const approval = await confirmDialog(page);

    // Assess
    expect(approval).toContain("自 2030年1月1日 起生效");
    await page.locator(".af-success", { hasText: "2030年1月1日" }).waitFor();
    await expect.poll(async () => await proposal.innerText()).toMatch(/已批准，待生效\s+钱进\s+孙丽/);
    await clean("version approved");
    // Every success message gone (one may still be fading out when the next one opens).
    await expect.poll(() => page.locator(".af-success").count(), { timeout: 30_000 }).toBe(0);
    await consoleScreenshot(page, "admin-policy");

    // Act: 节假日
    await page.locator(".console__link", { hasText: "节假日" }).click();
    await page.locator("[data-ready=admin-calendar][data-loaded=yes]").waitFor();

    // Assess: 2026 loaded; next year without a schedule is a warning
    const nextYear =
      Number(new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" }).slice(0, 4)) + 1;
    const years = await page.locator("[data-admin-calendar] .el-table__body-wrapper").innerText();
    expect(years).toMatch(/2026年\s+已载入\s+无/);
    await expect(page.locator("[data-calendar-warning]").allInnerTexts()).resolves.toContainEqual(
      expect.stringContaining(`${nextYear}年全国节假日安排尚未载入`),
    );
    await clean("calendar");
    await consoleScreenshot(page, "admin-calendar");

    expect(calls.filter((c) => c.status === 401 || c.status === 403)).toEqual([]);
    await context.close();
  }, 180_000);

  it("province-admin-1: lands on 用户管理 with a county of the province picked, no refused call", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(async () => void (await screenshot(page, "admin-province-FAILED").catch(() => undefined)));
    const calls = recordApi(page);

    // Act
    await signInAs(page, world.url, "province-admin-1");
    await page.locator("[data-ready=admin-users][data-loaded=yes]").waitFor();
    await page.waitForLoadState("networkidle");

    // Assess
    expect(new URL(page.url()).pathname).toBe("/admin");
    await expect(page.locator("[data-field=admin-county]").innerText()).resolves.toContain("示例县");
    await expect(page.locator("[data-admin-users] .el-table__body-wrapper").innerText()).resolves.toContain(
      "孙丽",
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await expectConsoleReadable(page, "province administrator: users");
    expect(calls.filter((c) => c.status === 401 || c.status === 403)).toEqual([]);
    await context.close();
  });
});
