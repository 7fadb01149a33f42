/**
 * "No internal code, user id or ISO timestamp is ever shown to a zh-CN user" as a rule on the code: a
 * Chinese text built with a template literal in functions/ or core/ never interpolates a value that
 * is a code (a status, task type, payment purpose, action, kind, role), a user id (`…By`, `userId`),
 * an ISO timestamp (`…At`, `closedThrough`), an ISO date (`dueDate`, `today`, `from`/`to`), a period label or an
 * internal id (`fundId`, `townshipId`, `countyId`, `obligationId`, …) as it is: it goes through a
 * label or a formatter (core/labels: `caseStatusZh`, `taskTypeZh`, `paymentPurposeZh`, `zhDateTime`,
 * `zhDate`, `zhPeriod`) or the person's name. The scan parses every source with the TypeScript
 * compiler and reads each interpolation's own name, so a new message that prints a raw code fails
 * here whichever error, field message or message subject it is built for. `caseId` (the case number
 * people quote) and amounts (formatted yuan) are what a reader is meant to see.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../../..");
const HAN = /\p{Script=Han}/u;

/** The last name of an interpolated value that says it is a code, an id, a timestamp or a date. */
const RAW_NAME =
  /^(status|taskType|purpose|action|operation|kind|role|roles|cause|userId|subject|[a-z]+By|[a-z]+At|closedThrough|when|dueDate|today|from|to|periodLabel|fundId|townshipId|countyId|obligationId|instructionId|decisionId|suspicionId|versionId|entryId|taskId|bankReference)$/;

/**
 * Interpolations known to print an identifier to staff, each with why it stays: a reader outside
 * zh-CN consoles (the bank, a log), or an administrator who typed it. `file:expression`.
 */
const KNOWN: ReadonlyMap<string, string> = new Map([
  // The bank's own answers (its status code, our call) reach the operator's incident, never an applicant.
  ["functions/adapters/payments/errors.ts:operation", "bank call name in a timeout, staff incident only"],
  ["functions/adapters/payments/http-bank-gateway.ts:operation", "bank call name, staff incident only"],
  ["functions/adapters/payments/http-bank-gateway.ts:answer.status", "the bank's HTTP status"],
  [
    "functions/adapters/payments/http-bank-gateway.ts:instruction.instructionId",
    "the bank's instruction number",
  ],
  // The bank's reference is the number on the bank's own receipt that finance looks up.
  ["core/reconciliation/reconciler.ts:confirmation.bankReference", "the number printed on the bank receipt"],
  // The bank posts this callback; its answer is read by the bank, not by a console.
  ["functions/handlers/bank-callback.ts:parsed.data.obligationId", "answer to the bank's callback"],
  // An administrator's own words: the county code the townships they type must start with, the
  // version number they wrote in 版本号, the user's name or the township of a quota row.
  ["functions/adapters/directory-store.ts:county.countyId", "the administrator's county code, to type"],
  ["functions/services/admin/county-import.ts:version.versionId", "the 版本号 the administrator wrote"],
  ["functions/services/admin/county-import.ts:subject", "a user's name or a township's name from the sheet"],
]);

function sources(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** The raw values an interpolated expression prints: a name, a property, either side of `??` / `?:`. */
function rawValues(node: ts.Expression): ts.Expression[] {
  if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAsExpression(node)) {
    return rawValues(node.expression);
  }
  if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) return [node];
  if (ts.isConditionalExpression(node)) return [...rawValues(node.whenTrue), ...rawValues(node.whenFalse)];
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) {
    return [...rawValues(node.left), ...rawValues(node.right)];
  }
  // `String(x)` prints x as it is; any other call is a label or a formatter.
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "String") {
    const [argument] = node.arguments;
    return argument ? rawValues(argument) : [];
  }
  return [];
}

function lastName(node: ts.Expression): string {
  return ts.isPropertyAccessExpression(node) ? node.name.text : (node as ts.Identifier).text;
}

/** `period.label` is a period's code (`2026-10`), not a label. */
function isRaw(node: ts.Expression): boolean {
  if (RAW_NAME.test(lastName(node))) return true;
  return (
    ts.isPropertyAccessExpression(node) &&
    /period$/i.test(node.expression.getText()) &&
    node.name.text === "label"
  );
}

interface Finding {
  where: string;
  key: string;
  text: string;
}

function scan(file: string): Finding[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const findings: Finding[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isTemplateExpression(node)) {
      const literal = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join("");
      if (HAN.test(literal)) {
        for (const span of node.templateSpans) {
          for (const value of rawValues(span.expression)) {
            if (!isRaw(value)) continue;
            const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
            findings.push({
              where: `${file}:${line}`,
              key: `${file}:${value.getText()}`,
              text: node.getText().replace(/\s+/g, " ").slice(0, 140),
            });
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

describe("Chinese texts print no code, user id or ISO timestamp as it is", () => {
  const files = [...sources("functions"), ...sources("core")].map((f) => relative(ROOT, join(ROOT, f)));
  const findings = files.flatMap(scan);

  it("every interpolation of a code, id, timestamp or date in a Chinese text goes through a label or formatter", () => {
    const raw = findings.filter((f) => !KNOWN.has(f.key));
    expect(raw.map((f) => `${f.where} ${f.key.split(":")[1]} — ${f.text}`)).toEqual([]);
  });

  it("the scan sees what it is for: a raw status, task type, user id and timestamp are found", () => {
    // TypeScript source for the scan to parse, its template placeholders written `#{…}`.
    const probe = [
      "const a = `案件当前状态为 #{record.status}`;",
      "const b = `此事项（#{taskType}）已由 #{decided.decidedBy} 于 #{decided.decidedAt} 办理`;",
      "const c = `#{String(task.details?.stage)} 与 #{period.label}`;",
      "const d = `当前状态为「#{caseStatusZh(record.status)}」，金额 #{amount.format()}，案件 #{caseId}`;",
      "const e = `Case #{record.status}`;",
    ]
      .join("\n")
      .replaceAll("#{", "$" + "{");
    const source = ts.createSourceFile("probe.ts", probe, ts.ScriptTarget.Latest, true);
    const names: string[] = [];
    const visit = (node: ts.Node) => {
      if (ts.isTemplateExpression(node)) {
        const literal = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join("");
        if (HAN.test(literal)) {
          for (const span of node.templateSpans)
            for (const v of rawValues(span.expression)) if (isRaw(v)) names.push(v.getText());
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    expect(names).toEqual([
      "record.status",
      "taskType",
      "decided.decidedBy",
      "decided.decidedAt",
      "period.label",
    ]);
  });

  it("every known exception still exists (a fixed one leaves the list)", () => {
    const seen = new Set(findings.map((f) => f.key));
    expect([...KNOWN.keys()].filter((key) => !seen.has(key))).toEqual([]);
  });
});
