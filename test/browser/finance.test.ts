/**
 * County finance in Chromium (issue 11 §3, DOMAIN §6): after an advance was paid in October, the
 * first finance user reconciles 2026-10 (the draw matched, no discrepancy), signs and closes the
 * period, which proposes the top-up (quota − closing balance); the proposer is told a second user
 * must execute it; the second finance user executes it and the fund is back at its quota. The CSV
 * export opens in Excel (UTF-8 with BOM). The case itself is driven through the API (the consoles'
 * Flow A has its own test); time is a manual clock started on 31 October, moved past month end.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { isManualClock } from "#local/clock.ts";
import { type ApiClient, signIn } from "#test/e2e/support/api.ts";
import { DESKTOP, newPage, screenshot, seriousAxeViolations, signInAs } from "./support/browser.ts";
import { pickMonth } from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";

const TOWNSHIP = "230123100";
const PERIOD = "2026-10";
const START_MS = Date.parse("2026-10-31T20:00:00+08:00");
const AFTER_MONTH_END_MS = Date.parse("2026-11-01T00:30:00+08:00");
const ADVANCE_YUAN = "800.00";

let world: BrowserCounty;
let quota = "";

interface Progress {
  case: { status: string };
  tasks: Array<{ taskType: string; status: string }>;
  payments: Array<{ obligation: { status: string } }>;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** An October advance, paid: filed by the applicant, approved by the approver, confirmed by the bank. */
async function paidAdvanceInOctober(): Promise<string> {
  const applicant: ApiClient = await signIn(world.url, "applicant-li");
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
    { idempotencyKey: "finance-browser-filing" },
  );
  expect(filed.status, filed.text).toBe(201);
  const caseId = filed.body.caseId;
  const approver = await signIn(world.url, "approver-chengguan");
  const progress = () => approver.get<Progress>(`/cases/${caseId}/progress`);
  await until("the advance decision task", async () =>
    (await progress()).body.tasks?.some((t) => t.taskType === "advance-decision" && t.status === "open")
      ? true
      : undefined,
  );
  const decided = await approver.post(
    `/cases/${caseId}/advance-decision`,
    { decision: "approve", amountYuan: ADVANCE_YUAN },
    { idempotencyKey: "finance-browser-approval" },
  );
  expect(decided.status, decided.text).toBe(200);
  await until("the bank's confirmation", async () =>
    (await progress()).body.payments?.some((p) => p.obligation.status === "paid") ? true : undefined,
  );
  return caseId;
}

beforeAll(async () => {
  world = await startBrowserCounty("browser-finance", { clock: { mode: "manual", startMs: START_MS } });
  await paidAdvanceInOctober();
  const clock = world.county.runtime.clock;
  if (!isManualClock(clock)) throw new Error("the finance test needs the manual clock");
  // DOMAIN §6: a period is closed once it is over — move past the end of October.
  await clock.advanceTo(AFTER_MONTH_END_MS);
});

afterAll(async () => {
  await world?.close();
});

describe("county finance: reconcile, sign and close, replenishment by a second user, export", () => {
  it("the first finance user reconciles October, signs the close and the top-up is proposed", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, DESKTOP);
    onTestFailed(
      async () => void (await screenshot(page, "finance-FAILED-reconcile").catch(() => undefined)),
    );
    await signInAs(page, world.url, "finance-1");
    await page.goto(`${world.url}/finance/reconciliation`);
    await pickMonth(page, "#rec-period", PERIOD);

    // Act: reconcile
    await page.locator("[data-action=run-reconciliation]").click();
    const row = page.locator("[data-testid=reconciliation-table] tbody tr", { hasText: "城关镇" });
    await row.waitFor();
    const rowText = await row.innerText();
    const violations = await seriousAxeViolations(page);
    await screenshot(page, "finance-01-reconciliation");

    // Act: sign and close the period for 城关镇
    await page.locator(`[data-close="${TOWNSHIP}"]`).click();
    // Signing cannot be undone: the confirmation states the closing balance first.
    await page.locator(".af-confirm-ok").click();
    await page.locator("[data-testid=reconciliation-signed]").first().waitFor();
    await page.locator("[data-testid=proposal-made]").first().waitFor();
    const proposalText = await page.locator("[data-testid=proposal-made]").first().innerText();
    await screenshot(page, "finance-02-closed-and-proposed");

    // Assess: one draw of the advance, matched; the proposal is exactly what was drawn
    expect(rowText).toContain(`¥${ADVANCE_YUAN}`);
    expect(rowText).toContain("(1)");
    await expect(page.locator("[data-testid=reconciliation-result]").innerText()).resolves.toContain(
      "账实相符",
    );
    expect(proposalText).toContain(`¥${ADVANCE_YUAN}`);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    await context.close();
  });

  it("the export opens in Excel: a CSV in UTF-8 with a byte-order mark", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, DESKTOP);
    await signInAs(page, world.url, "finance-1");
    await page.goto(`${world.url}/finance/reconciliation`);
    await pickMonth(page, "#rec-period", PERIOD);
    await page.locator("[data-action=run-reconciliation]").click();
    await page.locator("[data-testid=reconciliation-table] tbody tr").first().waitFor();

    // Act
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("[data-action=export-csv]").click(),
    ]);
    const bytes = await readFile(await download.path());

    // Assess
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString("utf8")).toContain(TOWNSHIP);
    await context.close();
  });

  it("the proposer is told a second finance user must execute the top-up", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, DESKTOP);
    await signInAs(page, world.url, "finance-1");

    // Act
    await page.goto(`${world.url}/finance/replenishment`);
    const why = page.locator("[data-testid=second-user-needed]").first();
    await why.waitFor();
    await screenshot(page, "finance-03-proposer-cannot-execute");

    // Assess
    await expect(why.innerText()).resolves.toContain("另一名财务人员");
    await expect(page.locator(`[data-execute="${TOWNSHIP}"]`).count()).resolves.toBe(0);
    await context.close();
  });

  it("the second finance user executes it and the fund is back at its quota", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, DESKTOP);
    onTestFailed(async () => void (await screenshot(page, "finance-FAILED-execute").catch(() => undefined)));
    await signInAs(page, world.url, "finance-2");
    await page.goto(`${world.url}/finance/replenishment`);

    // Act
    await page.locator(`[data-execute="${TOWNSHIP}"]`).click();
    await expect(page.locator(".el-message-box").innerText()).resolves.toContain(`¥${ADVANCE_YUAN}`);
    await page.locator(".af-confirm-ok").click();
    // The executor by name (马琳, finance-2), not by account.
    await page.locator("[data-testid=replenishments] tbody tr", { hasText: "马琳" }).waitFor();
    await expect(page.locator("[data-testid=replenishments]").innerText()).resolves.not.toContain("finance-");
    await screenshot(page, "finance-04-executed-by-second-user");
    await page.goto(`${world.url}/finance`);
    const row = page.locator("[data-testid=funds-table] tr", {
      has: page.locator(`[data-fund="${TOWNSHIP}"]`),
    });
    await row.waitFor();
    const cells = row.locator("td");
    quota = (await cells.nth(1).innerText()).trim();
    const balance = (await cells.nth(2).innerText()).trim();
    await screenshot(page, "finance-05-fund-back-at-quota");

    // Assess
    expect(balance).toBe(quota);
    await context.close();
  });
});
