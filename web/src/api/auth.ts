/** Dev sign-in of the local runtime (in AWS the Cognito hosted sign-in issues the same claims). */
import { decodeClaims, type Role, type SessionUser } from "../session.ts";
import { get, post } from "./http.ts";
import type { DemoUser } from "./types.ts";

export async function listDemoUsers(): Promise<DemoUser[]> {
  const body = await get<DemoUser[] | { users?: DemoUser[]; items?: DemoUser[] }>("/dev/users");
  return Array.isArray(body) ? body : (body.users ?? body.items ?? []);
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

export async function devSignIn(user: DemoUser): Promise<{ token: string; user: SessionUser }> {
  const body = await post<{ token?: string; accessToken?: string; idToken?: string }>("/dev/sign-in", {
    userId: user.userId,
  });
  const token = body.token ?? body.accessToken ?? body.idToken;
  if (!token) throw new Error("sign-in answered without a token");
  const claims = decodeClaims(token);
  // Claim names of functions/http/actor.ts (the same in Cognito and in the dev sign-in).
  const roles = asRoles(claims["cognito:groups"] ?? claims.roles);
  const sessionUser: SessionUser = {
    userId: String(claims.sub ?? user.userId),
    name: String(claims.name ?? user.name),
    roles: roles.length > 0 ? roles : (user.roles as Role[]),
    countyId: (claims["custom:county"] ?? user.countyId) as string | undefined,
    townshipId: (claims["custom:township"] ?? user.townshipId) as string | undefined,
  };
  return { token, user: sessionUser };
}
