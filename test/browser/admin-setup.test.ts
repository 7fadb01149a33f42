/**
 * What the administration console now does beyond reading (issue 22 item 2), in Chinese, at
 * 1440×900 and on a 390×844 phone:
 * - 政策版本: county-admin-1 opens 新建版本 (every parameter prefilled from the version in force,
 *   with its label and unit), sends a value above its bound and reads the API's message under that
 *   field, corrects it and submits; the proposal is 待批准 and its proposer is told another
 *   administrator approves it (and the API refuses their approval, 403); county-admin-2 approves it
 *   on a phone after the confirmation stating its date.
 * - 节假日: the province administrator sees next year's missing schedule as a warning, pastes the
 *   2027 notice's lines (test data shaped like the State Council's notice), reads the preview in
 *   words, saves after the confirmation, and 2027 is listed as loaded with no warning left.
 * - 节假日 again: county-admin-1 registers the county's own days of 2027 — a make-up day on a
 *   Wednesday is named in the preview and cannot be saved; on a Saturday it is saved and counted.
 * - 用户管理: the province administrator switches to 省级用户 and creates a province viewer, listed
 *   with the phone masked.
 * Each state: axe clean, no internal code, user id, policy version code, ISO time or ISO date in the
 * text; the county picker lists counties through GET /admin/counties, never the roll-up.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { signIn } from "#test/e2e/support/api.ts";
import { POLICY_PARAMETERS } from "../../web/src/pages/admin/policyParameters.ts";
import { newPage, screenshot, seriousAxeViolations, signInAs } from "./support/browser.ts";
import {
  type ApiCall,
  confirmDialog,
  DESKTOP_1440,
  expectConsoleReadable,
  recordApi,
} from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";
import { consoleScreenshot } from "./support/docs-screenshots.ts";

const COUNTY = "230123";
const PHONE_390 = { width: 390, height: 844 };
/** Test data shaped like the State Council's notice; every make-up day a Saturday or Sunday of 2027. */
const NOTICE_2027 = [
  "一、元旦：1月1日（周五）至3日（周日）放假，共3天。",
  "二、春节：2月5日（周五）至13日（周六）放假调休，共9天。1月30日（周六）、2月20日（周六）上班。",
  "三、清明节：4月3日（周六）至5日（周一）放假，共3天。",
  "四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。",
  "七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。",
].join("\n");
const ISO_DATE = /\d{4}-\d{2}-\d{2}/;

let world: BrowserCounty;

beforeAll(async () => {
  world = await startBrowserCounty("browser-admin-setup");
}, 180_000);

afterAll(async () => {
  await world?.close();
});

async function clean(page: Page, state: string): Promise<void> {
  expect(await seriousAxeViolations(page), state).toEqual([]);
  await expectConsoleReadable(page, state);
  const text = await page.locator("body").innerText();
  expect(text.match(ISO_DATE)?.[0], `${state}: ISO date shown in\n${text}`).toBeUndefined();
}

async function pick(page: Page, field: string, option: string): Promise<void> {
  await page.locator(`[data-field=${field}]`).click();
  await page.locator(".el-select-dropdown__item:visible", { hasText: option }).first().click();
}

const refused = (calls: ApiCall[]) => calls.filter((c) => c.status === 401 || c.status === 403);
const parameter = (page: Page, key: string) => page.locator(`[data-parameter=${key}]`);

describe("the administration console: proposing, approving, loading a year, province users", () => {
  it("county-admin-1 proposes a version (a field refused first), county-admin-2 approves it on a phone", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(
      async () => void (await screenshot(page, "admin-setup-policy-FAILED").catch(() => undefined)),
    );
    const calls = recordApi(page);
    await signInAs(page, world.url, "county-admin-1");
    await page.locator(".console__link", { hasText: "政策版本" }).click();
    await page.locator("[data-ready=admin-policy][data-loaded=yes]").waitFor();

    // Act: 新建版本
    await page.locator("[data-action=propose-policy]").click();
    const form = page.locator("[data-form=propose-policy]");
    await form.waitFor();

    // Assess: every parameter with its label and unit, prefilled from the version in force
    await expect(form.locator("[data-parameter]").count()).resolves.toBe(POLICY_PARAMETERS.length);
    await expect(parameter(page, "advanceCeilingYuan").innerText()).resolves.toMatch(/先行救助上限[\s\S]*元/);
    await expect(parameter(page, "advanceCeilingYuan").locator("input").inputValue()).resolves.toBe("1000");
    await expect(parameter(page, "paperworkDeadlineWorkingDays").innerText()).resolves.toMatch(
      /先行救助后补齐手续时限[\s\S]*个工作日/,
    );
    await expect(parameter(page, "paperworkDeadlineWorkingDays").locator("input").inputValue()).resolves.toBe(
      "5",
    );
    await clean(page, "proposal form");
    await consoleScreenshot(page, "admin-policy-propose");

    // Act: an advance ceiling above its bound
    await page.locator("#policy-effective").fill("2031-01-01");
    await parameter(page, "advanceCeilingYuan").locator("input").fill("1200");
    await parameter(page, "paperworkDeadlineWorkingDays").locator("input").fill("10");
    await page.locator("#policy-basis").fill("示例县临时救助实施细则（2031年修订稿，测试数据）");
    await page.locator("[data-action=submit-policy]").click();

    // Assess: the API's message under that field; nothing proposed
    const advanceError = parameter(page, "advanceCeilingYuan").locator(".el-form-item__error");
    await advanceError.waitFor();
    await expect(advanceError.innerText()).resolves.toContain("不得高于 1000 元");
    const versions = page.locator("[data-admin-policy] .el-table__body-wrapper .el-table__row");
    await expect(versions.count()).resolves.toBe(1);
    await clean(page, "proposal refused at a field");

    // Act: corrected
    await parameter(page, "advanceCeilingYuan").locator("input").fill("1000");
    await page.locator("[data-action=submit-policy]").click();
    await page.locator(".af-success", { hasText: "2031年1月1日" }).waitFor();

    // Assess: 待批准, proposed by 孙丽, who is told another administrator approves it
    const proposal = versions.filter({ hasText: "2031年1月1日" });
    await proposal.waitFor();
    await expect(proposal.innerText()).resolves.toMatch(/第 2 版\s+2031年1月1日\s+待批准\s+孙丽/);
    await expect(proposal.innerText()).resolves.toContain("本人提出，须由其他管理员批准");
    expect(await proposal.locator("[data-action=approve-policy]").count()).toBe(0);
    expect(await page.locator("[data-form=propose-policy]").count()).toBe(0);
    await clean(page, "proposed");
    expect(refused(calls)).toEqual([]);
    await context.close();

    // Assess: the proposer's approval is refused by the API too
    const proposerApi = await signIn(world.url, "county-admin-1");
    const listed = await proposerApi.get<{
      versions: Array<{ status: string; version: { versionId: string } }>;
    }>(`/admin/counties/${COUNTY}/policy-versions`);
    const proposed = listed.body.versions.find((v) => v.status === "proposed");
    expect(proposed).toBeDefined();
    const ownApproval = await proposerApi.post(
      `/admin/counties/${COUNTY}/policy-versions/${proposed?.version.versionId}/approval`,
      undefined,
    );
    expect(ownApproval.status).toBe(403);
    expect(ownApproval.text).toContain("政策版本须由提出人以外的另一名管理员审批");

    // Act: county-admin-2 on a phone
    const phone = await newPage(world.browser, PHONE_390);
    onTestFailed(
      async () => void (await screenshot(phone.page, "admin-setup-approve-FAILED").catch(() => undefined)),
    );
    const phoneCalls = recordApi(phone.page);
    await signInAs(phone.page, world.url, "county-admin-2");
    await phone.page.locator(".console__link", { hasText: "政策版本" }).click();
    await phone.page.locator("[data-ready=admin-policy][data-loaded=yes]").waitFor();
    const row = phone.page
      .locator("[data-admin-policy] .el-table__body-wrapper .el-table__row")
      .filter({ hasText: "2031年1月1日" });
    await clean(phone.page, "approver's phone");
    await row.locator("[data-action=approve-policy]").click();
    const said = await confirmDialog(phone.page);

    // Assess
    expect(said).toContain("自 2031年1月1日 起生效");
    await expect.poll(async () => await row.innerText()).toMatch(/已批准，待生效\s+孙丽\s+钱进/);
    // Every success message gone (one may still be fading out when the next one opens).
    await expect.poll(() => phone.page.locator(".af-success").count(), { timeout: 30_000 }).toBe(0);
    await clean(phone.page, "approved on a phone");
    // The table scrolled sideways to its 批准 button: back to its first column for the picture.
    await phone.page
      .locator("[data-admin-policy] .el-scrollbar__wrap")
      .first()
      .evaluate((el) => el.scrollTo({ left: 0 }));
    await consoleScreenshot(phone.page, "admin-policy-approved-390");
    expect(refused(phoneCalls)).toEqual([]);
    await phone.context.close();
  }, 240_000);

  it("province-admin-1 loads the 2027 national schedule from the notice's lines, previewed in words", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(
      async () => void (await screenshot(page, "admin-setup-calendar-FAILED").catch(() => undefined)),
    );
    const calls = recordApi(page);
    await signInAs(page, world.url, "province-admin-1");
    await page.locator("[data-ready=admin-users][data-loaded=yes]").waitFor();
    await page.locator(".console__link", { hasText: "节假日" }).click();
    await page.locator("[data-ready=admin-calendar][data-loaded=yes]").waitFor();

    // Assess: the warning before 2027
    await expect(page.locator("[data-calendar-warning]").allInnerTexts()).resolves.toContainEqual(
      expect.stringContaining("2027年全国节假日安排尚未载入"),
    );
    expect(await page.locator("[data-form=local-days]").count()).toBe(0);

    // Act: paste the lines, read them
    await pick(page, "national-year", "2027年");
    await page.locator("#national-notice").fill(NOTICE_2027);
    await page.locator("[data-action=read-notice]").click();

    // Assess: the preview in words
    const preview = page.locator("[data-form=national-schedule] [data-days-preview]");
    await expect(preview.locator("[data-preview-rest]").allInnerTexts()).resolves.toEqual([
      "元旦：2027年1月1日 至 2027年1月3日 放假，共 3 天",
      "春节：2027年2月5日 至 2027年2月13日 放假，共 9 天",
      "清明节：2027年4月3日 至 2027年4月5日 放假，共 3 天",
      "劳动节：2027年5月1日 至 2027年5月5日 放假，共 5 天",
      "国庆节：2027年10月1日 至 2027年10月7日 放假，共 7 天",
    ]);
    await expect(preview.locator("[data-preview-work]").allInnerTexts()).resolves.toContainEqual(
      "2027年1月30日（星期六）调休上班",
    );
    expect(await preview.locator("[data-preview-problems]").count()).toBe(0);
    await clean(page, "2027 preview");
    await consoleScreenshot(page, "admin-calendar-load");

    // Act: save after the confirmation
    await page.locator("[data-action=save-national]").click();
    const said = await confirmDialog(page);

    // Assess: loaded, listed, no warning for 2027
    expect(said).toContain("2027年");
    await page.locator(".af-success", { hasText: "已载入2027年全国节假日安排" }).waitFor();
    const years = page.locator("[data-admin-calendar] .el-table__body-wrapper");
    await expect.poll(async () => await years.innerText()).toMatch(/2027年\s+已载入/);
    await expect(page.locator("[data-calendar-warning]").allInnerTexts()).resolves.not.toContainEqual(
      expect.stringContaining("2027年"),
    );
    // Every success message gone (one may still be fading out when the next one opens).
    await expect.poll(() => page.locator(".af-success").count(), { timeout: 30_000 }).toBe(0);
    await clean(page, "2027 loaded");
    expect(refused(calls)).toEqual([]);
    expect(calls.some((c) => c.path === "/admin/counties" && c.status === 200)).toBe(true);
    expect(calls.filter((c) => c.path.startsWith("/province/"))).toEqual([]);
    await context.close();

    // Assess: the phone layout of the page once loaded
    const phone = await newPage(world.browser, PHONE_390);
    await signInAs(phone.page, world.url, "province-admin-1");
    await phone.page.locator(".console__link", { hasText: "节假日" }).click();
    await phone.page.locator("[data-ready=admin-calendar][data-loaded=yes]").waitFor();
    await clean(phone.page, "calendar on a phone");
    await consoleScreenshot(phone.page, "admin-calendar-390");
    await phone.context.close();
  }, 240_000);

  it("county-admin-1 registers the county's own days of 2027 after the preview named a weekday make-up day", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(
      async () => void (await screenshot(page, "admin-setup-local-FAILED").catch(() => undefined)),
    );
    const calls = recordApi(page);
    await signInAs(page, world.url, "county-admin-1");
    await page.locator(".console__link", { hasText: "节假日" }).click();
    await page.locator("[data-ready=admin-calendar][data-loaded=yes]").waitFor();
    const form = page.locator("[data-form=local-days]");
    expect(await page.locator("[data-form=national-schedule]").count()).toBe(0);

    // Act: 县庆 on a Monday, a make-up day on a Wednesday
    await pick(page, "local-year", "2027年");
    await form.locator("[data-action=add-holiday]").click();
    await page.locator("#local-name-0 input, input#local-name-0").first().fill("县庆");
    await page.locator("#local-from-0").fill("2027-08-16");
    await page.locator("#local-to-0").fill("2027-08-16");
    await form.locator("[data-action=add-workday]").click();
    await page.locator("#local-work-0").fill("2027-08-11");

    // Assess: named in the preview, nothing can be sent
    const problems = form.locator("[data-preview-problems]");
    await expect(problems.innerText()).resolves.toContain("2027年8月11日 不是周六或周日，不能作为调休上班日");
    await expect(form.locator("[data-action=save-local]").isDisabled()).resolves.toBe(true);
    await clean(page, "local days: a weekday make-up day");

    // Act: the Saturday before, saved
    await page.locator("#local-work-0").fill("2027-08-14");
    await expect(form.locator("[data-preview-rest]").allInnerTexts()).resolves.toEqual([
      "县庆：2027年8月16日 放假，共 1 天",
    ]);
    await expect(form.locator("[data-preview-work]").allInnerTexts()).resolves.toEqual([
      "2027年8月14日（星期六）调休上班",
    ]);
    expect(await problems.count()).toBe(0);
    await form.locator("[data-action=save-local]").click();
    await page.locator(".af-success", { hasText: "已保存2027年本县调整日" }).waitFor();

    // Assess: 2027 counts the county's two days
    const years = page.locator("[data-admin-calendar] .el-table__body-wrapper");
    await expect.poll(async () => await years.innerText()).toMatch(/2027年\s+已载入\s+2 天/);
    // Every success message gone (one may still be fading out when the next one opens).
    await expect.poll(() => page.locator(".af-success").count(), { timeout: 30_000 }).toBe(0);
    await clean(page, "local days saved");
    await consoleScreenshot(page, "admin-calendar-local");
    expect(refused(calls)).toEqual([]);
    await context.close();
  }, 240_000);

  it("province-admin-1 creates a province viewer under 省级用户", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(
      async () => void (await screenshot(page, "admin-setup-users-FAILED").catch(() => undefined)),
    );
    const calls = recordApi(page);
    await signInAs(page, world.url, "province-admin-1");
    await page.locator("[data-ready=admin-users][data-loaded=yes]").waitFor();

    // Act: 省级用户
    await page.locator("[data-field=users-scope] label", { hasText: "省级用户" }).click();
    const rows = page.locator("[data-admin-users] .el-table__body-wrapper .el-table__row");
    await rows.filter({ hasText: "冯晓" }).waitFor();

    // Assess: the province's users; the role list is the province's roles
    await expect(rows.filter({ hasText: "郑国华" }).innerText()).resolves.toContain("本人账号");
    expect(await page.locator("[data-field=admin-county]").count()).toBe(0);
    await page.locator("[data-field=role]").click();
    // The dropdown opens with a transition: its items are read once it shows them.
    await page.locator(".el-select-dropdown__item:visible").first().waitFor();
    await expect(page.locator(".el-select-dropdown__item:visible").allInnerTexts()).resolves.toEqual([
      "省级管理员",
      "省级统计查看",
    ]);
    await page.keyboard.press("Escape");
    await clean(page, "province users");

    // Act: create a province viewer
    await page.locator("#new-user-name").fill("吴晓明");
    await page.locator("#new-user-phone").fill("13900139001");
    await pick(page, "role", "省级统计查看");
    await page.locator("[data-action=create-user]").click();
    await page.locator(".af-success", { hasText: "吴晓明" }).waitFor();

    // Assess
    const created = rows.filter({ hasText: "吴晓明" });
    await created.waitFor();
    await expect(created.innerText()).resolves.toMatch(/吴晓明\s+省级统计查看\s+—\s+139\*{4}9001\s+在用/);
    expect(await page.locator("body").innerText()).not.toContain("13900139001");
    // Every success message gone (one may still be fading out when the next one opens).
    await expect.poll(() => page.locator(".af-success").count(), { timeout: 30_000 }).toBe(0);
    await clean(page, "province viewer created");
    await consoleScreenshot(page, "admin-users-province");
    expect(refused(calls)).toEqual([]);
    await context.close();
  }, 240_000);
});
