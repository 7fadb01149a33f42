/**
 * Disaster mode in the consoles (issue 25 "must be shown"): county civil affairs declares an incident
 * with the form (a standard advance above the ceiling is refused on its field first), officers
 * register three households of 城关镇 (the short form, through the API), 城关镇's approver selects them
 * in the incident list and approves all three at once, and the county's dashboard shows them
 * registered and approved per township, with its XLSX export — in Chinese, names not ids.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { localDateOf } from "#core/calendar/localDate.ts";
import { household } from "#test/e2e/incidents/support.ts";
import { type ApiClient, signIn } from "#test/e2e/support/api.ts";
import { newPage, screenshot, signInAs } from "./support/browser.ts";
import { confirmDialog, DESKTOP_1440 } from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";
import { expectReadable } from "./support/readable.ts";

const CHENGGUAN = "230123100";
let world: BrowserCounty;

beforeAll(async () => {
  world = await startBrowserCounty("browser-incidents");
}, 240_000);

afterAll(async () => {
  await world?.close();
});

async function decisionOpen(client: ApiClient, caseId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const progress = await client.get<{ tasks: Array<{ taskType: string; status: string }> }>(
      `/cases/${caseId}/progress`,
    );
    if (progress.body.tasks?.some((t) => t.taskType === "advance-decision" && t.status === "open")) return;
    if (Date.now() > deadline) throw new Error(`no advance decision task on ${caseId}: ${progress.text}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe("disaster mode in the consoles", () => {
  it("declare by form, register, approve the incident's households at once, read the dashboard", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(async () => void (await screenshot(page, "incidents-FAILED").catch(() => undefined)));
    await signInAs(page, world.url, "county-civil-1");

    // Act 1: the declaration form — refused above the ceiling, then declared.
    await page.locator("nav a", { hasText: "灾情救助" }).click();
    await page.waitForURL(/\/county\/incidents$/);
    const form = page.locator("[data-incident-declare]");
    await form.locator('input[name="name"]').fill("12·7 暴雪");
    await form.locator("[data-incident-townships] label", { hasText: "城关镇" }).click();
    await form.locator("[data-incident-townships] label", { hasText: "河东乡" }).click();
    await form.locator('input[name="standardAdvanceYuan"]').fill("1500");
    await page.locator("[data-incident-submit]").click();
    const fieldError = await form.locator(".el-form-item__error").first().innerText();
    await form.locator('input[name="standardAdvanceYuan"]').fill("600");
    await page.locator("[data-incident-submit]").click();
    const listed = page.locator("[data-incident-list] .el-table__body tr", { hasText: "12·7 暴雪" });
    await listed.waitFor();
    const listText = await listed.innerText();
    await screenshot(page, "incidents-list");

    // Act 2: three households of 城关镇 registered by its officer (the short form's API).
    const civil = await signIn(world.url, "county-civil-1");
    const incidentId = (await civil.get<{ incidents: Array<{ incidentId: string }> }>("/incidents")).body
      .incidents[0]?.incidentId as string;
    const officer = await signIn(world.url, "officer-chengguan-1");
    const caseIds: string[] = [];
    for (let n = 0; n < 3; n++) {
      const h = household(CHENGGUAN, n);
      const registered = await officer.post<{ caseId: string }>(
        `/incidents/${incidentId}/households`,
        {
          townshipId: CHENGGUAN,
          name: h.name,
          document: { type: "resident-id", number: h.idNumber },
          phone: h.phone,
          bankAccount: { holderName: h.name, bankName: "农村信用社", account: h.account },
        },
        { idempotencyKey: `browser-incident-${n}` },
      );
      expect(registered.status, registered.text).toBe(201);
      caseIds.push(registered.body.caseId);
    }
    for (const caseId of caseIds) await decisionOpen(officer, caseId);

    // Act 3: 城关镇's approver selects all three and approves them at once.
    const approverPage = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(
      async () =>
        void (await screenshot(approverPage.page, "incidents-approval-FAILED").catch(() => undefined)),
    );
    await signInAs(approverPage.page, world.url, "approver-chengguan");
    await approverPage.page.locator("nav a", { hasText: "灾情救助" }).click();
    const rows = approverPage.page.locator("[data-incident-cases] .el-table__body tr");
    await rows.nth(2).waitFor();
    const before = await approverPage.page.locator("[data-incident-cases]").innerText();
    await approverPage.page.locator("[data-incident-cases] .el-table__header .el-checkbox").click();
    await approverPage.page.locator("[data-incident-approve]").click();
    expect(await confirmDialog(approverPage.page)).toContain("不能撤回");
    const notice = await approverPage.page.locator("[data-incident-notice]").innerText();
    await expectReadable(approverPage.page, "incident batch approval");
    await screenshot(approverPage.page, "incidents-batch-approval");
    const after = await approverPage.page.locator("[data-incident-cases]").innerText();

    // Act 4: the county's dashboard of the incident, and its export.
    await page.locator("[data-incident-list] [data-incident-open]").first().click();
    await page.waitForURL(/\/county\/incidents\/I\d{8}-/);
    const figures = page.locator("[data-incident-figures] .el-table__body");
    await figures.locator("tr", { hasText: "城关镇" }).waitFor();
    const figuresText = await figures.innerText();
    const exported = page.waitForResponse((r) => r.url().includes(`/incidents/${incidentId}/export`));
    await page.locator("[data-incident-export]").click();
    const exportAnswer = await exported;
    await expectReadable(page, "incident dashboard");
    await screenshot(page, "incidents-dashboard");

    // Assess
    expect(fieldError).toContain("超过上限");
    expect(listText).toContain("城关镇、河东乡");
    expect(listText).toContain("进行中");
    expect(listText).toContain(`${localDateOf(Date.now()).slice(0, 4)}年`);
    expect(before).toContain("待审批");
    expect(before).toContain(household(CHENGGUAN, 0).name);
    expect(before).not.toContain("officer-chengguan-1");
    expect(notice).toContain("已批准 3 户，未能批准 0 户");
    expect(after).not.toContain("待审批");
    expect(figuresText).toMatch(/城关镇\s+3\s+0\s+3/);
    expect(figuresText).toContain("合计");
    expect(figuresText).toContain("1,800.00");
    expect(exportAnswer.status()).toBe(200);
    await approverPage.context.close();
    await context.close();
  }, 300_000);
});
