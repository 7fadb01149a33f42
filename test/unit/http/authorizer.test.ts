/**
 * The HTTP API's Lambda authorizer of a Cognito deployment (functions/handlers/authorizer.ts) with ID
 * tokens signed by local keys for two pools — staff and applicants — whose public keys the verifier is
 * given (as the local runtime gives it the local provider's), and what a handler behind it makes of
 * the context: the same actor whichever authorizer shape (Lambda or JWT) carries the claims.
 */
import { describe, expect, it } from "vitest";
import { type AuthorizerResult, createAuthorizer } from "#functions/handlers/authorizer.ts";
import { actorFromClaims, claimsOf } from "#functions/http/actor.ts";
import { httpHandler } from "#functions/http/index.ts";
import { captureLogs } from "#functions/runtime/logger.ts";
import { buildHttpEvent } from "#local/http/events.ts";
import { type SigningKey, signingKeyFrom, signJwt } from "#local/oidc/keys.ts";
import { httpEvent, lambdaContext, parse } from "./support.ts";

const POOLS = {
  staff: { userPoolId: "ap-east-1_StaffPool1", clientId: "staff-console" },
  applicant: { userPoolId: "ap-east-1_ApplicantPool1", clientId: "applicant-console" },
};
const issuerOf = (userPoolId: string) => `https://cognito-idp.ap-east-1.amazonaws.com/${userPoolId}`;
const STAFF_ISSUER = issuerOf(POOLS.staff.userPoolId);
const APPLICANT_ISSUER = issuerOf(POOLS.applicant.userPoolId);
const staffKey = signingKeyFrom("unit-staff-pool");
const applicantKey = signingKeyFrom("unit-applicant-pool");

const authorize = createAuthorizer(POOLS, {
  jwks: [
    { userPoolId: POOLS.staff.userPoolId, jwks: staffKey.jwks },
    { userPoolId: POOLS.applicant.userPoolId, jwks: applicantKey.jwks },
  ],
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** An ID token as Cognito issues it: `iss` the pool, `aud` the app client, `token_use` id. */
function idToken(
  pool: keyof typeof POOLS,
  claims: Record<string, unknown>,
  options: { key?: SigningKey; issuedAt?: number; ttlSeconds?: number } = {},
): string {
  const issuedAt = options.issuedAt ?? nowSeconds();
  return signJwt(
    {
      iss: issuerOf(POOLS[pool].userPoolId),
      aud: POOLS[pool].clientId,
      token_use: "id",
      auth_time: issuedAt,
      iat: issuedAt,
      exp: issuedAt + (options.ttlSeconds ?? 900),
      ...claims,
    },
    options.key ?? (pool === "staff" ? staffKey : applicantKey),
  );
}

/** A request of the authorizer (payload 2.0) carrying `token` as a bearer token. */
function request(token: string | undefined) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return {
    version: "2.0",
    type: "REQUEST",
    routeArn: "arn:aws:execute-api:ap-east-1:123456789012:api/$default/GET/cases",
    identitySource: token ? [`Bearer ${token}`] : [],
    routeKey: "GET /cases",
    rawPath: "/cases",
    rawQueryString: "",
    headers,
    requestContext: { http: { method: "GET", path: "/cases" } },
  } as unknown as Parameters<typeof authorize>[0];
}

/** The event a route's function receives behind the Lambda authorizer: its context under `lambda`. */
function behindLambdaAuthorizer(routeKey: string, result: AuthorizerResult) {
  const event = httpEvent(routeKey);
  return {
    ...event,
    requestContext: { ...event.requestContext, authorizer: { lambda: result.context } },
  } as unknown as typeof event;
}

const OFFICER_CLAIMS = {
  sub: "officer-chengguan-1",
  name: "王芳",
  "cognito:groups": ["township-officer"],
  "custom:county": "230123",
  "custom:township": "230123100",
  "cognito:username": "officer-chengguan-1",
};

describe("the Lambda authorizer: the staff pool and the applicant pool", () => {
  it("a staff token passes with its roles and scope; behind it the handler sees the officer (MFA by the pool)", async () => {
    // Act
    const result = await authorize(request(idToken("staff", OFFICER_CLAIMS)));
    // Assess
    expect(result.isAuthorized).toBe(true);
    expect(result.context).toMatchObject({
      sub: "officer-chengguan-1",
      "cognito:groups": "[township-officer]",
      "custom:county": "230123",
      "custom:township": "230123100",
      iss: STAFF_ISSUER,
    });
    const event = behindLambdaAuthorizer("GET /cases", result);
    expect(actorFromClaims(claimsOf(event), { issuerEnforcesMfa: true })).toEqual({
      userId: "officer-chengguan-1",
      name: "王芳",
      roles: ["township-officer"],
      countyId: "230123",
      townshipId: "230123100",
    });
  });

  it("a token of the applicant pool is an applicant only, whatever groups or scope it claims", async () => {
    // Prepare: an applicant-pool token that claims to be county finance of 230123
    const token = idToken("applicant", {
      sub: "a-7f3c",
      name: "张伟",
      phone_number: "+8613812345678",
      "cognito:groups": ["county-finance", "province-admin"],
      "custom:county": "230123",
      "custom:township": "230123100",
      amr: ["pwd", "otp", "mfa"],
    });
    // Act
    const result = await authorize(request(token));
    // Assess
    expect(result.isAuthorized).toBe(true);
    expect(result.context["cognito:groups"]).toBe("[applicant]");
    expect(Object.keys(result.context).filter((claim) => claim.startsWith("custom:"))).toEqual([]);
    expect(result.context.amr).toBeUndefined();
    expect(result.context.phone_number).toBeUndefined();
    const actor = actorFromClaims(claimsOf(behindLambdaAuthorizer("GET /me/cases", result)), {
      issuerEnforcesMfa: true,
    });
    expect(actor).toEqual({ userId: "a-7f3c", name: "张伟", roles: ["applicant"], countyId: "" });
  });

  it("refuses an expired token, another pool's or client's token, an access token, an altered one and none", async () => {
    const capture = captureLogs();
    try {
      const hourAgo = nowSeconds() - 3600;
      const refused = {
        expired: idToken("staff", OFFICER_CLAIMS, { issuedAt: hourAgo }),
        "foreign pool": idToken("staff", { ...OFFICER_CLAIMS, iss: issuerOf("ap-east-1_SomeoneElse") }),
        "another client": idToken("staff", { ...OFFICER_CLAIMS, aud: "another-console" }),
        "access token": idToken("staff", { ...OFFICER_CLAIMS, token_use: "access" }),
        // An applicant's token whose payload was replaced by an officer's after signing.
        altered: (() => {
          const [header, , signature] = idToken("applicant", { sub: "a-1" }).split(".");
          const forged = Buffer.from(
            JSON.stringify({
              ...OFFICER_CLAIMS,
              iss: APPLICANT_ISSUER,
              aud: POOLS.applicant.clientId,
              token_use: "id",
              exp: nowSeconds() + 900,
            }),
          ).toString("base64url");
          return `${header}.${forged}.${signature}`;
        })(),
        "not a JWT": "not-a-token",
      };
      for (const [what, token] of Object.entries(refused)) {
        expect((await authorize(request(token))).isAuthorized, what).toBe(false);
      }
      expect((await authorize(request(undefined))).isAuthorized).toBe(false);
      // Each refusal is logged with the verifier's reason, never the token.
      const lines = capture.lines.filter((line) => line.includes("token refused"));
      expect(lines).toHaveLength(Object.keys(refused).length);
      for (const token of Object.values(refused)) expect(capture.lines.join("\n")).not.toContain(token);
    } finally {
      capture.stop();
    }
  });
});

describe("handlers read the claims of either authorizer shape", () => {
  const whoAmI = httpHandler({
    route: "GET /unit/who",
    actions: ["case.readOwn", "case.read"],
    handler: async ({ actor }) => ({ userId: actor.userId, roles: actor.roles, countyId: actor.countyId }),
  });

  it("the Lambda authorizer's context (Cognito) and the JWT authorizer's claims (OIDC, local) give the same actor", async () => {
    await quietly(async () => {
      // Prepare
      const result = await authorize(request(idToken("applicant", { sub: "a-1", name: "李娜" })));
      const lambdaEvent = behindLambdaAuthorizer("GET /unit/who", result);
      const jwtEvent = httpEvent("GET /unit/who", { claims: result.context });
      // Act
      const viaLambda = await whoAmI(lambdaEvent, lambdaContext);
      const viaJwt = await whoAmI(jwtEvent, lambdaContext);
      // Assess
      expect(viaLambda.statusCode).toBe(200);
      expect(parse(viaLambda)).toEqual({ userId: "a-1", roles: ["applicant"], countyId: "" });
      expect(parse(viaJwt)).toEqual(parse(viaLambda));
    });
  });

  it("the local runtime's events carry the claims in the JWT authorizer's shape, which claimsOf reads", () => {
    // Act
    const event = buildHttpEvent({
      request: { headers: {}, method: "GET", httpVersion: "1.1", socket: {} } as never,
      url: new URL("http://127.0.0.1/cases"),
      body: Buffer.alloc(0),
      routeKey: "GET /cases",
      claims: { sub: "officer-chengguan-1", "cognito:groups": "[township-officer]" },
    });
    // Assess
    expect(claimsOf(event)).toEqual({ sub: "officer-chengguan-1", "cognito:groups": "[township-officer]" });
  });

  it("a staff role without county is still refused; only an applicant may have none", () => {
    expect(() =>
      actorFromClaims({ sub: "u-1", "cognito:groups": "[county-finance]" }, { issuerEnforcesMfa: true }),
    ).toThrow(expect.objectContaining({ statusCode: 401 }));
    expect(() =>
      actorFromClaims(
        { sub: "u-1", "cognito:groups": "[applicant county-finance]" },
        { issuerEnforcesMfa: true },
      ),
    ).toThrow(expect.objectContaining({ statusCode: 401 }));
    expect(actorFromClaims({ sub: "u-1", "cognito:groups": "[applicant]" }).countyId).toBe("");
  });
});

async function quietly(fn: () => Promise<void>): Promise<void> {
  const capture = captureLogs();
  try {
    await fn();
  } finally {
    capture.stop();
  }
}
