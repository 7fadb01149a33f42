/**
 * Vite build of the three consoles. Everything is bundled into `web/dist` (no CDN at run time);
 * the local runtime serves that folder at `/`, CloudFront serves it in AWS. In `vite dev` the API
 * is proxied to the local runtime (`AIDFLOW_API_URL`, default http://127.0.0.1:3000).
 */
import { fileURLToPath } from "node:url";
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

const apiUrl = process.env.AIDFLOW_API_URL ?? "http://127.0.0.1:3000";
const apiPrefixes = [
  "/dev",
  "/cases",
  "/me",
  "/funds",
  "/documents",
  "/reconciliations",
  "/exports",
  "/audit",
  "/work-queue",
  "/openapi.json",
  "/local-uploads",
  "/replenishments",
  "/payments",
];

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
    proxy: Object.fromEntries(apiPrefixes.map((prefix) => [prefix, { target: apiUrl, changeOrigin: false }])),
  },
});
