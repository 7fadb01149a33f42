/**
 * Builds the consoles (`web/dist`) when they are missing or older than their sources, so `npm start`
 * always serves pages that match `web/src`. A build first regenerates the web's API types
 * (web/src/api/schema.ts, scripts/generate-web-schema.ts) in a child process, since the API document
 * loads every handler module; then Vite's own build API. A fresh build takes ~20 s, an up-to-date
 * check a few milliseconds.
 *
 *   tsx local/web-build.ts          build if stale
 *   tsx local/web-build.ts --force  always build
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(fileURLToPath(new URL("..", import.meta.url)));
export const WEB_ROOT = join(repoRoot, "web");
export const WEB_DIST = join(WEB_ROOT, "dist");

/** Newest modification time (ms) of any file under `path` (a file counts itself). */
function newestMtimeMs(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

/** Whether `web/dist` is missing or older than `web/src`, `web/public`, `web/index.html` or `web/vite.config.ts`. */
export function webBuildIsStale(): boolean {
  const builtIndex = join(WEB_DIST, "index.html");
  if (!existsSync(builtIndex)) return true;
  const builtMs = statSync(builtIndex).mtimeMs;
  const sources = [
    join(WEB_ROOT, "src"),
    join(WEB_ROOT, "public"),
    join(WEB_ROOT, "index.html"),
    join(WEB_ROOT, "vite.config.ts"),
  ];
  return sources.some((source) => existsSync(source) && newestMtimeMs(source) > builtMs);
}

/**
 * Brings web/src/api/schema.ts up to date with the routes. A failure leaves the committed file in
 * place (and is said): test/unit/web/schema-current.test.ts is what holds the file to the API.
 */
function regenerateApiTypes(quiet: boolean | undefined): void {
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/generate-web-schema.ts"], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    process.stderr.write(`web: could not regenerate web/src/api/schema.ts:\n${result.stderr}\n`);
  } else if (!quiet) {
    process.stdout.write(result.stdout);
  }
}

export interface WebBuildResult {
  distDir: string;
  built: boolean;
  durationMs: number;
}

/** Builds `web/dist` if stale (or always, with `force`) and returns where it is. */
export async function ensureWebBuild(
  options: { force?: boolean; quiet?: boolean } = {},
): Promise<WebBuildResult> {
  const startedMs = Date.now();
  if (!options.force && !webBuildIsStale()) return { distDir: WEB_DIST, built: false, durationMs: 0 };
  regenerateApiTypes(options.quiet);
  const { build } = await import("vite");
  await build({
    configFile: join(WEB_ROOT, "vite.config.ts"),
    logLevel: options.quiet ? "error" : "info",
  });
  return { distDir: WEB_DIST, built: true, durationMs: Date.now() - startedMs };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await ensureWebBuild({ force: process.argv.includes("--force") });
  console.log(
    result.built
      ? `web: built ${result.distDir} in ${result.durationMs} ms`
      : `web: ${result.distDir} is up to date`,
  );
}
