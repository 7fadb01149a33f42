/**
 * The text a zh-CN reader sees holds no internal code (statuses, causes, document types and kinds,
 * rating levels, payment kinds, task types), no user id of the directory and no ISO timestamp; on a
 * phone, the page fits the screen's width. One scanner for every browser test:
 * `await expectReadable(page, "state name")` after the page settled.
 */
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { DEMO_USERS } from "#local/seed/users.ts";
import { CASE_STATUSES, codesOf } from "../../../web/src/labels.ts";

const TASK_TYPES = [
  "advance-decision",
  "payment-route",
  "fund-replenishment",
  "paperwork",
  "paperwork-co-sign",
  "follow-up",
  "additional-aid-approval",
  "recovery",
  "assessment",
  "public-notice",
  "plan-approval",
  "plan-funds",
  "stage-recheck",
];

/** Codes long or hyphenated enough not to be a Chinese reader's word ("fire" in English text is). */
const CODES = [
  ...CASE_STATUSES,
  ...codesOf("cause"),
  ...codesOf("idType"),
  ...codesOf("documentKind"),
  ...codesOf("ratingLevel"),
  ...codesOf("relation"),
  ...TASK_TYPES,
].filter((code) => code.includes("-") || code.length > 5);

export const INTERNAL_CODE = new RegExp(`(?<![\\w-])(${[...new Set(CODES)].join("|")})(?![\\w-])`);
export const USER_ID = new RegExp(`(?<![\\w-])(${DEMO_USERS.map((u) => u.userId).join("|")})(?![\\w-])`);
export const ISO_TIMESTAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** What is wrong with `text` for a zh-CN reader, or an empty list. */
export function unreadable(text: string): string[] {
  return [INTERNAL_CODE, USER_ID, ISO_TIMESTAMP].flatMap((pattern) => text.match(pattern)?.[0] ?? []);
}

/** Fails when the visible text of the page as it is now shows an internal code, user id or ISO time. */
/** Screens up to this wide are phones: the page must not scroll sideways there. */
const PHONE_WIDTH_MAX = 480;

export async function expectReadable(page: Page, state: string): Promise<void> {
  await page.waitForLoadState("networkidle");
  const text = await page.locator("body").innerText();
  expect(unreadable(text), `${state}: shown to a zh-CN reader in\n${text}`).toEqual([]);
  // On a phone the page fits the screen: nothing scrolls sideways (a wide table scrolls within itself).
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  if (innerWidth <= PHONE_WIDTH_MAX) {
    expect(scrollWidth, `${state}: ${scrollWidth} px wide on a ${innerWidth} px screen`).toBeLessThanOrEqual(
      innerWidth,
    );
  }
}
