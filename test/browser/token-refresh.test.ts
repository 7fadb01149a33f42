/**
 * Signed in through the local OpenID Connect provider (code + PKCE, TOTP), an officer keeps working
 * past the ID token's 15 minutes: the consoles renew it with the refresh token, without a page change
 * and without asking to sign in again. Time moves on both sides — the browser's clock (Playwright's)
 * and the server's (the test process's `Date`, where the API verifies tokens and the provider issues
 * them) — so the first token is really expired for the API when the officer goes on. Three ways a
 * token runs out: the page is open (renewed a minute before), the tab slept past the expiry (renewed
 * on waking), the page is reloaded after the expiry (renewed before the page asks the API). In none
 * of them does the page drop its session, even for a moment.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed, vi } from "vitest";
import { ApiClient } from "#test/e2e/support/api.ts";
import { newPage, screenshot, signInAs, startWebStack, type WebStack } from "./support/browser.ts";
import { type ApiCall, recordApi } from "./support/consoles.ts";
import { expectReadable } from "./support/readable.ts";

const OFFICER = "officer-chengguan-1";
const MINUTE_MS = 60_000;
let stack: WebStack;

beforeAll(async () => {
  stack = await startWebStack("browser-token-refresh");
}, 240_000);

afterAll(async () => {
  await stack?.close();
});

afterEach(() => {
  vi.useRealTimers();
});

interface Session {
  token: string;
  exp: number;
  iat: number;
}

/** The consoles' session as the page holds it: the ID token and its times (seconds). */
async function sessionOf(page: Page): Promise<Session | undefined> {
  const token = await page.evaluate(() => {
    const raw = sessionStorage.getItem("aidflow.session");
    return raw ? (JSON.parse(raw) as { token: string | null }).token : null;
  });
  if (!token) return undefined;
  const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
    exp: number;
    iat: number;
  };
  return { token, exp: claims.exp, iat: claims.iat };
}

/**
 * Signs the officer in with both clocks under the test's hand: the browser's installed before the
 * first page (it then runs on by itself until told otherwise), the server's `Date` faked and running.
 */
async function signedInOfficer(): Promise<{ context: BrowserContext; page: Page; calls: ApiCall[] }> {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  const { context, page } = await newPage(stack.browser);
  onTestFailed(async () => void (await screenshot(page, "token-refresh-FAILED").catch(() => undefined)));
  await context.clock.install();
  // Whether the page ever dropped the session (signed out, if only until a late renewal put it back).
  await context.addInitScript(() => {
    const remove = Storage.prototype.removeItem;
    Storage.prototype.removeItem = function (this: Storage, key: string) {
      if (key === "aidflow.session") sessionStorage.setItem("test.sessionDropped", "yes");
      remove.call(this, key);
    };
  });
  const calls = recordApi(page);
  await signInAs(page, stack.api.url, OFFICER);
  await page.waitForURL((url) => url.pathname === "/township");
  await page.waitForLoadState("networkidle");
  return { context, page, calls };
}

/** The server's clock jumps ahead by `ms` (the test process's `Date`). */
function serverAdvance(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}

function sessionDropped(page: Page): Promise<boolean> {
  return page.evaluate(() => sessionStorage.getItem("test.sessionDropped") === "yes");
}

/** Waits until the page holds a token other than `before` (the renewal's answer arrived). */
async function renewedFrom(page: Page, before: Session): Promise<Session> {
  await expect.poll(async () => (await sessionOf(page))?.token, { timeout: 15_000 }).not.toBe(before.token);
  const after = await sessionOf(page);
  if (!after) throw new Error("signed out instead of renewed");
  return after;
}

/** The officer goes on: another page of the console and back to the work queue, each answered. */
async function goOn(page: Page, calls: ApiCall[]): Promise<ApiCall[]> {
  const from = calls.length;
  await page.locator('.console__nav a[href="/township/file"]').click();
  await page.waitForURL((url) => url.pathname === "/township/file");
  // The work queue's own answer, not "networkidle": a client-side navigation does not reset the
  // page's load state, so that wait returns at once and the answers may not be in yet.
  const queueAnswered = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith("/work-queue"));
  await page.locator('.console__nav a[href="/township"]').click();
  await page.waitForURL((url) => url.pathname === "/township");
  await page.locator("[data-testid=case-list]").waitFor();
  await queueAnswered;
  return calls.slice(from);
}

/** The first token, now past its time for the API too: refused. */
async function expectRefusedByApi(session: Session): Promise<void> {
  const refused = await new ApiClient(stack.api.url, session.token).get("/work-queue");
  expect(refused.status).toBe(401);
}

describe("an officer keeps working past the token's 15 minutes (refresh token)", () => {
  it("with the page open: renewed a minute before expiry, no sign-in page, the API answers the new token", async () => {
    // Prepare
    const { context, page, calls } = await signedInOfficer();
    try {
      const first = await sessionOf(page);
      if (!first) throw new Error("not signed in");
      expect(first.exp - first.iat).toBe(15 * 60);

      // Act: 14½ minutes pass on both clocks; the page's timers that came due in them fire
      serverAdvance(14.5 * MINUTE_MS);
      await page.clock.fastForward(14.5 * MINUTE_MS);
      const renewed = await renewedFrom(page, first);
      // … and the first token's time runs out: 16½ minutes after signing in
      serverAdvance(2 * MINUTE_MS);
      await page.clock.fastForward(2 * MINUTE_MS);
      const answers = await goOn(page, calls);

      // Assess
      expect(renewed.iat).toBeGreaterThan(first.iat);
      expect(renewed.exp).toBeGreaterThan(first.exp);
      await expectRefusedByApi(first);
      expect(new URL(page.url()).pathname).toBe("/township");
      expect(answers.length).toBeGreaterThan(0);
      expect(answers.filter((c) => c.status === 401)).toEqual([]);
      expect((await sessionOf(page))?.token).toBe(renewed.token);
      expect(await sessionDropped(page)).toBe(false);
      await expect(page.locator("[data-testid=signed-in-as]").innerText()).resolves.toContain("经办人");
      await expectReadable(page, "after renewal");
      await screenshot(page, "token-refresh-open");
    } finally {
      await context.close();
    }
  }, 120_000);

  it("a tab asleep past the expiry (a closed laptop) renews on waking and goes on", async () => {
    // Prepare
    const { context, page, calls } = await signedInOfficer();
    try {
      const first = await sessionOf(page);
      if (!first) throw new Error("not signed in");

      // Act: 20 minutes go by at once: the page's timers fire once, late, as on waking
      serverAdvance(20 * MINUTE_MS);
      await page.clock.fastForward(20 * MINUTE_MS);
      const renewed = await renewedFrom(page, first);
      const answers = await goOn(page, calls);

      // Assess
      expect(renewed.exp).toBeGreaterThan(first.exp);
      await expectRefusedByApi(first);
      expect(new URL(page.url()).pathname).toBe("/township");
      expect(answers.length).toBeGreaterThan(0);
      expect(answers.filter((c) => c.status === 401)).toEqual([]);
      expect((await sessionOf(page))?.token).toBe(renewed.token);
      expect(await sessionDropped(page)).toBe(false);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("a reload after the expiry renews before the page asks the API: same page, no refused call", async () => {
    // Prepare: the officer on a page of their console
    const { context, page, calls } = await signedInOfficer();
    try {
      await page.locator('.console__nav a[href="/township/file"]').click();
      await page.waitForURL((url) => url.pathname === "/township/file");
      const first = await sessionOf(page);
      if (!first) throw new Error("not signed in");
      // The page's clock stands still, so none of its timers renews the token before the reload.
      const pageNowMs = await page.evaluate(() => Date.now());
      await page.clock.pauseAt(pageNowMs + 1000);

      // Act: 20 minutes later the page is reloaded
      serverAdvance(20 * MINUTE_MS);
      await page.clock.setSystemTime(pageNowMs + 1000 + 20 * MINUTE_MS);
      const from = calls.length;
      await page.reload();
      await page.clock.resume();
      await page.locator("[data-action=file-on-behalf]").waitFor();
      await page.waitForLoadState("networkidle");
      const renewed = await renewedFrom(page, first);

      // Assess
      await expectRefusedByApi(first);
      expect(new URL(page.url()).pathname).toBe("/township/file");
      expect(calls.slice(from).filter((c) => c.status === 401)).toEqual([]);
      expect(renewed.exp).toBeGreaterThan(first.exp);
      expect(await sessionDropped(page)).toBe(false);
      await expect(page.locator("[data-testid=signed-in-as]").innerText()).resolves.toContain("经办人");
    } finally {
      await context.close();
    }
  }, 120_000);
});
