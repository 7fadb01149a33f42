/**
 * One set of case states (core/cases/lifecycle.ts owns the list and its transitions): services and
 * handlers never spell a case status into what they write — no `status: "paying"` — they name the
 * event and the case store asks core's `nextState` from the status it read (case-transitions.test.ts
 * shows that on DynamoDB Local), or take core's `filedState` when a case is filed. Read with the
 * TypeScript AST: a property `status` (or `caseStatus`) whose value is, or chooses between, string
 * literals that are case statuses. Comparisons (`record.status === "closed"`) read a status and pass.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { CASE_STATES } from "#core/cases/index.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const FOLDERS = ["functions/services", "functions/handlers"] as const;
const STATUSES: ReadonlySet<string> = new Set(CASE_STATES);
const STATUS_PROPERTIES = new Set(["status", "caseStatus"]);

function typeScriptFiles(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) out.push(...typeScriptFiles(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** The case-status literals an expression can evaluate to (through `?:`, `as const`, parentheses). */
function statusLiterals(node: ts.Expression): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    return STATUSES.has(node.text) ? [node.text] : [];
  if (ts.isConditionalExpression(node))
    return [...statusLiterals(node.whenTrue), ...statusLiterals(node.whenFalse)];
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node))
    return statusLiterals(node.expression);
  return [];
}

/** `path:line status` for every case status the source writes as a literal. */
function literalStatusWrites(path: string, text: string): string[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node) && STATUS_PROPERTIES.has(node.name.getText(source))) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      for (const status of statusLiterals(node.initializer)) found.push(`${path}:${line} ${status}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("case statuses come from core's transition", () => {
  it("Compliance: no service or handler writes a case status literal", () => {
    const files = FOLDERS.flatMap(typeScriptFiles);
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((file) => literalStatusWrites(file, readFileSync(join(ROOT, file), "utf8")));
    expect(found).toEqual([]);
  });

  it("Noncompliance: a plain, chosen, `as const` and task-table status literal are each found", () => {
    const text = [
      'await deps.cases.update(caseId, { status: "paying" });',
      'const change = { status: approved ? "paying" : "advance-rejected" };',
      'const rejected = { ...(approved ? {} : { status: "plan-rejected" as const }) };',
      'openHumanTask(deps, { caseStatus: "awaiting-paperwork" });',
    ].join("\n");
    expect(literalStatusWrites("functions/services/synthetic.ts", text)).toEqual([
      "functions/services/synthetic.ts:1 paying",
      "functions/services/synthetic.ts:2 paying",
      "functions/services/synthetic.ts:2 advance-rejected",
      "functions/services/synthetic.ts:3 plan-rejected",
      "functions/services/synthetic.ts:4 awaiting-paperwork",
    ]);
  });

  it("Compliance: events, core's filed state, reads and other statuses (tasks, payments) pass", () => {
    const text = [
      'await deps.cases.update(caseId, { event: { type: "payment.started" } });',
      'const fields = { status: filedState("A"), flow: "A" };',
      'if (record.status === "closed") return;',
      'const task = { status: "open" }; const obligation = { status: "paid" };',
    ].join("\n");
    expect(literalStatusWrites("functions/services/synthetic.ts", text)).toEqual([]);
  });
});
