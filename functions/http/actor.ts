/**
 * Who is calling, from the verified JWT claims (ARCHITECTURE §3.6). The same claim names in AWS
 * (Cognito user pool ID token behind the HTTP API JWT authorizer) and locally (dev sign-in):
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
 * (`ActorOptions.issuerEnforcesMfa`: the Cognito pool, MFA required, whose ID tokens carry no `amr`);
 * otherwise it is refused.
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

/** Builds the actor from claims; a token without user id, county or a known role is refused (401). */
export function actorFromClaims(claims: Claims | undefined, options: ActorOptions = {}): Actor {
  if (!claims) throw new UnauthorizedError("Sign-in required", "请先登录");
  const userId = claims[CLAIMS.userId];
  if (typeof userId !== "string" || userId === "") throw unauthorized("no subject");
  const countyId = claims[CLAIMS.county];
  if (typeof countyId !== "string" || countyId === "") throw unauthorized("no county");
  const roles = parseGroups(claims[CLAIMS.groups]).filter(isRole) as Role[];
  if (roles.length === 0) throw unauthorized("no role");
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
