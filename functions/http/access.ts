/**
 * What each route asks of `core/access`, kept beside the route so that tests and docs
 * can be generated from it: the authorization-matrix test reads `registeredRouteAccess()` and checks
 * every role × scope against the permission table; the fuzz test derives bad requests from the schemas.
 *
 * A route that declares an `action` and no `resource` gets its resource from its path, before the
 * body is read (so a caller outside the scope gets 403, never a validation message or a state-dependent
 * 409 about a case they may not see):
 * - `{caseId}`                → the case item (county, township of the emergency, owner, handlers);
 * - `{townshipId}` (9 digits) → that township of the county named by its first 6 digits;
 * - none of these             → role check only; the handler checks scope on what it reads.
 *
 * A route with such a resource but no declared action (its action depends on the body or the case's
 * state) still refuses, up front, an actor whom no grant at all lets near that case or township
 * (deny by default); the handler then checks the exact action.
 */
import type { z } from "zod";
import { CaseStore } from "#adapters/case-store.ts";
import { ACTIONS, type AccessResource, type Action, type Actor, authorize } from "#core/access/index.ts";
import { ForbiddenError, NotFoundError } from "#core/errors.ts";
import { config, dynamo } from "#functions/runtime/config.ts";

/** Where the route's access resource comes from. */
export type ResourceKind = "case" | "township" | "declared" | "role-only";

export interface RouteAccess {
  routeKey: string;
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  public: boolean;
  action?: Action;
  /** Actions of a route whose action depends on the body or state (role grant checked up front). */
  actions?: Action[];
  /** POST only: a request without `Idempotency-Key` is refused. */
  idempotencyKeyRequired?: boolean;
  resourceKind: ResourceKind;
  paramNames: string[];
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
}

const routes = new Map<string, RouteAccess>();

export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z0-9_]+)\+?\}/g)].map((m) => m[1] as string);
}

export function resourceKindOf(path: string, declaredResource: boolean): ResourceKind {
  if (declaredResource) return "declared";
  const names = pathParamNames(path);
  if (names.includes("caseId")) return "case";
  if (names.includes("townshipId")) return "township";
  return "role-only";
}

export function registerRouteAccess(access: RouteAccess): void {
  if (!routes.has(access.routeKey)) routes.set(access.routeKey, access);
}

/** Every route registered through `httpHandler` in this process (their modules loaded), by route key. */
export function registeredRouteAccess(): RouteAccess[] {
  return [...routes.values()].sort((a, b) => a.routeKey.localeCompare(b.routeKey));
}

/** Township codes are 9 digits, the first 6 the county (administrative division codes). */
const TOWNSHIP_CODE = /^\d{9}$/;

/** The resource of a `case` or `township` route; undefined for the other kinds. */
export async function defaultResource(
  kind: ResourceKind,
  params: Record<string, unknown>,
): Promise<AccessResource | undefined> {
  if (kind === "case") return loadCaseResource(String(params.caseId));
  if (kind === "township") {
    const townshipId = String(params.townshipId);
    if (!TOWNSHIP_CODE.test(townshipId)) {
      throw new NotFoundError(`Township ${townshipId} not found`, "该乡镇不存在");
    }
    return { countyId: townshipId.slice(0, 6), townshipId };
  }
  return undefined;
}

/** Only what access control needs from the case (functions/adapters/case-store.ts). */
async function loadCaseResource(caseId: string): Promise<AccessResource> {
  const resource = await new CaseStore(dynamo(), config().tables.main).accessResource(caseId);
  if (!resource) throw new NotFoundError(`Case ${caseId} not found`, `案件 ${caseId} 不存在`);
  return resource;
}

/** 403 unless at least one action of the permission table is allowed to the actor on the resource. */
export function requireAnyAccess(actor: Actor, resource: AccessResource): void {
  if (ACTIONS.some((action) => authorize(actor, action, resource).allowed)) return;
  throw new ForbiddenError("You have no access to this case or township", "您无权访问该案件或乡镇", {
    details: { code: "out-of-scope" },
  });
}
