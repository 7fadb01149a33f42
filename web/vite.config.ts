/**
 * Vite build of the three consoles. Everything is bundled into `web/dist` (no CDN at run time);
 * the local runtime serves that folder at `/`, CloudFront serves it in AWS. In `vite dev` the API
 * is proxied to the local runtime (`AIDFLOW_API_URL`, default http://127.0.0.1:3000), which must let
 * its OIDC provider return to Vite's origin: `npm start -- --console-origin http://localhost:5173`.
 */
import { fileURLToPath } from "node:url";
import vue from "@vitejs/plugin-vue";
import { defineConfig, type ProxyOptions } from "vite";
import { FUNCTIONS } from "../functions/catalog.ts";

const apiUrl = process.env.AIDFLOW_API_URL ?? "http://127.0.0.1:3000";
/**
 * What `vite dev` hands to the local runtime: each route of the catalog, matched whole (a new route
 * needs no edit here, and a console page may share a route's first segment, as /province does), and
 * the local runtime's own paths by prefix: its OIDC provider, the sign-in configuration, the dev
 * sign-in of scripts and the local document store. test/unit/web/dev-proxy.test.ts checks both.
 */
export const LOCAL_ONLY_PREFIXES = ["/oidc", "/auth/config", "/dev", "/local-uploads", "/local-downloads"];
export const API_ROUTE_PATTERNS = [
  ...new Set(FUNCTIONS.flatMap((f) => f.routes ?? []).map((r) => r.path)),
].map((path) => `^${path.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "[^/?]+")}(?:\\?|$)`);
const toApi: ProxyOptions = { target: apiUrl, changeOrigin: false };

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  plugins: [vue()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  server: {
    proxy: {
      ...Object.fromEntries([...API_ROUTE_PATTERNS, ...LOCAL_ONLY_PREFIXES].map((key) => [key, toApi])),
    },
  },
});
