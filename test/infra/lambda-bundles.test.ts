/**
 * What the deployed Lambda bundles contain (issue 12 §3: ≤ 1 MiB each for cold start): the OpenApi
 * function ships its synth-time document instead of every handler, and the source keeps zod as a
 * namespace import (a named `{ z }` import makes esbuild keep all of zod, ~350 KiB, in every bundle).
 */
import { execSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { FUNCTIONS } from "#functions/catalog.ts";
import { API_DOCUMENT_ENTRY, API_DOCUMENT_FILE } from "#functions/http/api-document-asset.ts";
import { afterBundlingCommands, LAMBDA_BUNDLING } from "#infra/stacks/functions-stack.ts";
import { PROJECT_ROOT } from "./support.ts";

const MIB = 1024 * 1024;
const scratch = mkdtempSync(path.join(tmpdir(), "aidflow-openapi-bundle-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(PROJECT_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => path.relative(PROJECT_ROOT, path.join(e.parentPath, e.name)));
}

describe("Lambda bundles", () => {
  it("bundled source imports zod as a namespace, never the named `z` export", () => {
    const named = ["core", "functions", "workflows"]
      .flatMap(sourceFiles)
      .filter((file) =>
        /^import \{[^}]*\bz\b[^}]*\} from "zod";$/m.test(readFileSync(path.join(PROJECT_ROOT, file), "utf8")),
      );
    expect(named, 'write `import * as z from "zod"` (type-only imports are fine)').toEqual([]);
  });

  it("the OpenApi function, bundled as the stack bundles it, serves the synth-time document of every catalog route", async () => {
    // Prepare: esbuild with the stack's options, then the stack's after-bundling commands.
    const outfile = path.join(scratch, "index.mjs");
    await build({
      entryPoints: [path.join(PROJECT_ROOT, API_DOCUMENT_ENTRY)],
      bundle: true,
      outfile,
      minify: LAMBDA_BUNDLING.minify,
      format: LAMBDA_BUNDLING.format,
      platform: "node",
      target: LAMBDA_BUNDLING.target,
      mainFields: [...LAMBDA_BUNDLING.mainFields],
      external: [...LAMBDA_BUNDLING.externalModules],
      banner: { js: LAMBDA_BUNDLING.banner },
      logLevel: "silent",
    });
    for (const command of afterBundlingCommands(API_DOCUMENT_ENTRY, PROJECT_ROOT, scratch)) {
      execSync(command, { cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", "inherit"] });
    }
    const bundle = readFileSync(outfile, "utf8");
    expect(bundle.length).toBeLessThan(MIB);
    // No handler module made it into the bundle: their route summaries are only in the shipped
    // document. (Route paths are no proxy: the catalog, which config.ts reads, names them.)
    expect(bundle).not.toContain("Ledger entries of a township fund booked in");

    // Act: the bundled handler answers GET /openapi.json.
    const { handler } = (await import(pathToFileURL(outfile).href)) as {
      handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
    };
    const result = await handler(
      {
        routeKey: "GET /openapi.json",
        rawPath: "/openapi.json",
        headers: {},
        isBase64Encoded: false,
        requestContext: { requestId: "bundle-test", http: { method: "GET", path: "/openapi.json" } },
      },
      {},
    );

    // Assess: the file next to the bundle, listing every route of the catalog.
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe(readFileSync(path.join(scratch, API_DOCUMENT_FILE), "utf8"));
    const document = JSON.parse(result.body) as { openapi: string; paths: Record<string, object> };
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    const documented = Object.entries(document.paths).flatMap(([p, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${p}`),
    );
    for (const fn of FUNCTIONS)
      for (const r of fn.routes ?? []) expect(documented).toContain(`${r.method} ${r.path}`);
  }, 120_000);

  it("only the OpenApi function writes files after bundling", () => {
    const writers = FUNCTIONS.filter(
      (fn) => afterBundlingCommands(fn.entry, PROJECT_ROOT, scratch).length > 0,
    );
    expect(writers.map((fn) => fn.entry)).toEqual([API_DOCUMENT_ENTRY]);
  });
});
