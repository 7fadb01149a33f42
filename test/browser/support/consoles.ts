/**
 * Desktop-console test support: what the API answered to each page (to prove a role never calls a
 * route it may not), the readable-text scan with the consoles' own leaks added (payment ids such as
 * `C20261206-….advance`, policy version codes such as `230123-2026-01`), confirmation dialogs, and
 * cases filed through the API with a photo.
 */
import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import type { ApiClient } from "#test/e2e/support/api.ts";
import { expectReadable } from "./readable.ts";

export const DESKTOP_1440 = { width: 1440, height: 900 };

export interface ApiCall {
  method: string;
  path: string;
  status: number;
}

/** Records every API call the page makes (fetch/XHR), with its status. */
export function recordApi(page: Page): ApiCall[] {
  const calls: ApiCall[] = [];
  page.on("response", (response) => {
    const type = response.request().resourceType();
    if (type !== "fetch" && type !== "xhr") return;
    const url = new URL(response.url());
    calls.push({ method: response.request().method(), path: url.pathname, status: response.status() });
  });
  return calls;
}

/**
 * Tracks the page's fetch/XHR requests: `settled()` resolves once none has been in flight for
 * `quietMs`. Playwright's `waitForLoadState("networkidle")` is a navigation's load state: after a
 * client-side navigation (a console's own links) it returns at once, before the new page's requests
 * are even answered, so a check after it may read a page still loading.
 */
export function trackApi(page: Page): { settled(quietMs?: number, timeoutMs?: number): Promise<void> } {
  let inFlight = 0;
  let changedAt = Date.now();
  const isApi = (type: string) => type === "fetch" || type === "xhr";
  page.on("request", (request) => {
    if (!isApi(request.resourceType())) return;
    inFlight += 1;
    changedAt = Date.now();
  });
  const done = (request: { resourceType(): string }) => {
    if (!isApi(request.resourceType())) return;
    inFlight -= 1;
    changedAt = Date.now();
  };
  page.on("requestfinished", done);
  page.on("requestfailed", done);
  return {
    settled: async (quietMs = 300, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (inFlight > 0 || Date.now() - changedAt < quietMs) {
        if (Date.now() > deadline)
          throw new Error(`${inFlight} API requests still in flight after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

const PAYMENT_ID = /C\d{8}-[0-9a-f]+\.(advance|follow-up|stage)/;
const POLICY_VERSION = /(?<!\d)\d{6}-\d{4}-\d{2}(?!\d)/;

/** No internal code, user id, ISO time, payment id or policy version code in the page's visible text. */
export async function expectConsoleReadable(page: Page, state: string): Promise<void> {
  await expectReadable(page, state);
  const text = await page.locator("body").innerText();
  expect(text.match(PAYMENT_ID)?.[0], `${state}: payment id shown in\n${text}`).toBeUndefined();
  expect(text.match(POLICY_VERSION)?.[0], `${state}: policy version code shown in\n${text}`).toBeUndefined();
}

/** Reads the open confirmation dialog, confirms it, and returns what it said. */
export async function confirmDialog(page: Page): Promise<string> {
  const box = page.locator(".el-message-box");
  await box.waitFor();
  const text = await box.innerText();
  await page.locator(".af-confirm-ok").click();
  await box.waitFor({ state: "hidden" });
  return text;
}

/** 1×1 PNG: a "camera" photo. */
export const PHOTO_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

/** Attaches a photo to a case the way the consoles do: an upload ticket, then the bytes. */
export async function attachPhoto(client: ApiClient, baseUrl: string, caseId: string): Promise<void> {
  const answer = await client.post<{
    upload: { url: string; method?: string; headers?: Record<string, string> };
  }>(
    `/cases/${caseId}/documents`,
    {
      kind: "incident-proof",
      fileName: "scene.png",
      contentType: "image/png",
      sizeBytes: PHOTO_PNG.length,
    },
    { idempotencyKey: randomUUID() },
  );
  expect(answer.status, answer.text).toBe(201);
  const url = new URL(answer.body.upload.url, baseUrl);
  const put = await fetch(url, {
    method: answer.body.upload.method ?? "PUT",
    headers: answer.body.upload.headers ?? {},
    body: PHOTO_PNG,
  });
  expect(put.ok, `upload: HTTP ${put.status}`).toBe(true);
}

export async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Picks a month (`YYYY-MM`) in a zh-CN month picker as a user types it: "2026年10月", Enter; the
 * field then shows the month in Chinese.
 */
export async function pickMonth(page: Page, selector: string, period: string): Promise<void> {
  const [year, month] = period.split("-").map(Number);
  const text = `${year}年${month}月`;
  const field = page.locator(selector);
  await field.fill(text);
  await field.press("Enter");
  await expect.poll(() => field.inputValue()).toBe(text);
}
