/**
 * The local runtime's sign-in shortcut for scripts and tests (`POST /dev/sign-in`): a token from the
 * local OpenID Connect provider (local/oidc/provider.ts) — its signing key, its claims, verified by
 * the API like any other — without the browser round trip. It asks what the provider's sign-in page
 * asks: staff give the current TOTP code of their authenticator (`totp`), and a wrong one is refused.
 * The consoles do not use it; they sign in with authorization code + PKCE.
 */
import { UnauthorizedError, ValidationError } from "#core/errors.ts";
import { requiresMfa } from "#functions/http/actor.ts";
import type { LocalAccount, LocalOidc } from "#local/oidc/provider.ts";
import { demoTotpSecret, verifyTotp } from "#local/oidc/totp.ts";

export interface DevSignedIn {
  token: string;
  tokenType: "Bearer";
  expiresAt: string;
  user: LocalAccount;
  /** The token's claims, as the API will read them. */
  claims: Record<string, unknown>;
}

/** `POST /dev/sign-in {"userId", "totp"?}`: a bearer token; throws 400 (unknown user) or 401 (code). */
export function devSignIn(
  body: Buffer,
  accounts: readonly LocalAccount[],
  oidc: LocalOidc,
  nowMs: number,
  totpSecretOf: (userId: string) => string = demoTotpSecret,
): DevSignedIn {
  let request: { userId?: unknown; totp?: unknown } = {};
  try {
    request = JSON.parse(body.toString("utf8") || "{}") as typeof request;
  } catch {
    request = {};
  }
  const account = accounts.find((a) => a.userId === request.userId);
  if (!account) {
    throw new ValidationError("Unknown demo user", "没有这个演示用户", {
      fields: [{ path: "userId", message: "One of GET /dev/users", messageZh: "请从 GET /dev/users 中选择" }],
    });
  }
  if (requiresMfa(account.roles)) {
    const code = typeof request.totp === "string" ? request.totp : "";
    if (!verifyTotp(totpSecretOf(account.userId), code, nowMs)) {
      throw new UnauthorizedError(
        "Staff sign in with the current TOTP code of their authenticator (totp)",
        "工作人员须输入身份验证器中当前的动态验证码",
      );
    }
  }
  const token = oidc.mintToken(account, { nowSeconds: Math.floor(nowMs / 1000) });
  const claims = decodePayload(token);
  return {
    token,
    tokenType: "Bearer",
    expiresAt: new Date(Number(claims.exp) * 1000).toISOString(),
    user: account,
    claims,
  };
}

function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}
