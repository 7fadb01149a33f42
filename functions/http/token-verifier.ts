/**
 * Verifies an OpenID Connect ID token the way the HTTP API's JWT authorizer does in AWS: signature
 * against the issuer's JWKS (RS/ES/EdDSA only — `alg: none` and HMAC are refused), issuer, audience,
 * expiry. The local runtime verifies every bearer token with this before a handler sees its claims;
 * the claims then take the authorizer's shape (every value a string, arrays flattened to `[a b]`),
 * so handlers are tested against what Lambda receives in AWS.
 */
import { JwtVerifier } from "aws-jwt-verify";
import type { Jwks } from "aws-jwt-verify/jwk";

export interface TokenVerifierOptions {
  /** The issuer URL, exactly as the tokens' `iss` spells it. */
  issuer: string;
  /** Accepted `aud` values: the consoles' client id(s). */
  audience: readonly string[];
  /** Where the issuer publishes its keys; fetched (and cached) on first use unless `jwks` is given. */
  jwksUri: string;
  /** The issuer's public keys when this process already has them (the local provider). */
  jwks?: { keys: Record<string, string>[] };
}

export interface TokenVerifier {
  /** The claims of a valid token in the authorizer's shape, or undefined for any invalid token. */
  verify(token: string): Promise<Record<string, string> | undefined>;
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const verifier = JwtVerifier.create({
    issuer: options.issuer,
    audience: [...options.audience],
    jwksUri: options.jwksUri,
  });
  if (options.jwks) verifier.cacheJwks(options.jwks as unknown as Jwks);
  return {
    async verify(token) {
      try {
        return authorizerClaims(await verifier.verify(token));
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * The claims as the HTTP API JWT authorizer hands them to Lambda: every value a string, arrays
 * flattened to `[a b]`.
 */
export function authorizerClaims(claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(claims)) {
    if (value === undefined || value === null) continue;
    out[key] = Array.isArray(value)
      ? `[${value.join(" ")}]`
      : typeof value === "object"
        ? JSON.stringify(value)
        : String(value);
  }
  return out;
}
