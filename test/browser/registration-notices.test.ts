/**
 * 外地受助 in the county console: a resident of 示例二县 (230191, imported as `npm start` does) applies
 * in 示例县's 城关镇 and is refused; the flow closes the case at once and 示例二县's county civil
 * affairs (于洁) opens 外地受助 and reads the notice — case number, masked name and document, where
 * aided by name, cause, result and dates in Chinese — with its line in the statistics, and nothing
 * a zh-CN reader should not see. A county administrator who types /admin/import lands on the users page
 * instead of a page the API would refuse.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { seedSecondDemoCounty } from "#local/seed/seed.ts";
import { type ApiClient, signIn } from "#test/e2e/support/api.ts";
import { newPage, screenshot, signInAs } from "./support/browser.ts";
import { DESKTOP_1440 } from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";
import { expectReadable } from "./support/readable.ts";

let world: BrowserCounty;
let civilAffairsId = "";
let caseId = "";

async function waitForStatus(client: ApiClient, status: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const progress = await client.get<{
      case: { status: string };
      tasks: Array<{ taskType: string; status: string }>;
    }>(`/cases/${caseId}/progress`);
    const open = progress.body.tasks?.some((t) => t.taskType === "advance-decision" && t.status === "open");
    if (status === "deciding" ? open : progress.body.case?.status === status) return;
    if (Date.now() > deadline) throw new Error(`case never reached ${status}: ${progress.text}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  world = await startBrowserCounty("browser-reg-notices");
  const runtime = world.county.runtime;
  await seedSecondDemoCounty({
    client: runtime.dynamo,
    tables: runtime.tables,
    nowMs: () => runtime.clock.nowMs(),
  });
  const province = await signIn(world.url, "province-admin-1");
  const staff = await province.get<{ users: Array<{ userId: string; name: string }> }>(
    "/admin/counties/230191/users",
  );
  civilAffairsId = staff.body.users.find((u) => u.name === "于洁")?.userId ?? "";

  const applicant = await signIn(world.url, "applicant-zhang");
  const filed = await applicant.post<{ caseId: string }>(
    "/cases",
    {
      townshipId: "230123100",
      hardship: { cause: "fire" },
      description: "房屋失火，家中财物烧毁",
      requestedAmountYuan: "500.00",
      applicant: {
        name: "欧阳娜娜",
        document: { type: "resident-id", number: "230191199002023450" },
        phone: "13812345678",
        registration: { countyCode: "230191" },
      },
      bankAccount: { holderName: "欧阳娜娜", bankName: "农村信用社", account: "6217000012345678" },
    },
    { idempotencyKey: `reg-notice-file-${Date.now()}` },
  );
  expect(filed.status, filed.text).toBe(201);
  caseId = filed.body.caseId;
  await waitForStatus(applicant, "deciding");
  const approver = await signIn(world.url, "approver-chengguan");
  const refused = await approver.post(
    `/cases/${caseId}/advance-decision`,
    { decision: "reject", reason: "经核实不符合先行救助条件" },
    { idempotencyKey: `reg-notice-reject-${caseId}` },
  );
  expect(refused.status, refused.text).toBe(200);
  await waitForStatus(applicant, "closed");
}, 240_000);

afterAll(async () => {
  await world?.close();
});

describe("外地受助 page", () => {
  it("the registration county's civil affairs reads the masked notice and its statistics, in Chinese", async () => {
    // Prepare
    expect(civilAffairsId).not.toBe("");
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(
      async () => void (await screenshot(page, "registration-notices-FAILED").catch(() => undefined)),
    );
    await signInAs(page, world.url, civilAffairsId);

    // Act
    await page.locator("nav a", { hasText: "外地受助" }).click();
    await page.waitForURL(/\/county\/registration-notices$/);
    await page.locator('[data-ready="registration-notices"][data-loaded="yes"]').waitFor();
    const row = page.locator("[data-notice-list] .el-table__body tr").first();
    await row.waitFor();
    const rowText = await row.innerText();
    const statsText = await page.locator("[data-notice-stats] .el-table__body").innerText();

    // Assess
    expect(rowText).toContain(caseId);
    expect(rowText).toContain("欧***");
    expect(rowText).toContain("2301**********3450");
    expect(rowText).toContain("示例县");
    expect(rowText).toContain("城关镇");
    expect(rowText).toContain("火灾");
    expect(rowText).toContain("不予救助");
    expect(rowText).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
    expect(rowText).not.toContain("欧阳娜娜");
    expect(rowText).not.toContain("13812345678");
    expect(statsText).toContain("示例县");
    expect(statsText).toContain("火灾");
    await expectReadable(page, "外地受助");
    await screenshot(page, "registration-notices");
    await context.close();
  }, 120_000);

  it("a county administrator who opens /admin/import by its address lands on the users page", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(
      async () => void (await screenshot(page, "admin-import-guard-FAILED").catch(() => undefined)),
    );
    await signInAs(page, world.url, "county-admin-1");

    // Act
    await page.goto(`${world.url}/admin/import`);

    // Assess
    await page.waitForURL(/\/admin$/);
    const nav = await page.locator("nav").first().innerText();
    expect(nav).not.toContain("导入县");
    await context.close();
  }, 60_000);
});
