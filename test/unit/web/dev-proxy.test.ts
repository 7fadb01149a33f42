/**
 * `vite dev` (web/vite.config.ts) sends the API's paths to the local runtime by prefix. Every route
 * of the catalog must be sent there — or the console in development fails on it — and no page of
 * the consoles may begin with one of those prefixes, or reloading that page would reach the API.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FUNCTIONS } from "#functions/catalog.ts";
import viteConfig, { API_PREFIXES, LOCAL_ONLY_PREFIXES } from "../../../web/vite.config.ts";

const proxied = Object.keys(viteConfig.server?.proxy ?? {});
const routes = FUNCTIONS.flatMap((f) => f.routes ?? []);
/** The consoles' top-level pages as web/src/router.ts declares them (`path: "/…"`). */
const pages = [
  ...readFileSync(new URL("../../../web/src/router.ts", import.meta.url), "utf8").matchAll(
    /path: "(\/[^"]*)"/g,
  ),
]
  .map((m) => m[1] as string)
  .filter((path) => path !== "/" && !path.startsWith("/:"));

describe("vite dev proxy", () => {
  it("sends every route of the catalog and the local runtime's own paths to the runtime", () => {
    expect(routes.length).toBeGreaterThan(40);
    for (const route of routes) {
      expect(
        proxied.some((prefix) => route.path.startsWith(prefix)),
        route.path,
      ).toBe(true);
    }
    for (const path of [
      "/oidc/auth",
      "/oidc/.well-known/openid-configuration",
      "/auth/config",
      "/dev/sign-in",
    ]) {
      expect(
        proxied.some((prefix) => path.startsWith(prefix)),
        path,
      ).toBe(true);
    }
    expect(proxied.sort()).toEqual([...API_PREFIXES, ...LOCAL_ONLY_PREFIXES].sort());
  });

  it("leaves every console page, and the sign-in callback, to the console", () => {
    expect(pages).toEqual(
      expect.arrayContaining(["/m", "/township", "/county", "/finance", "/auth/callback"]),
    );
    for (const page of pages) {
      expect(
        proxied.filter((prefix) => page.startsWith(prefix)),
        page,
      ).toEqual([]);
    }
  });
});
