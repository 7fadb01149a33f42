/**
 * `ApiAuthorizer`: the HTTP API's Lambda authorizer in a Cognito deployment. The API trusts two user
 * pools, and an HTTP API JWT authorizer takes one issuer, hence a function:
 * - the **staff** pool — accounts created by administrators, TOTP required of every account, roles in
 *   `cognito:groups` and the scope in `custom:county` / `custom:township`: its claims pass as they are
 *   (the pool enforces the second factor: `AIDFLOW_ISSUER_ENFORCES_MFA`, functions/http/actor.ts);
 * - the **applicant** pool — people sign themselves up with their phone, no second factor: a token of
 *   it is an applicant and nothing else. Whatever groups or custom attributes such a token might carry
 *   are dropped; applicants are applicants by being in that pool.
 *
 * The answer is a simple response; its context is the claims in the JWT authorizer's shape (every
 * value a string, arrays flattened to `[a b]`), which handlers read from `authorizer.lambda`
 * (`claimsOf` in functions/http/actor.ts). API Gateway caches the answer per Authorization header
 * (infra/stacks/api-stack.ts). Any token that does not verify — another issuer or client, an access
 * token, expired, altered — is not authorized (API Gateway answers 403 without calling the route).
 */

import { CognitoJwtVerifier } from "aws-jwt-verify";
import type { Jwks } from "aws-jwt-verify/jwk";
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from "aws-lambda";
import { CLAIMS } from "#functions/http/actor.ts";
import { authorizerClaims } from "#functions/http/token-verifier.ts";
import { config, type SignInPools } from "#functions/runtime/config.ts";
import { logger } from "#functions/runtime/logger.ts";

export type AuthorizerContext = Record<string, string>;
export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;
export type Authorizer = (event: APIGatewayRequestAuthorizerEventV2) => Promise<AuthorizerResult>;

/** What an applicant-pool token keeps: who and when, never a role or scope of its own. */
const APPLICANT_CLAIMS = ["sub", "name", "iss", "aud", "token_use", "auth_time", "iat", "exp"] as const;

export interface AuthorizerOptions {
  /** Public keys of the pools when this process already has them (tests). */
  jwks?: ReadonlyArray<{ userPoolId: string; jwks: { keys: Record<string, string>[] } }>;
}

/** The bearer token of the Authorization header (the authorizer's identity source). */
function bearerToken(event: APIGatewayRequestAuthorizerEventV2): string | undefined {
  const header = event.headers?.authorization ?? event.identitySource?.[0];
  return header ? /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1] : undefined;
}

/** The claims handlers receive for a verified token of `pool`. */
function contextOf(pool: keyof SignInPools, payload: Record<string, unknown>): AuthorizerContext {
  if (pool === "staff") return authorizerClaims(payload);
  const kept: Record<string, unknown> = {};
  for (const claim of APPLICANT_CLAIMS) if (payload[claim] !== undefined) kept[claim] = payload[claim];
  return authorizerClaims({ ...kept, [CLAIMS.groups]: ["applicant"] });
}

export function createAuthorizer(pools: SignInPools, options: AuthorizerOptions = {}): Authorizer {
  const verifier = CognitoJwtVerifier.create([
    { userPoolId: pools.staff.userPoolId, clientId: pools.staff.clientId, tokenUse: "id" },
    { userPoolId: pools.applicant.userPoolId, clientId: pools.applicant.clientId, tokenUse: "id" },
  ]);
  for (const { userPoolId, jwks } of options.jwks ?? [])
    verifier.cacheJwks(jwks as unknown as Jwks, userPoolId);
  // Cognito spells a pool's issuer `https://cognito-idp.<region>.amazonaws.com/<pool id>` or with the
  // `issuer-cognito-idp` host; the verifier accepts both, each ending in the pool's id.
  const applicantIssuerEnd = `/${pools.applicant.userPoolId}`;
  return async (event) => {
    const token = bearerToken(event);
    if (!token) return { isAuthorized: false, context: {} };
    try {
      const payload = (await verifier.verify(token)) as Record<string, unknown>;
      const pool = String(payload.iss).endsWith(applicantIssuerEnd) ? "applicant" : "staff";
      return { isAuthorized: true, context: contextOf(pool, payload) };
    } catch (error) {
      // The verifier's words (expired, issuer not allowed, invalid signature …), never the token.
      logger.info("token refused", { reason: (error as Error).message, route: event.routeKey });
      return { isAuthorized: false, context: {} };
    }
  };
}

let configured: Authorizer | undefined;

export const handler: Authorizer = (event) => {
  configured ??= createAuthorizer(config().signInPools);
  return configured(event);
};
