/**
 * Functions short enough to see whole (STYLE, TigerBeetle): no function in functions/adapters/ or
 * functions/services/ spans more than FUNCTION_LINES_MAX lines. Measured with the TypeScript AST,
 * from the first to the last line of each function declaration, method, arrow function or function
 * expression (a factory's inner functions and an object's methods each count on their own).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const FOLDERS = ["functions/adapters", "functions/services"] as const;
const FUNCTION_LINES_MAX = 70;

function typeScriptFiles(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) out.push(...typeScriptFiles(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** `path:line name (n lines)` for every function of the source longer than `linesMax`. */
function longFunctions(path: string, text: string, linesMax: number): string[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node)
    ) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > linesMax)
        found.push(`${path}:${first + 1} ${node.name?.getText(source) ?? "(anonymous)"} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("function length", () => {
  it(`Compliance: no function in ${FOLDERS.join(" or ")} is longer than ${FUNCTION_LINES_MAX} lines`, () => {
    const files = FOLDERS.flatMap(typeScriptFiles);
    expect(files.length).toBeGreaterThan(20);
    const long = files.flatMap((file) =>
      longFunctions(file, readFileSync(join(ROOT, file), "utf8"), FUNCTION_LINES_MAX),
    );
    expect(long).toEqual([]);
  });

  it("Noncompliance: a long function, method, arrow and function expression are each named", () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join("\n");
    const text = [
      `export function long() {\n${body(69)}\n}`,
      `export function short() {\n${body(68)}\n}`,
      `class Store {\n  method() {\n${body(69)}\n  }\n}`,
      `const arrow = () => {\n${body(69)}\n};`,
      `const expression = function named() {\n${body(69)}\n};`,
      `function factory() {\n  return { inner() {\n${body(3)}\n  } };\n}`,
    ].join("\n");
    expect(longFunctions("synthetic.ts", text, FUNCTION_LINES_MAX)).toEqual([
      "synthetic.ts:1 long (71 lines)",
      "synthetic.ts:143 method (71 lines)",
      "synthetic.ts:215 (anonymous) (71 lines)",
      "synthetic.ts:286 named (71 lines)",
    ]);
  });
});
