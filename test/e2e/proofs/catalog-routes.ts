/**
 * The catalog's HTTP routes with what each asks of `core/access`: every module of functions/catalog.ts
 * that serves routes is loaded, so its `httpHandler`s register (functions/http/access.ts). Tests built on
 * this list cover endpoints added later without being edited.
 */
import { resolve } from "node:path";
import { FUNCTIONS, type FunctionDefinition } from "#functions/catalog.ts";
import { type RouteAccess, registeredRouteAccess } from "#functions/http/index.ts";

const REPO_ROOT = resolve(import.meta.dirname, "../../..");

export interface CatalogRoutes {
  /** Catalog routes served through `httpHandler` (schemas and action known). */
  registered: RouteAccess[];
  /** Catalog routes with their own protocol (e.g. the signed bank callback). */
  unregistered: Array<{ routeKey: string; method: string; path: string; public: boolean }>;
}

export async function loadCatalogRoutes(
  functions: readonly FunctionDefinition[] = FUNCTIONS,
): Promise<CatalogRoutes> {
  const withRoutes = functions.filter((fn) => (fn.routes ?? []).length > 0);
  for (const fn of withRoutes) await import(/* @vite-ignore */ resolve(REPO_ROOT, fn.entry));
  const byKey = new Map(registeredRouteAccess().map((route) => [route.routeKey, route]));
  const registered: RouteAccess[] = [];
  const unregistered: CatalogRoutes["unregistered"] = [];
  for (const fn of withRoutes) {
    for (const route of fn.routes ?? []) {
      const routeKey = `${route.method} ${route.path}`;
      const access = byKey.get(routeKey);
      if (access) registered.push(access);
      else
        unregistered.push({
          routeKey,
          method: route.method,
          path: route.path,
          public: route.public === true,
        });
    }
  }
  return { registered, unregistered };
}
