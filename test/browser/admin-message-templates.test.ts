/**
 * 短信模板 in the administration console (issue 24) at 1440×900 in Chinese: the county
 * administrator opens the page from the nav, sees every message with its variables and longest
 * length; a 办结告知 text far over two SMS segments and a link that is not https are refused with
 * the API's Chinese messages beside the text and the link, and nothing is saved; the fixed text
 * and link are saved, shown as the county's own, and used by the API afterwards. Each state: axe
 * clean, no internal code, user id or ISO time in the text.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { signIn } from "#test/e2e/support/api.ts";
import { newPage, screenshot, seriousAxeViolations, signInAs } from "./support/browser.ts";
import { DESKTOP_1440, expectConsoleReadable } from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";

const COUNTY = "230123";
let world: BrowserCounty;

beforeAll(async () => {
  world = await startBrowserCounty("browser-message-templates");
}, 180_000);

afterAll(async () => {
  await world?.close();
});

interface View {
  ratingUrl: string | null;
  events: { event: string; template: string; own: boolean }[];
}

describe("短信模板", () => {
  it("county-admin-1 edits the 办结告知 text and the 好差评 link; a refused save shows why beside each field", async () => {
    // Prepare
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(
      async () => void (await screenshot(page, "message-templates-FAILED").catch(() => undefined)),
    );
    const clean = async (state: string) => {
      expect(await seriousAxeViolations(page), state).toEqual([]);
      await expectConsoleReadable(page, state);
    };
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") pageErrors.push(message.text());
    });
    onTestFailed(() => console.error("page errors:", pageErrors.join("\n")));
    await signInAs(page, world.url, "county-admin-1");
    await page.locator("[data-ready=admin-users][data-loaded=yes]").waitFor();

    // Act: open from the nav
    await page.locator(".console__link", { hasText: "短信模板" }).click();
    await page.locator("[data-ready=admin-message-templates][data-loaded=yes]").waitFor();

    // Assess: every message, its variables and its length
    expect(new URL(page.url()).pathname).toBe("/admin/messages");
    const closed = page.locator("[data-template=case-closed]");
    await expect(closed.innerText()).resolves.toContain("办结告知");
    await expect(closed.innerText()).resolves.toContain("{ratingUrl} 好差评链接");
    await expect(closed.locator("[data-length]").innerText()).resolves.toMatch(
      /^最长 \d+ 字，约 [12] 条短信$/,
    );
    expect(await page.locator("[data-template]").count()).toBe(15);
    await expect(page.locator("[data-sms-facts]").innerText()).resolves.toContain("未开通短信");
    await clean("templates listed");
    await screenshot(page, "message-templates-01-listed");

    // Act: a text far over two segments and an http link
    const textarea = closed.locator("textarea");
    await textarea.fill(
      `{salutation}，${"您的临时救助案件已经办结，感谢您的耐心等待。".repeat(5)}{ratingUrl}`,
    );
    await expect(closed.locator("[data-length]").innerText()).resolves.toContain("请精简");
    await page.locator("#rating-url").fill("http://hcp.example.gov.cn/r");
    await page.locator("[data-action=save-templates]").click();

    // Assess: the API's reasons beside the text and the link; nothing saved
    await expect.poll(() => closed.locator(".el-form-item__error").innerText()).toContain("超过 2 条短信");
    await expect(page.locator(".el-form-item__error", { hasText: "https" }).count()).resolves.toBe(1);
    await expect(page.locator("[data-save-error]").innerText()).resolves.toBe("请按提示修改标红的内容");
    const admin = await signIn(world.url, "county-admin-1");
    const unchanged = await admin.get<View>(`/admin/counties/${COUNTY}/message-templates`);
    expect(unchanged.body.ratingUrl).toBeNull();
    expect(unchanged.body.events.find((e) => e.event === "case-closed")?.own).toBe(false);
    await clean("refused");
    await screenshot(page, "message-templates-02-refused");

    // Act: fixed
    const own = "{salutation}，您的临时救助案件{caseNumber}已办结，请评价：{ratingUrl}";
    await textarea.fill(own);
    await page.locator("#rating-url").fill("https://hcp.example.gov.cn/r");
    await page.locator("[data-action=save-templates]").click();

    // Assess: saved, shown as the county's own, and what the API now answers
    await page.locator(".el-message--success", { hasText: "已保存" }).waitFor();
    await expect(closed.innerText()).resolves.toContain("本县文字");
    await expect(page.locator("[data-updated]").innerText()).resolves.toMatch(/^最近修改：\d{4}年/);
    const saved = await admin.get<View>(`/admin/counties/${COUNTY}/message-templates`);
    expect(saved.body.ratingUrl).toBe("https://hcp.example.gov.cn/r");
    expect(saved.body.events.find((e) => e.event === "case-closed")).toMatchObject({
      template: own,
      own: true,
    });
    expect(saved.body.events.filter((e) => e.own).map((e) => e.event)).toEqual(["case-closed"]);
    await clean("saved");
    await screenshot(page, "message-templates-03-saved");
    await context.close();
  }, 180_000);
});
