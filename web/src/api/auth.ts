/**
 * Sign-in through OpenID Connect: authorization code with PKCE (`oidc-client-ts`), the same flow
 * locally and in AWS. Where to sign in comes from the build (`VITE_AIDFLOW_SIGN_IN`, the api stack's
 * `ConsoleSignIn` output: the Cognito staff and applicant user pools, or the province's IdP) or,
 * when the build names none, from `GET /auth/config` (the local runtime's provider at `/oidc`).
 *
 * The API authorizes with the ID token (roles in `cognito:groups`, scope in `custom:county` /
 * `custom:township`), so the session keeps that token and renews it with the refresh token a minute
 * before it expires (tokens live 15 minutes; the sign-in a working day for staff, a week for applicants).
 */
import { type User, UserManager, WebStorageStateStore } from "oidc-client-ts";
import { decodeClaims, type Role, type SessionUser, signInLocally, signOutLocally } from "../session.ts";
import { get } from "./http.ts";

/** Who signs in at an issuer: everybody (locally), staff only, or applicants only. */
export type SignInKind = "everyone" | "staff" | "applicant";

export interface SignInOption {
  kind: SignInKind;
  issuer: string;
  clientId: string;
  scope: string;
}

export const CALLBACK_PATH = "/auth/callback";

let options: Promise<SignInOption[]> | undefined;
const managers = new Map<string, UserManager>();

function builtOptions(): SignInOption[] | undefined {
  const raw = import.meta.env.VITE_AIDFLOW_SIGN_IN as string | undefined;
  if (!raw) return undefined;
  const parsed = JSON.parse(raw) as SignInOption[] | { signIns: SignInOption[] };
  return Array.isArray(parsed) ? parsed : parsed.signIns;
}

/** The issuers the consoles may sign in at (one locally). */
export function signInOptions(): Promise<SignInOption[]> {
  options ??= (async () => {
    const built = builtOptions();
    if (built) return built;
    const body = await get<{ signIns: SignInOption[] }>("/auth/config");
    return body.signIns;
  })();
  options.catch(() => {
    options = undefined;
  });
  return options;
}

function managerFor(option: SignInOption): UserManager {
  const key = `${option.issuer} ${option.clientId}`;
  let manager = managers.get(key);
  if (!manager) {
    const created = new UserManager({
      authority: option.issuer,
      client_id: option.clientId,
      redirect_uri: `${location.origin}${CALLBACK_PATH}`,
      post_logout_redirect_uri: `${location.origin}/`,
      response_type: "code",
      scope: option.scope,
      // The tab's storage, as the session: closing the tab signs out.
      userStore: new WebStorageStateStore({ store: sessionStorage }),
      stateStore: new WebStorageStateStore({ store: sessionStorage }),
      // Renewed here (renew below), one request at a time.
      automaticSilentRenew: false,
      loadUserInfo: false,
    });
    created.events.addUserLoaded((user) => {
      const signedIn = sessionFrom(user, option);
      if (signedIn) signInLocally(signedIn.token, signedIn.user);
    });
    // A minute before the token expires; a failure here is tried again at expiry.
    created.events.addAccessTokenExpiring(() => void renew(created));
    // Expired: also after a tab slept past the expiry (a closed laptop), when the minute before was missed.
    created.events.addAccessTokenExpired(() => void renewOrSignOut(created));
    managers.set(key, created);
    manager = created;
  }
  return manager;
}

const renewals = new WeakMap<UserManager, Promise<boolean>>();

/**
 * New tokens through the refresh token (the issuer's token endpoint, no page change). One renewal at
 * a time per issuer: the issuer rotates refresh tokens, and one used twice ends the sign-in.
 */
function renew(manager: UserManager): Promise<boolean> {
  let pending = renewals.get(manager);
  if (!pending) {
    pending = manager
      .signinSilent()
      .then(
        (user) => !!user,
        () => false,
      )
      .finally(() => renewals.delete(manager));
    renewals.set(manager, pending);
  }
  return pending;
}

/** Renews the expired token, or signs out when the sign-in itself has lapsed (the refresh token too). */
async function renewOrSignOut(manager: UserManager): Promise<void> {
  if (await renew(manager)) return;
  await manager.removeUser();
  signOutLocally();
}

/** Where the browser goes back to after signing in (the page that asked, or the landing page). */
interface SignInState {
  next?: string;
}

/** Sends the browser to the issuer's sign-in page; it comes back to `/auth/callback`. */
export async function startSignIn(option: SignInOption, next?: string): Promise<void> {
  const state: SignInState = next ? { next } : {};
  // prompt=login: after signing out, the next person at this computer picks who signs in.
  await managerFor(option).signinRedirect({ state, prompt: "login" });
}

/** Completes the sign-in on `/auth/callback`: the signed-in user and where to go next. */
export async function finishSignIn(url: string): Promise<{ user: SessionUser; next?: string }> {
  const all = await signInOptions();
  // oidc-client-ts keeps the request under `oidc.<state>`, naming the issuer and client it went to.
  const stateId = new URL(url).searchParams.get("state") ?? "";
  const stored = JSON.parse(sessionStorage.getItem(`oidc.${stateId}`) ?? "{}") as {
    authority?: string;
    client_id?: string;
  };
  const option = all.find((o) => o.issuer === stored.authority && o.clientId === stored.client_id) ?? all[0];
  if (!option) throw new Error("no sign-in is configured");
  const user = await managerFor(option).signinRedirectCallback(url);
  const signedIn = sessionFrom(user, option);
  if (!signedIn) throw new Error("the identity token carries no role");
  signInLocally(signedIn.token, signedIn.user);
  const state = (user.state ?? {}) as Partial<SignInState>;
  return { user: signedIn.user, ...(state.next ? { next: state.next } : {}) };
}

/**
 * After a reload: renews the session's token before it expires, at once when it already has (a tab
 * reopened after the token's 15 minutes); signs out when it cannot be renewed. Nothing when signed out.
 */
export async function resumeSession(): Promise<void> {
  for (const option of await signInOptions()) {
    const manager = managerFor(option);
    const user = await manager.getUser();
    if (!user) continue;
    if (user.expired) await renewOrSignOut(manager);
    return;
  }
}

/** Forgets the tokens of every issuer (the API refuses them once they expire anyway). */
export async function signOut(): Promise<void> {
  signOutLocally();
  await Promise.all([...managers.values()].map((manager) => manager.removeUser()));
}

/** `cognito:groups` is an array, a JSON string or the authorizer's flattened "[a b]" form. */
function asRoles(value: unknown): Role[] {
  if (Array.isArray(value)) return value.map(String) as Role[];
  if (typeof value !== "string") return [];
  const text = value.trim();
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed.map(String) as Role[];
  } catch {
    // Not JSON: "[a b]" or "a,b".
  }
  return text
    .replace(/^\[|\]$/g, "")
    .split(/[\s,]+/)
    .filter(Boolean) as Role[];
}

/**
 * The session of a signed-in OIDC user: the ID token and who it names (claims of functions/http/actor.ts).
 * A token of the applicants' sign-in is an applicant's, as the API takes it (functions/handlers/authorizer.ts):
 * that pool gives no groups.
 */
function sessionFrom(user: User, option: SignInOption): { token: string; user: SessionUser } | undefined {
  const token = user.id_token;
  if (!token) return undefined;
  const claims = decodeClaims(token);
  const roles: Role[] = option.kind === "applicant" ? ["applicant"] : asRoles(claims["cognito:groups"]);
  if (roles.length === 0) return undefined;
  const county = claims["custom:county"];
  const township = claims["custom:township"];
  return {
    token,
    user: {
      userId: String(claims.sub ?? ""),
      name: String(claims.name ?? claims["cognito:username"] ?? ""),
      roles,
      ...(typeof county === "string" && option.kind !== "applicant" ? { countyId: county } : {}),
      ...(typeof township === "string" && option.kind !== "applicant" ? { townshipId: township } : {}),
    },
  };
}
