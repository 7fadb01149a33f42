/**
 * Lists that never lose a case (DOMAIN §1), with 105 cases in one township: the township queue shows
 * them one server page at a time (cursor), every case exactly once across the pages and the last page
 * says it is the last — no silent cap; a name, an ID number (only masked numbers are stored) or a case
 * number typed in capitals finds the case; the columns sort; axe clean and readable on every page.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { residentIdCheckCharacter } from "#core/identity/residentId.ts";
import { signIn } from "#test/e2e/support/api.ts";
import { newPage, screenshot, seriousAxeViolations, signInAs } from "./support/browser.ts";
import { DESKTOP_1440, expectConsoleReadable, recordApi } from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";
import { consoleScreenshot } from "./support/docs-screenshots.ts";

const TOWNSHIP = "230123100";
const CASE_COUNT = 105;
const FILING_CONCURRENCY = 4;
const SURNAMES = "赵钱孙李周吴郑王冯陈";
const MIDDLE = "一二三四五六七八九十";
const GIVEN = "明华";

function personOf(n: number): { name: string; idNumber: string } {
  const name = `${SURNAMES[n % 10]}${MIDDLE[Math.floor(n / 10) % 10]}${GIVEN[Math.floor(n / 100)]}`;
  const first17 = `230123${1950 + (n % 50)}0${1 + Math.floor(n / 50)}15${String(100 + n).padStart(3, "0")}`;
  return { name, idNumber: `${first17}${residentIdCheckCharacter(first17)}` };
}

let world: BrowserCounty;
const filed = new Map<number, string>();

beforeAll(async () => {
  world = await startBrowserCounty("browser-paging");
  const officer = await signIn(world.url, "officer-chengguan-1");
  const file = async (n: number) => {
    const who = personOf(n);
    const answer = await officer.post<{ caseId: string }>(
      "/cases",
      {
        townshipId: TOWNSHIP,
        hardship: { cause: n % 3 === 0 ? "medical" : "fire" },
        description: "家中失火或突发疾病，生活陷入困境，急需临时救助",
        applicant: { name: who.name, document: { type: "resident-id", number: who.idNumber } },
        onBehalf: { reason: "on-request" },
      },
      { idempotencyKey: `paging-${n}` },
    );
    if (answer.status !== 201) throw new Error(`filing ${n}: ${answer.status} ${answer.text}`);
    filed.set(n, answer.body.caseId);
  };
  for (let n = 0; n < CASE_COUNT; n += FILING_CONCURRENCY) {
    await Promise.all(
      Array.from({ length: Math.min(FILING_CONCURRENCY, CASE_COUNT - n) }, (_, i) => file(n + i)),
    );
  }
}, 600_000);

afterAll(async () => {
  await world?.close();
});

async function caseLinks(page: Page): Promise<string[]> {
  await page.waitForLoadState("networkidle");
  return page
    .locator("[data-testid=case-list] [data-case-link]")
    .evaluateAll((links) => links.map((a) => a.getAttribute("data-case-link") ?? ""));
}

describe("the township queue with more than 100 cases", () => {
  it("shows every case exactly once across server pages, and says which page is the last", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(async () => void (await screenshot(page, "paging-FAILED").catch(() => undefined)));
    const calls = recordApi(page);
    await signInAs(page, world.url, "officer-chengguan-1");
    await page.goto(`${world.url}/township`);
    await page.locator("[data-testid=case-list] [data-case-link]").first().waitFor();

    // Act: page forward until the last page
    const seen: string[] = [];
    const problems: string[] = [];
    for (let pageNumber = 1; pageNumber <= 10; pageNumber += 1) {
      const rows = await caseLinks(page);
      seen.push(...rows);
      await expect(page.locator("[data-testid=page-number]").innerText()).resolves.toBe(
        `第 ${pageNumber} 页`,
      );
      const violations = await seriousAxeViolations(page);
      if (violations.length) problems.push(JSON.stringify(violations));
      await expectConsoleReadable(page, `queue page ${pageNumber}`);
      if (pageNumber === 1) await consoleScreenshot(page, "township-work-queue");
      if (await page.locator("[data-action=next-page]").isDisabled()) break;
      // The next page is read only once the server's answer for it is shown.
      await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === "/cases" && r.url().includes("cursor=")),
        page.locator("[data-action=next-page]").click(),
      ]);
      await expect.poll(async () => (await caseLinks(page))[0]).not.toBe(rows[0]);
    }
    const pagerText = await page.locator("[data-testid=case-pager]").innerText();

    // Assess
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(new Set(filed.values()));
    expect(pagerText).toContain("已是最后一页");
    expect(problems).toEqual([]);
    // Pages come from the server's cursor, never one capped pull.
    expect(calls.filter((c) => c.path === "/cases").length).toBeGreaterThanOrEqual(3);
    await context.close();
  });

  it("finds a case by name, by whole ID number, and opens one by its number typed in capitals", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(async () => void (await screenshot(page, "paging-FAILED-search").catch(() => undefined)));
    await signInAs(page, world.url, "officer-chengguan-1");
    await page.goto(`${world.url}/township`);
    await page.locator("[data-testid=case-list] [data-case-link]").first().waitFor();
    const target = personOf(37);

    // Act + Assess: by name
    await page.locator("#queue-search").fill(target.name);
    await page.locator("[data-action=search]").click();
    await expect.poll(() => caseLinks(page)).toEqual([filed.get(37)]);
    // by ID number
    await page.locator("#queue-search").fill(personOf(88).idNumber);
    await page.locator("[data-action=search]").click();
    await expect.poll(() => caseLinks(page)).toEqual([filed.get(88)]);
    await expectConsoleReadable(page, "queue searched by ID number");
    // by a case number in capitals
    const caseId = filed.get(5) as string;
    await page.locator("#queue-case-number").fill(caseId.toUpperCase());
    await page.locator("[data-action=open-case]").click();
    await page.waitForURL(`${world.url}/township/cases/${caseId}`);
    await page.locator(`[data-testid=case-number]`).waitFor();
    await expect(page.locator("[data-testid=case-number]").innerText()).resolves.toBe(caseId);
    await context.close();
  });

  it("sorts the page shown by applicant name", async () => {
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    await signInAs(page, world.url, "officer-chengguan-1");
    await page.goto(`${world.url}/township`);
    await page.locator("[data-testid=case-list] [data-case-link]").first().waitFor();
    const header = page.locator("[data-testid=case-list] th", { hasText: "申请人" });
    await header.locator(".sort-caret.ascending").click();
    await page.waitForTimeout(200);
    const names = await page
      .locator("[data-testid=case-list] tbody tr")
      .evaluateAll((rows) => rows.map((r) => (r.querySelectorAll("td")[2]?.textContent ?? "").trim()));
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "zh-CN")));
    await context.close();
  });
});
