/**
 * 预警核查 (issue 25) in Chromium at 1440×900: county civil affairs imports a department's list; the
 * first officer of 城关镇 finds the alert in the township's inbox (name, risk and deadline in Chinese,
 * no codes), records the visit naming the second officer picked among the township's officers; the
 * second officer confirms it with their own sign-in, then files on the person's behalf from the form
 * the alert prefilled — a Flow A case opens. axe 0 serious/critical and readable text on every state;
 * no page called a route its user may not (no 401/403).
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { signIn } from "#test/e2e/support/api.ts";
import { newPage, screenshot, seriousAxeViolations, signInAs } from "./support/browser.ts";
import { type ApiCall, DESKTOP_1440, expectConsoleReadable, recordApi } from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";

const TOWNSHIP = "230123100";
const ID_NUMBER = "110101199003078515";
const PERSON = "陈秀梅";
const SECOND = { userId: "officer-chengguan-2", name: "刘洋" };

let world: BrowserCounty;
let alertId = "";
const calls: Array<ApiCall & { who: string }> = [];

beforeAll(async () => {
  world = await startBrowserCounty("browser-alerts");
  const county = await signIn(world.url, "county-civil-1");
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const csv = [
    "身份证号,姓名,家庭（户主或住址）,居住地乡镇代码,风险类型,来源,日期,依据摘要",
    `${ID_NUMBER},${PERSON},城关镇西街 8 号,${TOWNSHIP},大额医疗支出,县医保局,${today},本月个人自付医疗费用 4.2 万元`,
  ].join("\n");
  const imported = await county.post<{ alerts: Array<{ alertId: string }> }>(
    "/early-warnings/import",
    { fileName: "医保预警.csv", contentBase64: Buffer.from(csv).toString("base64") },
    { idempotencyKey: "alerts-import" },
  );
  expect(imported.status, imported.text).toBe(201);
  alertId = imported.body.alerts[0]?.alertId ?? "";
});

afterAll(async () => {
  await world?.close();
});

async function open(who: string): Promise<{ page: Page; close: () => Promise<void> }> {
  const { page, context } = await newPage(world.browser, DESKTOP_1440);
  onTestFailed(async () => void (await screenshot(page, `alerts-FAILED-${who}`).catch(() => undefined)));
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
  await page.waitForLoadState("networkidle");
  const violations = await seriousAxeViolations(page);
  expect(violations, `${state}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
  await expectConsoleReadable(page, state);
}

async function openAlert(page: Page) {
  await page.goto(`${world.url}/township/alerts`);
  const item = page.locator(`[data-alert="${alertId}"]`);
  await item.waitFor();
  await item.locator(".alerts__head").click();
  return item;
}

describe("the township's early-warning inbox", () => {
  it("the first officer sees the alert in Chinese and records the visit with the second officer", async () => {
    const { page, close } = await open("officer-chengguan-1");
    await page.goto(`${world.url}/township`);
    // The work queue lists the alert beside the case tasks, with its deadline.
    const queued = page.locator('[data-testid="work-queue"] .el-table__body tr', {
      has: page.locator(`[data-work-alert-link="${alertId}"]`),
    });
    await queued.waitFor();
    const queueRow = await queued.innerText();
    expect(queueRow).toContain("预警核查：待核查");
    expect(queueRow).toContain(PERSON);
    expect(queueRow).toContain("大额医疗支出");
    expect(queueRow).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
    await checkPage(page, "work queue with an alert");
    await screenshot(page, "work-queue-alert");
    await page.getByRole("link", { name: "预警核查" }).click();
    await page.waitForURL("**/township/alerts");
    const item = page.locator(`[data-alert="${alertId}"]`);
    await item.waitFor();
    const head = await item.locator(".alerts__head").innerText();
    expect(head).toContain(PERSON);
    expect(head).toContain("大额医疗支出");
    expect(head).toContain("待核查");
    expect(head).not.toMatch(/medical-expense|\d{4}-\d{2}-\d{2}T/);
    await checkPage(page, "alert inbox");

    await item.locator(".alerts__head").click();
    const form = item.locator("[data-alert-visit-form]");
    await form.waitFor();
    await checkPage(page, "visit form");
    await form.locator('[data-field="coVisitor"]').click();
    await page.locator(".el-select-dropdown__item", { hasText: SECOND.name }).first().click();
    await form.locator("[data-alert-save-visit]").click();
    await expect
      .poll(() => item.locator("[data-alert-status]").innerText(), { timeout: 20_000 })
      .toBe("待第二名经办人确认");
    // The alert stays open after the save: it names whose confirmation it waits for.
    await expect
      .poll(() => item.locator("[data-alert-awaiting]").innerText(), { timeout: 20_000 })
      .toContain(SECOND.name);
    await close();
  }, 180_000);

  it("the second officer confirms the visit and files on the person's behalf from the prefilled form", async () => {
    const { page, close } = await open(SECOND.userId);
    const item = await openAlert(page);
    await item.locator("[data-alert-confirm]").click();
    await expect
      .poll(() => item.locator("[data-alert-status]").innerText(), { timeout: 20_000 })
      .toBe("已核查，待代为申请");
    const form = item.locator("[data-alert-filing-form]");
    await form.waitFor();
    expect(await form.locator('input[data-field="name"], [data-field="name"] input').inputValue()).toBe(
      PERSON,
    );
    await checkPage(page, "filing form");
    await form.locator('input[data-field="idNumber"], [data-field="idNumber"] input').fill(ID_NUMBER);
    await form.locator('input[data-field="amount"], [data-field="amount"] input').fill("800");
    await form.locator('input[data-field="bank"], [data-field="bank"] input').fill("中国建设银行示例县支行");
    await form
      .locator('input[data-field="account"], [data-field="account"] input')
      .fill("6217000010002000399");
    await form.locator("[data-alert-file]").click();
    await expect
      .poll(() => page.locator("[data-alert-notice]").innerText(), { timeout: 20_000 })
      .toContain("已代为申请");
    await expect
      .poll(() => item.locator("[data-alert-status]").innerText(), { timeout: 20_000 })
      .toBe("已核查");
    await item.locator("[data-alert-case]").waitFor();
    await close();
  }, 180_000);

  it("no page of the two officers called a route they may not (no 401/403)", () => {
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.status === 403 || c.status === 401)).toEqual([]);
  });
});
