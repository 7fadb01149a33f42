/**
 * Screenshots of the consoles for the README: written to docs/screenshots/ when the run is asked to
 * (`AIDFLOW_DOCS_SCREENSHOTS=1`, as `npx tsx scripts/screenshots.ts` does), otherwise beside the other
 * test screenshots so an ordinary test run leaves the repository unchanged.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";
import { screenshot } from "./browser.ts";

export const DOCS_SCREENSHOT_DIR = resolve(import.meta.dirname, "../../../docs/screenshots");

export async function consoleScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.AIDFLOW_DOCS_SCREENSHOTS !== "1") {
    await screenshot(page, `console-${name}`);
    return;
  }
  mkdirSync(DOCS_SCREENSHOT_DIR, { recursive: true });
  await page.mouse.move(0, 0);
  // The viewport, as a reader opens the page: small files, no 5000-pixel pages.
  await page.screenshot({ path: join(DOCS_SCREENSHOT_DIR, `${name}.png`) });
}
