/**
 * `vite dev` (web/vite.config.ts) sends the API's paths to the local runtime. Every route of the
 * catalog must be sent there — or the console in development fails on it — and no page of the
 * consoles may be, or reloading that page would show the API's answer instead of the page.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FUNCTIONS } from "#functions/catalog.ts";
import viteConfig, { API_ROUTE_PATTERNS, LOCAL_ONLY_PREFIXES } from "../../../web/vite.config.ts";

const keys = Object.keys(viteConfig.server?.proxy ?? {});
/** As Vite matches a proxy key: a key starting with `^` is a regular expression, else a prefix. */
const proxied = (url: string) =>
  keys.filter((key) => (key.startsWith("^") ? new RegExp(key).test(url) : url.startsWith(key)));
const routes = FUNCTIONS.flatMap((f) => f.routes ?? []);
const example = (path: string) => path.replace(/\{[^}]+\}/g, "C20261206-0001");
/** The consoles' pages as web/src/router.ts declares them, children under their parent. */
function consolePages(): string[] {
  const source = readFileSync(new URL("../../../web/src/router.ts", import.meta.url), "utf8");
  const pages: string[] = [];
  let parent = "";
  for (const [, path] of source.matchAll(/path: "([^"]*)"/g)) {
    if (path === undefined || path.startsWith("/:")) continue;
    if (path.startsWith("/")) {
      parent = path === "/" ? "" : path;
      pages.push(path);
    } else pages.push(`${parent}/${example(path.replace(/:[a-zA-Z]+/g, "{id}"))}`.replace(/\/$/, ""));
  }
  return pages;
}

describe("vite dev proxy", () => {
  it("sends every route of the catalog, with or without a query, and the runtime's own paths", () => {
    expect(routes.length).toBeGreaterThan(40);
    for (const route of routes) {
      expect(proxied(example(route.path)), route.path).not.toEqual([]);
      expect(proxied(`${example(route.path)}?limit=5`), route.path).not.toEqual([]);
    }
    for (const path of [
      "/oidc/auth",
      "/oidc/.well-known/openid-configuration",
      "/auth/config",
      "/dev/sign-in",
    ]) {
      expect(proxied(path), path).not.toEqual([]);
    }
    expect(keys.sort()).toEqual([...API_ROUTE_PATTERNS, ...LOCAL_ONLY_PREFIXES].sort());
  });

  it("leaves every console page, and the sign-in callback, to the console", () => {
    const pages = consolePages();
    expect(pages).toEqual(
      expect.arrayContaining(["/", "/m", "/m/apply", "/township", "/county", "/finance", "/auth/callback"]),
    );
    expect(pages).toContain("/township/cases/C20261206-0001");
    for (const page of pages) {
      expect(proxied(page), page).toEqual([]);
      expect(proxied(`${page}?tab=1`), page).toEqual([]);
    }
  });
});
