/**
 * The consoles judge deadlines by the county's business clock, not the device's (web/src/businessClock.ts,
 * the `x-business-time` header of every answer): the county runs the manual clock five weeks behind the
 * wall clock while Chromium keeps the wall clock. A township approver's queue and the case page say the
 * advance decision is due in so many hours (by the device's clock it would read "已逾期 N 天"); once the
 * county's clock passes the deadline and the flow escalates the step, the county's queue says it is overdue and
 * when the next reminder is (by the device's clock that reminder would already be past and not shown).
 * In Chromium at 1440×900 and 375×812.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { residentIdCheckCharacter } from "#core/identity/residentId.ts";
import { isManualClock, type ManualClock } from "#local/clock.ts";
import { signIn } from "#test/e2e/support/api.ts";
import { newPage, PHONE, screenshot, signInAs } from "./support/browser.ts";
import { DESKTOP_1440, until } from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";

const TOWNSHIP = "230123100";
const DAY_MS = 86_400_000;
/** A Monday 09:00 in Beijing at least five weeks before the wall clock: far from the device's clock. */
const START_MS = (() => {
  const earliest = Date.now() - 35 * DAY_MS;
  const day = new Date(earliest + 8 * 3_600_000); // the Beijing calendar, read as UTC
  const back = (day.getUTCDay() + 6) % 7; // days since Monday
  const monday = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() - back - 7);
  return monday + 1 * 3_600_000; // 09:00 in Beijing is 01:00 UTC
})();

interface Task {
  taskType: string;
  status: string;
  escalated?: boolean;
  dueAt?: string | null;
}

let world: BrowserCounty;
let clock: ManualClock;
let caseId = "";

/** The queue's wording of a deadline seen at `nowMs` (web/src/format.ts dueIn, zh-CN). */
function dueWords(dueAt: string, nowMs: number): string {
  const hours = Math.round((Date.parse(dueAt) - nowMs) / 3_600_000);
  if (hours >= 48) return `${Math.round(hours / 24)} 天后到期`;
  if (hours >= 0) return `${hours} 小时内到期`;
  if (hours > -48) return `已逾期 ${-hours} 小时`;
  return `已逾期 ${Math.round(-hours / 24)} 天`;
}

async function advanceTask(escalated: boolean): Promise<Task> {
  const approver = await signIn(world.url, "approver-chengguan");
  return until(`${caseId}: advance-decision${escalated ? " escalated" : ""}`, async () => {
    const progress = (await approver.get<{ tasks?: Task[] }>(`/cases/${caseId}/progress`)).body;
    return progress.tasks?.find(
      (t) => t.taskType === "advance-decision" && t.status === "open" && (!escalated || t.escalated === true),
    );
  });
}

async function staffPage(
  userId: string,
  viewport = DESKTOP_1440,
): Promise<{ page: Page; close: () => Promise<void> }> {
  const { page, context } = await newPage(world.browser, viewport);
  onTestFailed(async () => void (await screenshot(page, "business-clock-FAILED").catch(() => undefined)));
  await signInAs(page, world.url, userId);
  return { page, close: () => context.close() };
}

const workRow = (page: Page) =>
  page.locator("[data-testid=work-queue] tbody tr", { has: page.locator(`[data-work-link="${caseId}"]`) });

beforeAll(async () => {
  world = await startBrowserCounty("browser-business-clock", {
    clock: { mode: "manual", startMs: START_MS },
  });
  const runtimeClock = world.county.runtime.clock;
  if (!isManualClock(runtimeClock)) throw new Error("this test needs the manual clock");
  clock = runtimeClock;
  const first17 = "23012319900307851";
  const applicant = await signIn(world.url, "applicant-li");
  const filed = await applicant.post<{ caseId: string }>(
    "/cases",
    {
      townshipId: TOWNSHIP,
      hardship: { cause: "traffic-accident" },
      description: "骑车被撞，住院治疗，暂时无法务工，急需生活救助",
      applicant: {
        name: "李娜",
        document: { type: "resident-id", number: `${first17}${residentIdCheckCharacter(first17)}` },
        phone: "13900001111",
        registration: { province: "黑龙江省", description: "本县户籍" },
      },
      bankAccount: { holderName: "李娜", bankName: "中国建设银行示例县支行", account: "6217000010002000300" },
    },
    { idempotencyKey: "business-clock-filing" },
  );
  expect(filed.status, filed.text).toBe(201);
  caseId = filed.body.caseId;
});

afterAll(async () => {
  await world?.close();
});

describe("deadlines on the county's business clock", () => {
  it("the queue and the case page count the advance decision's hours by the county's clock", async () => {
    const task = await advanceTask(false);
    const dueAt = task.dueAt ?? "";
    const expected = dueWords(dueAt, clock.nowMs());
    // The device's clock would call it long overdue: the two clocks really disagree here.
    expect(expected).not.toContain("已逾期");
    expect(dueWords(dueAt, Date.now())).toMatch(/^已逾期 \d+ 天$/);

    for (const [viewport, name] of [
      [DESKTOP_1440, "1440"],
      [PHONE, "375"],
    ] as const) {
      const { page, close } = await staffPage("approver-chengguan", viewport);
      await page.goto(`${world.url}/township`);
      await workRow(page).waitFor();
      const rowText = await workRow(page).innerText();
      expect(rowText).toContain(expected);
      expect(rowText).not.toContain("已逾期");
      await page.waitForLoadState("networkidle");
      await screenshot(page, `business-clock-queue-${name}`);

      await page.goto(`${world.url}/township/cases/${caseId}`);
      const next = page.locator("[data-testid=next-step]");
      await next.waitFor();
      const nextText = await next.innerText();
      expect(nextText).toContain(`（${expected}）`);
      expect(nextText).not.toContain("已逾期");
      await page.waitForLoadState("networkidle");
      await screenshot(page, `business-clock-case-${name}`);
      await close();
    }
  });

  it("once the county's clock passes the deadline, the county's queue says overdue and when the next reminder is", async () => {
    const open = await advanceTask(false);
    await clock.advanceTo(Date.parse(open.dueAt ?? "") + 60_000);
    const escalated = await advanceTask(true);
    const reminderMs = Date.parse(escalated.dueAt ?? "");
    // The next reminder is ahead on the county's clock and long past on the device's.
    expect(reminderMs).toBeGreaterThan(clock.nowMs());
    expect(reminderMs).toBeLessThan(Date.now());

    // The escalated advance is the county's to decide: county civil affairs' queue lists it.
    const { page, close } = await staffPage("county-civil-1");
    await page.goto(`${world.url}/county`);
    await workRow(page).waitFor();
    await expect(workRow(page).getAttribute("class")).resolves.toContain("queue__row--overdue");
    await expect(workRow(page).locator("[data-testid=late]").innerText()).resolves.toBe("已逾期");
    await expect(workRow(page).innerText()).resolves.toContain("下次提醒");
    await page.waitForLoadState("networkidle");
    await screenshot(page, "business-clock-queue-escalated-1440");
    await close();
  });
});
