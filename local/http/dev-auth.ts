/**
 * Local dev sign-in: HS256 JWTs carrying exactly the claims a Cognito ID token carries
 * (functions/http/actor.ts), verified by the local server the way the HTTP API's JWT authorizer
 * verifies Cognito's: signature, issuer, audience, expiry. Only for the local runtime.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { CLAIMS } from "#functions/http/actor.ts";
import type { DemoUser } from "#local/seed/users.ts";

export const DEV_ISSUER = "aidflow-local-dev";
export const DEV_AUDIENCE = "aidflow-local";
/** A working day of demo clicking without signing in again. */
export const DEV_TOKEN_TTL_SECONDS = 12 * 3600;

export type DevClaims = Record<string, string | number | string[]>;

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

export function devClaimsFor(user: DemoUser, issuedAtSeconds: number): DevClaims {
  return {
    iss: DEV_ISSUER,
    aud: DEV_AUDIENCE,
    token_use: "id",
    iat: issuedAtSeconds,
    exp: issuedAtSeconds + DEV_TOKEN_TTL_SECONDS,
    [CLAIMS.userId]: user.userId,
    "cognito:username": user.userId,
    [CLAIMS.name]: user.name,
    [CLAIMS.groups]: [...user.roles],
    [CLAIMS.county]: user.countyId,
    ...(user.townshipId ? { [CLAIMS.township]: user.townshipId } : {}),
  };
}

export function signDevToken(claims: DevClaims, secret: string): string {
  const unsigned = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims)}`;
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
}

/** The claims of a valid token, or undefined (bad signature, wrong issuer/audience, expired, malformed). */
export function verifyDevToken(token: string, secret: string, nowSeconds: number): DevClaims | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  const expected = Buffer.from(
    createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url"),
  );
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const head = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as { alg?: string };
    if (head.alg !== "HS256") return undefined;
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as DevClaims;
    if (claims.iss !== DEV_ISSUER || claims.aud !== DEV_AUDIENCE) return undefined;
    if (typeof claims.exp !== "number" || claims.exp <= nowSeconds) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}

/**
 * The claims as the HTTP API JWT authorizer hands them to Lambda: every value a string, arrays
 * flattened to `[a b]` (so handlers are tested against the AWS shape, not a friendlier one).
 */
export function authorizerClaims(claims: DevClaims): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(claims)) {
    out[key] = Array.isArray(value) ? `[${value.join(" ")}]` : String(value);
  }
  return out;
}
