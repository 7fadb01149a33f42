/**
 * Accessibility (issue 11): an axe-core scan of each console page in Chromium — no serious or
 * critical WCAG 2.1 A/AA violations. Pages are opened as the role that uses them.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DESKTOP,
  newPage,
  PHONE,
  screenshot,
  seriousAxeViolations,
  signInAs,
  startWebStack,
  type WebStack,
} from "./support/browser.ts";

let stack: WebStack;

beforeAll(async () => {
  stack = await startWebStack("browser-a11y");
});

afterAll(async () => {
  await stack?.close();
});

async function openAs(userId: string | undefined, path: string, viewport = DESKTOP): Promise<Page> {
  const { page } = await newPage(stack.browser, viewport);
  if (userId) await signInAs(page, stack.api.url, userId);
  await page.goto(`${stack.api.url}${path}`);
  await page.waitForLoadState("networkidle");
  return page;
}

const PAGES: Array<{
  name: string;
  userId?: string;
  path: string;
  viewport?: typeof DESKTOP;
  ready: string;
}> = [
  { name: "sign-in", path: "/", ready: "button[data-sign-in]" },
  { name: "applicant-my-cases", userId: "applicant-zhang", path: "/m", viewport: PHONE, ready: "h1" },
  {
    name: "applicant-apply",
    userId: "applicant-zhang",
    path: "/m/apply",
    viewport: PHONE,
    ready: "[data-step=what]",
  },
  { name: "township-work-queue", userId: "officer-chengguan-1", path: "/township", ready: "h1" },
  {
    name: "township-file-on-behalf",
    userId: "officer-chengguan-1",
    path: "/township/file",
    ready: "[data-testid=file-on-behalf]",
  },
  { name: "county-queue", userId: "county-civil-1", path: "/county", ready: "h1" },
  { name: "finance-funds", userId: "finance-1", path: "/finance", ready: "h1" },
  { name: "finance-reconciliation", userId: "finance-1", path: "/finance/reconciliation", ready: "h1" },
  { name: "finance-replenishment", userId: "finance-1", path: "/finance/replenishment", ready: "h1" },
];

describe("each console page passes an axe-core scan with no serious or critical violations", () => {
  for (const entry of PAGES) {
    it(`${entry.name} page has no serious accessibility violations`, async () => {
      // Prepare
      const page = await openAs(entry.userId, entry.path, entry.viewport);
      await page.locator(entry.ready).first().waitFor();
      await screenshot(page, `a11y-${entry.name}`);

      // Act
      const violations = await seriousAxeViolations(page);

      // Assess
      expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
      await page.context().close();
    });
  }
});

describe("Chinese first, English available", () => {
  it("the sign-in page opens in Chinese and switches to English and back", async () => {
    // Prepare
    const { page, context } = await newPage(stack.browser, DESKTOP);
    await page.goto(`${stack.api.url}/`);
    const heading = page.locator("h1");
    await expect(heading.innerText()).resolves.toContain("临时救助");

    // Act
    await page.getByRole("button", { name: /Switch language/ }).click();
    const english = await heading.innerText();
    await page.getByRole("button", { name: /Switch language/ }).click();

    // Assess
    expect(english).toContain("temporary assistance");
    await expect(heading.innerText()).resolves.toContain("临时救助");
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe("zh-CN");
    await context.close();
  });
});
