/**
 * An applicant's whole journey on a phone (390×844, zh-CN, Asia/Shanghai): 我的申请 ↔ 申请救助 with one
 * tab lit and a back arrow; the wizard checks each step before 下一步 in plain Chinese (a 10-digit
 * mobile number, a member without a name, half a bank account); pickers (Vant) for the ID type and
 * the relation, a date picker, photos through Vant's Uploader compressed on the phone; the API refuses
 * the ID number's check digit and the wizard returns to the step holding it; then the case echoes what
 * was filed with the photo as a thumbnail. Staff take the case to closed through the API (advance,
 * paperwork co-signed, additional aid approved and paid, closed); the applicant sees the payments
 * labelled 先行救助 / 追加救助, the closing notice, and rates the service (好差评) — a 不满意 without a
 * reason is refused on the page, and the rating is given once. An applicant with more cases than one
 * page of the API sees all of them in 我的申请. Times read in Beijing time (2026年12月6日 10:24). Every
 * page state: axe 0 serious/critical, no internal code, user id or ISO timestamp.
 * Screenshots: test-artifacts/screenshots/applicant-journey-*.png; with AIDFLOW_DOCS_SCREENSHOTS=1
 * the phone console's main states also go to docs/screenshots/applicant-*.png.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { residentIdCheckCharacter } from "#core/identity/index.ts";
import { type ApiClient, signIn } from "#test/e2e/support/api.ts";
import { screenshot, seriousAxeViolations, signInAs } from "./support/browser.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";
import { consoleScreenshot } from "./support/docs-screenshots.ts";
import { expectReadable } from "./support/readable.ts";

const PHONE_390 = { width: 390, height: 844 };
const TOWNSHIP = "230123100";
/** A resident ID with a valid GB 11643 check digit, and the same number with a wrong one. */
const GOOD_ID = "230123198702021236";
const BAD_ID = "230123198702021230";
/** More than the API's page of 20 cases (GET /me/cases answers with a cursor). */
const MANY_CASES = 23;

let world: BrowserCounty;
let caseId = "";
let photoBytes = 0;

beforeAll(async () => {
  world = await startBrowserCounty("browser-applicant-journey");
});

afterAll(async () => {
  await world?.close();
});

async function phone(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await world.browser.newContext({
    viewport: PHONE_390,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  return { context, page: await context.newPage() };
}

function screenshotOnFailure(page: Page, name: string): void {
  onTestFailed(async () => {
    await screenshot(page, `applicant-journey-FAILED-${name}`).catch(() => undefined);
  });
}

/** axe and the readable-text scan of the page state, then its screenshot (also for the README's, when named). */
async function checkState(page: Page, state: string, docsName?: string): Promise<void> {
  await expectReadable(page, state);
  const violations = await seriousAxeViolations(page);
  expect(violations, `${state}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
  await screenshot(page, `applicant-journey-${state}`);
  if (docsName) await consoleScreenshot(page, docsName);
}

/** An ISO instant as the phone shows it: Beijing time, 2026年12月6日 10:24. */
function beijingTime(iso: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Shanghai",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}年${Number(parts.month)}月${Number(parts.day)}日 ${parts.hour}:${parts.minute}`;
}

function residentId(seq: number): string {
  const first17 = `2301231990${String(1 + (seq % 12)).padStart(2, "0")}${String(1 + Math.floor(seq / 12)).padStart(2, "0")}${String(300 + seq).padStart(3, "0")}`;
  return `${first17}${residentIdCheckCharacter(first17)}`;
}

/** Opens a Vant picker field and confirms the option with this text. */
async function pick(page: Page, fieldId: string, text: string): Promise<void> {
  await page.locator(`#${fieldId}`).click();
  const popup = page.locator(".van-popup--bottom:visible");
  const item = popup.locator(".van-picker-column__item", { hasText: text }).first();
  await item.click();
  // The column scrolls to the item before it counts as chosen (slower on a busy machine).
  await expect.poll(() => item.getAttribute("class")).toContain("van-picker-column__item--selected");
  await popup.locator(".van-picker__confirm").click();
  await popup.waitFor({ state: "hidden" });
  await expect.poll(() => page.locator(`#${fieldId}`).inputValue()).toBe(text);
}

const visibleError = (page: Page, step: string, fieldId: string) =>
  page.locator(`[data-step="${step}"] .van-field:has(#${fieldId}) .van-field__error-message`);

async function activeTabs(page: Page): Promise<string[]> {
  return page.locator(".van-tabbar-item--active").allInnerTexts();
}

/** A 2000×1500 photo-like PNG (noise does not compress), drawn by the browser itself. */
async function bigPhoto(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 2000;
    canvas.height = 1500;
    const context = canvas.getContext("2d") as CanvasRenderingContext2D;
    const image = context.createImageData(canvas.width, canvas.height);
    for (let i = 0; i < image.data.length; i += 4) {
      image.data[i] = (i * 7) % 256;
      image.data[i + 1] = Math.floor(Math.random() * 256);
      image.data[i + 2] = (i >> 10) % 256;
      image.data[i + 3] = 255;
    }
    context.putImageData(image, 0, 0);
    return canvas.toDataURL("image/png");
  });
  return Buffer.from(dataUrl.split(",")[1] ?? "", "base64");
}

interface Progress {
  case: { status: string };
  tasks: Array<{ taskType: string; status: string }>;
  payments: Array<{ obligation: { purpose: string; status: string } }>;
}

async function until(client: ApiClient, check: (p: Progress) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const progress = await client.get<Progress>(`/cases/${caseId}/progress`);
    if (progress.status === 200 && check(progress.body)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${progress.text}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const openTask = (type: string) => (p: Progress) =>
  p.tasks.some((t) => t.taskType === type && t.status === "open");

describe("an applicant files on a phone, follows the case to its close and rates the service", () => {
  it("moves between 我的申请 and 申请救助: one tab lit, a back arrow on the apply page", async () => {
    const { page, context } = await phone();
    screenshotOnFailure(page, "navigation");
    await signInAs(page, world.url, "applicant-zhang");
    await page.goto(`${world.url}/m`);
    await page.locator("h1").first().waitFor();
    expect(await activeTabs(page)).toEqual(["我的申请"]);
    await checkState(page, "01-my-cases-empty");
    await expect(page.locator("[data-testid=cases-end]").count()).resolves.toBe(0);

    await page.locator("[data-tab=apply]").click();
    await page.waitForURL(/\/m\/apply$/);
    expect(await activeTabs(page)).toEqual(["申请救助"]);
    await expect(page.locator(".van-nav-bar__left").isVisible()).resolves.toBe(true);

    await page.locator("[data-tab=my-cases]").click();
    await page.waitForURL(/\/m$/);
    expect(await activeTabs(page)).toEqual(["我的申请"]);
    await page.goto(`${world.url}/m/apply`);
    await page.locator(".van-nav-bar__left").click();
    await page.waitForURL(/\/m$/);
    await context.close();
  });

  it("is stopped on each step with plain Chinese messages, and brought back to the step the API refused", async () => {
    const { page, context } = await phone();
    screenshotOnFailure(page, "wizard");
    await signInAs(page, world.url, "applicant-zhang");
    await page.goto(`${world.url}/m/apply`);
    const what = page.locator('[data-step="what"]');
    await what.waitFor();

    // Step 1: nothing chosen — 下一步 keeps the person here, saying what is missing.
    await page.locator("[data-action=next]").click();
    await expect(page.locator('[data-error-for="cause"]').innerText()).resolves.toBe("请选择困难原因");
    await expect(page.locator('[data-error-for="townshipId"]').innerText()).resolves.toContain("乡镇");
    await expect(visibleError(page, "what", "f-description").innerText()).resolves.toContain("发生了什么");
    expect(await what.isVisible()).toBe(true);
    // Required fields are marked.
    expect(
      await page.locator('[data-step="what"] .van-field__label--required').count(),
    ).toBeGreaterThanOrEqual(2);
    await checkState(page, "02-what-errors", "applicant-apply-checked");

    await page.locator('[data-choice="hardshipType"] input[data-value="urgent"]').check();
    await page.locator('[data-choice="cause"] input[data-value="fire"]').check();
    await page.locator(`[data-choice="townshipId"] input[data-value="${TOWNSHIP}"]`).check();
    await page.locator("#f-description").fill("房屋失火，衣物被褥烧毁，一家暂住亲戚家");
    await page.locator("#f-requestedAmountYuan").fill("8OO");
    // The date comes from a date picker (today, on the business calendar, by default).
    expect(await page.locator("#f-occurredOn").inputValue()).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日$/);
    await page.locator("[data-action=next]").click();
    await expect(visibleError(page, "what", "f-requestedAmountYuan").innerText()).resolves.toContain(
      "最多两位小数",
    );
    await page.locator("#f-requestedAmountYuan").fill("800");
    await page.locator("[data-action=next]").click();

    // Step 2: a 10-digit mobile number and a member without a name.
    const who = page.locator('[data-step="who"]');
    await who.waitFor();
    await page.locator("#f-applicant-name").fill("赵敏");
    await pick(page, "f-applicant-idType", "居民身份证");
    await page.locator("#f-applicant-idNumber").fill(BAD_ID);
    await page.locator("#f-applicant-phone").fill("1381234567");
    await page.locator("[data-action=add-member]").click();
    await page.locator("[data-action=next]").click();
    await expect(visibleError(page, "who", "f-applicant-phone").innerText()).resolves.toContain("11位");
    await expect(visibleError(page, "who", "f-member-0-name").innerText()).resolves.toContain("家庭成员姓名");
    await checkState(page, "03-who-errors");
    await page.locator("#f-applicant-phone").fill("13812345678");
    await page.locator("#f-member-0-name").fill("王丽");
    await pick(page, "f-member-0-relation", "子女");
    await page.locator("[data-action=next]").click();

    // Step 3: half a bank account.
    await page.locator('[data-step="account"]').waitFor();
    await page.locator("#f-bank-bankName").fill("中国农业银行示例县支行");
    await page.locator("[data-action=next]").click();
    await expect(visibleError(page, "account", "f-bank-account").innerText()).resolves.toContain("填写完整");
    await page.locator("#f-bank-holderName").fill("赵敏");
    await page.locator("#f-bank-account").fill("6228480012345674321");
    await page.locator("[data-action=next]").click();

    // Step 4: a large photo, compressed on the phone, with a preview and its kind.
    await page.locator('[data-step="docs"]').waitFor();
    const photo = await bigPhoto(page);
    photoBytes = photo.length;
    await page
      .locator("input[data-input=camera]")
      .setInputFiles({ name: "scene.png", mimeType: "image/png", buffer: photo });
    await page.locator(".van-uploader__preview").first().waitFor();
    expect(await page.locator("#f-photo-0-kind").inputValue()).toBe("事故/灾害证明或现场照片");
    await checkState(page, "04-docs-photo", "applicant-apply-photos");

    // Submit: the API refuses the ID number's check digit; the wizard returns to the applicant's step.
    await page.locator("[data-action=submit]").click();
    const idError = visibleError(page, "who", "f-applicant-idNumber");
    await idError.waitFor();
    expect(await who.isVisible()).toBe(true);
    expect(await idError.innerText()).toMatch(/\p{Script=Han}/u);
    expect(await idError.innerText()).not.toMatch(/格式不正确|内容无效|条目数|GB/);
    expect(await idError.innerText()).toContain("逐位核对");
    await expect(page.locator("[data-testid=form-error]").innerText()).resolves.toContain("标红");
    await checkState(page, "05-server-error-back-on-who");

    await page.locator("#f-applicant-idNumber").fill(GOOD_ID);
    await page.locator("[data-action=next]").click();
    await page.locator("[data-action=next]").click();
    await page.locator("[data-action=submit]").click();
    await page.waitForURL(/\/m\/cases\/[A-Za-z0-9_-]+$/, { timeout: 20_000 });
    caseId = page.url().split("/").pop() ?? "";

    // The case page echoes what was filed and shows the photo as a thumbnail.
    await page.locator("[data-testid=case-status]").waitFor();
    await expect(page.locator("[data-testid=case-requested]").innerText()).resolves.toContain("¥800.00");
    await expect(page.locator("[data-testid=case-account]").innerText()).resolves.toContain("尾号 4321");
    await expect(page.locator("[data-testid=case-household]").innerText()).resolves.toContain("王丽（子女）");
    const thumb = page.locator("[data-testid=case-photo] img");
    await thumb.waitFor();
    await expect
      .poll(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0);
    await expect(page.locator("[data-testid=journey]").innerText()).resolves.toContain("先行救助审批");
    await expect(page.locator("[data-testid=next-step]").innerText()).resolves.toMatch(/\p{Script=Han}/u);
    expect(await activeTabs(page)).toEqual(["我的申请"]);
    // Filed at, in Beijing time as the API's instant says.
    const applicantApi = await signIn(world.url, "applicant-zhang");
    const progress = await applicantApi.get<{ case: { filedAt: string } }>(`/cases/${caseId}/progress`);
    await expect(page.locator("[data-testid=case-filed-at]").innerText()).resolves.toContain(
      beijingTime(progress.body.case.filedAt),
    );
    await checkState(page, "06-case-filed", "applicant-case-filed");

    // The stored photo is the compressed JPEG, smaller than what the camera gave.
    const applicant = await signIn(world.url, "applicant-zhang");
    const documents = await applicant.get<{ documents: Array<{ contentType: string; sizeBytes: number }> }>(
      `/cases/${caseId}/documents`,
    );
    expect(documents.body.documents[0]?.contentType).toBe("image/jpeg");
    expect(documents.body.documents[0]?.sizeBytes).toBeLessThan(photoBytes);

    // 我的申请 works from the case page.
    await page.locator("[data-tab=my-cases]").click();
    await page.waitForURL(/\/m$/);
    await page.locator(`[data-case-id="${caseId}"]`).waitFor();
    await expect(page.locator("[data-testid=cases-end]").innerText()).resolves.toBe(
      "共 1 件申请，已全部显示",
    );
    await checkState(page, "07-my-cases-one", "applicant-my-cases");
    await context.close();
  }, 120_000);

  it("staff take the case to its close: advance, paperwork co-signed, additional aid approved and paid", async () => {
    const approver = await signIn(world.url, "approver-chengguan");
    const officer = await signIn(world.url, "officer-chengguan-1");
    const second = await signIn(world.url, "officer-chengguan-2");
    await until(officer, openTask("advance-decision"), "the advance decision");
    const approved = await approver.post(
      `/cases/${caseId}/advance-decision`,
      { decision: "approve", amountYuan: "800.00" },
      { idempotencyKey: `journey-approve-${caseId}` },
    );
    expect(approved.status, approved.text).toBe(200);
    await until(officer, openTask("paperwork"), "the paperwork after the advance was paid");
    const visitedAt = new Date().toISOString();
    const paperwork = await officer.post(
      `/cases/${caseId}/paperwork`,
      {
        investigators: [
          { userId: "officer-chengguan-1", visitedAt },
          { userId: "officer-chengguan-2", visitedAt },
        ],
        economicCheck: { result: "eligible" },
        facts: "入户核实，房屋失火属实",
        goodFaithBasis: "现场照片及村委会证明",
      },
      { idempotencyKey: `journey-paperwork-${caseId}` },
    );
    expect(paperwork.status, paperwork.text).toBe(202);
    const coSigned = await second.post(
      `/cases/${caseId}/paperwork/co-sign`,
      { decision: "confirm" },
      { idempotencyKey: `journey-co-sign-${caseId}` },
    );
    expect(coSigned.status, coSigned.text).toBe(200);
    await until(officer, openTask("follow-up"), "the follow-up");
    const followUp = await officer.post(
      `/cases/${caseId}/follow-up`,
      {
        additionalAid: { amountYuan: "500.00", reason: "衣物被褥需重新购置" },
        close: { summary: "追加救助后结案" },
      },
      { idempotencyKey: `journey-follow-up-${caseId}` },
    );
    expect(followUp.status, followUp.text).toBe(200);
    await until(approver, openTask("additional-aid-approval"), "the additional aid approval");
    const additional = await approver.post(
      `/cases/${caseId}/additional-aid-decision`,
      { decision: "approve", amountYuan: "500.00" },
      { idempotencyKey: `journey-additional-${caseId}` },
    );
    expect(additional.status, additional.text).toBe(200);
    await until(officer, (p) => p.case.status === "closed", "the case to close");
  });

  it("sees the payments labelled, the closing notice, and rates the service (a 不满意 needs a reason)", async () => {
    const { page, context } = await phone();
    screenshotOnFailure(page, "closed");
    await signInAs(page, world.url, "applicant-zhang");
    await page.goto(`${world.url}/m/cases/${caseId}`);
    await page.locator('[data-testid=case-status][data-status="closed"]').waitFor();
    const payments = page.locator("[data-testid=case-payment]");
    await expect(payments.count()).resolves.toBe(2);
    const texts = await payments.allInnerTexts();
    expect(texts.some((t) => t.includes("先行救助") && t.includes("¥800.00"))).toBe(true);
    expect(texts.some((t) => t.includes("追加救助") && t.includes("¥500.00"))).toBe(true);
    const notice = await page.locator("[data-testid=closing-notice]").innerText();
    expect(notice).toContain("办结告知");
    expect(notice).toContain("¥1,300.00");
    expect(notice).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
    await checkState(page, "08-case-closed", "applicant-case-closed");

    // 不满意 without a reason is refused on the page, nothing sent.
    await page.locator('[data-choice="rating"] input[data-value="dissatisfied"]').check();
    await page.locator("[data-action=rate]").click();
    await expect(page.locator("[data-testid=rating] .van-field__error-message").innerText()).resolves.toBe(
      "选择不满意或非常不满意时，请写明原因",
    );
    await checkState(page, "09-rating-reason-missing");
    const applicant = await signIn(world.url, "applicant-zhang");
    await expect(applicant.get(`/cases/${caseId}/rating`).then((r) => r.body)).resolves.toMatchObject({
      rating: null,
    });

    await page.locator('[data-choice="rating"] input[data-value="satisfied"]').check();
    await page.locator("#f-rating-reason").fill("办理很快，工作人员耐心");
    await page.locator("[data-action=rate]").click();
    await expect(page.locator("[data-testid=rating-done]").innerText()).resolves.toContain("您的评价：满意");
    await checkState(page, "10-rated", "applicant-rated");
    // Once: after a reload the rating is shown and not offered again; a second one is refused.
    await page.reload();
    await expect(page.locator("[data-testid=rating-done]").innerText()).resolves.toContain("满意");
    await expect(page.locator("[data-action=rate]").count()).resolves.toBe(0);
    await context.close();
    const again = await applicant.post(
      `/cases/${caseId}/rating`,
      { level: "very-satisfied" },
      { idempotencyKey: `journey-rate-again-${caseId}` },
    );
    expect(again.status, again.text).toBe(409);

    // The county's figure counts it for 城关镇.
    const county = await signIn(world.url, "county-civil-1");
    const satisfaction = await county.get<{
      townships: Array<{ townshipId: string; ratings: number; satisfied: number }>;
    }>("/satisfaction");
    expect(satisfaction.body.townships.find((t) => t.townshipId === TOWNSHIP)).toMatchObject({
      ratings: 1,
      satisfied: 1,
    });
  }, 120_000);

  it("an applicant with more cases than one page of the API sees every one of them in 我的申请", async () => {
    // Prepare: applicant-li files for 23 different people (each their own case) through the API.
    const li = await signIn(world.url, "applicant-li");
    const filed = new Set<string>();
    for (let n = 0; n < MANY_CASES; n++) {
      const answer = await li.post<{ caseId: string }>(
        "/cases",
        {
          townshipId: TOWNSHIP,
          hardship: { cause: n % 2 === 0 ? "fire" : "sudden-illness" },
          description: "突发困难，急需生活救助",
          applicant: {
            name: `李${"一二三四五六七八九十"[n % 10]}${n}`,
            document: { type: "resident-id", number: residentId(n) },
            phone: "13912345678",
            registration: {},
          },
        },
        { idempotencyKey: `journey-many-${n}` },
      );
      expect(answer.status, answer.text).toBe(201);
      filed.add(answer.body.caseId);
    }
    const { page, context } = await phone();
    screenshotOnFailure(page, "paging");
    await signInAs(page, world.url, "applicant-li");
    await page.goto(`${world.url}/m`);
    const rows = page.locator("[data-case-id]");
    await rows.first().waitFor();

    // Act: the first page, then 加载更多 until the list says it is complete
    const firstPage = await rows.count();
    expect(firstPage).toBeLessThan(MANY_CASES);
    await checkState(page, "11-my-cases-first-page");
    while ((await page.locator("[data-action=more-cases]").count()) > 0) {
      const before = await rows.count();
      await page.locator("[data-action=more-cases]").click();
      await expect.poll(() => rows.count()).toBeGreaterThan(before);
    }

    // Assess: every filed case exactly once, and the end of the list says how many
    const shown = await rows.evaluateAll((cells) => cells.map((c) => c.getAttribute("data-case-id") ?? ""));
    expect(shown.length).toBe(MANY_CASES);
    expect(new Set(shown)).toEqual(filed);
    await expect(page.locator("[data-testid=cases-end]").innerText()).resolves.toBe(
      `共 ${MANY_CASES} 件申请，已全部显示`,
    );
    await checkState(page, "12-my-cases-all");
    await context.close();
  }, 120_000);
});
