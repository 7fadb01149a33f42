/**
 * County civil affairs chases overdue work (DOMAIN §1, §3.2, §3.4), in Chromium at 1440×900 on the
 * manual clock (the browser's clock set to the same business time): one advance nobody decided in
 * time is escalated to the county, one case's paperwork misses its working-day deadline. The county's
 * queue lists both first, coloured, saying who must act — the county itself for the advance, the
 * township's officers (chased) for the paperwork. The overdue paperwork's page says what is overdue,
 * whose it is and when the township was last and will next be reminded, and offers no form the
 * county may not use (no call answered 403). The county approves the escalated advance after a
 * confirmation stating the amount and sees it paid; once the two officers complete the paperwork, the
 * county's queue holds nothing of either case. axe 0 serious/critical and readable text on every state.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { residentIdCheckCharacter } from "#core/identity/residentId.ts";
import { isManualClock, type ManualClock } from "#local/clock.ts";
import { type ApiClient, signIn } from "#test/e2e/support/api.ts";
import { newPage, screenshot, seriousAxeViolations, signInAs } from "./support/browser.ts";
import {
  type ApiCall,
  confirmDialog,
  DESKTOP_1440,
  expectConsoleReadable,
  recordApi,
  until,
} from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";
import { consoleScreenshot } from "./support/docs-screenshots.ts";

const TOWNSHIP = "230123100";
/** A Monday morning in Beijing: the paperwork's working days run through an ordinary week. */
const START_MS = Date.parse("2026-11-02T09:00:00+08:00");
const ESCALATED_ADVANCE_YUAN = "700.00";
const OVERDUE_ROW_BACKGROUND = "rgb(255, 241, 240)";

interface Task {
  taskType: string;
  status: string;
  escalated?: boolean;
  overdue?: boolean;
  dueAt?: string | null;
}
interface Progress {
  tasks?: Task[];
  payments?: Array<{ obligation: { status: string } }>;
}

let world: BrowserCounty;
let clock: ManualClock;
let escalatedCase = "";
let overdueCase = "";
const calls: ApiCall[] = [];

function residentId(first17: string): string {
  return `${first17}${residentIdCheckCharacter(first17)}`;
}

async function file(userId: string, name: string, idNumber: string, account: string): Promise<string> {
  const applicant = await signIn(world.url, userId);
  const filed = await applicant.post<{ caseId: string }>(
    "/cases",
    {
      townshipId: TOWNSHIP,
      hardship: { cause: "traffic-accident" },
      description: "骑车被撞，住院治疗，暂时无法务工，急需生活救助",
      applicant: {
        name,
        document: { type: "resident-id", number: idNumber },
        phone: "13900001111",
        registration: { province: "黑龙江省", description: "本县户籍" },
      },
      bankAccount: { holderName: name, bankName: "中国建设银行示例县支行", account },
    },
    { idempotencyKey: `county-overdue-${userId}` },
  );
  expect(filed.status, filed.text).toBe(201);
  return filed.body.caseId;
}

async function openTask(client: ApiClient, caseId: string, taskType: string, escalated = false) {
  return until(`${caseId}: ${taskType}${escalated ? " escalated" : ""}`, async () => {
    const progress = (await client.get<Progress>(`/cases/${caseId}/progress`)).body;
    return progress.tasks?.find(
      (t) => t.taskType === taskType && t.status === "open" && (!escalated || t.escalated === true),
    );
  });
}

beforeAll(async () => {
  world = await startBrowserCounty("browser-county-overdue", {
    clock: { mode: "manual", startMs: START_MS },
  });
  const runtimeClock = world.county.runtime.clock;
  if (!isManualClock(runtimeClock)) throw new Error("this test needs the manual clock");
  clock = runtimeClock;

  escalatedCase = await file("applicant-li", "李娜", residentId("23012319900307851"), "6217000010002000300");
  overdueCase = await file("applicant-zhang", "张伟", residentId("23012319850615321"), "6217000010002000400");
  const approver = await signIn(world.url, "approver-chengguan");
  await openTask(approver, escalatedCase, "advance-decision");
  await openTask(approver, overdueCase, "advance-decision");
  // The second case's advance is decided and paid at once; the first one's nobody decides.
  const decided = await approver.post(
    `/cases/${overdueCase}/advance-decision`,
    { decision: "approve", amountYuan: "800.00" },
    { idempotencyKey: "county-overdue-approval" },
  );
  expect(decided.status, decided.text).toBe(200);
  const paperwork = await openTask(approver, overdueCase, "paperwork");
  const dueMs = Date.parse(paperwork.dueAt ?? "");
  expect(dueMs).toBeGreaterThan(START_MS);

  // The paperwork's working days pass with nothing recorded (sign-ins last an hour of that clock).
  await clock.advanceTo(dueMs + 60_000);
  const county = await signIn(world.url, "county-civil-1");
  await openTask(county, overdueCase, "paperwork", true);
  await openTask(county, escalatedCase, "advance-decision", true);
});

afterAll(async () => {
  await world?.close();
});

/** County civil affairs in a browser whose clock reads the business time. */
async function countyPage(): Promise<{ page: Page; close: () => Promise<void> }> {
  const { page, context } = await newPage(world.browser, DESKTOP_1440);
  onTestFailed(async () => void (await screenshot(page, "county-overdue-FAILED").catch(() => undefined)));
  const recorded = recordApi(page);
  await signInAs(page, world.url, "county-civil-1");
  await page.clock.setFixedTime(clock.nowMs());
  return {
    page,
    close: async () => {
      calls.push(...recorded);
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

const workRow = (page: Page, caseId: string) =>
  page.locator("[data-testid=work-queue] tbody tr", {
    has: page.locator(`[data-work-link="${caseId}"]`),
  });

describe("county civil affairs chases overdue work", () => {
  it("the county's queue lists the late work first, coloured, saying who must act", async () => {
    const { page, close } = await countyPage();
    await page.goto(`${world.url}/county`);
    await workRow(page, overdueCase).waitFor();
    await workRow(page, escalatedCase).waitFor();

    for (const caseId of [overdueCase, escalatedCase]) {
      const row = workRow(page, caseId);
      await expect(row.getAttribute("class")).resolves.toContain("queue__row--overdue");
      await expect(
        row
          .locator("td")
          .first()
          .evaluate((td) => getComputedStyle(td).backgroundColor),
      ).resolves.toBe(OVERDUE_ROW_BACKGROUND);
      await expect(row.locator("[data-testid=overdue-tag]").innerText()).resolves.toBe("已逾期");
      // An escalated step's time is its next reminder, not a deadline still ahead.
      await expect(row.locator("[data-testid=late]").innerText()).resolves.toBe("已逾期");
      await expect(row.innerText()).resolves.toContain("下次提醒");
    }
    await expect(workRow(page, overdueCase).locator("[data-testid=chased]").innerText()).resolves.toBe(
      "城关镇经办人（督办）",
    );
    await expect(workRow(page, overdueCase).innerText()).resolves.toContain("补齐手续");
    await expect(workRow(page, escalatedCase).locator("[data-testid=county-acts]").innerText()).resolves.toBe(
      "县民政办理",
    );
    // Late work comes first: the two late cases head the queue.
    const firstTwo = await page
      .locator("[data-testid=work-queue] tbody tr [data-work-link]")
      .evaluateAll((links) => links.slice(0, 2).map((a) => a.getAttribute("data-work-link")));
    expect(firstTwo.sort()).toEqual([escalatedCase, overdueCase].sort());
    // The case list below colours both too, and says neither is due in hours.
    for (const caseId of [overdueCase, escalatedCase]) {
      const listed = page.locator("[data-testid=case-list] tbody tr", {
        has: page.locator(`[data-case-link="${caseId}"]`),
      });
      await expect(listed.getAttribute("class")).resolves.toContain("queue__row--overdue");
      await expect(listed.innerText()).resolves.not.toContain("小时内到期");
    }
    await checkPage(page, "county queue with overdue work");
    await consoleScreenshot(page, "county-overdue-queue");
    await close();
  });

  it("the overdue paperwork's page says what is late, whose it is and when the township is reminded, and offers no form the county may not use", async () => {
    const { page, close } = await countyPage();
    await page.goto(`${world.url}/county`);
    await page.locator(`[data-work-link="${overdueCase}"]`).click();
    await page.waitForURL(`**/county/cases/${overdueCase}`);
    const chase = page.locator("[data-testid=chase]");
    await chase.waitFor();
    const item = chase.locator('[data-chase="paperwork"]');
    await expect(item.innerText()).resolves.toContain("补齐手续");
    await expect(item.locator("[data-chase-owner]").innerText()).resolves.toBe("城关镇经办人");
    const text = await item.innerText();
    expect(text).toContain("最近一次提醒");
    expect(text).toMatch(/下次提醒\s*2026年11月\d+日/);
    await expect(page.locator("[data-testid=next-step]").innerText()).resolves.not.toContain("小时内到期");
    // The paperwork is the investigating officers' record: the county has no form for it.
    await expect(page.locator('[data-step-form="paperwork"]').count()).resolves.toBe(0);
    await page.locator("[data-testid=audit-table]").waitFor();
    await checkPage(page, "county on the overdue paperwork");
    await consoleScreenshot(page, "county-overdue-case");
    await close();
  });

  it("the county decides the escalated advance after a confirmation stating the amount, and sees it paid", async () => {
    const { page, close } = await countyPage();
    await page.goto(`${world.url}/county`);
    await page.locator(`[data-work-link="${escalatedCase}"]`).click();
    await page.waitForURL(`**/county/cases/${escalatedCase}`);
    const form = page.locator('[data-step-form="advance-decision"]');
    await form.waitFor();
    await expect(page.locator("[data-testid=chase]").count()).resolves.toBe(0);
    await form.locator('input[name="amountYuan"]').fill(ESCALATED_ADVANCE_YUAN);
    await form.locator('textarea[name="reason"]').fill("乡镇超时未审批，县民政依规审批先行救助");
    await checkPage(page, "county on the escalated advance");
    await form.locator('[data-submit="advance-decision"]').click();
    const said = await confirmDialog(page);
    expect(said).toContain(`¥${ESCALATED_ADVANCE_YUAN}`);
    expect(said).toContain("不能撤回");
    await page.locator(".af-success").first().waitFor();
    await page
      .locator('[data-testid=payment-status][data-payment-status="paid"]')
      .waitFor({ timeout: 45_000 });
    await checkPage(page, "county after the escalated advance is paid");
    await close();
  });

  it("once the two officers complete the paperwork, the county's queue holds nothing of either case", async () => {
    const first = await signIn(world.url, "officer-chengguan-1");
    const second = await signIn(world.url, "officer-chengguan-2");
    const visitedAt = new Date(clock.nowMs() - 3_600_000).toISOString();
    const recorded = await first.post(
      `/cases/${overdueCase}/paperwork`,
      {
        investigators: [
          { userId: "officer-chengguan-1", visitedAt },
          { userId: "officer-chengguan-2", visitedAt },
        ],
        economicCheck: { result: "eligible" },
        facts: "经入户调查，交通事故属实，住院期间无收入",
        goodFaithBasis: "医院诊断证明、交警事故认定书",
        fraudFound: false,
      },
      { idempotencyKey: "county-overdue-paperwork" },
    );
    expect(recorded.status, recorded.text).toBe(202);
    const confirmed = await second.post(
      `/cases/${overdueCase}/paperwork/co-sign`,
      { decision: "confirm" },
      { idempotencyKey: "county-overdue-co-sign" },
    );
    expect(confirmed.status, confirmed.text).toBe(200);
    await openTask(first, overdueCase, "follow-up");

    const { page, close } = await countyPage();
    await page.goto(`${world.url}/county`);
    await page.locator("[data-testid=work-queue]").waitFor();
    await page.waitForLoadState("networkidle");
    await expect(page.locator(`[data-work-link="${overdueCase}"]`).count()).resolves.toBe(0);
    await expect(page.locator(`[data-work-link="${escalatedCase}"]`).count()).resolves.toBe(0);
    await checkPage(page, "county queue after the late work was done");
    await close();
  });

  it("no page the county opened called a route it may not (no 403)", () => {
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.filter((c) => c.status === 403 || c.status === 401)).toEqual([]);
  });
});
