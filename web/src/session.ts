/**
 * The signed-in user, kept in sessionStorage (closing the tab signs out; nothing in localStorage).
 * Roles and scope are read from the ID token's claims (api/auth.ts signs in through OpenID Connect),
 * the same claims the API authorizes with.
 */
import { reactive } from "vue";
import type { components } from "./api/schema.ts";

/** The roles the API knows (its user record's list, from the generated schema). */
export type Role = components["schemas"]["StaffUser"]["roles"][number];

export interface SessionUser {
  userId: string;
  name: string;
  roles: Role[];
  countyId?: string;
  townshipId?: string;
}

interface SessionState {
  token: string | null;
  user: SessionUser | null;
}

const STORAGE_KEY = "aidflow.session";

function load(): SessionState {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (raw) return JSON.parse(raw) as SessionState;
  } catch {
    // A corrupt entry is treated as signed out.
  }
  return { token: null, user: null };
}

export const session = reactive<SessionState>(load());

export function currentToken(): string | null {
  return session.token;
}

export function signInLocally(token: string, user: SessionUser): void {
  session.token = token;
  session.user = user;
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ token, user }));
}

/** Signs out of the consoles: the session and the OIDC client's stored tokens (`oidc.user:…`). */
export function signOutLocally(): void {
  session.token = null;
  session.user = null;
  sessionStorage.removeItem(STORAGE_KEY);
  for (const key of Object.keys(sessionStorage)) {
    if (key.startsWith("oidc.user:")) sessionStorage.removeItem(key);
  }
}

export function hasRole(...roles: Role[]): boolean {
  return !!session.user?.roles.some((r) => roles.includes(r));
}

/** Reads the claims of a JWT without verifying it (the API verifies; the page only needs to route). */
export function decodeClaims(token: string): Record<string, unknown> {
  const part = token.split(".")[1];
  if (!part) return {};
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Where each role starts after signing in. */
export function landingPath(user: SessionUser): string {
  const roles = user.roles;
  if (roles.includes("applicant")) return "/m";
  if (roles.includes("township-officer") || roles.includes("township-approver")) return "/township";
  if (roles.includes("county-finance")) return "/finance";
  if (roles.includes("county-civil-affairs") || roles.includes("auditor")) return "/county";
  if (roles.includes("county-admin") || roles.includes("province-admin")) return "/admin";
  if (roles.includes("province-viewer")) return "/province";
  return "/";
}
