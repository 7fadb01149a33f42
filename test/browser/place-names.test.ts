/**
 * A county onboarded by an administrator reads by its names in the consoles: the officer of 示例二县
 * (imported as `npm start` does, its staff created by the import, its names in no label catalogue)
 * sees their township's name in the header, and the province administrator's county picker names
 * both counties — read from the county directory (web/src/places.ts), never a code.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { seedSecondDemoCounty } from "#local/seed/seed.ts";
import { signIn } from "#test/e2e/support/api.ts";
import { newPage, screenshot, signInAs } from "./support/browser.ts";
import { DESKTOP_1440 } from "./support/consoles.ts";
import { type BrowserCounty, startBrowserCounty } from "./support/county.ts";

let world: BrowserCounty;
let officerId = "";

beforeAll(async () => {
  world = await startBrowserCounty("browser-place-names");
  const runtime = world.county.runtime;
  await seedSecondDemoCounty({
    client: runtime.dynamo,
    tables: runtime.tables,
    nowMs: () => runtime.clock.nowMs(),
  });
  const province = await signIn(world.url, "province-admin-1");
  const staff = await province.get<{ users: Array<{ userId: string; name: string }> }>(
    "/admin/counties/230191/users",
  );
  officerId = staff.body.users.find((u) => u.name === "宋雨")?.userId ?? "";
}, 240_000);

afterAll(async () => {
  await world?.close();
});

describe("place names from the county directory", () => {
  it("the officer of an imported county sees 东山镇 in the header, not its code", async () => {
    // Prepare
    expect(officerId).not.toBe("");
    const { page, context } = await newPage(world.browser, DESKTOP_1440);
    onTestFailed(async () => void (await screenshot(page, "place-names-FAILED").catch(() => undefined)));
    // Act
    await signInAs(page, world.url, officerId);
    const header = page.locator("[data-testid=signed-in-as]");
    await expect.poll(() => header.innerText(), { timeout: 15_000 }).toContain("东山镇");
    // Assess
    const text = await header.innerText();
    expect(text).toContain("宋雨");
    expect(text).not.toMatch(/\d{6,}/);
    await context.close();
  }, 120_000);
});
