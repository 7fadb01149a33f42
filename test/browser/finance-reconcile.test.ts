/**
 * County finance reconciles and the page keeps the period's state (DOMAIN §6), at 1440×900: October
 * holds one paid advance to a non-local applicant. The breakdown names it by kind of aid and
 * registration; no amount is cut off; 签字结账 asks first, stating the closing balance and that the
 * period cannot be reopened; after a reload the closed period is shown as signed (never offered again)
 * with its top-up proposal still in view; the month not over yet offers no close but says from when.
 * The balance chart draws the alert level, its tooltip says ¥ with two decimals, and has a date range.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { isManualClock } from "#local/clock.ts";
import { signIn } from "#test/e2e/support/api.ts";
import { newPage, screenshot, seriousAxeViolations, signInAs } from "./support/browser.ts";
import { confirmDialog, DESKTOP_1440, expectConsoleReadable, pickMonth, until } from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";
import { consoleScreenshot } from "./support/docs-screenshots.ts";

const TOWNSHIP = "230123100";
const PERIOD = "2026-10";
const OPEN_PERIOD = "2026-11";
const START_MS = Date.parse("2026-10-31T20:00:00+08:00");
const AFTER_MONTH_END_MS = Date.parse("2026-11-01T00:30:00+08:00");
const ADVANCE_YUAN = "800.00";

let world: BrowserCounty;

async function paidAdvanceInOctober(): Promise<void> {
  const applicant = await signIn(world.url, "applicant-li");
  const filed = await applicant.post<{ caseId: string }>(
    "/cases",
    {
      townshipId: TOWNSHIP,
      hardship: { cause: "traffic-accident" },
      description: "骑车被撞，住院治疗，暂时无法务工，急需生活救助",
      applicant: {
        name: "李娜",
        document: { type: "resident-id", number: "110101199003078515" },
        phone: "13900001111",
        registration: { province: "河北省", description: "外省户籍" },
      },
      bankAccount: { holderName: "李娜", bankName: "中国建设银行示例县支行", account: "6217000010002000300" },
    },
    { idempotencyKey: "finance-reconcile-filing" },
  );
  expect(filed.status, filed.text).toBe(201);
  const caseId = filed.body.caseId;
  const approver = await signIn(world.url, "approver-chengguan");
  type Progress = {
    tasks: Array<{ taskType: string; status: string }>;
    payments: Array<{ obligation: { status: string } }>;
  };
  const progress = async () => (await approver.get<Progress>(`/cases/${caseId}/progress`)).body;
  await until("the advance decision", async () =>
    (await progress()).tasks?.some((t) => t.taskType === "advance-decision" && t.status === "open")
      ? true
      : undefined,
  );
  const decided = await approver.post(
    `/cases/${caseId}/advance-decision`,
    { decision: "approve", amountYuan: ADVANCE_YUAN },
    { idempotencyKey: "finance-reconcile-approval" },
  );
  expect(decided.status, decided.text).toBe(200);
  await until("the bank's confirmation", async () =>
    (await progress()).payments?.some((p) => p.obligation.status === "paid") ? true : undefined,
  );
}

beforeAll(async () => {
  world = await startBrowserCounty("browser-finance-reconcile", {
    clock: { mode: "manual", startMs: START_MS },
  });
  await paidAdvanceInOctober();
  const clock = world.county.runtime.clock;
  if (!isManualClock(clock)) throw new Error("this test needs the manual clock");
  await clock.advanceTo(AFTER_MONTH_END_MS);
});

afterAll(async () => {
  await world?.close();
});

async function reconcile(page: Page, period: string): Promise<void> {
  await page.goto(`${world.url}/finance/reconciliation`);
  await pickMonth(page, "#rec-period", period);
  await page.locator("[data-action=run-reconciliation]").click();
  await page.locator("[data-testid=reconciliation-table] tbody tr", { hasText: "城关镇" }).waitFor();
  await page.waitForLoadState("networkidle");
}

async function expectClean(page: Page, state: string): Promise<void> {
  const violations = await seriousAxeViolations(page);
  expect(violations, `${state}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
  await expectConsoleReadable(page, state);
}

describe("reconciliation keeps the period's state", () => {
  it("October: the breakdown names the advance and the non-local payee, no amount is cut off, and the close is confirmed", async () => {
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(
      async () => void (await screenshot(page, "finance-reconcile-FAILED-close").catch(() => undefined)),
    );
    await signInAs(page, world.url, "finance-1");
    await reconcile(page, PERIOD);

    const breakdown = page.locator(`[data-testid=draw-breakdown] [data-breakdown="${TOWNSHIP}"]`);
    await expect(breakdown.locator('[data-flow="A"]').innerText()).resolves.toContain(`¥${ADVANCE_YUAN}`);
    await expect(breakdown.locator('[data-residency="non-local"]').innerText()).resolves.toContain(
      `¥${ADVANCE_YUAN}`,
    );
    await expect(breakdown.locator('[data-residency="local"]').innerText()).resolves.toContain("¥0.00");
    const cut = await page
      .locator("[data-testid=reconciliation-table] .cell")
      .evaluateAll((cells) =>
        cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent),
      );
    expect(cut).toEqual([]);
    await expectClean(page, "reconciliation of October");
    await consoleScreenshot(page, "finance-reconciliation");

    await page.locator(`[data-close="${TOWNSHIP}"]`).click();
    const said = await confirmDialog(page);
    expect(said).toContain("不能重新打开");
    expect(said).toMatch(/期末余额 ¥[\d,]+\.\d{2}/);
    await page.locator(".af-success").first().waitFor();
    await page.locator("[data-testid=reconciliation-signed]").first().waitFor();
    await expect(page.locator("[data-testid=proposal-made]").first().innerText()).resolves.toContain(
      `¥${ADVANCE_YUAN}`,
    );
    await context.close();
  });

  it("after a reload the closed period is shown signed, never offered again, with its top-up proposal", async () => {
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(
      async () => void (await screenshot(page, "finance-reconcile-FAILED-reload").catch(() => undefined)),
    );
    await signInAs(page, world.url, "finance-1");
    await reconcile(page, PERIOD);

    const row = page.locator("[data-testid=reconciliation-table] tbody tr", { hasText: "城关镇" });
    await expect(row.locator("[data-testid=reconciliation-signed]").innerText()).resolves.toContain("孙涛");
    await expect(row.locator(`[data-close="${TOWNSHIP}"]`).count()).resolves.toBe(0);
    await expect(row.locator("[data-testid=proposal-made]").innerText()).resolves.toContain(
      `¥${ADVANCE_YUAN}`,
    );
    await expectClean(page, "October after the close");
    await context.close();
  });

  it("the month not over yet offers no close and says from when it can be closed", async () => {
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    await signInAs(page, world.url, "finance-1");
    await reconcile(page, OPEN_PERIOD);

    const row = page.locator("[data-testid=reconciliation-table] tbody tr", { hasText: "城关镇" });
    await expect(row.locator(`[data-close="${TOWNSHIP}"]`).count()).resolves.toBe(0);
    await expect(row.locator("[data-testid=period-open]").innerText()).resolves.toContain("2026年12月1日");
    await expectClean(page, "November, not over");
    await context.close();
  });

  it("the balance chart draws the alert level, its tooltip says ¥ with two decimals, and it has a date range", async () => {
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(
      async () => void (await screenshot(page, "finance-reconcile-FAILED-chart").catch(() => undefined)),
    );
    await signInAs(page, world.url, "finance-1");
    await page.goto(`${world.url}/finance`);
    const chart = page.locator("[data-testid=balance-chart]");
    await chart.locator("svg").waitFor();
    await page.waitForLoadState("networkidle");

    await expect(chart.locator("svg").innerHTML()).resolves.toContain("预警线");
    await expect(page.locator("#chart-from").inputValue()).resolves.toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const box = await chart.boundingBox();
    if (!box) throw new Error("no chart");
    await expect
      .poll(async () => {
        await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
        return chart.innerText();
      })
      .toMatch(/¥[\d,]+\.\d{2}/);
    await expectClean(page, "funds overview");
    await consoleScreenshot(page, "finance-funds");
    await context.close();
  });
});
