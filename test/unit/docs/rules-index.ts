/**
 * Reads the rule index (docs/rules.md) and checks it against the tree: every rule file has a row,
 * every link leads to a file, every row names its core, where it is enforced and its tests. Pure
 * over its inputs (text, file listing, an `exists` function), so the check itself is unit-tested
 * against fake listings.
 */
import { posix } from "node:path";

export interface IndexRow {
  /** 1-based line in the document. */
  line: number;
  /** Cell text by lower-case column name. */
  cells: Readonly<Record<string, string>>;
  /** Repository-relative paths linked from each cell, by column name. */
  links: Readonly<Record<string, readonly string[]>>;
  /** Number of cells in the row, to catch a stray `|` that shifts columns. */
  width: number;
}

export interface IndexTable {
  line: number;
  columns: readonly string[];
  rows: readonly IndexRow[];
}

const LINK = /\[[^\]]*\]\(([^)\s]+)\)/g;

/** Repository-relative targets of the markdown links in `text`, written from `fromDir`. */
export function linksIn(text: string, fromDir: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(LINK)) {
    const target = (match[1] ?? "").split("#")[0] ?? "";
    if (target === "" || /^[a-z]+:/i.test(target)) continue;
    out.push(posix.normalize(posix.join(fromDir, target)));
  }
  return out;
}

function cellsOf(line: string): string[] {
  const inner = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  return inner.split("|").map((cell) => cell.trim());
}

const isDivider = (line: string) => /^\|(\s*:?-+:?\s*\|)+\s*$/.test(line.trim());

/** Every table of the document: its header's column names and its rows. */
export function parseIndex(markdown: string, docPath: string): IndexTable[] {
  const fromDir = posix.dirname(docPath);
  const lines = markdown.split("\n");
  const tables: IndexTable[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const header = lines[i] ?? "";
    if (!header.trim().startsWith("|") || !isDivider(lines[i + 1] ?? "")) continue;
    const columns = cellsOf(header).map((c) => c.toLowerCase());
    const rows: IndexRow[] = [];
    let j = i + 2;
    for (; j < lines.length && (lines[j] ?? "").trim().startsWith("|"); j += 1) {
      const values = cellsOf(lines[j] ?? "");
      const cells: Record<string, string> = {};
      const links: Record<string, string[]> = {};
      columns.forEach((column, k) => {
        cells[column] = values[k] ?? "";
        links[column] = linksIn(values[k] ?? "", fromDir);
      });
      rows.push({ line: j + 1, cells, links, width: values.length });
    }
    tables.push({ line: i + 1, columns, rows });
    i = j - 1;
  }
  return tables;
}

export interface IndexCheckInput {
  docPath: string;
  markdown: string;
  /** Repository-relative paths of the rule files, e.g. `core/cases/rules/fraudBar.ts`. */
  ruleFiles: readonly string[];
  /** Files of the rule folder that are not rules, each with the reason. */
  exempt: Readonly<Record<string, string>>;
  exists: (repoPath: string) => boolean;
}

const column = (table: IndexTable, ...names: string[]) => names.find((n) => table.columns.includes(n));

/** Everything wrong with the index, one sentence each; empty when it is complete. */
export function checkRulesIndex(input: IndexCheckInput): string[] {
  const { docPath, markdown } = input;
  const problems: string[] = [];
  const tables = parseIndex(markdown, docPath);
  const ruleTables = tables.filter((t) => column(t, "core") && column(t, "tests"));
  if (ruleTables.length === 0) problems.push(`${docPath} has no table with "core" and "tests" columns`);

  const rowed = new Set<string>();
  for (const table of tables) {
    const tests = column(table, "tests");
    const core = column(table, "core");
    const where = column(table, "enforced in", "lives in");
    if (!tests) continue;
    for (const row of table.rows) {
      const at = `${docPath}:${row.line}`;
      if (row.width !== table.columns.length) {
        problems.push(`${at}: ${row.width} cells under a header of ${table.columns.length} (a stray "|"?)`);
        continue;
      }
      if (!(row.cells.domain ?? "").includes("§")) problems.push(`${at}: no DOMAIN section`);
      if (core) {
        const coreLinks = row.links[core] ?? [];
        if (coreLinks.length === 0) problems.push(`${at}: no link to the core file`);
        for (const path of coreLinks) {
          if (!path.startsWith("core/")) problems.push(`${at}: the core column links ${path}, outside core/`);
          rowed.add(path);
        }
      }
      if (where && (row.links[where] ?? []).length === 0) {
        problems.push(`${at}: no link to where the rule is enforced`);
      }
      // Each rule lives once: a row saying the code restates it is a rule stated twice.
      if (Object.values(row.cells).some((cell) => /\*\*restated\*\*/i.test(cell))) {
        problems.push(`${at}: says **Restated** — the rule is decided twice; call core's rule instead`);
      }
      const testLinks = row.links[tests] ?? [];
      if (testLinks.length === 0) problems.push(`${at}: no test named`);
      for (const path of testLinks) {
        if (!/^test\/.+\.test\.ts$/.test(path)) problems.push(`${at}: ${path} is not a test file`);
      }
    }
  }

  for (const file of input.ruleFiles) {
    if (file in input.exempt || rowed.has(file)) continue;
    problems.push(`${file} has no row in ${docPath} (rule, DOMAIN §, core, enforced in, tests)`);
  }
  for (const file of Object.keys(input.exempt)) {
    if (!input.ruleFiles.includes(file))
      problems.push(`the exemption of ${file} names no file of the rule folder`);
  }
  for (const path of new Set(linksIn(markdown, posix.dirname(docPath)))) {
    if (!input.exists(path)) problems.push(`${docPath} links ${path}, which does not exist`);
  }
  return problems;
}
