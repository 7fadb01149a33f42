import { describe, expect, it } from "vitest";
import { actorFromClaims, parseGroups } from "#functions/http/actor.ts";
import { authorizerClaims, createTokenVerifier } from "#functions/http/token-verifier.ts";
import { devSignIn } from "#local/http/dev-auth.ts";
import { compileRoutes, matchRoute } from "#local/http/routes.ts";
import { createLocalOidc, LOCAL_CLIENT_ID } from "#local/oidc/provider.ts";
import { base32Encode, demoTotpSecret, totp, verifyTotp } from "#local/oidc/totp.ts";
import { DEMO_USERS, demoUser } from "#local/seed/users.ts";

const oidc = createLocalOidc({
  baseUrl: "http://127.0.0.1:9",
  secret: "unit-secret",
  accounts: () => DEMO_USERS,
});
const verifier = createTokenVerifier({
  issuer: oidc.issuer,
  audience: [LOCAL_CLIENT_ID],
  jwksUri: `${oidc.issuer}/jwks`,
  jwks: oidc.jwks,
});
const now = Date.now();
const body = (value: unknown) => Buffer.from(JSON.stringify(value));

describe("local sign-in: tokens of the local OIDC provider, verified as the API verifies any issuer's", () => {
  it("an approver with the current TOTP code gets a token that becomes the same actor as in AWS", async () => {
    const code = totp(demoTotpSecret("approver-hedong"), now);
    const signedIn = devSignIn(body({ userId: "approver-hedong", totp: code }), DEMO_USERS, oidc, now);
    expect(signedIn.claims).toMatchObject({ iss: "http://127.0.0.1:9/oidc", amr: ["pwd", "otp", "mfa"] });
    const claims = await verifier.verify(signedIn.token);
    expect(claims?.amr).toBe("[pwd otp mfa]");
    expect(actorFromClaims(claims)).toEqual({
      userId: "approver-hedong",
      name: "黄强",
      roles: ["township-approver"],
      countyId: "230123",
      townshipId: "230123200",
    });
  });

  it("staff without a code, with a wrong code or another user's code are refused in Chinese", () => {
    const right = totp(demoTotpSecret("auditor-1"), now);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    for (const request of [{ userId: "auditor-1" }, { userId: "auditor-1", totp: wrong }]) {
      expect(() => devSignIn(body(request), DEMO_USERS, oidc, now)).toThrow(
        expect.objectContaining({ statusCode: 401, messageZh: "工作人员须输入身份验证器中当前的动态验证码" }),
      );
    }
    // The code is right only within ±30 s of its step.
    expect(() =>
      devSignIn(body({ userId: "auditor-1", totp: right }), DEMO_USERS, oidc, now + 5 * 60_000),
    ).toThrow(expect.objectContaining({ statusCode: 401 }));
  });

  it("an applicant signs in without a second factor; an unknown user is a 400 on userId", () => {
    const signedIn = devSignIn(body({ userId: "applicant-li" }), DEMO_USERS, oidc, now);
    expect(signedIn.claims.amr).toEqual(["pwd"]);
    expect(() => devSignIn(body({ userId: "nobody" }), DEMO_USERS, oidc, now)).toThrow(
      expect.objectContaining({ statusCode: 400, fields: [expect.objectContaining({ path: "userId" })] }),
    );
  });

  it("refuses another provider's key, an altered payload and an expired token", async () => {
    const auditor = demoUser("auditor-1");
    if (!auditor) throw new Error("demo user missing");
    const other = createLocalOidc({
      baseUrl: "http://127.0.0.1:9",
      secret: "another-installation",
      accounts: () => DEMO_USERS,
    });
    expect(await verifier.verify(other.mintToken(auditor))).toBeUndefined();
    const token = oidc.mintToken(auditor);
    const [h, p, s] = token.split(".");
    const payload = JSON.parse(Buffer.from(p ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...payload, "cognito:groups": ["county-finance"] }));
    expect(await verifier.verify(`${h}.${forged.toString("base64url")}.${s}`)).toBeUndefined();
    const expired = oidc.mintToken(auditor, { nowSeconds: Math.floor(now / 1000) - 3600, ttlSeconds: 900 });
    expect(await verifier.verify(expired)).toBeUndefined();
    expect(await verifier.verify(token)).toBeDefined();
  });

  it("the API refuses a staff token whose amr lacks mfa, and accepts an applicant's", () => {
    const officer = demoUser("officer-chengguan-1");
    const applicant = demoUser("applicant-zhang");
    if (!officer || !applicant) throw new Error("demo user missing");
    const staffClaims = authorizerClaims({
      sub: officer.userId,
      "cognito:groups": [...officer.roles],
      "custom:county": officer.countyId,
      "custom:township": officer.townshipId,
      amr: ["pwd"],
    });
    expect(() => actorFromClaims(staffClaims)).toThrow(
      expect.objectContaining({
        statusCode: 401,
        messageZh: "工作人员须使用动态验证码（双重验证）登录，请重新登录",
      }),
    );
    const { amr: _dropped, ...noAmr } = staffClaims;
    expect(() => actorFromClaims(noAmr)).toThrow(expect.objectContaining({ statusCode: 401 }));
    expect(
      actorFromClaims(
        authorizerClaims({
          sub: applicant.userId,
          "cognito:groups": ["applicant"],
          "custom:county": applicant.countyId,
          amr: ["pwd"],
        }),
      ).roles,
    ).toEqual(["applicant"]);
  });

  it("a staff token without amr is accepted only from an issuer that requires MFA of every account (Cognito, MFA required)", () => {
    // Prepare: what a Cognito ID token carries — no amr at all
    const officer = demoUser("officer-chengguan-1");
    if (!officer) throw new Error("demo user missing");
    const cognitoClaims = authorizerClaims({
      sub: officer.userId,
      "cognito:groups": [...officer.roles],
      "custom:county": officer.countyId,
      "custom:township": officer.townshipId,
    });
    // Act / Assess
    expect(actorFromClaims(cognitoClaims, { issuerEnforcesMfa: true }).roles).toEqual(officer.roles);
    expect(() => actorFromClaims(cognitoClaims, { issuerEnforcesMfa: false })).toThrow(
      expect.objectContaining({ statusCode: 401 }),
    );
  });

  it("reads groups in every form the authorizer may pass them", () => {
    expect(parseGroups("[township-officer auditor]")).toEqual(["township-officer", "auditor"]);
    expect(parseGroups('["applicant"]')).toEqual(["applicant"]);
    expect(parseGroups(["county-finance"])).toEqual(["county-finance"]);
    expect(parseGroups(undefined)).toEqual([]);
  });
});

describe("TOTP (RFC 6238)", () => {
  // RFC 6238 appendix B: SHA-1 secret "12345678901234567890"; 8-digit codes, the last 6 digits here.
  const secret = base32Encode(Buffer.from("12345678901234567890", "ascii"));

  it("computes the RFC's test vectors", () => {
    expect(totp(secret, 59_000, 8)).toBe("94287082");
    expect(totp(secret, 1_111_111_109_000, 8)).toBe("07081804");
    expect(totp(secret, 1_234_567_890_000, 8)).toBe("89005924");
    expect(totp(secret, 59_000)).toBe("287082");
  });

  it("accepts the neighbouring step and nothing further, and only six digits", () => {
    expect(verifyTotp(secret, "287082", 59_000 + 30_000)).toBe(true);
    expect(verifyTotp(secret, "287082", 59_000 + 60_000)).toBe(false);
    expect(verifyTotp(secret, "28708", 59_000)).toBe(false);
    expect(verifyTotp(secret, "287 082", 59_000)).toBe(true);
  });
});

describe("local route matching", () => {
  const routes = compileRoutes([
    {
      id: "A",
      entry: "a.ts",
      handler: "handler",
      description: "",
      access: {},
      routes: [
        { method: "GET", path: "/cases/{caseId}" },
        { method: "GET", path: "/cases/mine" },
      ],
    },
  ]);

  it("literal paths win over parameters, parameters are decoded", () => {
    const mine = matchRoute(routes, "GET", "/cases/mine");
    expect("route" in mine && mine.route.path).toBe("/cases/mine");
    const one = matchRoute(routes, "GET", "/cases/c%2D1");
    expect("route" in one && one.params).toEqual({ caseId: "c-1" });
    expect(matchRoute(routes, "POST", "/cases/c-1")).toEqual({ methodMismatch: true });
  });
});
