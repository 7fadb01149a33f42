/**
 * "No literal policy numbers in code" (DOMAIN preamble, issue 4): every number that is a policy
 * value of the demo county must reach core/ by name through the policy, never as a literal. The
 * scan parses each core/ source with the TypeScript compiler (so comments, regexes and identifiers
 * never count) and flags numeric literals — and numeric strings, for yuan values — equal to a
 * policy value. The one exception is core/policy/bounds.ts (the DOMAIN §7 ranges). A genuine
 * non-policy constant that happens to collide (a weekday number) carries `// not-policy: <why>`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { demoCountyParameters2026 } from "../../../local/seed/policy-demo-county.ts";

const ROOT = join(import.meta.dirname, "../../..");
const CORE = join(ROOT, "core");
const EXEMPT = new Set(["core/policy/bounds.ts"]);
/** Numbers this small are everywhere (indexes, halves, pairs); they are still policy-checked by name. */
const SMALLEST_CHECKED = 5;

/** Every number in the demo county's parameters (numbers, yuan text, nested limit specs). */
function policyNumbers(): { numeric: Set<number>; yuan: Set<number> } {
  const numeric = new Set<number>();
  const yuan = new Set<number>();
  const visit = (value: unknown) => {
    if (typeof value === "number") numeric.add(value);
    else if (typeof value === "string" && /^\d+(\.\d+)?$/.test(value)) {
      numeric.add(Number(value));
      yuan.add(Number(value));
    } else if (value && typeof value === "object") Object.values(value).forEach(visit);
  };
  visit(demoCountyParameters2026);
  const keep = (s: Set<number>) => new Set([...s].filter((n) => n >= SMALLEST_CHECKED));
  return { numeric: keep(numeric), yuan: keep(yuan) };
}

interface Finding {
  file: string;
  line: number;
  text: string;
}

function findPolicyLiterals(
  file: string,
  source: string,
  forbidden: { numeric: Set<number>; yuan: Set<number> },
): Finding[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const lines = source.split("\n");
  const findings: Finding[] = [];
  const report = (node: ts.Node) => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
    if (/\/\/\s*not-policy:\s*\S/.test(lines[line] ?? "")) return;
    findings.push({ file, line: line + 1, text: node.getText(sf) });
  };
  const walk = (node: ts.Node): void => {
    if (ts.isNumericLiteral(node) && forbidden.numeric.has(Number(node.text))) report(node);
    if (
      (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) &&
      /^\d+(\.\d+)?$/.test(node.text) &&
      forbidden.yuan.has(Number(node.text))
    ) {
      report(node);
    }
    ts.forEachChild(node, walk);
  };
  walk(sf);
  return findings;
}

function coreSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return coreSources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("no literal policy numbers in core logic", () => {
  const forbidden = policyNumbers();

  it("knows the demo county's policy values it is looking for", () => {
    for (const n of [1000, 3000, 24, 5, 15, 7, 20, 12, 10]) expect(forbidden.numeric).toContain(n);
    expect(forbidden.yuan).toContain(3000);
  });

  it("catches a policy number written as a literal, in code or as yuan text (the scan can fail)", () => {
    const planted = [
      "export const deadlineWorkingDays = 5;",
      'const ceiling = Yuan.parse("3000");',
      "if (hours > 24) escalate();",
      "const cap = standard.times(10);",
    ].join("\n");
    const findings = findPolicyLiterals("planted.ts", planted, forbidden);
    expect(findings.map((f) => f.text)).toEqual(["5", '"3000"', "24", "10"]);
  });

  it("ignores comments, regexes, identifiers and justified non-policy constants", () => {
    const innocent = [
      "// the typical ceiling is 1000 yuan (DOMAIN §7)",
      "const re = /^\\d{6}$/;",
      "const SATURDAY = 6; // not-policy: JavaScript weekday numbering",
      "const day5 = policy.paperworkDeadlineWorkingDays;",
    ].join("\n");
    expect(findPolicyLiterals("innocent.ts", innocent, forbidden)).toEqual([]);
  });

  it("finds no policy number in any core/ source file outside the DOMAIN §7 bounds", () => {
    const files = coreSources(CORE).filter((f) => !EXEMPT.has(relative(ROOT, f)));
    const scanned = files.map((f) => relative(ROOT, f));
    expect(scanned).toEqual(
      expect.arrayContaining(["core/cases/rules/advanceCeiling.ts", "core/calendar/workingDays.ts"]),
    );
    const findings = files.flatMap((f) =>
      findPolicyLiterals(relative(ROOT, f), readFileSync(f, "utf8"), forbidden),
    );
    expect(
      findings.map(
        (f) =>
          `${f.file}:${f.line} ${f.text} — read it from the policy by name, or mark // not-policy: <why>`,
      ),
    ).toEqual([]);
  });
});
