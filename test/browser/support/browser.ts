/**
 * Browser-test support: Debian's Chromium driven by playwright-core (never a browser download), the
 * local API server on this run's DynamoDB Local serving the built consoles, screenshots under
 * `test-artifacts/screenshots/`, and an axe-core check that fails on serious or critical findings.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { demoTotpSecret, totp } from "#local/oidc/totp.ts";
import { ensureWebBuild } from "#local/web-build.ts";
import { startTestApi, type TestApi } from "#test/e2e/support/index.ts";

export const CHROMIUM_PATH = process.env.AIDFLOW_CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = resolve(import.meta.dirname, "../../../test-artifacts/screenshots");

const LAUNCH_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Fails loudly (never skips) when Chromium is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The browser tests need Debian's chromium package: ` +
        "`apt-get install -y chromium` (.ci/run installs it when missing), or set AIDFLOW_CHROMIUM_PATH.",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: LAUNCH_ARGS });
}

export interface WebStack {
  api: TestApi;
  browser: Browser;
  close(): Promise<void>;
}

/** Builds web/dist if stale, starts the API server serving it, and launches Chromium. */
export async function startWebStack(label: string, env?: Record<string, string>): Promise<WebStack> {
  const { distDir } = await ensureWebBuild({ quiet: true });
  const api = await startTestApi({ label, webRoot: distDir, ...(env ? { env } : {}) });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await api.close();
    throw error;
  }
  return {
    api,
    browser,
    close: async () => {
      await browser.close();
      await api.close();
    },
  };
}

export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1366, height: 900 };

/** A fresh browser context (its own sessionStorage) of the given size, in Chinese. */
export async function newPage(
  browser: Browser,
  viewport = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    ...(viewport === PHONE ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  const page = await context.newPage();
  return { context, page };
}

/**
 * Signs in as a person would: the consoles' sign-in button, the local OpenID Connect provider's page
 * (authorization code + PKCE), the user's button there and, for staff, the current code of their
 * demo authenticator (local/oidc/totp.ts); back on the consoles at the role's landing page.
 */
export async function signInAs(page: Page, baseUrl: string, userId: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.locator("button[data-sign-in]").first().click();
  await page.waitForURL((url) => url.pathname.startsWith("/oidc/interaction/"));
  await page.locator(`button[name="userId"][value="${userId}"]`).click();
  // Staff get the code page (the answer to the login form); applicants are sent straight back.
  await page.waitForURL((url) => url.pathname.endsWith("/login") || !url.pathname.startsWith("/oidc"));
  if (new URL(page.url()).pathname.endsWith("/login")) {
    await page.locator('input[name="code"]').fill(totp(demoTotpSecret(userId), Date.now()));
    await page.locator('form button[type="submit"]').click();
  }
  await page.waitForURL(
    (url) => url.pathname !== "/" && !url.pathname.startsWith("/oidc") && url.pathname !== "/auth/callback",
  );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Waits (at most 3 s) for the page's finite CSS transitions and animations to end: a toast or tag
 * caught while fading in or out is measured at part opacity, and its contrast then fails although
 * the settled page passes. Endless animations (spinners) are not waited for.
 */
async function settleTransitions(page: Page): Promise<void> {
  await page.evaluate(async () => {
    // Two frames, so that a transition a class change just started is running and listed.
    for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(() => r(undefined)));
    const finite = document
      .getAnimations()
      .filter((a) => Number.isFinite(Number(a.effect?.getComputedTiming().endTime)));
    await Promise.race([
      Promise.allSettled(finite.map((a) => a.finished)),
      new Promise((r) => setTimeout(r, 3000)),
    ]);
  });
}

/**
 * Serious and critical axe-core violations on the page as it is now. A finding must stand in three
 * reads, each after the transitions settled: a toast that starts to fade out while axe measures it
 * (its timer is the machine's, not the test's) is caught at part opacity once, while a real
 * contrast or markup defect of the page is found every time.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeFinding[]> {
  // The page as a reader sees it, not with the pointer resting on the last button clicked.
  await page.mouse.move(0, 0);
  let findings: AxeFinding[] = [];
  for (let read = 0; read < 3; read++) {
    await settleTransitions(page);
    findings = await axeFindings(page);
    if (findings.length === 0) break;
  }
  return findings;
}

async function axeFindings(page: Page): Promise<AxeFinding[]> {
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? "",
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")),
    }));
}
