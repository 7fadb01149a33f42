import { describe, expect, it } from "vitest";
import { actorFromClaims, parseGroups } from "#functions/http/actor.ts";
import { authorizerClaims, devClaimsFor, signDevToken, verifyDevToken } from "#local/http/dev-auth.ts";
import { compileRoutes, matchRoute } from "#local/http/routes.ts";
import { demoUser } from "#local/seed/users.ts";

const secret = "unit-secret";
const now = 1_800_000_000;

describe("local dev sign-in issues the claims Cognito would", () => {
  it("a signed token verifies and becomes the same actor as in AWS", () => {
    const user = demoUser("approver-hedong");
    if (!user) throw new Error("demo user missing");
    const token = signDevToken(devClaimsFor(user, now), secret);
    const claims = verifyDevToken(token, secret, now + 60);
    expect(claims).toBeDefined();
    const actor = actorFromClaims(authorizerClaims(claims ?? {}));
    expect(actor).toEqual({
      userId: "approver-hedong",
      name: "黄强",
      roles: ["township-approver"],
      countyId: "230123",
      townshipId: "230123200",
    });
  });

  it("refuses another secret, an altered payload and an expired token", () => {
    const user = demoUser("auditor-1");
    if (!user) throw new Error("demo user missing");
    const token = signDevToken(devClaimsFor(user, now), secret);
    expect(verifyDevToken(token, "other", now)).toBeUndefined();
    const [h, , s] = token.split(".");
    const forged = Buffer.from(
      JSON.stringify({ ...devClaimsFor(user, now), "cognito:groups": ["county-finance"] }),
    );
    expect(verifyDevToken(`${h}.${forged.toString("base64url")}.${s}`, secret, now)).toBeUndefined();
    expect(verifyDevToken(token, secret, now + 13 * 3600)).toBeUndefined();
  });

  it("reads groups in every form the authorizer may pass them", () => {
    expect(parseGroups("[township-officer auditor]")).toEqual(["township-officer", "auditor"]);
    expect(parseGroups('["applicant"]')).toEqual(["applicant"]);
    expect(parseGroups(["county-finance"])).toEqual(["county-finance"]);
    expect(parseGroups(undefined)).toEqual([]);
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
