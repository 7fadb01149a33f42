/**
 * Each console at the other size (zh-CN, Asia/Shanghai): the desktop consoles on a phone (390×844)
 * and the applicant's phone console on a desktop (1440×900). A member of staff who opens their console
 * on a phone reads their landing page and one key page: the page body never scrolls sideways (wide
 * tables scroll inside themselves), every header link and the page's key action lie inside the screen
 * once scrolled to, axe finds nothing serious or critical and the text shows no internal code, user id
 * or ISO time. The applicant's 我的申请 and case page on a desktop pass the same checks.
 * Screenshots: test-artifacts/screenshots/console-*-phone.png / -desktop.png; with
 * AIDFLOW_DOCS_SCREENSHOTS=1 they go to docs/screenshots/ for the README.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { signIn } from "#test/e2e/support/api.ts";
import { screenshot, seriousAxeViolations, signInAs } from "./support/browser.ts";
import { DESKTOP_1440, expectConsoleReadable, until } from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";
import { consoleScreenshot } from "./support/docs-screenshots.ts";

const PHONE_390 = { width: 390, height: 844 };
const TOWNSHIP = "230123100";
let world: BrowserCounty;
let caseId = "";

beforeAll(async () => {
  world = await startBrowserCounty("browser-console-sizes");
  const applicant = await signIn(world.url, "applicant-li");
  const filed = await applicant.post<{ caseId: string }>(
    "/cases",
    {
      townshipId: TOWNSHIP,
      hardship: { cause: "traffic-accident" },
      description: "骑车被撞，住院治疗，暂时无法务工，急需生活救助",
      requestedAmountYuan: "900.00",
      applicant: {
        name: "李娜",
        document: { type: "resident-id", number: "110101199003078515" },
        phone: "13900001111",
        registration: { province: "河北省", description: "外省户籍" },
      },
      bankAccount: { holderName: "李娜", bankName: "中国建设银行示例县支行", account: "6217000010002000300" },
    },
    { idempotencyKey: "console-sizes-filing" },
  );
  expect(filed.status, filed.text).toBe(201);
  caseId = filed.body.caseId;
  const approver = await signIn(world.url, "approver-chengguan");
  await until("the advance decision", async () => {
    const progress = await approver.get<{ tasks: Array<{ taskType: string; status: string }> }>(
      `/cases/${caseId}/progress`,
    );
    return progress.body.tasks?.some((t) => t.taskType === "advance-decision" && t.status === "open")
      ? true
      : undefined;
  });
}, 240_000);

afterAll(async () => {
  await world?.close();
});

async function openPage(viewport: { width: number; height: number }, phone: boolean) {
  const context = await world.browser.newContext({
    viewport,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  return { context, page: await context.newPage() };
}

/**
 * What reaches past the right edge of a screen `width` wide (a phone zooms out to show a page wider
 * than itself, so the edge is the screen's, not the page's): the outermost such elements that are not
 * inside a box that scrolls or clips sideways. Empty: the page body never scrolls sideways.
 */
function pastTheEdge(page: Page, width: number): Promise<string[]> {
  return page.evaluate((edge) => {
    const clipped = (element: Element): boolean => {
      for (
        let parent = element.parentElement;
        parent && parent !== document.body;
        parent = parent.parentElement
      ) {
        if (getComputedStyle(parent).overflowX !== "visible") return true;
      }
      return false;
    };
    const found: Element[] = [];
    for (const element of Array.from(document.body.querySelectorAll("*"))) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.right <= edge + 1 || clipped(element)) continue;
      if (found.some((outer) => outer.contains(element))) continue;
      found.push(element);
    }
    const root = document.scrollingElement ?? document.documentElement;
    const page = root.scrollWidth > edge + 1 ? [`the page is ${root.scrollWidth}px wide`] : [];
    return [
      ...page,
      ...found.map((e) => {
        const classes = Array.from(e.classList).slice(0, 3).join(".");
        const right = Math.round(e.getBoundingClientRect().right);
        return `${e.tagName.toLowerCase()}${classes ? `.${classes}` : ""} reaches ${right}px`;
      }),
    ];
  }, width);
}

/** Where `selector`'s first match lies once scrolled to, or why it is out of reach. */
async function outOfReach(page: Page, selector: string, width: number): Promise<string | undefined> {
  const target = page.locator(selector).first();
  await target.waitFor();
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  if (!box) return `${selector}: not shown`;
  if (box.x < 0 || box.x + box.width > width + 0.5) {
    return `${selector}: from x=${Math.round(box.x)} to ${Math.round(box.x + box.width)}, the screen is ${width} wide`;
  }
  return undefined;
}

/** What a reader needs of a page state at this size: no sideways scrolling, the targets in reach, axe, text. */
async function checkState(
  page: Page,
  width: number,
  state: string,
  targets: readonly string[],
): Promise<string[]> {
  await page.waitForLoadState("networkidle");
  const problems: string[] = [];
  for (const what of await pastTheEdge(page, width))
    problems.push(`${state}: ${what}, the screen ${width}px`);
  for (const selector of targets) {
    const why = await outOfReach(page, selector, width);
    if (why) problems.push(`${state}: ${why}`);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  const violations = await seriousAxeViolations(page);
  if (violations.length) problems.push(`${state}: axe ${JSON.stringify(violations)}`);
  await expectConsoleReadable(page, state);
  return problems;
}

/** Taps the case in 我的申请: one tap opens it (the page shows its lists once both are read). */
async function openCase(page: Page, id: string): Promise<void> {
  await page.locator(`[data-case-id="${id}"]`).click();
  await page.waitForURL((url) => url.pathname === `/m/cases/${id}`, { timeout: 10_000 });
}

interface PhoneWalk {
  userId: string;
  landing: string;
  /** What the landing page is for, reachable on the phone. */
  landingTargets: (id: string) => string[];
  keyPath: (id: string) => string;
  /** The key page's action or reading, reachable on the phone. */
  keyTargets: string[];
  shot: string;
  keyShot: string;
  /** What the key page's screenshot shows, scrolled to (the top of the page otherwise). */
  keyShotAt?: string;
}

const NAV_LINKS = ".console__nav a:last-child";
const SIGN_OUT = ".console__signout";

const STAFF: PhoneWalk[] = [
  {
    userId: "officer-chengguan-1",
    landing: "/township",
    landingTargets: () => [NAV_LINKS, SIGN_OUT, "[data-testid=case-list]", "[data-action=search]"],
    keyPath: () => "/township/file",
    keyTargets: ["#ob-name", "#ob-account", "[data-action=file-on-behalf]"],
    shot: "township-officer-landing-phone",
    keyShot: "township-file-on-behalf-phone",
  },
  {
    userId: "approver-chengguan",
    landing: "/township",
    landingTargets: (id) => [NAV_LINKS, SIGN_OUT, `[data-testid=work-queue] [data-work-link="${id}"]`],
    keyPath: (id) => `/township/cases/${id}`,
    keyTargets: [
      "[data-testid=decision-facts]",
      '[data-step-form="advance-decision"] input[name="amountYuan"]',
      '[data-submit="advance-decision"]',
    ],
    shot: "township-approver-landing-phone",
    keyShot: "township-approver-case-phone",
    keyShotAt: '[data-step-form="advance-decision"]',
  },
  {
    userId: "county-civil-1",
    landing: "/county",
    landingTargets: () => [NAV_LINKS, SIGN_OUT, "[data-testid=case-list]"],
    keyPath: () => "/county/satisfaction",
    keyTargets: ["[data-county-satisfaction]", "[data-satisfaction-table]"],
    shot: "county-civil-affairs-landing-phone",
    keyShot: "county-satisfaction-phone",
  },
  {
    userId: "finance-1",
    landing: "/finance",
    landingTargets: () => [NAV_LINKS, SIGN_OUT, "[data-testid=fund-balance]"],
    keyPath: () => "/finance/reconciliation",
    keyTargets: ["[data-action=run-reconciliation]", "[data-action=export-csv]", "[data-action=export-xlsx]"],
    shot: "county-finance-landing-phone",
    keyShot: "finance-reconciliation-phone",
  },
  {
    userId: "auditor-1",
    landing: "/county",
    landingTargets: () => [NAV_LINKS, SIGN_OUT, "[data-testid=case-list]"],
    keyPath: (id) => `/county/cases/${id}`,
    keyTargets: ["[data-testid=case-status]", "[data-testid=audit-table]"],
    shot: "auditor-landing-phone",
    keyShot: "auditor-case-phone",
    keyShotAt: "[data-testid=audit-table]",
  },
];

describe("the desktop consoles on a phone (390×844)", () => {
  for (const role of STAFF) {
    it(`${role.userId}: ${role.landing} and ${role.keyPath(":id")} fit the screen, their actions in reach; readable, axe clean`, async () => {
      // Prepare
      const { page, context } = await openPage(PHONE_390, true);
      onTestFailed(
        async () => void (await screenshot(page, `sizes-FAILED-${role.userId}`).catch(() => undefined)),
      );

      // Act: sign in on the phone, then the key page
      await signInAs(page, world.url, role.userId);
      await page.waitForLoadState("networkidle");
      const landed = new URL(page.url()).pathname;
      const problems = await checkState(page, PHONE_390.width, "landing", role.landingTargets(caseId));
      await consoleScreenshot(page, role.shot);
      await page.goto(`${world.url}${role.keyPath(caseId)}`);
      problems.push(...(await checkState(page, PHONE_390.width, "key page", role.keyTargets)));
      if (role.keyShotAt) await page.locator(role.keyShotAt).first().scrollIntoViewIfNeeded();
      await consoleScreenshot(page, role.keyShot);

      // Assess
      expect(landed).toBe(role.landing);
      expect(problems).toEqual([]);
      await context.close();
    });
  }
});

describe("the applicant's phone console on a desktop (1440×900)", () => {
  it("applicant-li: 我的申请 and the case page fit the screen, actions in reach; readable, axe clean", async () => {
    // Prepare
    const { page, context } = await openPage(DESKTOP_1440, false);
    onTestFailed(async () => void (await screenshot(page, "sizes-FAILED-applicant").catch(() => undefined)));

    // Act
    await signInAs(page, world.url, "applicant-li");
    await page.waitForLoadState("networkidle");
    const landed = new URL(page.url()).pathname;
    const problems = await checkState(page, DESKTOP_1440.width, "my cases", [
      `[data-case-id="${caseId}"]`,
      "[data-tab=apply]",
      ".mobile__signout",
    ]);
    await consoleScreenshot(page, "applicant-my-cases-desktop");
    await openCase(page, caseId);
    problems.push(...(await checkState(page, DESKTOP_1440.width, "case", ["[data-testid=case-status]"])));
    await consoleScreenshot(page, "applicant-case-desktop");

    // Assess
    expect(landed).toBe("/m");
    expect(problems).toEqual([]);
    await context.close();
  });
});
