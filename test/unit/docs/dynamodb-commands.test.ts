/**
 * Adapters own DynamoDB (STYLE, Powertools' helpers; ARCHITECTURE §2): no file outside
 * functions/adapters/ imports a command from the DynamoDB SDKs (`GetCommand`, `QueryCommand`,
 * `BatchGetItemCommand`, … or a `paginate…` helper that sends them) — services and handlers call an
 * adapter's method instead. Clients and types (`DynamoDBDocumentClient`, `AttributeValue`) may pass
 * through. A namespace, default or dynamic import of those SDKs counts as importing every command.
 * The local runtime, tests, benchmarks and scripts are not production paths and are not checked.
 * Read with the TypeScript AST, so a multi-line import or an `import type` is read as it is meant.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const DYNAMODB_SDKS = new Set(["@aws-sdk/lib-dynamodb", "@aws-sdk/client-dynamodb"]);
/** Folders where DynamoDB commands may be sent, and folders that are not production code. */
const ALLOWED_FOLDERS = ["functions/adapters", "local", "test", "bench", "scripts"] as const;
/** Not source: dependencies, build output, generated artifacts and local data. */
const SKIPPED_NAMES = new Set(["node_modules", "dist", "cdk.out", "test-artifacts"]);
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
/** What sends a request when called: a command class or a paginator. */
const SENDS_REQUESTS = /(Command$|^paginate[A-Z])/;

function allowed(path: string): boolean {
  return ALLOWED_FOLDERS.some((folder) => path.startsWith(`${folder}/`));
}

function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, folder || "."), { withFileTypes: true })) {
    if (entry.name.startsWith(".") || SKIPPED_NAMES.has(entry.name)) continue;
    const path = folder ? `${folder}/${entry.name}` : entry.name;
    if (allowed(`${path}/`) || allowed(path)) continue;
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (SOURCE.test(entry.name)) out.push(path);
  }
  return out;
}

function isDynamoDbSdk(node: ts.Node | undefined): node is ts.StringLiteral {
  return node !== undefined && ts.isStringLiteral(node) && DYNAMODB_SDKS.has(node.text);
}

/** `path:line what` for every DynamoDB command the source imports, wherever it is not allowed. */
function commandImports(path: string, text: string): string[] {
  if (allowed(path)) return [];
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const note = (node: ts.Node, what: string) =>
    found.push(`${path}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1} ${what}`);
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && isDynamoDbSdk(node.moduleSpecifier)) {
      const clause = node.importClause;
      if (clause && !clause.isTypeOnly) {
        if (clause.name) note(node, `${clause.name.text} (default import of ${node.moduleSpecifier.text})`);
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings))
          note(node, `* as ${bindings.name.text} (every command of ${node.moduleSpecifier.text})`);
        if (bindings && ts.isNamedImports(bindings))
          for (const element of bindings.elements) {
            const name = (element.propertyName ?? element.name).text;
            if (!element.isTypeOnly && SENDS_REQUESTS.test(name)) note(element, name);
          }
      }
    }
    if (ts.isExportDeclaration(node) && !node.isTypeOnly && isDynamoDbSdk(node.moduleSpecifier)) {
      const clause = node.exportClause;
      if (!clause || !ts.isNamedExports(clause))
        note(node, `export * (every command of ${node.moduleSpecifier.text})`);
      else
        for (const element of clause.elements) {
          const name = (element.propertyName ?? element.name).text;
          if (!element.isTypeOnly && SENDS_REQUESTS.test(name)) note(element, `${name} (re-exported)`);
        }
    }
    if (ts.isCallExpression(node) && isDynamoDbSdk(node.arguments[0])) {
      const callee = node.expression;
      const dynamic = callee.kind === ts.SyntaxKind.ImportKeyword;
      const required = ts.isIdentifier(callee) && callee.text === "require";
      if (dynamic || required) note(node, `${dynamic ? "import" : "require"}(${node.arguments[0].text})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("adapters own DynamoDB", () => {
  it("Compliance: no file outside functions/adapters/ (and local/, test/, bench/, scripts/) imports a DynamoDB command", () => {
    const files = sourceFiles("");
    expect(files.filter((f) => f.startsWith("functions/")).length).toBeGreaterThan(100);
    expect(files.some((f) => f.startsWith("functions/adapters/"))).toBe(false);
    const found = files.flatMap((file) => commandImports(file, readFileSync(join(ROOT, file), "utf8")));
    expect(found).toEqual([]);
  });

  it("Noncompliance: a named, renamed, multi-line, namespace, default, dynamic and re-exported command is each found", () => {
    const text = [
      'import { type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";',
      'import { BatchGetItemCommand as BatchGet } from "@aws-sdk/client-dynamodb";',
      "import {\n  PutCommand,\n  paginateQuery,\n} from '@aws-sdk/lib-dynamodb';",
      'import * as ddb from "@aws-sdk/client-dynamodb";',
      'import lib from "@aws-sdk/lib-dynamodb";',
      'const { UpdateCommand } = await import("@aws-sdk/lib-dynamodb");',
      'export { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";',
    ].join("\n");
    expect(commandImports("functions/services/synthetic.ts", text)).toEqual([
      "functions/services/synthetic.ts:1 GetCommand",
      "functions/services/synthetic.ts:2 BatchGetItemCommand",
      "functions/services/synthetic.ts:4 PutCommand",
      "functions/services/synthetic.ts:5 paginateQuery",
      "functions/services/synthetic.ts:7 * as ddb (every command of @aws-sdk/client-dynamodb)",
      "functions/services/synthetic.ts:8 lib (default import of @aws-sdk/lib-dynamodb)",
      "functions/services/synthetic.ts:9 import(@aws-sdk/lib-dynamodb)",
      "functions/services/synthetic.ts:10 TransactWriteCommand (re-exported)",
    ]);
  });

  it("Compliance: clients and types pass, and so does any command inside functions/adapters/ or local/", () => {
    const clientsAndTypes = [
      'import type { DynamoDBDocumentClient, QueryCommandInput } from "@aws-sdk/lib-dynamodb";',
      'import { type AttributeValue, DynamoDBClient } from "@aws-sdk/client-dynamodb";',
      'import { type GetCommand, DynamoDBDocumentClient as Doc } from "@aws-sdk/lib-dynamodb";',
      'import { StopExecutionCommand } from "@aws-sdk/client-sfn";',
    ].join("\n");
    expect(commandImports("functions/services/synthetic.ts", clientsAndTypes)).toEqual([]);
    const commands = 'import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";';
    expect(commandImports("functions/adapters/case-store.ts", commands)).toEqual([]);
    expect(commandImports("local/seed/seed.ts", commands)).toEqual([]);
    expect(commandImports("functions/handlers/documents.ts", commands)).toHaveLength(2);
  });
});
