/**
 * Bundle size per Lambda (issue 12 §3): every catalog entry bundled the way the CDK's
 * `NodejsFunction` bundles it in `infra/stacks/functions-stack.ts` — esbuild, ESM, node22, minified,
 * `mainFields: module, main`, AWS SDK bundled (no externals), the createRequire banner — measured
 * without the separate source map file.
 *
 * `npx tsx bench/bundles/run.ts` prints the sizes; `runBundleBench()` returns them.
 */

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { FUNCTIONS } from "#functions/catalog.ts";

export interface BundleRow {
  /** Catalog ids sharing this entry module (one bundle each in the CDK; same content). */
  functionIds: string[];
  entry: string;
  bytes: number;
  gzipBytes: number;
}

const ROOT = join(import.meta.dirname, "..", "..");

export async function runBundleBench(): Promise<BundleRow[]> {
  const byEntry = new Map<string, string[]>();
  for (const fn of FUNCTIONS) byEntry.set(fn.entry, [...(byEntry.get(fn.entry) ?? []), fn.id]);
  const rows: BundleRow[] = [];
  for (const [entry, functionIds] of byEntry) {
    const result = await build({
      entryPoints: [join(ROOT, entry)],
      bundle: true,
      write: false,
      minify: true,
      format: "esm",
      platform: "node",
      target: "node22",
      mainFields: ["module", "main"],
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
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
    });
  }
  return rows.sort((a, b) => b.bytes - a.bytes);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await runBundleBench()) {
    console.log(
      `${(row.bytes / 1024).toFixed(0).padStart(6)} KiB (gzip ${(row.gzipBytes / 1024).toFixed(0)} KiB)  ${row.entry}  [${row.functionIds.join(", ")}]`,
    );
  }
}
