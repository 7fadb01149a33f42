/**
 * A township approver decides with the facts (DOMAIN §2.1, §3.2, §3.5), in Chromium at 1440×900: an
 * officer files on behalf of a non-local applicant on the desktop form, with a photo; the approver
 * sees the requested and suggested amounts, the ceilings, phone, registration flagged 外地, household,
 * masked account and the photo itself, approves the prefilled advance after a confirmation that
 * states the amount, and the page follows the payment to 已到账 by itself. Officers complete the
 * paperwork; the follow-up form presets no outcome; the officer proposes additional aid; the approver
 * sees the proposal prefilled with its reason and the ceiling, confirms, and the payments say which
 * kind each is. Every page state: axe 0 serious/critical, no internal code/user id/ISO time, no 403.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { residentIdCheckCharacter } from "#core/identity/residentId.ts";
import { signIn } from "#test/e2e/support/api.ts";
import { newPage, screenshot, seriousAxeViolations, signInAs } from "./support/browser.ts";
import {
  type ApiCall,
  attachPhoto,
  confirmDialog,
  DESKTOP_1440,
  expectConsoleReadable,
  recordApi,
} from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";
import { consoleScreenshot } from "./support/docs-screenshots.ts";

const FIRST17 = "13010219850615321";
const ID_NUMBER = `${FIRST17}${residentIdCheckCharacter(FIRST17)}`;
const ADDITIONAL_YUAN = "500.00";
const PROPOSAL_REASON = "房屋修缮仍缺资金，按入户调查情况追加临时救助";

let world: BrowserCounty;
let caseId = "";
const calls: Array<ApiCall & { who: string }> = [];

beforeAll(async () => {
  world = await startBrowserCounty("browser-approver");
});

afterAll(async () => {
  await world?.close();
});

async function open(who: string): Promise<{ page: Page; close: () => Promise<void> }> {
  const { page, context } = await newPage(world.browser, DESKTOP_1440);
  onTestFailed(async () => void (await screenshot(page, `approver-FAILED-${who}`).catch(() => undefined)));
  const recorded = recordApi(page);
  await signInAs(page, world.url, who);
  return {
    page,
    close: async () => {
      calls.push(...recorded.map((c) => ({ ...c, who })));
      await context.close();
    },
  };
}

async function checkPage(page: Page, state: string): Promise<void> {
  const violations = await seriousAxeViolations(page);
  expect(violations, `${state}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
  await expectConsoleReadable(page, state);
}

/** Reloads until `selector` shows (the workflow moves on asynchronously). */
async function reloadUntilVisible(page: Page, selector: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.locator(selector).first().isVisible()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${selector} on ${page.url()}`);
    await page.waitForTimeout(500);
    await page.reload();
    await page.waitForLoadState("networkidle");
  }
}

describe("an approver decides with the facts; money moves only after a stated confirmation", () => {
  it("an officer files on behalf of a non-local applicant on the desktop form and lands on the case", async () => {
    const { page, close } = await open("officer-chengguan-1");
    await page.goto(`${world.url}/township/file`);
    const form = page.locator("[data-testid=file-on-behalf]");
    await form.waitFor();
    await checkPage(page, "file on behalf (empty)");
    // Required fields are checked before anything is sent.
    await page.locator("[data-action=file-on-behalf]").click();
    await expect.poll(() => form.locator(".el-form-item__error").count()).toBeGreaterThan(2);

    await page.locator('[data-field="cause"]').click();
    await page.locator('[data-cause="fire"]').click();
    await page
      .locator("#ob-description")
      .fill("租住房屋失火，被褥衣物全部烧毁，一家人暂住亲戚家，急需生活救助");
    await page.locator("#ob-amount").fill("1200");
    await page.locator("#ob-name").fill("赵建华");
    await page.locator("#ob-doc-number").fill(ID_NUMBER);
    await page.locator("#ob-phone").fill("13912345678");
    await page.locator("#ob-province").fill("河北省");
    await page.locator("#ob-registration").fill("河北省石家庄市户籍，在本镇务工");
    await page.locator("#ob-address").fill("城关镇幸福路18号");
    await page.locator("[data-action=add-member]").click();
    await page.locator("#ob-member-0-name").fill("孙丽");
    await page.locator("#ob-holder").fill("赵建华");
    await page.locator("#ob-bank").fill("中国农业银行示例县支行");
    await page.locator("#ob-account").fill("6228480012345670001");
    await consoleScreenshot(page, "township-file-on-behalf");
    await page.locator("[data-action=file-on-behalf]").click();
    await page.waitForURL(/\/township\/cases\/C\d{8}-/);
    caseId = page.url().split("/").pop() ?? "";
    await close();

    const officer = await signIn(world.url, "officer-chengguan-1");
    await attachPhoto(officer, world.url, caseId);
    expect(caseId).toMatch(/^C\d{8}-/);
  });

  it("the approver sees amounts, ceilings, contact, registration (外地), household, account and the photo, and approves the prefilled advance after confirming it", async () => {
    const { page, close } = await open("approver-chengguan");
    await page.goto(`${world.url}/township`);
    await reloadUntilVisible(page, `[data-testid=work-queue] [data-work-link="${caseId}"]`);
    await page.locator(`[data-testid=work-queue] [data-work-link="${caseId}"]`).click();
    await reloadUntilVisible(page, '[data-step-form="advance-decision"]');
    await page.locator("[data-testid=case-photos] img").first().waitFor();

    const facts = page.locator("[data-testid=decision-facts]");
    await expect(facts.locator("[data-fact=requested]").innerText()).resolves.toBe("¥1,200.00");
    const suggested = (await facts.locator("[data-fact=suggested]").innerText()).trim();
    const ceiling = (await facts.locator("[data-fact=advance-ceiling]").innerText()).trim();
    expect(suggested).toMatch(/^¥[\d,]+\.\d{2}$/);
    expect(ceiling).toMatch(/^¥[\d,]+\.\d{2}$/);
    await expect(facts.locator("[data-fact=township-ceiling]").innerText()).resolves.toMatch(
      /^¥[\d,]+\.\d{2}$/,
    );
    await expect(facts.locator("[data-fact=per-case-cap]").innerText()).resolves.toMatch(/^¥[\d,]+\.\d{2}$/);
    await expect(page.locator("[data-fact=phone]").innerText()).resolves.toMatch(/^139/);
    await expect(page.locator("[data-fact=registration]").innerText()).resolves.toContain("河北省");
    await expect(page.locator("[data-fact=local]").innerText()).resolves.toBe("外地户籍");
    await expect(page.locator("[data-fact=household]").innerText()).resolves.toContain("孙丽");
    const bank = await page.locator("[data-fact=bank]").innerText();
    expect(bank).toContain("中国农业银行示例县支行");
    expect(bank).not.toContain("6228480012345670001");
    // The photo itself, not its file name: the image loaded.
    await expect(
      page
        .locator("[data-testid=case-photos] img")
        .first()
        .evaluate((img) => (img as HTMLImageElement).naturalWidth),
    ).resolves.toBeGreaterThan(0);
    // The rules' suggestion is prefilled and the ceiling is stated before submit.
    const amount = page.locator('[data-step-form="advance-decision"] input[name="amountYuan"]');
    const prefilled = await amount.inputValue();
    expect(`¥${prefilled}`).toBe(suggested.replace(/,/g, ""));
    await expect(
      page.locator('[data-step-form="advance-decision"] [data-testid=ceiling-hint]').innerText(),
    ).resolves.toContain(ceiling);
    await checkPage(page, "approver case page");
    await consoleScreenshot(page, "township-approver-case");

    await page.locator('[data-submit="advance-decision"]').click();
    const said = await confirmDialog(page);
    expect(said).toContain(suggested);
    expect(said).toContain("不能撤回");
    await page.locator(".af-success").first().waitFor();
    // No reload: the page follows the payment until the bank confirmed it.
    await page
      .locator('[data-testid=payment-status][data-payment-status="paid"]')
      .waitFor({ timeout: 45_000 });
    await expect(page.locator("[data-testid=payment-kind]").first().innerText()).resolves.toBe("先行救助");
    await checkPage(page, "approver case page after the advance is paid");
    await close();
  });

  it("officers complete the paperwork; the follow-up presets no outcome; the officer proposes additional aid after confirming", async () => {
    const { page, close } = await open("officer-chengguan-1");
    await page.goto(`${world.url}/township/cases/${caseId}`);
    await reloadUntilVisible(page, '[data-step-form="paperwork"]');
    const paperwork = page.locator('[data-step-form="paperwork"]');
    await paperwork.locator('[data-field="investigators"]').click();
    await page.locator('[data-officer="officer-chengguan-1"]').click();
    await page.locator('[data-officer="officer-chengguan-2"]').click();
    await page.keyboard.press("Escape");
    await paperwork.locator('textarea[name="facts"]').fill("经入户调查，房屋失火属实，家庭财物损毁严重");
    await paperwork.locator('textarea[name="goodFaithBasis"]').fill("火灾现场照片、村委会证明，依规先行救助");
    await paperwork.locator('[data-submit="paperwork"]').click();
    await page.locator('[data-testid=co-sign][data-co-sign-status="pending"]').waitFor();

    const second = await open("officer-chengguan-2");
    await second.page.goto(`${world.url}/township/cases/${caseId}`);
    await reloadUntilVisible(second.page, "[data-action=co-sign-confirm]");
    await second.page.locator("[data-action=co-sign-confirm]").click();
    await second.page.locator("[data-testid=co-sign]").waitFor({ state: "detached" });
    await second.close();

    await reloadUntilVisible(page, '[data-step-form="follow-up"]');
    const followUp = page.locator('[data-step-form="follow-up"]');
    await expect(followUp.locator("input[type=radio]:checked").count()).resolves.toBe(0);
    await followUp.locator('[data-submit="follow-up"]').click();
    await expect
      .poll(() => followUp.locator(".el-form-item__error").first().textContent())
      .toContain("请选择一项");
    await followUp.locator('[data-option="additional-aid"]').click();
    await followUp.locator('input[name="additionalAid.amountYuan"]').fill(ADDITIONAL_YUAN);
    await followUp.locator('textarea[name="reason"]').fill(PROPOSAL_REASON);
    await checkPage(page, "officer follow-up form");
    await followUp.locator('[data-submit="follow-up"]').click();
    expect(await confirmDialog(page)).toContain(`¥${ADDITIONAL_YUAN}`);
    await page.locator(".af-success").first().waitFor();
    await close();
  });

  it("the approver sees the officer's proposal prefilled with its reason and the ceiling, confirms, and each payment says its kind", async () => {
    const { page, close } = await open("approver-chengguan");
    await page.goto(`${world.url}/township/cases/${caseId}`);
    await reloadUntilVisible(page, '[data-step-form="additional-aid-decision"]');
    const proposal = page.locator("[data-testid=follow-up-proposal]");
    await expect(proposal.locator("[data-fact=proposal-amount]").innerText()).resolves.toBe(
      `¥${ADDITIONAL_YUAN}`,
    );
    await expect(proposal.locator("[data-fact=proposal-reason]").innerText()).resolves.toBe(PROPOSAL_REASON);
    const form = page.locator('[data-step-form="additional-aid-decision"]');
    await expect(form.locator('input[name="amountYuan"]').inputValue()).resolves.toBe(ADDITIONAL_YUAN);
    await expect(form.locator("[data-testid=ceiling-hint]").innerText()).resolves.toContain(
      `¥${ADDITIONAL_YUAN}`,
    );
    await checkPage(page, "approver additional-aid decision");
    await consoleScreenshot(page, "township-additional-aid-decision");

    await form.locator('[data-submit="additional-aid-decision"]').click();
    expect(await confirmDialog(page)).toContain(`¥${ADDITIONAL_YUAN}`);
    await page.locator(".af-success").first().waitFor();
    await expect
      .poll(async () => page.locator("[data-testid=payment-kind]").allInnerTexts(), { timeout: 30_000 })
      .toEqual(["先行救助", "追加救助"]);
    await checkPage(page, "approver case page with both payments");
    await close();
  });

  it("no page of the journey called a route its user may not (no 403), and township pages never asked for the audit trail", () => {
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.filter((c) => c.status === 403)).toEqual([]);
    expect(calls.filter((c) => c.path.startsWith("/audit"))).toEqual([]);
  });
});
