/**
 * Disaster mode on the phone and on the dashboard (issue 25): 城关镇's officer registers affected
 * households at 390×844 — the short form refuses a wrong ID number on its field in Chinese, the
 * household is registered, "登记下一户" keeps the incident, a reload keeps it too; the 受灾户 sheet with
 * a bad row is refused whole with its row and column named, the corrected sheet registers every
 * row. Then county finance clicks the one-step top-up and county civil affairs ends the incident,
 * each through its confirmation dialog; the ended incident is no longer offered for registration.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { localDateOf } from "#core/calendar/localDate.ts";
import { household, householdWorkbook } from "#test/e2e/incidents/support.ts";
import { signIn } from "#test/e2e/support/api.ts";
import { newPage, screenshot, signInAs } from "./support/browser.ts";
import { confirmDialog, DESKTOP_1440 } from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";
import { expectReadable } from "./support/readable.ts";

const CHENGGUAN = "230123100";
const PHONE_390 = { width: 390, height: 844 };
let world: BrowserCounty;

beforeAll(async () => {
  world = await startBrowserCounty("browser-incident-registration");
}, 240_000);

afterAll(async () => {
  await world?.close();
});

describe("registering affected households and the dashboard's confirmations", () => {
  it("short form with field errors, the next household, the sheet's row errors; top-up and end confirmed", async () => {
    // Prepare: county civil affairs declares an incident over 城关镇.
    const civil = await signIn(world.url, "county-civil-1");
    const declared = await civil.post<{ incidentId: string }>(
      "/incidents",
      {
        name: "12·8 山洪",
        cause: "flood",
        townshipIds: [CHENGGUAN],
        startDate: localDateOf(new Date()),
        standardAdvanceYuan: "600.00",
      },
      { idempotencyKey: "browser-register-incident" },
    );
    expect(declared.status, declared.text).toBe(201);
    const incidentId = declared.body.incidentId;
    const [first, second, third, fourth] = [0, 1, 2, 3].map((n) => household(CHENGGUAN, 40 + n));
    if (!first || !second || !third || !fourth) throw new Error("four households");
    const { page, context } = await newPage(world.browser, PHONE_390);
    onTestFailed(
      async () => void (await screenshot(page, "incident-register-FAILED").catch(() => undefined)),
    );
    await signInAs(page, world.url, "officer-chengguan-1");

    // Act 1: the short form — a wrong ID number refused on its field, then registered.
    await page.locator("nav a", { hasText: "受灾户登记" }).click();
    await page.waitForURL(/\/township\/incidents\/register$/);
    const form = page.locator("[data-register-form]");
    await form.waitFor();
    const context1 = await page.locator("[data-register-context]").innerText();
    await form.locator('input[name="name"]').fill(first.name);
    await form
      .locator('input[name="idNumber"]')
      .fill(`${first.idNumber.slice(0, 17)}${first.idNumber.endsWith("0") ? "1" : "0"}`);
    await form.locator('input[name="phone"]').fill(first.phone);
    await page.locator("[data-register-submit]").click();
    const idError = form
      .locator(".el-form-item", { has: page.locator('input[name="idNumber"]') })
      .locator(".el-form-item__error");
    await idError.waitFor();
    const idErrorText = await idError.innerText();
    await expectReadable(page, "registration field error");
    await screenshot(page, "incident-register-field-error-390");
    await form.locator('input[name="idNumber"]').fill(first.idNumber);
    await page.locator("[data-register-submit]").click();
    const done = page.locator("[data-register-done]");
    await done.waitFor();
    const doneText = await done.innerText();
    await screenshot(page, "incident-register-done-390");

    // Act 2: the next household, the incident kept; a reload keeps it as well.
    await page.locator("[data-register-next]").click();
    const emptyName = await form.locator('input[name="name"]').inputValue();
    const keptIncident = await page.locator("[data-register-incident]").innerText();
    await form.locator('input[name="name"]').fill(second.name);
    await form.locator('input[name="idNumber"]').fill(second.idNumber);
    await form.locator('input[name="holderName"]').fill(second.name);
    await form.locator('input[name="bankName"]').fill("农村信用社");
    await form.locator('input[name="account"]').fill(second.account);
    await page.locator("[data-register-submit]").click();
    const secondDone = await done.innerText();
    await page.reload();
    await form.waitFor();
    const afterReload = await page.locator("[data-register-incident]").innerText();

    // Act 3: the sheet — a bad ID number in its second household refuses it whole; corrected, imported.
    const badSheet = await householdWorkbook([third, fourth], (row, index) =>
      index === 1 ? [row[0] ?? "", row[1] ?? "", "2301231990", ...row.slice(3)] : row,
    );
    const fileInput = page.locator("[data-register-file]");
    await fileInput.setInputFiles({
      name: "受灾户.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: Buffer.from(badSheet, "base64"),
    });
    await page.locator("[data-register-import]").click();
    const problems = page.locator("[data-register-sheet-problems]");
    await problems.waitFor();
    const problemsText = await problems.innerText();
    await expectReadable(page, "registration sheet refused");
    await screenshot(page, "incident-register-sheet-refused-390");
    const afterRefusal = await officerCases();
    await fileInput.setInputFiles({
      name: "受灾户.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: Buffer.from(await householdWorkbook([third, fourth]), "base64"),
    });
    await page.locator("[data-register-import]").click();
    const importedText = await page.locator("[data-register-imported]").innerText();
    await screenshot(page, "incident-register-sheet-imported-390");

    // Act 4: county finance's one-step top-up, confirmed in its dialog.
    const financePage = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(
      async () => void (await screenshot(financePage.page, "incident-top-up-FAILED").catch(() => undefined)),
    );
    await signInAs(financePage.page, world.url, "finance-1");
    await financePage.page.goto(`${world.url}/finance/incidents/${incidentId}`);
    await financePage.page
      .locator("[data-incident-figures] .el-table__body tr", { hasText: "城关镇" })
      .waitFor();
    await financePage.page.locator("input[data-incident-reason]").fill("山洪受灾户先行救助");
    const toppedUp = financePage.page.waitForResponse((r) =>
      r.url().endsWith(`/incidents/${incidentId}/top-up`),
    );
    await financePage.page.locator("[data-incident-top-up]").click();
    const topUpDialog = await confirmDialog(financePage.page);
    const topUpAnswer = await toppedUp;
    const topUpNotice = await financePage.page.locator("[data-incident-notice]").innerText();
    await expectReadable(financePage.page, "incident top-up");
    await screenshot(financePage.page, "incident-top-up");

    // Act 5: county civil affairs ends the incident, confirmed in its dialog.
    const civilPage = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(
      async () => void (await screenshot(civilPage.page, "incident-end-FAILED").catch(() => undefined)),
    );
    await signInAs(civilPage.page, world.url, "county-civil-1");
    await civilPage.page.goto(`${world.url}/county/incidents/${incidentId}`);
    const facts = civilPage.page.locator("[data-incident-facts]");
    await facts.waitFor();
    await civilPage.page.locator("input[data-incident-reason]").fill("受灾户已全部登记");
    await civilPage.page.locator("[data-incident-end]").click();
    const endDialog = await confirmDialog(civilPage.page);
    await civilPage.page.locator("[data-incident-facts]", { hasText: "已结束" }).waitFor();
    const endedFacts = await facts.innerText();
    const endButtons = await civilPage.page.locator("[data-incident-end]").count();
    await expectReadable(civilPage.page, "incident ended");
    await screenshot(civilPage.page, "incident-ended");
    await page.reload();
    await page.locator("[data-register-none]").waitFor();
    const noneText = await page.locator("[data-ready='incident-registration']").innerText();
    const finalCases = await officerCases();

    // Assess
    expect(context1).toContain("城关镇");
    expect(context1).toContain("600.00");
    expect(idErrorText).toContain("校验码不正确");
    expect(doneText).toContain(`已登记：${first.name}`);
    expect(emptyName).toBe("");
    expect(keptIncident).toContain("12·8 山洪");
    expect(secondDone).toContain(`已登记：${second.name}`);
    expect(afterReload).toContain("12·8 山洪");
    expect(problemsText).toContain("未登记任何一户");
    expect(problemsText).toContain("第 3 行 C（身份证号码）");
    expect(afterRefusal).toBe(2);
    expect(importedText).toContain("已登记 2 户，未能登记 0 户");
    expect(topUpDialog).toContain("一键补足");
    expect(topUpAnswer.status()).toBe(200);
    expect(topUpNotice).toMatch(/已补足|无需补足/);
    expect(endDialog).toContain("结束后不能再登记受灾户");
    expect(endedFacts).toContain("已结束");
    expect(endButtons).toBe(0);
    expect(noneText).toContain("本乡镇暂无可登记的灾情");
    expect(finalCases).toBe(4);
    await civilPage.context.close();
    await financePage.context.close();
    await context.close();

    async function officerCases(): Promise<number> {
      const officer = await signIn(world.url, "officer-chengguan-1");
      const answer = await officer.get<{ cases: unknown[] }>(`/incidents/${incidentId}/cases`);
      return answer.body.cases.length;
    }
  }, 400_000);
});
