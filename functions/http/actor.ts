/**
 * Who is calling, from the verified JWT claims (ARCHITECTURE §3.6). The same claim names in AWS
 * (the ID token of a Cognito user pool, verified by the API's Lambda authorizer, or of an external
 * OIDC issuer behind the HTTP API JWT authorizer) and locally (the local OIDC provider):
 *
 * | claim              | meaning                                   |
 * |--------------------|-------------------------------------------|
 * | `sub`              | user id                                   |
 * | `name`             | display name (Chinese)                    |
 * | `cognito:groups`   | roles of DOMAIN §1, one group per role    |
 * | `custom:county`    | county code (e.g. `230123`)               |
 * | `custom:township`  | township code, township-bound roles only  |
 * | `amr`              | how the user signed in; staff: has `mfa`  |
 *
 * Staff move money and read personal data: a token with any staff role (every role but applicant)
 * must record a second factor in `amr` (RFC 8176 `mfa`, as the province's IdP and the local provider
 * write it), or come from an issuer the deployment declares to require MFA of every account
 * (`ActorOptions.issuerEnforcesMfa`: the Cognito staff pool, MFA required, whose ID tokens carry no
 * `amr`; the applicant pool's tokens reach handlers as applicants only); otherwise it is refused.
 *
 * An applicant needs no county: they file at the township of the emergency, whose county the filing
 * takes (functions/services/steps/filing.ts `filingActor`), and read their own cases by user id. The
 * applicant pool of a Cognito deployment gives them none (functions/handlers/authorizer.ts); their
 * actor's `countyId` is then empty, which no county-scoped grant matches.
 *
 * The HTTP API authorizer flattens array claims into a string such as `[township-officer auditor]`;
 * both that form and a real array (or a JSON string) are accepted.
 */
import { type Actor, isRole, ROLE_DESCRIPTIONS, type Role } from "#core/access/index.ts";
import { UnauthorizedError } from "#core/errors.ts";

export const CLAIMS = {
  userId: "sub",
  name: "name",
  groups: "cognito:groups",
  county: "custom:county",
  township: "custom:township",
  methods: "amr",
} as const;

/** Roles that may sign in without a second factor (applicants in sudden hardship, DOMAIN §1). */
export const ROLES_WITHOUT_MFA: readonly Role[] = ["applicant"];

export function requiresMfa(roles: readonly Role[]): boolean {
  return roles.some((role) => !ROLES_WITHOUT_MFA.includes(role));
}

export type Claims = Record<string, string | number | boolean | string[] | undefined>;

/**
 * The verified claims of a request, wherever the API's authorizer put them: a JWT authorizer (an
 * external OIDC issuer in AWS; the local runtime, local/http/events.ts) under
 * `requestContext.authorizer.jwt.claims`, the Lambda authorizer of a Cognito deployment
 * (functions/handlers/authorizer.ts, its context) under `requestContext.authorizer.lambda`.
 */
export function claimsOf(event: { requestContext?: { authorizer?: unknown } }): Claims | undefined {
  const authorizer = event.requestContext?.authorizer as
    | { jwt?: { claims?: Claims }; lambda?: Claims }
    | undefined;
  return authorizer?.lambda ?? authorizer?.jwt?.claims;
}

export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== "string") return [];
  const text = value.trim();
  if (text.startsWith("[") && text.endsWith("]")) {
    const inner = text.slice(1, -1);
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // Not JSON: the authorizer's "[a b]" form.
    }
    return inner.split(/[\s,]+/).filter(Boolean);
  }
  return text.split(/[\s,]+/).filter(Boolean);
}

function unauthorized(reason: string): UnauthorizedError {
  return new UnauthorizedError(`The identity token is not usable: ${reason}`, "身份令牌无效，请重新登录");
}

export interface ActorOptions {
  /**
   * The issuer requires a second factor of every account (a Cognito pool with MFA required, whose
   * ID tokens carry no `amr`): its tokens satisfy the staff MFA rule as they are.
   */
  issuerEnforcesMfa?: boolean;
}

/**
 * Builds the actor from claims; a token without user id or a known role, or a staff token without
 * county, is refused (401).
 */
export function actorFromClaims(claims: Claims | undefined, options: ActorOptions = {}): Actor {
  if (!claims) throw new UnauthorizedError("Sign-in required", "请先登录");
  const userId = claims[CLAIMS.userId];
  if (typeof userId !== "string" || userId === "") throw unauthorized("no subject");
  const roles = parseGroups(claims[CLAIMS.groups]).filter(isRole) as Role[];
  if (roles.length === 0) throw unauthorized("no role");
  const county = claims[CLAIMS.county];
  const countyId = typeof county === "string" ? county : "";
  if (countyId === "" && roles.some((role) => role !== "applicant")) throw unauthorized("no county");
  const secondFactor =
    options.issuerEnforcesMfa === true || parseGroups(claims[CLAIMS.methods]).includes("mfa");
  if (requiresMfa(roles) && !secondFactor) {
    throw new UnauthorizedError(
      "The identity token of a staff role must come from a sign-in with a second factor (amr mfa)",
      "工作人员须使用动态验证码（双重验证）登录，请重新登录",
    );
  }
  const township = claims[CLAIMS.township];
  const townshipId = typeof township === "string" && township !== "" ? township : undefined;
  if (roles.some((role) => ROLE_DESCRIPTIONS[role].townshipBound) && townshipId === undefined) {
    throw unauthorized("township role without township");
  }
  const name = typeof claims[CLAIMS.name] === "string" ? (claims[CLAIMS.name] as string) : userId;
  return { userId, name, roles, countyId, ...(townshipId ? { townshipId } : {}) };
}
