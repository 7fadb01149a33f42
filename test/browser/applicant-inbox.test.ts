/**
 * The in-app inbox (issue 24) on a phone (390×844, zh-CN, Asia/Shanghai) and at the console's bell
 * (1440×900): an applicant files through the 掌上办 wizard, the township approves and the bank pays;
 * the 消息 tab then carries the unread count, and the list shows application-received,
 * advance-approved and money-sent exactly once each, with the time in Beijing time and a link to the
 * case; opening a message marks it read and the badge counts one fewer. The approver's bell shows the
 * unread count of their role's messages; its panel lists the new advance decision, and opening it
 * marks it read and goes to the case. Every state: axe 0 serious/critical, no internal code, user id
 * or ISO timestamp. Screenshots: test-artifacts/screenshots/applicant-inbox-*.png.
 *
 * The payment step is retried (the bank holds its answer past the client's timeout; the state
 * machine runs the step again), and the same three messages reach the applicant's phone through the
 * SMS simulator — its page lists each once. The county runs on a manual clock at a weekday morning,
 * so no quiet hour holds a text back and the step's retry follows at once.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { derivedLocalKey } from "#functions/runtime/field-encryption.ts";
import { flowDeps } from "#functions/services/deps.ts";
import { executionArnOf, firstExecutionName } from "#functions/services/executions.ts";
import { type LocalSms, startLocalSms } from "#local/sms-simulator/service.ts";
import { type ApiClient, signIn } from "#test/e2e/support/api.ts";
import { screenshot, seriousAxeViolations, signInAs } from "./support/browser.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";
import { expectReadable } from "./support/readable.ts";

const PHONE_390 = { width: 390, height: 844 };
const DESKTOP_1440 = { width: 1440, height: 900 };
const TOWNSHIP = "230123100";
const GOOD_ID = "230123198702021236";
/** Monday 2026-11-02 10:00 in Asia/Shanghai: outside the quiet hours (22:00–07:00). */
const START_MS = Date.parse("2026-11-02T10:00:00+08:00");
/** The bank client gives up after this; the simulator answers later while the knob below is set. */
const BANK_TIMEOUT_MS = "300";
const BANK_SLOW_MS = 1_500;

let world: BrowserCounty;
let sms: LocalSms;
let caseId = "";
const previousBankTimeout = process.env.AIDFLOW_BANK_TIMEOUT_MS;

beforeAll(async () => {
  process.env.AIDFLOW_BANK_TIMEOUT_MS = BANK_TIMEOUT_MS;
  world = await startBrowserCounty("browser-applicant-inbox", {
    clock: { mode: "manual", startMs: START_MS },
  });
  const { runtime, secrets } = world.county;
  // As `npm start` runs it (local/main.ts): the dispatcher polls the message store into the simulator.
  sms = await startLocalSms({
    dynamo: runtime.dynamo,
    tables: runtime.tables,
    clock: runtime.clock,
    hashKey: secrets.identityHashKey,
    fieldKey: { kind: "local", key: derivedLocalKey(secrets.payeeHashSecret) },
    pollMs: 300,
    knobs: { delayScale: 0 },
  });
});

afterAll(async () => {
  await sms?.stop();
  await world?.close();
  if (previousBankTimeout === undefined) delete process.env.AIDFLOW_BANK_TIMEOUT_MS;
  else process.env.AIDFLOW_BANK_TIMEOUT_MS = previousBankTimeout;
});

async function bankKnobs(knobs: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${world.county.bankUrl}/admin/knobs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(knobs),
  });
  expect(response.status).toBe(200);
}

/** Event types of the case's Flow A execution, oldest first. */
async function historyTypes(): Promise<string[]> {
  const deps = flowDeps();
  const record = await deps.cases.get(caseId);
  const executionArn = executionArnOf(
    deps.stateMachines.flowA as string,
    record.executionName ?? firstExecutionName(caseId),
  );
  const types: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await world.county.runtime.stepFunctions.getExecutionHistory({
      executionArn,
      maxResults: 1000,
      ...(nextToken ? { nextToken } : {}),
    });
    types.push(...page.events.map((e) => e.type));
    nextToken = page.nextToken;
  } while (nextToken);
  return types;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function context(
  viewport: { width: number; height: number },
  mobile: boolean,
): Promise<BrowserContext> {
  return world.browser.newContext({
    viewport,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    ...(mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
}

async function checkState(page: Page, state: string): Promise<void> {
  await expectReadable(page, state);
  const violations = await seriousAxeViolations(page);
  expect(violations, `${state}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
  await screenshot(page, `applicant-inbox-${state}`);
}

function screenshotOnFailure(page: Page, name: string): void {
  onTestFailed(async () => {
    await screenshot(page, `applicant-inbox-FAILED-${name}`).catch(() => undefined);
  });
}

/** Opens a Vant picker field and confirms the option with this text. */
async function pick(page: Page, fieldId: string, text: string): Promise<void> {
  await page.locator(`#${fieldId}`).click();
  const popup = page.locator(".van-popup--bottom:visible");
  const item = popup.locator(".van-picker-column__item", { hasText: text }).first();
  await item.click();
  await expect.poll(() => item.getAttribute("class")).toContain("van-picker-column__item--selected");
  await popup.locator(".van-picker__confirm").click();
  await popup.waitFor({ state: "hidden" });
}

interface Inbox {
  items: { event: string; caseId?: string }[];
  unread: number;
}

async function waitForEvents(client: ApiClient, events: string[]): Promise<Inbox> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const inbox = await client.get<Inbox>("/inbox");
    const mine = inbox.body.items?.filter((m) => m.caseId === caseId) ?? [];
    if (events.every((e) => mine.some((m) => m.event === e))) return inbox.body;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${events.join(", ")}: ${inbox.text}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The phone's Beijing time of an instant: 2026年12月6日 10:24. */
const BEIJING_TIME = /^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/;

describe("applicant inbox (掌上办 消息) and the console's bell", () => {
  it("an applicant files on a phone; the 消息 tab is there with nothing unread", async () => {
    const phone = await context(PHONE_390, true);
    const page = await phone.newPage();
    screenshotOnFailure(page, "file");
    await signInAs(page, world.url, "applicant-zhang");
    await page.goto(`${world.url}/m/messages`);
    await page.locator("h1", { hasText: "消息" }).waitFor();
    await page.locator(".van-empty").waitFor();
    expect(await page.locator(".van-tabbar-item--active").allInnerTexts()).toEqual(["消息"]);
    await checkState(page, "01-empty");

    await page.locator("[data-tab=apply]").click();
    await page.locator('[data-step="what"]').waitFor();
    await page.locator('[data-choice="hardshipType"] input[data-value="urgent"]').check();
    await page.locator('[data-choice="cause"] input[data-value="fire"]').check();
    await page.locator(`[data-choice="townshipId"] input[data-value="${TOWNSHIP}"]`).check();
    await page.locator("#f-description").fill("房屋失火，衣物被褥烧毁，一家暂住亲戚家");
    await page.locator("#f-requestedAmountYuan").fill("800");
    await page.locator("[data-action=next]").click();
    await page.locator('[data-step="who"]').waitFor();
    await page.locator("#f-applicant-name").fill("赵敏");
    await pick(page, "f-applicant-idType", "居民身份证");
    await page.locator("#f-applicant-idNumber").fill(GOOD_ID);
    await page.locator("#f-applicant-phone").fill("13812345678");
    await page.locator("[data-action=next]").click();
    await page.locator('[data-step="account"]').waitFor();
    await page.locator("#f-bank-bankName").fill("中国农业银行");
    await page.locator("#f-bank-holderName").fill("赵敏");
    await page.locator("#f-bank-account").fill("6228480012345674321");
    await page.locator("[data-action=next]").click();
    await page.locator('[data-step="docs"]').waitFor();
    await page.locator("[data-action=submit]").click();
    await page.waitForURL(/\/m\/cases\/[A-Za-z0-9_-]+$/, { timeout: 30_000 });
    caseId = page.url().split("/").pop() ?? "";
    await phone.close();
  }, 120_000);

  it("after approval and payment the applicant sees the three messages once each, and reading one lowers the badge", async () => {
    const approver = await signIn(world.url, "approver-chengguan");
    const applicant = await signIn(world.url, "applicant-zhang");
    await waitForEvents(approver, ["task-assigned"]);
    await bankKnobs({ responseDelayMs: BANK_SLOW_MS });
    const approved = await approver.post(
      `/cases/${caseId}/advance-decision`,
      { decision: "approve", amountYuan: "800.00" },
      { idempotencyKey: `inbox-approve-${caseId}` },
    );
    expect(approved.status, approved.text).toBe(200);
    // The first run of the payment step times out at the client and fails; the state machine runs it again.
    await until("the payment step failing on the bank's slow answer", async () =>
      (await historyTypes()).some((t) => t === "LambdaFunctionFailed" || t === "TaskFailed"),
    );
    await bankKnobs({ responseDelayMs: 0 });
    // The paperwork's message follows the payment at once: waited for too, so the count holds still.
    const inbox = await waitForEvents(applicant, [
      "application-received",
      "advance-approved",
      "money-sent",
      "paperwork-due",
    ]);

    const phone = await context(PHONE_390, true);
    const page = await phone.newPage();
    screenshotOnFailure(page, "messages");
    await signInAs(page, world.url, "applicant-zhang");
    await page.goto(`${world.url}/m`);
    const badge = page.locator("[data-tab=messages] .van-badge");
    await expect.poll(() => badge.innerText()).toBe(String(inbox.unread));
    await checkState(page, "02-badge");

    await page.locator("[data-tab=messages]").click();
    await page.waitForURL(/\/m\/messages$/);
    const messages = page.locator("[data-testid=inbox-message]");
    await messages.first().waitFor();
    const events = await messages.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-event")));
    for (const event of ["application-received", "advance-approved", "money-sent"]) {
      expect(
        events.filter((e) => e === event),
        event,
      ).toHaveLength(1);
    }
    const moneySent = page.locator('[data-testid=inbox-message][data-event="money-sent"]');
    await expect(moneySent.innerText()).resolves.toContain("800.00元");
    await expect(moneySent.innerText()).resolves.toContain("尾号4321");
    await expect(moneySent.innerText()).resolves.not.toContain("赵敏");
    await expect(moneySent.locator("time").innerText()).resolves.toMatch(BEIJING_TIME);
    await expect(moneySent.getAttribute("data-read")).resolves.toBe("false");
    await checkState(page, "03-list");

    // Opening the message marks it read and shows its case; the badge counts one fewer.
    await moneySent.click();
    await page.waitForURL(new RegExp(`/m/cases/${caseId}$`));
    await expect.poll(() => badge.innerText()).toBe(String(inbox.unread - 1));
    await page.locator("[data-tab=messages]").click();
    await page.waitForURL(/\/m\/messages$/);
    await expect.poll(() => moneySent.getAttribute("data-read")).toBe("true");
    await checkState(page, "04-read");
    await phone.close();
  }, 180_000);

  it("the SMS simulator's page lists the same three texts to the applicant's phone, once each", async () => {
    const desktop = await context(DESKTOP_1440, false);
    const page = await desktop.newPage();
    screenshotOnFailure(page, "sms-simulator");
    // The texts of the three messages, as the inbox stored them.
    const applicant = await signIn(world.url, "applicant-zhang");
    const inbox = await applicant.get<{ items: { event: string; caseId?: string; text: string }[] }>(
      "/inbox",
    );
    const texts = new Map(
      inbox.body.items.filter((m) => m.caseId === caseId).map((m) => [m.event, m.text] as const),
    );
    const wanted = ["application-received", "advance-approved", "money-sent"];
    await until("the three texts at the simulator", async () =>
      wanted.every((event) =>
        sms.simulator.messages().some((m) => m.request.signedText.endsWith(texts.get(event) ?? "?")),
      ),
    );

    await page.goto(`${sms.url}/`);
    await page.locator("h1", { hasText: "短信模拟器" }).waitFor();
    const rows = page.locator("tbody tr", { hasText: "138****5678" });
    const shown = await rows.locator("td:nth-child(3)").allInnerTexts();
    for (const event of wanted) {
      const text = texts.get(event);
      expect(text, event).toBeDefined();
      expect(
        shown.filter((s) => s.endsWith(text as string)),
        event,
      ).toHaveLength(1);
    }
    // Texts carry the signature and no full name, ID or account; the number is masked on the page.
    for (const text of shown) {
      expect(text).toMatch(/^【[^】]+】/);
      expect(text).not.toContain("赵敏");
      expect(text).not.toContain(GOOD_ID);
      expect(text).not.toContain("6228480012345674321");
    }
    await expect(page.locator("body").innerText()).resolves.not.toContain("13812345678");
    await screenshot(page, "applicant-inbox-07-sms-simulator");
    await desktop.close();
  }, 120_000);

  it("the approver's bell counts their role's messages; opening one marks it read and opens the case", async () => {
    const desktop = await context(DESKTOP_1440, false);
    const page = await desktop.newPage();
    screenshotOnFailure(page, "bell");
    const approver = await signIn(world.url, "approver-chengguan");
    const before = (await approver.get<{ unread: number }>("/inbox/unread")).body.unread;
    expect(before).toBeGreaterThan(0);
    await signInAs(page, world.url, "approver-chengguan");
    await page.goto(`${world.url}/township`);
    const bell = page.locator("[data-testid=inbox-bell]");
    await bell.waitFor();
    await expect.poll(() => bell.getAttribute("aria-label")).toBe(`消息通知，${before} 条未读`);
    await checkState(page, "05-bell");

    await bell.click();
    const task = page.locator(
      '[data-testid=inbox-panel] [data-testid=inbox-message][data-event="task-assigned"]',
      {
        hasText: caseId,
      },
    );
    await task.waitFor();
    await expect(task.innerText()).resolves.toContain("先行救助审批");
    await expect(task.locator("time").innerText()).resolves.toMatch(BEIJING_TIME);
    await checkState(page, "06-bell-panel");

    await task.click();
    await page.waitForURL(new RegExp(`/township/cases/${caseId}$`));
    await expect
      .poll(() => bell.getAttribute("aria-label"))
      .toBe(before - 1 > 0 ? `消息通知，${before - 1} 条未读` : "消息通知");
    // The mark is the approver's own: the message itself stays unread for the role's others.
    expect((await approver.get<{ unread: number }>("/inbox/unread")).body.unread).toBe(before - 1);
    await desktop.close();
  }, 120_000);
});
