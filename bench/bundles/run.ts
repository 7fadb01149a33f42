/**
 * Bundle size per Lambda: every catalog entry bundled the way the CDK's
 * `NodejsFunction` bundles it — esbuild with `LAMBDA_BUNDLING` of `infra/stacks/functions-stack.ts`
 * (the same object the stack passes), measured without the separate source map file. Files the
 * stack writes next to a bundle after esbuild (the OpenApi function's synth-time `openapi.json`) are
 * written here by the same command and reported apart: they are read, not parsed as code, at cold start.
 *
 * `npx tsx bench/bundles/run.ts [--top 10]` prints the sizes (and with --top, the biggest inputs of
 * each bundle by package, from esbuild's metafile); `runBundleBench()` returns them.
 */

import { execSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { FUNCTIONS } from "#functions/catalog.ts";
import { afterBundlingCommands, LAMBDA_BUNDLING } from "#infra/stacks/functions-stack.ts";

export interface BundleRow {
  /** Catalog ids sharing this entry module (one bundle each in the CDK; same content). */
  functionIds: string[];
  entry: string;
  bytes: number;
  gzipBytes: number;
  /** Other files of the asset (name → bytes), written after bundling. */
  assetFiles: Record<string, number>;
  /** Bytes in the bundle per input package (or per source folder), biggest first. */
  inputs: Array<[string, number]>;
}

const ROOT = join(import.meta.dirname, "..", "..");

/** Groups metafile inputs by npm package (`zod`, `@aws-sdk/core`) or by first two source folders. */
function inputsByPackage(metafile: Metafile): Array<[string, number]> {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  const sizes = new Map<string, number>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
    const key = pkg ?? path.split("/").slice(0, 2).join("/");
    sizes.set(key, (sizes.get(key) ?? 0) + input.bytesInOutput);
  }
  return [...sizes].sort((a, b) => b[1] - a[1]);
}

export async function runBundleBench(): Promise<BundleRow[]> {
  const byEntry = new Map<string, string[]>();
  for (const fn of FUNCTIONS) byEntry.set(fn.entry, [...(byEntry.get(fn.entry) ?? []), fn.id]);
  const rows: BundleRow[] = [];
  for (const [entry, functionIds] of byEntry) {
    const result = await build({
      entryPoints: [join(ROOT, entry)],
      bundle: true,
      write: false,
      metafile: true,
      minify: LAMBDA_BUNDLING.minify,
      format: LAMBDA_BUNDLING.format,
      platform: "node",
      target: LAMBDA_BUNDLING.target,
      mainFields: [...LAMBDA_BUNDLING.mainFields],
      external: [...LAMBDA_BUNDLING.externalModules],
      banner: { js: LAMBDA_BUNDLING.banner },
      logLevel: "silent",
      outfile: "index.mjs",
    });
    const code = result.outputFiles.find((f) => f.path.endsWith(".mjs"));
    if (!code) throw new Error(`no bundle for ${entry}`);
    rows.push({
      functionIds,
      entry,
      bytes: code.contents.byteLength,
      gzipBytes: gzipSync(code.contents).byteLength,
      assetFiles: afterBundlingFiles(entry),
      inputs: inputsByPackage(result.metafile),
    });
  }
  return rows.sort((a, b) => b.bytes - a.bytes);
}

/** Runs the stack's after-bundling commands into a scratch directory and sizes what they wrote. */
function afterBundlingFiles(entry: string): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), "aidflow-bundle-"));
  try {
    const commands = afterBundlingCommands(entry, ROOT, dir);
    for (const command of commands) execSync(command, { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
    return Object.fromEntries(readdirSync(dir).map((name) => [name, statSync(join(dir, name)).size]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const topAt = process.argv.indexOf("--top");
  const top = topAt > 0 ? Number(process.argv[topAt + 1] ?? 10) : 0;
  const kib = (n: number) => (n / 1024).toFixed(0);
  for (const row of await runBundleBench()) {
    const assets = Object.entries(row.assetFiles).map(([name, bytes]) => ` + ${name} ${kib(bytes)} KiB`);
    console.log(
      `${kib(row.bytes).padStart(6)} KiB (gzip ${kib(row.gzipBytes)} KiB)${assets.join("")}  ${row.entry}  [${row.functionIds.join(", ")}]`,
    );
    for (const [name, bytes] of row.inputs.slice(0, top))
      console.log(`${kib(bytes).padStart(14)} KiB  ${name}`);
  }
}
