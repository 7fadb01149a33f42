/**
 * Builds the API document from the zod schemas each route registers when its module
 * loads: this module first loads every HTTP handler module of the catalog. It is heavy by nature
 * (it pulls every handler and its dependencies in), so the OpenApi Lambda does not bundle it: the
 * document is written at synth time next to that bundle (`write-api-document.ts`), and only the
 * local runtime builds it in process.
 */
import { FUNCTIONS } from "#functions/catalog.ts";
import { logger } from "#functions/runtime/logger.ts";
import { buildOpenApiDocument, documentCatalogRoute, registeredRoutes } from "./openapi.ts";

export type ApiDocument = ReturnType<typeof buildOpenApiDocument>;

async function loadAllRoutes(): Promise<void> {
  for (const fn of FUNCTIONS) {
    if (!fn.routes?.length) continue;
    const name = /^functions\/handlers\/(.+)\.ts$/.exec(fn.entry)?.[1];
    if (name === undefined || name === "openapi") continue;
    try {
      await import(/* @vite-ignore */ `../handlers/${name}.ts`);
    } catch (error) {
      // One broken module must not take the API document down; its routes fall back below.
      logger.error("openapi: handler module failed to load", { entry: fn.entry, error });
    }
  }
  // Routes served by a handler that does not use httpHandler (e.g. the HMAC-signed bank callback)
  // are still listed, from the catalog, and marked as such.
  const known = new Set(registeredRoutes());
  for (const fn of FUNCTIONS) {
    for (const route of fn.routes ?? []) {
      if (known.has(`${route.method} ${route.path}`)) continue;
      documentCatalogRoute({ ...route, description: fn.description });
    }
  }
}

let document: Promise<ApiDocument> | undefined;

/** The document of every catalog route, built once per process. */
export function generateApiDocument(): Promise<ApiDocument> {
  document ??= loadAllRoutes().then(() => buildOpenApiDocument());
  return document;
}
