/**
 * The local OpenID Connect provider (`oidc-provider`), mounted at `/oidc` of the local HTTP API, so the
 * consoles sign in locally exactly as in AWS: authorization code with PKCE, a public client, ID tokens
 * carrying the claims of functions/http/actor.ts. The sign-in page lists the local users (no
 * passwords: the list stands in for the first factor); staff then enter the TOTP code of their
 * authenticator (RFC 6238, local/oidc/totp.ts) and a wrong code is refused. Applicants have no second
 * factor (DOMAIN §1).
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import type { Role } from "#core/access/index.ts";
import { CLAIMS, requiresMfa } from "#functions/http/actor.ts";
import { type SigningKey, signingKeyFrom, signJwt } from "./keys.ts";
import { createMemoryAdapter } from "./memory-adapter.ts";
import { loginPage, messagePage, mfaPage } from "./pages.ts";
import { demoTotpSecret, totp, verifyTotp } from "./totp.ts";

/** The consoles' client id at the local provider (a public client: PKCE, no secret). */
export const LOCAL_CLIENT_ID = "aidflow-consoles";
/** Where the provider sends the browser back with the code (web/src/router.ts). */
export const CALLBACK_PATH = "/auth/callback";
export const OIDC_MOUNT = "/oidc";
/** The scope that carries the role and scope claims. */
export const AIDFLOW_SCOPE = "aidflow";
/** What the consoles ask for: the ID token's claims and a refresh token. */
export const LOCAL_SCOPE = `openid profile ${AIDFLOW_SCOPE} offline_access`;
/** ID and access tokens are short for everybody; the consoles renew them with the refresh token. */
export const TOKEN_TTL_SECONDS = 15 * 60;
/** Staff move money: their sign-in lasts a working day; an applicant's a week. */
export const STAFF_REFRESH_TTL_SECONDS = 10 * 3600;
export const APPLICANT_REFRESH_TTL_SECONDS = 7 * 24 * 3600;
/** Wrong TOTP codes before the sign-in starts over. */
const MFA_ATTEMPTS_MAX = 5;

export interface LocalAccount {
  userId: string;
  name: string;
  roles: readonly Role[];
  countyId: string;
  townshipId?: string;
  descriptionZh?: string;
}

export interface LocalOidcOptions {
  /** The HTTP API's own URL (`http://127.0.0.1:<port>`); the issuer is `<url>/oidc`. */
  baseUrl: string;
  /** The installation's token secret: the signing key and cookie keys derive from it. */
  secret: string;
  /** Who may sign in (read on every sign-in). */
  accounts: () => readonly LocalAccount[];
  /**
   * A staff user's TOTP secret (base32); default the demo users' derived secrets, whose current code
   * the code page then shows (a local demo has no phone with an authenticator at hand).
   */
  totpSecretOf?: (userId: string) => string;
  /** More console origins to accept as redirect targets (Vite's dev server). */
  extraOrigins?: readonly string[];
}

export interface LocalOidc {
  issuer: string;
  clientId: string;
  /** What the consoles ask for (LOCAL_SCOPE). */
  scope: string;
  jwks: SigningKey["jwks"];
  /** Serves `/oidc/…` (the provider and its sign-in pages). */
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /**
   * A token as the provider would issue after a sign-in (the same key, claims and `amr`), without
   * the browser round trip: tests and scripts. Staff tokens record the second factor.
   */
  mintToken(
    account: LocalAccount,
    options?: { nowSeconds?: number; ttlSeconds?: number; methods?: readonly string[] },
  ): string;
}

/** The ID-token claims of an account (functions/http/actor.ts). */
export function accountClaims(account: LocalAccount): Record<string, unknown> {
  return {
    [CLAIMS.userId]: account.userId,
    [CLAIMS.name]: account.name,
    [CLAIMS.groups]: [...account.roles],
    [CLAIMS.county]: account.countyId,
    ...(account.townshipId ? { [CLAIMS.township]: account.townshipId } : {}),
  };
}

/** RFC 8176 methods: the list pick stands in for the password; staff add a one-time code. */
export function methodsFor(account: LocalAccount): string[] {
  return requiresMfa(account.roles) ? ["pwd", "otp", "mfa"] : ["pwd"];
}

export function createLocalOidc(options: LocalOidcOptions): LocalOidc {
  const base = options.baseUrl.replace(/\/$/, "");
  const issuer = `${base}${OIDC_MOUNT}`;
  const key = signingKeyFrom(options.secret);
  const totpSecretOf = options.totpSecretOf ?? demoTotpSecret;
  const demoCodeOf = (userId: string) => {
    if (options.totpSecretOf) return undefined;
    const secret = demoTotpSecret(userId);
    return { code: totp(secret, Date.now()), secret };
  };
  const origins = [base, ...(options.extraOrigins ?? [])];
  const find = (userId: unknown) => options.accounts().find((a) => a.userId === userId);
  const refreshTtl = (accountId: string | undefined) => {
    const account = find(accountId);
    return !account || requiresMfa(account.roles) ? STAFF_REFRESH_TTL_SECONDS : APPLICANT_REFRESH_TTL_SECONDS;
  };
  /** Interactions whose first step is done and that wait for the TOTP code: uid → user, attempts. */
  const pendingMfa = new Map<string, { userId: string; attempts: number }>();

  const configuration: Configuration = {
    adapter: createMemoryAdapter(),
    clients: [
      {
        client_id: LOCAL_CLIENT_ID,
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        redirect_uris: origins.map((origin) => `${origin}${CALLBACK_PATH}`),
        post_logout_redirect_uris: origins.map((origin) => `${origin}/`),
        id_token_signed_response_alg: "ES256",
      },
    ],
    jwks: { keys: [key.privateJwk] },
    cookies: {
      keys: [createHash("sha256").update(`aidflow-local-oidc-cookies/${options.secret}`).digest("hex")],
    },
    scopes: ["openid", "profile", AIDFLOW_SCOPE, "offline_access"],
    claims: {
      // `amr` of the sign-in (set when the interaction finishes) goes into the ID token.
      openid: [CLAIMS.userId, CLAIMS.methods],
      profile: [CLAIMS.name],
      [AIDFLOW_SCOPE]: [CLAIMS.groups, CLAIMS.county, CLAIMS.township],
    },
    // The API reads the role and scope from the ID token, as it does from Cognito's.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: {
      AccessToken: TOKEN_TTL_SECONDS,
      IdToken: TOKEN_TTL_SECONDS,
      RefreshToken: (_ctx, token) => refreshTtl(token.accountId),
      AuthorizationCode: 60,
      Interaction: 600,
      Session: (_ctx, session) => refreshTtl(session.accountId),
      Grant: (_ctx, grant) => refreshTtl(grant.accountId),
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          ctx.body = messagePage(
            "退出登录 Sign out",
            "确认退出登录？ Sign out of AidFlow?",
            `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>退出 Sign out</button>`,
          );
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          ctx.body = messagePage("已退出 Signed out", "您已退出登录。 You have signed out.", "");
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `${OIDC_MOUNT}/interaction/${interaction.uid}` },
    clientBasedCORS: (_ctx, origin) => origins.includes(origin),
    // A first-party client: what the consoles ask for is granted, no consent page.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx;
      const client = oidc.client;
      const accountId = oidc.session?.accountId;
      if (!client || !accountId) return undefined;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(client.clientId);
      if (grantId) {
        const existing = await oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new oidc.provider.Grant({ clientId: client.clientId, accountId });
      grant.addOIDCScope([...(oidc.requestParamScopes ?? [])].join(" "));
      await grant.save();
      return grant;
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    findAccount: async (_ctx, sub) => {
      const account = find(sub);
      if (!account) return undefined;
      return {
        accountId: account.userId,
        claims: () => ({ sub: account.userId, ...accountClaims(account) }),
      };
    },
    // The OAuth error code stays in the provider's log: people see what to do, not a code.
    renderError: async (ctx) => {
      ctx.type = "html";
      ctx.body = messagePage(
        "登录出错 Sign-in error",
        "登录未完成，请返回重新登录。 The sign-in did not complete; go back and sign in again.",
        '<p><a href="/">返回 Back</a></p>',
      );
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();

  async function interaction(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
  ): Promise<void> {
    const [, uid = "", step = ""] = /^\/interaction\/([^/]+)(?:\/([a-z]+))?$/.exec(path) ?? [];
    const method = (request.method ?? "GET").toUpperCase();
    let details: Awaited<ReturnType<typeof provider.interactionDetails>>;
    try {
      details = await provider.interactionDetails(request, response);
    } catch {
      return html(response, 400, expiredPage());
    }
    if (details.uid !== uid) return html(response, 400, expiredPage());
    const action = `${OIDC_MOUNT}/interaction/${uid}`;

    if (method === "GET") {
      const pending = pendingMfa.get(uid);
      if (pending) {
        const name = find(pending.userId)?.name ?? "";
        return html(response, 200, mfaPage(`${action}/mfa`, name, undefined, demoCodeOf(pending.userId)));
      }
      return html(response, 200, loginPage(`${action}/login`, options.accounts()));
    }
    const form = new URLSearchParams((await readBody(request)).toString("utf8"));
    if (method === "POST" && step === "login") {
      const account = find(form.get("userId"));
      if (!account) {
        return html(
          response,
          400,
          loginPage(`${action}/login`, options.accounts(), "请选择列表中的用户。 Pick a user from the list."),
        );
      }
      if (requiresMfa(account.roles)) {
        pendingMfa.set(uid, { userId: account.userId, attempts: 0 });
        return html(
          response,
          200,
          mfaPage(`${action}/mfa`, account.name, undefined, demoCodeOf(account.userId)),
        );
      }
      return finish(request, response, account);
    }
    if (method === "POST" && step === "mfa") {
      const pending = pendingMfa.get(uid);
      const account = pending ? find(pending.userId) : undefined;
      if (!pending || !account) return html(response, 400, loginPage(`${action}/login`, options.accounts()));
      if (!verifyTotp(totpSecretOf(account.userId), form.get("code") ?? "", Date.now())) {
        pending.attempts += 1;
        if (pending.attempts >= MFA_ATTEMPTS_MAX) {
          pendingMfa.delete(uid);
          return html(
            response,
            401,
            loginPage(
              `${action}/login`,
              options.accounts(),
              "验证码错误次数过多，请重新登录。 Too many wrong codes; sign in again.",
            ),
          );
        }
        return html(
          response,
          401,
          mfaPage(
            `${action}/mfa`,
            account.name,
            "验证码不正确，请重新输入。 The code is not correct; try again.",
            demoCodeOf(account.userId),
          ),
        );
      }
      pendingMfa.delete(uid);
      return finish(request, response, account);
    }
    return html(response, 405, expiredPage());
  }

  async function finish(
    request: IncomingMessage,
    response: ServerResponse,
    account: LocalAccount,
  ): Promise<void> {
    const amr = methodsFor(account);
    await provider.interactionFinished(
      request,
      response,
      {
        login: {
          accountId: account.userId,
          amr,
          acr: amr.includes("mfa") ? "urn:aidflow:loa:2" : "urn:aidflow:loa:1",
        },
      },
      { mergeWithLastSubmission: false },
    );
  }

  return {
    issuer,
    clientId: LOCAL_CLIENT_ID,
    scope: LOCAL_SCOPE,
    jwks: key.jwks,
    async handle(request, response) {
      const url = request.url ?? "/";
      const path = url.slice(OIDC_MOUNT.length) || "/";
      if (path.startsWith("/interaction/")) return interaction(request, response, path.split("?")[0] ?? "");
      // Mounted: the provider sees its own paths and builds URLs under the mount from originalUrl.
      (request as IncomingMessage & { originalUrl?: string }).originalUrl = url;
      request.url = path;
      await callback(request, response);
    },
    mintToken(
      account,
      { nowSeconds = Math.floor(Date.now() / 1000), ttlSeconds = TOKEN_TTL_SECONDS, methods } = {},
    ) {
      return signJwt(
        {
          iss: issuer,
          aud: LOCAL_CLIENT_ID,
          iat: nowSeconds,
          auth_time: nowSeconds,
          exp: nowSeconds + ttlSeconds,
          amr: [...(methods ?? methodsFor(account))],
          ...accountClaims(account),
        },
        key,
      );
    },
  };
}

function expiredPage(): string {
  return messagePage(
    "登录已过期 Sign-in expired",
    "登录已过期，请返回系统重新登录。 This sign-in has expired; go back and sign in again.",
    '<p><a href="/">返回 Back</a></p>',
  );
}

function html(response: ServerResponse, status: number, body: string): void {
  const bytes = Buffer.from(body, "utf8");
  response.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-length": bytes.length,
    "cache-control": "no-store",
    "x-frame-options": "DENY",
  });
  response.end(bytes);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > 16 * 1024) {
        reject(new Error("sign-in form too large"));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}
