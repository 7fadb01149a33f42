/**
 * An applicant on a phone (390×844) files with each kind of identity document the API knows —
 * resident ID, passport, HK/Macao permit, Taiwan permit, foreigner's permanent residence — with a
 * photo, and sees the case. Every page state visited, on the phone and in the county and finance
 * consoles, is scanned: no internal code (status, cause, document type), no demo user id and no ISO
 * timestamp in the text a zh-CN reader sees, and the favicon loads.
 * Screenshots: test-artifacts/screenshots/applicant-docs-*.png.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { residentIdCheckCharacter } from "#core/identity/index.ts";
import { DEMO_USERS } from "#local/seed/users.ts";
import { CASE_STATUSES, codesOf, type IdDocumentType } from "../../web/src/labels.ts";
import { screenshot, signInAs } from "./support/browser.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";

const PHONE_390 = { width: 390, height: 844 };
const DESKTOP_1440 = { width: 1440, height: 900 };
const TOWNSHIP = "230123100";
const PHOTO_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

function residentId(seq: number): string {
  const first17 = `230123198503${String(10 + seq).padStart(2, "0")}${String(100 + seq).padStart(3, "0")}`;
  return `${first17}${residentIdCheckCharacter(first17)}`;
}

/** One applicant per document type; each files for a different cause (one open case per cause). */
const FILINGS: Array<{
  type: IdDocumentType;
  number: string;
  nationality?: string;
  name: string;
  cause: string;
  label: RegExp;
}> = [
  { type: "resident-id", number: residentId(1), name: "张伟", cause: "fire", label: /居民身份证/ },
  { type: "passport", number: "E12345678", nationality: "RUS", name: "伊万", cause: "flood", label: /护照/ },
  {
    type: "hk-macao-permit",
    number: "H12345678",
    name: "陈家明",
    cause: "other-disaster",
    label: /港澳居民来往内地通行证/,
  },
  {
    type: "taiwan-permit",
    number: "12345678",
    name: "林志玲",
    cause: "traffic-accident",
    label: /台湾居民来往大陆通行证/,
  },
  {
    type: "foreigner-permanent-residence",
    number: "USA123456789012",
    name: "约翰",
    cause: "sudden-illness",
    label: /外国人永久居留身份证/,
  },
];

/** Codes a zh-CN reader must never see raw: statuses, causes and ID document types of the schema. */
const INTERNAL_CODE = new RegExp(
  `(?<![\\w-])(${[...CASE_STATUSES, ...codesOf("cause"), ...codesOf("idType"), ...codesOf("documentKind")]
    .filter((code) => code.includes("-") || code.length > 5)
    .join("|")})(?![\\w-])`,
);
const USER_ID = new RegExp(`(?<![\\w-])(${DEMO_USERS.map((u) => u.userId).join("|")})(?![\\w-])`);
const ISO_TIMESTAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

let world: BrowserCounty;
const filedCases: string[] = [];
const scanned: string[] = [];

beforeAll(async () => {
  world = await startBrowserCounty("browser-applicant-docs");
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

async function desktop(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await world.browser.newContext({
    viewport: DESKTOP_1440,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  return { context, page: await context.newPage() };
}

/** The visible text of the page as it is now holds no internal code, user id or ISO timestamp. */
async function expectReadable(page: Page, state: string): Promise<void> {
  await page.waitForLoadState("networkidle");
  const text = await page.locator("body").innerText();
  scanned.push(state);
  expect(text.match(INTERNAL_CODE)?.[0], `${state}: internal code in\n${text}`).toBeUndefined();
  expect(text.match(USER_ID)?.[0], `${state}: user id in\n${text}`).toBeUndefined();
  expect(text.match(ISO_TIMESTAMP)?.[0], `${state}: ISO timestamp in\n${text}`).toBeUndefined();
}

function screenshotOnFailure(page: Page, name: string): void {
  onTestFailed(async () => {
    await screenshot(page, `applicant-docs-FAILED-${name}`).catch(() => undefined);
  });
}

describe("an applicant files on a phone with each document type and sees the case", () => {
  for (const [index, filing] of FILINGS.entries()) {
    it(`files with a ${filing.type} (${filing.label.source}) and a photo, and sees the case`, async () => {
      // Prepare
      const { page, context } = await phone();
      screenshotOnFailure(page, filing.type);
      await signInAs(page, world.url, index % 2 === 0 ? "applicant-zhang" : "applicant-li");
      await page.goto(`${world.url}/m/apply`);

      // Act: what happened
      await page.locator('[data-choice="hardshipType"] input[data-value="urgent"]').check();
      await page.locator(`[data-choice="cause"] input[data-value="${filing.cause}"]`).check();
      await page.locator(`[data-choice="townshipId"] input[data-value="${TOWNSHIP}"]`).check();
      await page.locator("#f-description").fill("突发困难，急需生活救助");
      if (index === 0) await expectReadable(page, "apply-what");
      await page.locator("[data-action=next]").click();
      // who: the document type is offered by its Chinese name in Vant's bottom picker
      await page.locator("#f-applicant-idType").click();
      const picker = page.locator(".van-popup--bottom:visible");
      const offered = await picker.locator(".van-picker-column__item").allInnerTexts();
      expect(
        offered.some((text) => filing.label.test(text)),
        offered.join(", "),
      ).toBe(true);
      await picker.locator(".van-picker-column__item", { hasText: filing.label }).first().click();
      await page.waitForTimeout(300);
      await picker.locator(".van-picker__confirm").click();
      await picker.waitFor({ state: "hidden" });
      expect(await page.locator("#f-applicant-idType").inputValue()).toMatch(filing.label);
      await page.locator("#f-applicant-name").fill(filing.name);
      await page.locator("#f-applicant-idNumber").fill(filing.number);
      if (filing.nationality) await page.locator("#f-applicant-nationality").fill(filing.nationality);
      await page.locator("#f-applicant-phone").fill("13812345678");
      if (index === 0) await expectReadable(page, "apply-who");
      await page.locator("[data-action=next]").click();
      await page.locator("#f-bank-bankName").fill("中国农业银行示例县支行");
      await page.locator("#f-bank-holderName").fill(filing.name);
      await page.locator("#f-bank-account").fill(`62284800123456${String(78_900 + index)}`);
      await page.locator("[data-action=next]").click();
      await page
        .locator("input[data-input=camera]")
        .setInputFiles({ name: "scene.png", mimeType: "image/png", buffer: PHOTO_PNG });
      // The new photo's kind is chosen (not blank) and is one the API accepts.
      await page.locator(".van-uploader__preview").first().waitFor();
      const kind = page.locator("[data-value]:has(#f-photo-0-kind)");
      expect(await kind.getAttribute("data-value")).toBe("incident-proof");
      if (index === 0) {
        await expectReadable(page, "apply-docs");
        await screenshot(page, "applicant-docs-00-photo-390");
      }
      await page.locator("[data-action=submit]").click();

      // Assess: the case page, with the photo uploaded and no problem reported
      await page.waitForURL(/\/m\/cases\/[A-Za-z0-9_-]+$/, { timeout: 20_000 });
      const caseId = page.url().split("/").pop() ?? "";
      filedCases.push(caseId);
      await page.locator("[data-testid=case-status]").waitFor();
      expect(await page.locator("[data-testid=case-status]").innerText()).toMatch(/\p{Script=Han}/u);
      // What was filed is echoed: the applicant's name and the document type by its Chinese name.
      await expect(page.locator("[data-testid=case-applicant]").innerText()).resolves.toContain(filing.name);
      await expect(page.locator("[data-testid=case-id-document]").innerText()).resolves.toMatch(filing.label);
      await expectReadable(page, `case-${filing.type}`);
      await screenshot(page, `applicant-docs-0${index + 1}-${filing.type}-390`);
      await context.close();
    });
  }

  it("sees every filed case in 我的申请", async () => {
    const { page, context } = await phone();
    screenshotOnFailure(page, "my-cases");
    await signInAs(page, world.url, "applicant-zhang");
    await page.goto(`${world.url}/m`);
    await page.waitForLoadState("networkidle");
    const text = await page.locator("body").innerText();
    for (const [index, caseId] of filedCases.entries()) if (index % 2 === 0) expect(text).toContain(caseId);
    await expectReadable(page, "my-cases");
    await screenshot(page, "applicant-docs-10-my-cases-390");
    await context.close();
  });
});

describe("the county and finance consoles speak Chinese only", () => {
  for (const [userId, path, name] of [
    ["county-civil-1", "/county", "county-queue"],
    ["county-civil-1", "/county/funds", "county-funds"],
    ["finance-1", "/finance", "finance-funds"],
    ["finance-1", "/finance/reconciliation", "finance-reconciliation"],
    ["finance-1", "/finance/replenishment", "finance-replenishment"],
    ["finance-1", "/finance/waiting", "finance-waiting"],
  ] as const) {
    it(`${name}: no internal code, user id or ISO timestamp; the favicon loads`, async () => {
      const { page, context } = await desktop();
      screenshotOnFailure(page, name);
      const missing: string[] = [];
      page.on("response", (response) => {
        if (response.status() === 404) missing.push(response.url());
      });
      await signInAs(page, world.url, userId);
      await page.goto(`${world.url}${path}`);
      await expectReadable(page, name);
      if (name === "county-queue" && filedCases[0]) {
        await page.goto(`${world.url}/county/cases/${filedCases[0]}`);
        await page.locator("[data-testid=case-status]").waitFor();
        await expectReadable(page, "county-case");
      }
      const icon = await page.locator('link[rel="icon"]').getAttribute("href");
      expect(icon).toBeTruthy();
      const iconResponse = await page.request.get(new URL(icon ?? "", world.url).href);
      expect(iconResponse.status()).toBe(200);
      expect(missing).toEqual([]);
      await screenshot(page, `applicant-docs-2x-${name}-1440`);
      await context.close();
    });
  }

  it("scanned every page state it visited", () => {
    expect(scanned.length).toBeGreaterThanOrEqual(FILINGS.length + 4 + 6);
  });
});
