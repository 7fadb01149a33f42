/**
 * The province viewer's console (issue 22 item 4, DOMAIN §8) at 1440×900 in Chinese: the read-only
 * province role lands on 全省统计, whose figures are those of the county's filed and paid case (one
 * application of 城关镇, non-local, its advance decided in time and paid ¥600.00 from the reserve
 * fund) as of the time the page states (computed now: no daily row yet), with the two charts drawn, the
 * 外地受助 figures (none), the XLSX export downloaded, axe clean, no internal code, user id
 * or ISO time in the text, no refused API call, and no name, ID number or account of the applicant.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { DEMO_COUNTY } from "#local/seed/demo-county.ts";
import { signIn } from "#test/e2e/support/api.ts";
import { newPage, screenshot, seriousAxeViolations, signInAs } from "./support/browser.ts";
import { DESKTOP_1440, expectConsoleReadable, recordApi, until } from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";
import { consoleScreenshot } from "./support/docs-screenshots.ts";

const TOWNSHIP = "230123100";
const APPLICANT_NAME = "李娜";
const ID_NUMBER = "110101199003078515";
const ACCOUNT = "6217000010002000300";
let world: BrowserCounty;

interface Rollup {
  figures: { paid: { amountFen: number } };
}

beforeAll(async () => {
  world = await startBrowserCounty("browser-rollup");
  const applicant = await signIn(world.url, "applicant-li");
  const filed = await applicant.post<{ caseId: string }>(
    "/cases",
    {
      townshipId: TOWNSHIP,
      hardship: { cause: "traffic-accident" },
      description: "骑车被撞，住院治疗，暂时无法务工，急需生活救助",
      requestedAmountYuan: "900.00",
      applicant: {
        name: APPLICANT_NAME,
        document: { type: "resident-id", number: ID_NUMBER },
        phone: "13900001111",
        registration: { province: "河北省", description: "外省户籍" },
      },
      bankAccount: { holderName: APPLICANT_NAME, bankName: "中国建设银行示例县支行", account: ACCOUNT },
    },
    { idempotencyKey: "province-rollup-filing" },
  );
  expect(filed.status, filed.text).toBe(201);
  const caseId = filed.body.caseId;
  const approver = await signIn(world.url, "approver-chengguan");
  await until("the advance decision", async () => {
    const progress = await approver.get<{ tasks?: Array<{ taskType: string; status: string }> }>(
      `/cases/${caseId}/progress`,
    );
    return progress.body.tasks?.some((t) => t.taskType === "advance-decision" && t.status === "open")
      ? true
      : undefined;
  });
  const decided = await approver.post(
    `/cases/${caseId}/advance-decision`,
    { decision: "approve", amountYuan: "600.00", reason: "同意先行救助" },
    { idempotencyKey: "province-rollup-decision" },
  );
  expect(decided.status, decided.text).toBe(200);
  // The advance is drawn from the fund once the payment step ran.
  const viewer = await signIn(world.url, "province-viewer-1");
  await until(
    "the advance drawn from the fund",
    async () =>
      (await viewer.get<Rollup>("/province/rollup")).body.figures?.paid.amountFen === 60_000
        ? true
        : undefined,
    60_000,
  );
}, 180_000);

afterAll(async () => {
  await world?.close();
});

describe("the province viewer reads the roll-up of its counties", () => {
  it("lands on 全省统计: the county's and the township's figures match the paid case, charts drawn, export downloaded", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(async () => void (await screenshot(page, "province-rollup-FAILED").catch(() => undefined)));
    const calls = recordApi(page);

    // Act
    await signInAs(page, world.url, "province-viewer-1");
    await page.locator("[data-ready=province-rollup][data-loaded=yes]").waitFor();
    await page.locator("[data-testid=rollup-cases-chart] svg").waitFor();
    await page.locator("[data-testid=rollup-paid-chart] svg").waitFor();
    await page.waitForLoadState("networkidle");

    // Assess: landing, header entry, figures
    expect(new URL(page.url()).pathname).toBe("/province");
    await expect(page.locator(".console__link--active").innerText()).resolves.toBe("全省统计");
    const summary = await page.locator("[data-rollup-summary]").innerText();
    expect(summary).toContain("全省受理 1 件");
    expect(summary).toContain("支出 ¥600.00");
    const county = await page
      .locator("[data-rollup-counties] .el-table__body-wrapper .el-table__row", { hasText: DEMO_COUNTY.name })
      .first()
      .innerText();
    // 受理 1, 急难型 1, 支出型 0, 本地/非本地 0 / 1, 办理中 1 … 支出 ¥600.00, 非本地 ¥600.00, 时限内 1 / 1
    expect(county).toMatch(
      /示例县\s+1\s+1\s+0\s+0 \/ 1\s+1\s+0\s+0\s+0\s+¥600\.00\s+¥600\.00\s+1 \/ 1（100\.0%）\s+0/,
    );
    const township = await page
      .locator("[data-rollup-townships] .el-table__body-wrapper .el-table__row", { hasText: "城关镇" })
      .first()
      .innerText();
    expect(township).toMatch(/城关镇\s+1\s+1\s+0\s+0 \/ 1\s+¥600\.00\s+1 \/ 1（100\.0%）\s+0/);
    expect(township).toContain("尚未结账");
    // No daily row yet in this world: the figures are computed now, and the page says as of when.
    const asOf = await page.locator("[data-rollup-as-of]").innerText();
    expect(asOf).toMatch(/^数据截至 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（每日统计/);
    expect(county).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（实时计算）/);
    await expect(page.locator("[data-rollup-notices]").innerText()).resolves.toContain(
      "统计期间内没有外地受助办结",
    );
    const text = await page.locator("body").innerText();
    for (const personal of [APPLICANT_NAME, ID_NUMBER, ACCOUNT]) expect(text).not.toContain(personal);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await expectConsoleReadable(page, "province roll-up");
    await consoleScreenshot(page, "province-viewer-landing");

    // The XLSX export arrives as a download under its own name.
    const download = page.waitForEvent("download");
    await page.locator("[data-action=rollup-export]").click();
    expect((await download).suggestedFilename()).toMatch(
      /^aidflow-230000-rollup-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.xlsx$/,
    );
    expect(calls.filter((c) => c.status === 401 || c.status === 403)).toEqual([]);
    expect(calls.some((c) => c.path === "/province/rollup/export" && c.status === 200)).toBe(true);
    await context.close();
  });

  it("on a phone (390×844) the page fits the screen, the as-of time and the 外地受助 figures are there too, axe clean", async () => {
    const { page, context } = await newPage(world.browser, { width: 390, height: 844 });
    onTestFailed(
      async () => void (await screenshot(page, "province-rollup-phone-FAILED").catch(() => undefined)),
    );
    await signInAs(page, world.url, "province-viewer-1");
    await page.locator("[data-ready=province-rollup][data-loaded=yes]").waitFor();
    await expect(page.locator("[data-rollup-as-of]").isVisible()).resolves.toBe(true);
    await expect(page.locator("[data-rollup-notices] h2").innerText()).resolves.toBe(
      "外地受助（按户籍所在县统计）",
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await expectConsoleReadable(page, "province roll-up on a phone");
    await screenshot(page, "province-rollup-phone");
    await context.close();
  });
});
