/**
 * Each desktop role lands on a page it may use and never calls a route it may not (DOMAIN §1), at
 * 1440×900 in Chinese: every API answer of every page a role visits through its own header is
 * recorded and none is a 403 — the auditor's landing page does not ask for a work queue, township
 * case pages never ask for the audit trail. After each navigation the header keeps its contrast (axe:
 * 0 serious/critical) and the text shows no internal code, user id or ISO time. The auditor reads a
 * case with the applicant's name and account masked.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { RatingStore } from "#adapters/rating-store.ts";
import { signIn } from "#test/e2e/support/api.ts";
import { newPage, screenshot, seriousAxeViolations, signInAs } from "./support/browser.ts";
import {
  type ApiCall,
  DESKTOP_1440,
  expectConsoleReadable,
  recordApi,
  trackApi,
  until,
} from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";
import { consoleScreenshot } from "./support/docs-screenshots.ts";

const TOWNSHIP = "230123100";
const APPLICANT_NAME = "李娜";
const ACCOUNT = "6217000010002000300";
let world: BrowserCounty;
let caseId = "";

beforeAll(async () => {
  world = await startBrowserCounty("browser-roles");
  const applicant = await signIn(world.url, "applicant-li");
  const filed = await applicant.post<{ caseId: string }>(
    "/cases",
    {
      townshipId: TOWNSHIP,
      hardship: { cause: "traffic-accident" },
      description: "骑车被撞，住院治疗，暂时无法务工，急需生活救助",
      requestedAmountYuan: "900.00",
      applicant: {
        name: APPLICANT_NAME,
        document: { type: "resident-id", number: "110101199003078515" },
        phone: "13900001111",
        registration: { province: "河北省", description: "外省户籍" },
      },
      bankAccount: { holderName: APPLICANT_NAME, bankName: "中国建设银行示例县支行", account: ACCOUNT },
    },
    { idempotencyKey: "roles-landing-filing" },
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
});

afterAll(async () => {
  await world?.close();
});

interface RoleWalk {
  userId: string;
  landing: string;
  /** The case page of this role's console, visited after the header's pages. */
  casePath: (id: string) => string;
  shot: string;
}

const ROLES: RoleWalk[] = [
  {
    userId: "officer-chengguan-1",
    landing: "/township",
    casePath: (id) => `/township/cases/${id}`,
    shot: "township-officer",
  },
  {
    userId: "approver-chengguan",
    landing: "/township",
    casePath: (id) => `/township/cases/${id}`,
    shot: "township-approver",
  },
  {
    userId: "county-civil-1",
    landing: "/county",
    casePath: (id) => `/county/cases/${id}`,
    shot: "county-civil-affairs",
  },
  { userId: "finance-1", landing: "/finance", casePath: () => "/finance/waiting", shot: "county-finance" },
  { userId: "auditor-1", landing: "/county", casePath: (id) => `/county/cases/${id}`, shot: "auditor" },
];

describe("each role lands on a page it may use and calls nothing it may not", () => {
  for (const role of ROLES) {
    it(`${role.userId}: lands on ${role.landing}; every page of its header and a case answer without 403; readable, axe clean`, async () => {
      // Prepare
      const { page, context } = await newPage(world.browser, DESKTOP_1440);
      onTestFailed(
        async () => void (await screenshot(page, `roles-FAILED-${role.userId}`).catch(() => undefined)),
      );
      const calls: ApiCall[] = recordApi(page);
      const api = trackApi(page);

      // Act: sign in, then every header link in turn, then a case
      await signInAs(page, world.url, role.userId);
      await page.waitForLoadState("networkidle");
      const landed = new URL(page.url()).pathname;
      await consoleScreenshot(page, `${role.shot}-landing`);
      const problems: string[] = [];
      const check = async (state: string) => {
        const violations = await seriousAxeViolations(page);
        if (violations.length) problems.push(`${state}: ${JSON.stringify(violations)}`);
        await expectConsoleReadable(page, `${role.userId} ${state}`);
      };
      await check("landing");
      const links = await page
        .locator(".console__nav a")
        .evaluateAll((as) => as.map((a) => a.getAttribute("href")));
      for (const href of links) {
        await page.locator(`.console__nav a[href="${href}"]`).click();
        await page.waitForURL((url) => url.pathname === href);
        await api.settled();
        // The current item stays readable after navigation (white on navy, navy on white).
        await expect(page.locator(".console__link--active").innerText()).resolves.not.toBe("");
        await check(`${href}`);
      }
      await page.goto(`${world.url}${role.casePath(caseId)}`);
      await page.waitForLoadState("networkidle");
      await check("case");
      if (role.userId === "auditor-1") {
        // The auditor reads the case with personal data masked.
        const text = await page.locator("body").innerText();
        expect(text).not.toContain(APPLICANT_NAME);
        expect(text).not.toContain(ACCOUNT);
        await page.locator("[data-testid=audit-table]").waitFor();
        await consoleScreenshot(page, "auditor-case");
      }

      // Assess
      expect(landed).toBe(role.landing);
      expect(problems).toEqual([]);
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.filter((c) => c.status === 403 || c.status === 401)).toEqual([]);
      if (role.landing === "/township") expect(calls.filter((c) => c.path.startsWith("/audit"))).toEqual([]);
      if (role.userId === "auditor-1") expect(calls.filter((c) => c.path === "/work-queue")).toEqual([]);
      await context.close();
    });
  }
});

describe("the county reads the service ratings (好差评) by township", () => {
  it("county civil affairs sees each township's ratings, satisfied and share satisfied, per level", async () => {
    // Prepare: two ended cases of 城关镇 rated 满意 and 不满意 (the rating route is tested in test/e2e/rating.test.ts)
    const { runtime } = world.county;
    const ratings = new RatingStore(DynamoDBDocumentClient.from(runtime.dynamo), runtime.tables.main);
    for (const [n, level] of [
      [1, "satisfied"],
      [2, "dissatisfied"],
    ] as const) {
      await ratings.putOnce({
        caseId: `C-RATED-${n}`,
        countyId: "230123",
        townshipId: TOWNSHIP,
        level,
        ...(level === "dissatisfied" ? { reason: "等待时间较长" } : {}),
        ratedBy: "applicant-zhang",
        ratedAt: new Date().toISOString(),
      });
    }
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    const calls = recordApi(page);

    // Act
    await signInAs(page, world.url, "county-civil-1");
    await page.locator('.console__nav a[href="/county/satisfaction"]').click();
    await page
      .locator("[data-ready=satisfaction] [data-satisfaction-table] .el-table__row")
      .first()
      .waitFor();
    await page.waitForLoadState("networkidle");
    const row = page.locator("[data-satisfaction-table] .el-table__row", { hasText: "城关镇" });

    // Assess: 2 ratings, 1 satisfied, 50.0 %, one 满意 and one 不满意
    await expect(row.innerText()).resolves.toMatch(/城关镇\s+2\s+1\s+50\.0%\s+0\s+1\s+0\s+1\s+0/);
    await expect(page.locator("[data-county-satisfaction]").innerText()).resolves.toContain("50.0%");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await expectConsoleReadable(page, "county satisfaction");
    expect(calls.filter((c) => c.status >= 400)).toEqual([]);
    await context.close();
  });
});
