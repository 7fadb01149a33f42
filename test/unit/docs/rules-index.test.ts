/**
 * docs/rules.md is the index of the rules: rule → core file → where it is enforced → its tests.
 * A rule file added to core/cases/rules/ without a row, a link to a moved or deleted file, or a row
 * without its tests fails here; the README links the index so a reader reaches any rule in one click.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkRulesIndex, type IndexCheckInput } from "./rules-index.ts";

const ROOT = join(import.meta.dirname, "../../..");
const DOC = "docs/rules.md";
const RULES_DIR = "core/cases/rules";

/** Files of the rule folder that are not rules. */
const EXEMPT: Readonly<Record<string, string>> = {
  "core/cases/rules/outcome.ts": "the three-way answer type and `enforce`, shared by every rule",
};

const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

function realInput(): IndexCheckInput {
  return {
    docPath: DOC,
    markdown: read(DOC),
    ruleFiles: readdirSync(join(ROOT, RULES_DIR))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => `${RULES_DIR}/${f}`),
    exempt: EXEMPT,
    exists: (path) => existsSync(join(ROOT, path)),
  };
}

describe("the rule index (docs/rules.md)", () => {
  it("has a row for every rule file, and every file and test it links exists", () => {
    expect(checkRulesIndex(realInput())).toEqual([]);
  });

  it("is linked from the README", () => {
    expect(read("README.md").includes("](docs/rules.md)"), "README.md does not link docs/rules.md").toBe(
      true,
    );
  });
});

describe("the index check", () => {
  it("a rule file added without a row is named", () => {
    const input = realInput();
    const problems = checkRulesIndex({
      ...input,
      ruleFiles: [...input.ruleFiles, `${RULES_DIR}/newRule.ts`],
    });
    expect(problems).toEqual([
      `${RULES_DIR}/newRule.ts has no row in ${DOC} (rule, DOMAIN §, core, enforced in, tests)`,
    ]);
  });

  it("a rule file whose row was removed is named", () => {
    const input = realInput();
    const markdown = input.markdown
      .split("\n")
      .filter((line) => !line.includes("(../core/cases/rules/fraudBar.ts)"))
      .join("\n");
    expect(checkRulesIndex({ ...input, markdown })).toContain(
      `${RULES_DIR}/fraudBar.ts has no row in ${DOC} (rule, DOMAIN §, core, enforced in, tests)`,
    );
  });

  it("a link to a file that does not exist (moved, renamed, deleted) is named", () => {
    const input = realInput();
    const exists = (path: string) => path !== "functions/services/steps/intake.ts" && input.exists(path);
    expect(checkRulesIndex({ ...input, exists })).toContain(
      `${DOC} links functions/services/steps/intake.ts, which does not exist`,
    );
  });

  const table = (row: string) =>
    ["| rule | DOMAIN | core | enforced in | tests |", "|---|---|---|---|---|", row].join("\n");
  const fake = (markdown: string): IndexCheckInput => ({
    docPath: DOC,
    markdown,
    ruleFiles: ["core/cases/rules/a.ts"],
    exempt: {},
    exists: () => true,
  });

  it("a complete row passes", () => {
    const row =
      "| a | §2.4 | [a.ts](../core/cases/rules/a.ts) | [s.ts](../functions/s.ts) | [a.test.ts](../test/unit/a.test.ts) |";
    expect(checkRulesIndex(fake(table(row)))).toEqual([]);
  });

  it("a row without tests, or naming a helper instead of a test, is refused", () => {
    const none = "| a | §2.4 | [a.ts](../core/cases/rules/a.ts) | [s.ts](../functions/s.ts) | — |";
    expect(checkRulesIndex(fake(table(none)))).toEqual([`${DOC}:3: no test named`]);
    const helper =
      "| a | §2.4 | [a.ts](../core/cases/rules/a.ts) | [s.ts](../functions/s.ts) | [w.ts](../test/world.ts) |";
    expect(checkRulesIndex(fake(table(helper)))).toEqual([`${DOC}:3: test/world.ts is not a test file`]);
  });

  it("a row without its DOMAIN section, its enforcement or a core link is refused", () => {
    const row = "| a | — | [a.ts](../functions/a.ts) | nowhere | [a.test.ts](../test/unit/a.test.ts) |";
    expect(checkRulesIndex({ ...fake(table(row)), ruleFiles: [] })).toEqual([
      `${DOC}:3: no DOMAIN section`,
      `${DOC}:3: the core column links functions/a.ts, outside core/`,
      `${DOC}:3: no link to where the rule is enforced`,
    ]);
  });

  it("a row saying **Restated** is refused: a rule lives once", () => {
    const row =
      "| a | §2.4 | [a.ts](../core/cases/rules/a.ts) | [s.ts](../functions/s.ts); **Restated**: s.ts compares again | [a.test.ts](../test/unit/a.test.ts) |";
    expect(checkRulesIndex(fake(table(row)))).toEqual([
      `${DOC}:3: says **Restated** — the rule is decided twice; call core's rule instead`,
    ]);
  });

  it("a stray '|' that shifts the columns is refused", () => {
    const row =
      "| a | b | §2.4 | [a.ts](../core/cases/rules/a.ts) | [s.ts](../functions/s.ts) | [t](../test/a.test.ts) |";
    expect(checkRulesIndex(fake(table(row)))).toContain(
      `${DOC}:3: 6 cells under a header of 5 (a stray "|"?)`,
    );
  });

  it("an exemption for a file that is gone is refused", () => {
    const row =
      "| a | §2.4 | [a.ts](../core/cases/rules/a.ts) | [s.ts](../functions/s.ts) | [a.test.ts](../test/unit/a.test.ts) |";
    expect(checkRulesIndex({ ...fake(table(row)), exempt: { "core/cases/rules/gone.ts": "why" } })).toEqual([
      "the exemption of core/cases/rules/gone.ts names no file of the rule folder",
    ]);
  });
});
