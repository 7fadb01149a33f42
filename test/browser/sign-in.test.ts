/**
 * Signing in through the local OpenID Connect provider, as the consoles do in AWS: authorization code
 * with PKCE (S256) from the consoles' sign-in button; an officer picks themself on the provider's page
 * and must give the TOTP code of their authenticator — a wrong code is refused in Chinese, the right
 * one lands on the work queue with an ID token recording `mfa`; an applicant signs in without a second
 * factor. The API refuses a staff token whose `amr` lacks `mfa`, and the consoles then ask to sign in.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTotpSecret, totp } from "#local/oidc/totp.ts";
import { demoUser } from "#local/seed/users.ts";
import { ApiClient } from "#test/e2e/support/api.ts";
import {
  newPage,
  screenshot,
  seriousAxeViolations,
  startWebStack,
  type WebStack,
} from "./support/browser.ts";

let stack: WebStack;

beforeAll(async () => {
  stack = await startWebStack("browser-sign-in");
}, 240_000);

afterAll(async () => {
  await stack?.close();
});

/** The consoles' sign-in button; resolves with the provider's authorization request. */
async function startSignIn(page: Page): Promise<URL> {
  await page.goto(`${stack.api.url}/`);
  const authorization = page.waitForRequest((request) => new URL(request.url()).pathname === "/oidc/auth");
  await page.locator("button[data-sign-in]").first().click();
  const request = new URL((await authorization).url());
  await page.waitForURL((url) => url.pathname.startsWith("/oidc/interaction/"));
  return request;
}

function sessionToken(page: Page): Promise<Record<string, unknown>> {
  return page.evaluate(() => {
    const raw = sessionStorage.getItem("aidflow.session");
    const token = raw ? (JSON.parse(raw) as { token: string }).token : "";
    const part = token.split(".")[1] ?? "";
    return JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
  });
}

describe("sign-in through the local OIDC provider", () => {
  it("an officer signs in with code + PKCE and a TOTP code; a wrong code is refused in Chinese", async () => {
    const { context, page } = await newPage(stack.browser);
    try {
      // Act: the consoles send the browser to the provider with a PKCE challenge.
      const request = await startSignIn(page);
      expect(request.searchParams.get("response_type")).toBe("code");
      expect(request.searchParams.get("code_challenge_method")).toBe("S256");
      expect(request.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(request.searchParams.get("client_id")).toBe("aidflow-consoles");
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.locator('button[name="userId"][value="officer-chengguan-1"]').click();
      const code = page.locator('input[name="code"]');
      await code.waitFor();
      const right = totp(demoTotpSecret("officer-chengguan-1"), Date.now());
      const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, "0");
      await code.fill(wrong);
      await page.locator('form button[type="submit"]').click();
      // Assert: refused, in Chinese, still on the code page, not signed in.
      await expect.poll(() => page.locator('[role="alert"]').innerText()).toContain("验证码不正确");
      expect(new URL(page.url()).pathname).toMatch(/^\/oidc\/interaction\//);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, "sign-in-wrong-code");
      // Act: the right code.
      await page.locator('input[name="code"]').fill(totp(demoTotpSecret("officer-chengguan-1"), Date.now()));
      await page.locator('form button[type="submit"]').click();
      await page.waitForURL((url) => url.pathname === "/township");
      // Assert: the session holds the provider's ID token, recording the second factor.
      const claims = await sessionToken(page);
      expect(claims).toMatchObject({
        iss: `${stack.api.url}/oidc`,
        aud: "aidflow-consoles",
        sub: "officer-chengguan-1",
        "cognito:groups": ["township-officer"],
      });
      expect(claims.amr).toContain("mfa");
      expect(Number(claims.exp) - Number(claims.iat)).toBeLessThanOrEqual(15 * 60);
      await expect.poll(() => page.locator("main").innerText()).not.toContain("登录");
    } finally {
      await context.close();
    }
  }, 120_000);

  it("an applicant signs in without a second factor and lands on 掌上办", async () => {
    const { context, page } = await newPage(stack.browser);
    try {
      await startSignIn(page);
      await page.locator('button[name="userId"][value="applicant-zhang"]').click();
      await page.waitForURL((url) => url.pathname === "/m");
      const claims = await sessionToken(page);
      expect(claims).toMatchObject({ sub: "applicant-zhang", "cognito:groups": ["applicant"], amr: ["pwd"] });
    } finally {
      await context.close();
    }
  }, 120_000);

  it("the API refuses a staff token without mfa in amr, and the consoles ask to sign in again", async () => {
    const officer = demoUser("officer-chengguan-1");
    if (!officer) throw new Error("demo user missing");
    const token = stack.api.server.mintToken(officer, { methods: ["pwd"] });
    const refused = await new ApiClient(stack.api.url, token).get<{ messageZh: string }>("/work-queue");
    expect(refused.status).toBe(401);
    expect(refused.body.messageZh).toContain("动态验证码");
    const accepted = await new ApiClient(stack.api.url, stack.api.server.mintToken(officer)).get(
      "/work-queue",
    );
    expect(accepted.status).toBe(200);

    const { context, page } = await newPage(stack.browser);
    try {
      await page.goto(`${stack.api.url}/`);
      await page.evaluate(
        ([t, user]) => sessionStorage.setItem("aidflow.session", JSON.stringify({ token: t, user })),
        [
          token,
          {
            userId: officer.userId,
            name: officer.name,
            roles: officer.roles,
            townshipId: officer.townshipId,
          },
        ] as const,
      );
      await page.goto(`${stack.api.url}/township`);
      await expect.poll(() => page.evaluate(() => sessionStorage.getItem("aidflow.session"))).toBeNull();
    } finally {
      await context.close();
    }
  }, 120_000);
});
