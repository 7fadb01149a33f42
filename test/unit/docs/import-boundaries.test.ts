/**
 * The layers import one way (ARCHITECTURE §1, §5.2): `functions/` never imports `local/` or `infra/`
 * (demo data and deployment code stay out of production paths; environment and table names live in
 * functions/runtime), and `core/` imports nothing of `functions/`, `local/`, `infra/` nor any AWS SDK.
 * Every import, dynamic import and `export … from` of every file is read, whatever its spelling
 * (`#local/…`, a relative path climbing into local/, `aws-sdk`, `@aws-sdk/…`).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");

/** The package.json "imports" aliases, resolved to repository folders. */
const ALIASES: ReadonlyArray<[prefix: string, folder: string]> = [
  ["#core/", "core/"],
  ["#functions/", "functions/"],
  ["#adapters/", "functions/adapters/"],
  ["#workflows/", "workflows/"],
  ["#infra/", "infra/"],
  ["#local/", "local/"],
  ["#test/", "test/"],
  ["#scripts/", "scripts/"],
];

const SOURCE = /\.(ts|mts|js|mjs|json)$/;

function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") out.push(...sourceFiles(path));
    } else if (SOURCE.test(entry.name) && !entry.name.endsWith(".json")) out.push(path);
  }
  return out;
}

/** Every module specifier of a file: static and type imports, re-exports, dynamic imports, require. */
function specifiersOf(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']/g,
    /\brequire\s*\(\s*["']([^"']+)["']/g,
  ];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.push(m[1] as string);
  return found;
}

/** The repository path a specifier points to (`local/seed/x.ts`), or the package name for a package. */
function targetOf(file: string, specifier: string): string {
  for (const [prefix, folder] of ALIASES) {
    if (specifier.startsWith(prefix)) return folder + specifier.slice(prefix.length);
  }
  if (specifier.startsWith(".")) {
    return relative(ROOT, resolve(ROOT, dirname(file), specifier))
      .split(sep)
      .join("/");
  }
  return specifier;
}

interface Rule {
  folder: string;
  forbidden: ReadonlyArray<{ test: (target: string) => boolean; why: string }>;
}

const under = (folder: string) => (target: string) => target === folder || target.startsWith(`${folder}/`);
const awsSdk = (target: string) =>
  target.startsWith("@aws-sdk/") || target === "aws-sdk" || target.startsWith("aws-sdk/");

const RULES: readonly Rule[] = [
  {
    folder: "functions",
    forbidden: [
      { test: under("local"), why: "production code imports no local runtime or demo data" },
      { test: under("infra"), why: "configuration flows from functions/runtime to infra, not back" },
    ],
  },
  {
    folder: "core",
    forbidden: [
      { test: under("functions"), why: "the core is pure: no handlers, services or adapters" },
      { test: under("local"), why: "the core is pure: no local runtime or demo data" },
      { test: under("infra"), why: "the core is pure: no deployment code" },
      { test: awsSdk, why: "the core has no AWS imports" },
    ],
  },
];

function violations(files: ReadonlyArray<{ path: string; text: string }>, rules = RULES): string[] {
  const out: string[] = [];
  for (const { path, text } of files) {
    for (const rule of rules) {
      if (!under(rule.folder)(path)) continue;
      for (const specifier of specifiersOf(text)) {
        const target = targetOf(path, specifier);
        for (const { test, why } of rule.forbidden)
          if (test(target)) out.push(`${path} imports ${specifier} (${why})`);
      }
    }
  }
  return out;
}

describe("import boundaries", () => {
  it("functions/ imports nothing from local/ or infra/, core/ nothing from functions/, local/, infra/ or AWS SDKs", () => {
    const files = [...sourceFiles("functions"), ...sourceFiles("core")].map((path) => ({
      path,
      text: readFileSync(join(ROOT, path), "utf8"),
    }));
    expect(files.length).toBeGreaterThan(50);
    expect(violations(files)).toEqual([]);
  });

  it("Noncompliance: each spelling of a forbidden import is found", () => {
    const files = [
      { path: "functions/services/a.ts", text: 'import x from "#local/seed/demo-county.ts";' },
      { path: "functions/services/b.ts", text: 'import { y } from "../../local/seed/users.ts";' },
      { path: "functions/adapters/c.ts", text: 'export { z } from "#infra/tables.ts";' },
      { path: "functions/handlers/d.ts", text: 'const m = await import("../../infra/app.ts");' },
      {
        path: "functions/e.ts",
        text: 'import holidays from "#local/seed/cn-holidays-2026.json" with { type: "json" };',
      },
      { path: "core/f.ts", text: 'import { GetCommand } from "@aws-sdk/lib-dynamodb";' },
      { path: "core/g.ts", text: 'import type { FlowDeps } from "#functions/services/ports.ts";' },
      { path: "core/policy/h.ts", text: 'import { x } from "../../functions/runtime/config.ts";' },
    ];
    expect(violations(files).map((v) => v.split(" ")[0])).toEqual(files.map((f) => f.path));
  });

  it("Compliance: imports inside the layer, of the core, and of packages pass", () => {
    const files = [
      { path: "functions/services/a.ts", text: 'import { x } from "#core/policy/index.ts";' },
      { path: "functions/services/b.ts", text: 'import { y } from "#adapters/directory-store.ts";' },
      { path: "functions/runtime/c.ts", text: 'import { DynamoDBClient } from "@aws-sdk/client-dynamodb";' },
      { path: "core/d.ts", text: 'import * as z from "zod";\nimport { Yuan } from "../money/yuan.ts";' },
      { path: "local/e.ts", text: 'import { FUNCTIONS } from "#functions/catalog.ts";' },
    ];
    expect(violations(files)).toEqual([]);
  });
});

describe("one configuration (issue 21: every process.env read through config())", () => {
  /** Files of functions/ and core/ that read the environment, other than functions/runtime/config.ts. */
  function environmentReaders(files: ReadonlyArray<{ path: string; text: string }>): string[] {
    return files
      .filter((f) => f.path !== "functions/runtime/config.ts" && /\bprocess\.env\b/.test(f.text))
      .map((f) => f.path);
  }

  it("no file of functions/ or core/ reads process.env but the configuration", () => {
    const files = [...sourceFiles("functions"), ...sourceFiles("core")].map((path) => ({
      path,
      text: readFileSync(join(ROOT, path), "utf8"),
    }));
    expect(files.length).toBeGreaterThan(100);
    expect(environmentReaders(files)).toEqual([]);
  });

  it("Noncompliance: a default parameter or a module constant reading the environment is found", () => {
    const files = [
      { path: "functions/adapters/outbox.ts", text: "constructor(topic = process.env[TOPIC]) {}" },
      { path: "functions/runtime/logger.ts", text: "let level = process.env.AIDFLOW_LOG_LEVEL ?? 'INFO';" },
      { path: "functions/runtime/config.ts", text: "cached = parseConfig(process.env);" },
    ];
    expect(environmentReaders(files)).toEqual([
      "functions/adapters/outbox.ts",
      "functions/runtime/logger.ts",
    ]);
  });
});
