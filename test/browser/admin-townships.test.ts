/**
 * 乡镇与备用金 (issue 22: townships and fund quotas after the county's creation), in Chinese, at
 * 1440×900 and on a 390×844 phone: county-admin-1 opens the page from the menu and reads the demo
 * county's townships (名称, 城镇/农村, 户籍人口, 备用金定额, 已拨付额度); edits 河东乡 — a population
 * that is not a number is refused under its field, one whose least quota is above the set quota is
 * refused there too (raise the quota first); sets its quota — below the least its population allows
 * is refused under the field, then saved after the confirmation saying no money moves; edits it again,
 * saved after the confirmation naming the new values; and adds a township on the phone — a code outside the
 * county refused under the field, then added. Each state: axe clean, readable (no internal code,
 * user id or ISO time), nothing scrolling sideways on the phone; no request refused 401/403.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { newPage, screenshot, seriousAxeViolations, signInAs } from "./support/browser.ts";
import {
  type ApiCall,
  confirmDialog,
  DESKTOP_1440,
  expectConsoleReadable,
  recordApi,
} from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";

const PHONE_390 = { width: 390, height: 844 };
const HEDONG = "230123200";

let world: BrowserCounty;

beforeAll(async () => {
  world = await startBrowserCounty("browser-admin-townships");
}, 180_000);

afterAll(async () => {
  await world?.close();
});

async function clean(page: Page, state: string): Promise<void> {
  expect(await seriousAxeViolations(page), state).toEqual([]);
  await expectConsoleReadable(page, state);
}

const refused = (calls: ApiCall[]) => calls.filter((c) => c.status === 401 || c.status === 403);
const card = (page: Page, townshipId: string) => page.locator(`[data-township="${townshipId}"]`);

async function openPage(page: Page): Promise<void> {
  await signInAs(page, world.url, "county-admin-1");
  const menu = page.locator(".console__link", { hasText: "乡镇与备用金" });
  await menu.click();
  await page.locator("[data-ready=admin-townships][data-loaded=yes]").waitFor();
}

describe("乡镇与备用金: townships and their fund quotas after the county's creation", () => {
  it("county-admin-1 edits 河东乡 and sets its quota at 1440 px, each refused at a field first", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(async () => void (await screenshot(page, "admin-townships-FAILED").catch(() => undefined)));
    const calls = recordApi(page);
    await openPage(page);

    // Assess: the demo county's three townships, with their quotas and what finance allocated
    await expect(page.locator("[data-township]").count()).resolves.toBe(3);
    await expect(card(page, HEDONG).innerText()).resolves.toMatch(
      /河东乡[\s\S]*农村[\s\S]*21,000 人[\s\S]*¥21,000\.00/,
    );
    await expect(page.locator("[data-quota-note]").innerText()).resolves.toContain("不会拨付资金");
    await clean(page, "townships listed");
    await screenshot(page, "admin-townships-1440");

    // Act: 修改 with a population that is not a number
    await card(page, HEDONG).locator("[data-action=edit-township]").click();
    const dialog = page.locator("[data-form=edit-township]");
    await dialog.waitFor();
    await page.locator("#edit-township-name").fill("河东镇");
    await page.locator("#edit-township-population").fill("两万");
    await page.locator("[data-action=save-township]").click();
    await confirmDialog(page);

    // Assess: the message under that field; nothing saved
    const populationError = dialog.locator(".el-form-item__error");
    await populationError.waitFor();
    await expect(populationError.innerText()).resolves.toContain("须为整数（人）");
    await clean(page, "edit refused at a field");

    // Act: a population whose least quota (22,500 people × ¥1) is above the set ¥21,000.00
    await page.locator("#edit-township-population").fill("22500");
    await page.locator("[data-action=save-township]").click();
    const said = await confirmDialog(page);

    // Assess: the confirmation named the new values; the refusal says to raise the quota first
    expect(said).toContain("确定将 河东乡 修改为：河东镇，农村，户籍人口 22500 人吗？");
    await expect
      .poll(() => populationError.innerText())
      .toBe("户籍人口 22500 人时备用金定额不得低于 ¥22,500.00，现定额 ¥21,000.00：请先调高备用金定额");
    await clean(page, "edit refused: quota first");
    await screenshot(page, "admin-townships-edit-refused-1440");
    await page.locator("[data-dialog=edit-township] .dialog-actions button").first().click();
    await dialog.waitFor({ state: "hidden" });

    // Act: 设定额 below the least its population allows (21,000 people × ¥1)
    await card(page, HEDONG).locator("[data-action=set-quota]").click();
    const quota = page.locator("[data-form=set-quota]");
    await quota.waitFor();
    await page.locator("#quota-yuan").fill("20000");
    await page.locator("[data-action=save-quota]").click();
    await confirmDialog(page);
    const quotaError = quota.locator(".el-form-item__error");
    await quotaError.waitFor();
    await expect(quotaError.innerText()).resolves.toContain("不得低于按户籍人口核定的 ¥21,000.00");
    await clean(page, "quota refused at a field");
    await screenshot(page, "admin-townships-quota-refused-1440");

    // Act: a quota above both
    await page.locator("#quota-yuan").fill("30000");
    await page.locator("[data-action=save-quota]").click();
    const quotaSaid = await confirmDialog(page);

    // Assess: no money moves; the card shows the quota and the allocation as it was
    expect(quotaSaid).toContain("确定将 河东乡 的备用金定额设为 ¥30,000.00 吗？此操作不拨付资金");
    await page.locator(".af-success", { hasText: "已将 河东乡 的备用金定额设为 ¥30,000.00" }).waitFor();
    await expect(card(page, HEDONG).locator("[data-cell=quota]").innerText()).resolves.toContain(
      "¥30,000.00",
    );
    await expect(card(page, HEDONG).locator("[data-cell=allocated]").innerText()).resolves.toBe("¥21,000.00");
    await clean(page, "quota set");

    // Act: the edit again, now that the quota allows it
    await card(page, HEDONG).locator("[data-action=edit-township]").click();
    await dialog.waitFor();
    await page.locator("#edit-township-name").fill("河东镇");
    await page.locator("#edit-township-population").fill("22500");
    await page.locator("[data-action=save-township]").click();
    await confirmDialog(page);

    // Assess: saved; the card shows the new values beside the quota
    await page.locator(".af-success", { hasText: "已保存 河东镇 的修改" }).waitFor();
    await expect(card(page, HEDONG).innerText()).resolves.toMatch(/河东镇[\s\S]*22,500 人[\s\S]*¥30,000\.00/);
    await clean(page, "quota set");
    expect(refused(calls)).toEqual([]);
    await context.close();
  });

  it("on a 390 px phone a township is added (a code outside the county refused first), nothing scrolling sideways", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, PHONE_390);
    onTestFailed(
      async () => void (await screenshot(page, "admin-townships-phone-FAILED").catch(() => undefined)),
    );
    const calls = recordApi(page);
    await openPage(page);
    await clean(page, "townships on a phone");
    await screenshot(page, "admin-townships-390");

    // Act: a code of another county
    await page.locator("#new-township-code").fill("230199100");
    await page.locator("#new-township-name").fill("新民乡");
    await page.locator("#new-township-population").fill("9000");
    await page.locator("[data-action=add-township]").click();
    await confirmDialog(page);

    // Assess: refused under the code
    const form = page.locator("[data-form=new-township]");
    const codeError = form.locator(".el-form-item__error");
    await codeError.waitFor();
    await expect(codeError.innerText()).resolves.toContain("须以本县代码 230123 开头");
    await clean(page, "add refused at a field on a phone");

    // Act: corrected
    await page.locator("#new-township-code").fill("230123400");
    await page.locator("[data-action=add-township]").click();
    const said = await confirmDialog(page);

    // Assess
    expect(said).toContain("确定新增 新民乡（230123400）吗？");
    await page.locator(".af-success", { hasText: "已新增 新民乡" }).waitFor();
    await card(page, "230123400").waitFor();
    await expect(card(page, "230123400").innerText()).resolves.toMatch(
      /新民乡[\s\S]*农村[\s\S]*9,000 人[\s\S]*未设置/,
    );
    await clean(page, "township added on a phone");
    await card(page, "230123400").scrollIntoViewIfNeeded();
    await screenshot(page, "admin-townships-added-390");
    expect(refused(calls)).toEqual([]);
    await context.close();
  });
});
