/**
 * Two officers co-sign a home visit (DOMAIN §3.4), in Chromium at 1440×900: after the advance is
 * paid, the first officer opens the paperwork from their work queue and picks the second investigator
 * among the township's officers (the directory's names, nobody of another township, nothing typed);
 * the page then says whose confirmation it waits for. The second officer finds the confirmation in
 * their own queue, refuses it once with a reason; the first officer reads who refused and why and
 * records it again; the second confirms from their queue and the case moves on to the follow-up,
 * which the first officer now sees. axe 0 serious/critical and readable text on every state; no page
 * called a route its user may not (no 403).
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { signIn } from "#test/e2e/support/api.ts";
import { newPage, screenshot, seriousAxeViolations, signInAs } from "./support/browser.ts";
import { type ApiCall, DESKTOP_1440, expectConsoleReadable, recordApi, until } from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";
import { consoleScreenshot } from "./support/docs-screenshots.ts";

const TOWNSHIP = "230123100";
const FIRST = { userId: "officer-chengguan-1", name: "王芳" };
const SECOND = { userId: "officer-chengguan-2", name: "刘洋" };
const REFUSAL = "走访时申请人妻子也在场，事实部分漏写了家庭成员情况";
const FACTS = "经入户调查，交通事故属实，住院期间无收入";
const CORRECTED = `${FACTS}；妻子在家照料，无固定收入`;

let world: BrowserCounty;
let caseId = "";
const calls: Array<ApiCall & { who: string }> = [];

interface Progress {
  status?: string;
  tasks?: Array<{ taskType: string; status: string }>;
}

beforeAll(async () => {
  world = await startBrowserCounty("browser-co-sign");
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
    { idempotencyKey: "co-sign-filing" },
  );
  expect(filed.status, filed.text).toBe(201);
  caseId = filed.body.caseId;
  const approver = await signIn(world.url, "approver-chengguan");
  const open = (taskType: string) =>
    until(`${taskType} open`, async () => {
      const progress = (await approver.get<Progress>(`/cases/${caseId}/progress`)).body;
      return progress.tasks?.some((t) => t.taskType === taskType && t.status === "open") ? true : undefined;
    });
  await open("advance-decision");
  const decided = await approver.post(
    `/cases/${caseId}/advance-decision`,
    { decision: "approve", amountYuan: "800.00" },
    { idempotencyKey: "co-sign-approval" },
  );
  expect(decided.status, decided.text).toBe(200);
  await open("paperwork");
});

afterAll(async () => {
  await world?.close();
});

async function open(who: string): Promise<{ page: Page; close: () => Promise<void> }> {
  const { page, context } = await newPage(world.browser, DESKTOP_1440);
  onTestFailed(async () => void (await screenshot(page, `co-sign-FAILED-${who}`).catch(() => undefined)));
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

/** The row of the signed-in officer's own queue asking for this case's step, opened by its link. */
async function openFromQueue(page: Page, step: string): Promise<void> {
  await page.goto(`${world.url}/township`);
  const row = page
    .locator("[data-testid=work-queue] tbody tr", { has: page.locator(`[data-work-link="${caseId}"]`) })
    .filter({ has: page.getByRole("cell", { name: step, exact: true }) });
  await row.first().waitFor();
  await row.first().locator(`[data-work-link="${caseId}"]`).click();
  await page.waitForURL(`**/township/cases/${caseId}`);
}

async function recordPaperwork(page: Page, facts: string): Promise<void> {
  const form = page.locator('[data-step-form="paperwork"]');
  await form.waitFor();
  await form.locator('textarea[name="facts"]').fill(facts);
  await form.locator('textarea[name="goodFaithBasis"]').fill("医院诊断证明、交警事故认定书，依规先行救助");
  await form.locator('[data-submit="paperwork"]').click();
  await page.locator('[data-testid=co-sign][data-co-sign-status="pending"]').waitFor();
}

describe("two officers co-sign a home visit", () => {
  it("the first officer opens the paperwork from the queue and picks the second among the township's officers", async () => {
    const { page, close } = await open(FIRST.userId);
    await openFromQueue(page, "补齐手续");
    const form = page.locator('[data-step-form="paperwork"]');
    await form.waitFor();
    await checkPage(page, "paperwork form");

    // Picked from the directory: the township's officers by name, no one of another township.
    await form.locator('[data-field="investigators"]').click();
    const options = page.locator(".el-select-dropdown__item[data-officer]");
    await options.first().waitFor();
    const offered = await options.evaluateAll((items) =>
      items.map((item) => [item.getAttribute("data-officer"), item.textContent?.trim()]),
    );
    expect(offered).toEqual(
      expect.arrayContaining([
        [FIRST.userId, FIRST.name],
        [SECOND.userId, SECOND.name],
      ]),
    );
    expect(offered.map(([id]) => id).every((id) => id?.startsWith("officer-chengguan-"))).toBe(true);
    // Nothing typed: the picker takes no free text.
    await expect(
      form.locator('[data-field="investigators"] input').getAttribute("readonly"),
    ).resolves.not.toBeNull();
    await page.locator(`[data-officer="${FIRST.userId}"]`).click();
    await page.locator(`[data-officer="${SECOND.userId}"]`).click();
    await page.keyboard.press("Escape");
    await expect(form.locator('[data-field="investigators"]').innerText()).resolves.toContain(SECOND.name);

    await recordPaperwork(page, FACTS);
    const panel = page.locator("[data-testid=co-sign]");
    await expect(panel.innerText()).resolves.toContain(SECOND.name);
    await page.locator("[data-testid=co-sign-waiting]").waitFor();
    await expect(page.locator("[data-action=co-sign-confirm]").count()).resolves.toBe(0);
    await expect(page.locator('[data-step-form="paperwork"]').count()).resolves.toBe(0);
    await checkPage(page, "paperwork waiting for the second officer");
    await consoleScreenshot(page, "township-co-sign-waiting");
    await close();
  });

  it("the second officer finds the confirmation in their own queue and sends it back with a reason", async () => {
    const { page, close } = await open(SECOND.userId);
    await openFromQueue(page, "确认补齐手续");
    const panel = page.locator('[data-testid=co-sign][data-co-sign-status="pending"]');
    await panel.waitFor();
    const text = await panel.innerText();
    expect(text).toContain(FIRST.name);
    expect(text).toContain(FACTS);
    await checkPage(page, "second officer's confirmation");
    await consoleScreenshot(page, "township-co-sign-confirm");

    await page.locator("#co-sign-reason").fill(REFUSAL);
    await page.locator("[data-action=co-sign-reject]").click();
    await page.locator('[data-testid=co-sign][data-co-sign-status="rejected"]').waitFor();
    await checkPage(page, "second officer after sending it back");
    await close();
  });

  it("the first officer reads who sent it back and why, and records it again", async () => {
    const { page, close } = await open(FIRST.userId);
    await page.goto(`${world.url}/township/cases/${caseId}`);
    const rejected = page.locator('[data-testid=co-sign][data-co-sign-status="rejected"]');
    await rejected.waitFor();
    const said = await rejected.innerText();
    expect(said).toContain(SECOND.name);
    expect(said).toContain(REFUSAL);
    await checkPage(page, "paperwork sent back");

    const form = page.locator('[data-step-form="paperwork"]');
    await form.waitFor();
    await form.locator('[data-field="investigators"]').click();
    await page.locator(`[data-officer="${FIRST.userId}"]`).click();
    await page.locator(`[data-officer="${SECOND.userId}"]`).click();
    await page.keyboard.press("Escape");
    await recordPaperwork(page, CORRECTED);
    await close();
  });

  it("the second officer confirms from their queue and the case moves on to the follow-up", async () => {
    const { page, close } = await open(SECOND.userId);
    await openFromQueue(page, "确认补齐手续");
    const panel = page.locator('[data-testid=co-sign][data-co-sign-status="pending"]');
    await panel.waitFor();
    await expect(panel.innerText()).resolves.toContain(CORRECTED);
    await page.locator("[data-action=co-sign-confirm]").click();
    await page.locator("[data-testid=co-sign]").waitFor({ state: "detached" });
    await expect
      .poll(() => page.locator("[data-testid=case-status]").getAttribute("data-status"), { timeout: 30_000 })
      .toBe("awaiting-follow-up");
    await checkPage(page, "second officer after confirming");

    // Nothing left to confirm in the second officer's queue.
    await page.goto(`${world.url}/township`);
    await page.locator("[data-testid=work-queue]").waitFor();
    await page.waitForLoadState("networkidle");
    await expect(
      page.locator("[data-testid=work-queue] tbody tr", { hasText: "确认补齐手续" }).count(),
    ).resolves.toBe(0);
    await close();

    const first = await open(FIRST.userId);
    await first.page.goto(`${world.url}/township/cases/${caseId}`);
    await first.page.locator('[data-step-form="follow-up"]').waitFor({ timeout: 30_000 });
    await checkPage(first.page, "first officer's follow-up");
    await first.close();
  });

  it("no page of the two officers called a route they may not (no 403)", () => {
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.filter((c) => c.status === 403 || c.status === 401)).toEqual([]);
  });
});
