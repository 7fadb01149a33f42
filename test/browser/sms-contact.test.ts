/**
 * The applicant's SMS in the consoles (zh-CN, Asia/Shanghai; docs/messages.md "Opting out and back
 * in"). On a phone (390×844) the applicant's case page in 掌上办 shows 短信通知 with the number masked
 * and SMS on; stopping it asks first, in Chinese, saying payments are not texted either, and the page
 * then says 已退订 (after a reload too, as the server keeps it); turning it back on asks again and
 * shows 已开启. On the staff case page (1440×900 and 390×844) the 短信与消息 section lists each
 * message to the applicant with its Beijing time in words and its SMS status in Chinese; a township
 * officer records an opt-out taken on the phone (the applicant's words required: refused on the field
 * without them) and turns SMS back on, each after a confirmation; an approver reads the section without
 * those buttons; a number the provider refuses shows 无法短信联系，请电话联系. Every state: axe 0
 * serious/critical, no internal code, user id or ISO timestamp. Screenshots:
 * test-artifacts/screenshots/sms-contact-*.png.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { derivedLocalKey } from "#functions/runtime/field-encryption.ts";
import { type LocalSms, startLocalSms } from "#local/sms-simulator/service.ts";
import { type ApiClient, signIn } from "#test/e2e/support/api.ts";
import { screenshot, seriousAxeViolations, signInAs } from "./support/browser.ts";
import { confirmDialog, DESKTOP_1440, expectConsoleReadable, until } from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";

const PHONE_390 = { width: 390, height: 844 };
const TOWNSHIP = "230123100";
/** Monday 2026-11-02 10:00 in Asia/Shanghai: outside the quiet hours (22:00–07:00). */
const START_MS = Date.parse("2026-11-02T10:00:00+08:00");
const PHONE_OK = "13812340021";
const PHONE_OK_MASKED = "138****0021";
/** A number the SMS simulator refuses as invalid: unreachable after its first text. */
const PHONE_INVALID = "13900002222";
/** The phone's Beijing time of an instant: 2026年11月2日 10:00. */
const BEIJING_TIME = /\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/;

let world: BrowserCounty;
let sms: LocalSms;
let reachable = "";
let unreachable = "";

interface Contact {
  smsUnreachable: boolean;
  phoneMasked: string | null;
  optedOut: { via: string } | null;
  optedIn: { via: string } | null;
}
interface Messages {
  contact: Contact;
  messages: { event: string; sms: { status: string } }[];
}

async function file(client: ApiClient, name: string, id: string, phone: string): Promise<string> {
  const filed = await client.post<{ caseId: string }>(
    "/cases",
    {
      townshipId: TOWNSHIP,
      hardship: { cause: "fire" },
      description: "房屋失火，衣物被褥烧毁，一家暂住亲戚家",
      requestedAmountYuan: "800.00",
      applicant: {
        name,
        document: { type: "resident-id", number: id },
        phone,
        registration: { countyCode: "230123" },
      },
      bankAccount: { holderName: name, bankName: "中国农业银行", account: "6228480012345674321" },
    },
    { idempotencyKey: `sms-contact-${phone}` },
  );
  expect(filed.status, filed.text).toBe(201);
  return filed.body.caseId;
}

beforeAll(async () => {
  world = await startBrowserCounty("browser-sms-contact", { clock: { mode: "manual", startMs: START_MS } });
  const { runtime, secrets } = world.county;
  sms = await startLocalSms({
    dynamo: runtime.dynamo,
    tables: runtime.tables,
    clock: runtime.clock,
    hashKey: secrets.identityHashKey,
    fieldKey: { kind: "local", key: derivedLocalKey(secrets.payeeHashSecret) },
    pollMs: 300,
    knobs: { delayScale: 0, invalidNumbers: [`+86${PHONE_INVALID}`] },
  });
  reachable = await file(await signIn(world.url, "applicant-zhang"), "赵敏", "230123198702021236", PHONE_OK);
  unreachable = await file(
    await signIn(world.url, "applicant-li"),
    "李娜",
    "110101199003078515",
    PHONE_INVALID,
  );
  const officer = await signIn(world.url, "officer-chengguan-1");
  // The application-received text went (or was refused) before the pages are looked at.
  for (const caseId of [reachable, unreachable]) {
    await until(
      `the first SMS of ${caseId}`,
      async () => {
        const view = await officer.get<Messages>(`/cases/${caseId}/messages`);
        const first = view.body.messages?.find((m) => m.event === "application-received");
        return first && !["pending", "queued", "sending"].includes(first.sms.status) ? true : undefined;
      },
      60_000,
    );
  }
}, 240_000);

afterAll(async () => {
  await sms?.stop();
  await world?.close();
});

async function open(
  viewport: { width: number; height: number },
  phone: boolean,
): Promise<{
  context: BrowserContext;
  page: Page;
}> {
  const context = await world.browser.newContext({
    viewport,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  const page = await context.newPage();
  onTestFailed(async () => {
    await screenshot(page, `sms-contact-FAILED-${viewport.width}`).catch(() => undefined);
  });
  return { context, page };
}

async function checkState(page: Page, state: string): Promise<void> {
  await expectConsoleReadable(page, state);
  const violations = await seriousAxeViolations(page);
  expect(violations, `${state}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
  await screenshot(page, `sms-contact-${state}`);
}

async function contactOf(caseId: string): Promise<Contact> {
  const officer = await signIn(world.url, "officer-chengguan-1");
  return (await officer.get<Messages>(`/cases/${caseId}/messages`)).body.contact;
}

describe("SMS opt-out and opt-in in the consoles", () => {
  it("掌上办: the applicant stops SMS and turns it back on, each after a confirmation in Chinese", async () => {
    const { context, page } = await open(PHONE_390, true);
    await signInAs(page, world.url, "applicant-zhang");
    await page.goto(`${world.url}/m/cases/${reachable}`);
    const section = page.locator("[data-testid=sms-consent]");
    await expect.poll(() => section.getAttribute("data-sms-state"), { timeout: 20_000 }).toBe("on");
    await section.scrollIntoViewIfNeeded();
    await expect(section.locator("[data-testid=sms-phone]").innerText()).resolves.toContain(PHONE_OK_MASKED);
    await expect(section.locator("[data-testid=sms-state]").innerText()).resolves.toBe("已开启");
    await expect(page.locator("body").innerText()).resolves.not.toContain(PHONE_OK);
    await checkState(page, "01-phone-on");

    // Stop: the dialog says what it means; cancelling changes nothing.
    await section.locator("[data-action=sms-opt-out]").click();
    const dialog = page.locator(".van-dialog.sms-consent-dialog");
    await dialog.waitFor();
    const asked = await dialog.innerText();
    expect(asked).toContain("停止短信通知");
    expect(asked).toContain(`不再向 ${PHONE_OK_MASKED} 发送任何短信`);
    expect(asked).toContain("救助金发放");
    expect(asked).toContain("消息");
    await checkState(page, "02-phone-stop-confirm");
    await dialog.locator(".van-dialog__cancel").click();
    await dialog.waitFor({ state: "hidden" });
    expect(await section.getAttribute("data-sms-state")).toBe("on");
    expect((await contactOf(reachable)).optedOut).toBeNull();

    await section.locator("[data-action=sms-opt-out]").click();
    await dialog.waitFor();
    await dialog.locator(".van-dialog__confirm").click();
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(() => section.getAttribute("data-sms-state"), { timeout: 20_000 }).toBe("off");
    await expect(section.locator("[data-testid=sms-state]").innerText()).resolves.toBe("已退订");
    await expect(section.innerText()).resolves.toContain("本人在掌上办退订");
    await expect(section.innerText()).resolves.toMatch(BEIJING_TIME);
    expect((await contactOf(reachable)).optedOut?.via).toBe("applicant");

    // The server keeps it: a reload shows SMS stopped.
    await page.reload();
    await expect.poll(() => section.getAttribute("data-sms-state"), { timeout: 20_000 }).toBe("off");
    await section.scrollIntoViewIfNeeded();
    await checkState(page, "03-phone-off");

    // Back on: asked again, then 已开启, and the server has lifted the opt-out.
    await section.locator("[data-action=sms-opt-in]").click();
    await dialog.waitFor();
    const again = await dialog.innerText();
    expect(again).toContain("恢复短信通知");
    expect(again).toContain(PHONE_OK_MASKED);
    await checkState(page, "04-phone-resume-confirm");
    await dialog.locator(".van-dialog__confirm").click();
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(() => section.getAttribute("data-sms-state"), { timeout: 20_000 }).toBe("on");
    await expect(section.innerText()).resolves.toContain("本人在掌上办恢复");
    const contact = await contactOf(reachable);
    expect(contact.optedOut).toBeNull();
    expect(contact.optedIn?.via).toBe("applicant");
    await checkState(page, "05-phone-on-again");
    await context.close();
  }, 180_000);

  it("staff case page: 短信与消息 lists the messages; the officer records an opt-out and turns SMS back on", async () => {
    const { context, page } = await open(DESKTOP_1440, false);
    await signInAs(page, world.url, "officer-chengguan-1");
    await page.goto(`${world.url}/township/cases/${reachable}`);
    const section = page.locator("[data-testid=case-messages]");
    await expect.poll(() => section.getAttribute("data-loaded"), { timeout: 20_000 }).toBe("yes");
    await section.scrollIntoViewIfNeeded();
    await expect(section.locator("h2").innerText()).resolves.toBe("短信与消息");
    const received = '[data-event="application-received"]';
    await section.locator(received).waitFor();
    const row = section.locator(".el-table__row", { has: page.locator(received) });
    await expect(row.innerText()).resolves.toContain("申请已受理");
    await expect(row.innerText()).resolves.toMatch(BEIJING_TIME);
    await expect(row.locator("[data-testid=sms-status]").innerText()).resolves.toMatch(/^已发送|^已送达/);
    await expect(section.locator("[data-testid=sms-phone]").innerText()).resolves.toBe(PHONE_OK_MASKED);
    await expect(section.locator("[data-testid=sms-state]").innerText()).resolves.toBe("已开启");
    await expect(section.locator("[data-testid=sms-unreachable]").count()).resolves.toBe(0);
    await checkState(page, "06-staff-messages");

    // Without the applicant's words the request is not sent; the field says why.
    await section.locator("[data-action=sms-opt-out]").click();
    await expect.poll(() => section.locator("#sms-note-error").innerText()).toContain("请填写申请人的意见");
    expect((await contactOf(reachable)).optedOut).toBeNull();

    await section.locator("#sms-note").fill("申请人来电表示不再接收短信");
    await section.locator("[data-action=sms-opt-out]").click();
    const asked = await confirmDialog(page);
    expect(asked).toContain(`不再向 ${PHONE_OK_MASKED} 发送任何短信`);
    await expect
      .poll(() => section.locator("[data-testid=sms-state]").innerText(), { timeout: 20_000 })
      .toBe("已退订");
    await expect(section.innerText()).resolves.toContain("乡镇经办人代为登记（电话）");
    expect((await contactOf(reachable)).optedOut?.via).toBe("township");
    await checkState(page, "07-staff-opted-out");

    await section.locator("#sms-note").fill("申请人来电要求恢复短信");
    await section.locator("[data-action=sms-opt-in]").click();
    expect(await confirmDialog(page)).toContain(PHONE_OK_MASKED);
    await expect
      .poll(() => section.locator("[data-testid=sms-state]").innerText(), { timeout: 20_000 })
      .toBe("已开启");
    expect((await contactOf(reachable)).optedIn?.via).toBe("township");
    await context.close();
  }, 180_000);

  it("a number the provider refuses shows 无法短信联系，请电话联系; an approver reads without the buttons", async () => {
    await until(
      "the invalid number unreachable",
      async () => ((await contactOf(unreachable)).smsUnreachable ? true : undefined),
      60_000,
    );
    for (const [size, phone, name] of [
      [DESKTOP_1440, false, "desktop"],
      [PHONE_390, true, "phone"],
    ] as const) {
      const { context, page } = await open(size, phone);
      await signInAs(page, world.url, "approver-chengguan");
      await page.goto(`${world.url}/township/cases/${unreachable}`);
      const section = page.locator("[data-testid=case-messages]");
      await expect.poll(() => section.getAttribute("data-loaded"), { timeout: 20_000 }).toBe("yes");
      await section.scrollIntoViewIfNeeded();
      await expect(section.locator("[data-testid=sms-unreachable]").innerText()).resolves.toContain(
        "无法短信联系，请电话联系",
      );
      await expect(section.locator("[data-testid=sms-phone]").innerText()).resolves.toBe("139****2222");
      await expect(section.locator("[data-testid=sms-change]").count()).resolves.toBe(0);
      await expect(section.locator("[data-testid=sms-status]").first().innerText()).resolves.not.toBe("");
      await expect(page.locator("body").innerText()).resolves.not.toContain(PHONE_INVALID);
      await checkState(page, `08-staff-unreachable-${name}`);
      await context.close();
    }
  }, 180_000);
});
