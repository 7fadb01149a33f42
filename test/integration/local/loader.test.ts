/**
 * Loading ASL files as the CDK app deploys them: `${Name}` substitutions, the original validated once,
 * and what the local interpreter cannot run refused loudly.
 */
import { describe, expect, it } from "vitest";
import { REPOSITORY_ROOT } from "../../../local/runtime.ts";
import { localFunctionArn } from "../../../local/stepfunctions/arn.ts";
import { LocalFunctions } from "../../../local/stepfunctions/functions.ts";
import { applySubstitutions, discoverWorkflows, loadWorkflow } from "../../../local/stepfunctions/loader.ts";
import { FIXTURE_FUNCTIONS, FIXTURE_WORKFLOWS } from "../../fixtures/handlers/functions.ts";

const functions = new LocalFunctions(FIXTURE_FUNCTIONS, REPOSITORY_ROOT);

/** `${Name}` as it stands in an ASL file (concatenated, so it is not mistaken for a template literal). */
function placeholder(name: string): string {
  return "$" + "{" + name + "}";
}

describe("ASL loading with definition substitutions", () => {
  it("replaces every <Id>FunctionArn placeholder with the local ARN of that catalog function", async () => {
    const loaded = await loadWorkflow(FIXTURE_WORKFLOWS.review, functions);

    expect(loaded.definition.States.PrepareReview?.Resource).toBe(localFunctionArn("PrepareReview"));
    expect(localFunctionArn("PrepareReview")).toBe(
      "arn:aws:lambda:cn-north-1:000000000000:function:aidflow-PrepareReview",
    );
    expect(JSON.stringify(loaded.definition)).not.toContain("$" + "{");
    expect(loaded.stateMachineArn).toBe("arn:aws:states:cn-north-1:000000000000:stateMachine:review");
  });

  it("substitutes like CloudFormation: every occurrence, extra keys allowed, unknown placeholders refused", () => {
    expect(
      applySubstitutions(
        `{"a":"${placeholder("X")}","b":"${placeholder("X")}-${placeholder("Y")}"}`,
        { X: "1", Y: "2", Z: "unused" },
        "f",
      ),
    ).toBe('{"a":"1","b":"1-2"}');
    expect(() => applySubstitutions(`{"a":"${placeholder("Missing")}"}`, {}, "f.asl.json")).toThrow(
      /no definition substitution for \$\{Missing\}/,
    );
  });

  it("refuses a JSONata workflow loudly instead of running it wrong", async () => {
    await expect(
      loadWorkflow({ name: "j", file: "test/fixtures/asl/jsonata.asl.json" }, functions),
    ).rejects.toThrow(/JSONata/);
  });

  it("refuses a Pass state whose Result is falsy (the interpreter would pass its input on instead)", async () => {
    await expect(
      loadWorkflow({ name: "z", file: "test/fixtures/asl/falsy-pass-result.asl.json" }, functions),
    ).rejects.toThrow(/state "Zero" has a Pass Result of 0.*set the value with Parameters/);
  });

  it("refuses a Choice rule with IsPresent false, however deep (the interpreter never matches it)", async () => {
    await expect(
      loadWorkflow({ name: "p", file: "test/fixtures/asl/is-present-false.asl.json" }, functions),
    ).rejects.toThrow(/state "Check" has a Choice rule with IsPresent false.*Not \{ IsPresent: true \}/);
  });

  it("refuses a task naming a function the catalog does not have", async () => {
    await expect(
      loadWorkflow({ name: "u", file: "test/fixtures/asl/unknown-substitution.asl.json" }, functions, {
        NotifyApplicantFunctionArn: localFunctionArn("NotifyApplicant"),
      }),
    ).rejects.toThrow(/not a function of the catalog/);
  });

  it("finds the workflows of a directory by their .asl.json name", () => {
    const found = discoverWorkflows("test/fixtures/asl").map((w) => w.name);

    expect(found).toEqual(expect.arrayContaining(["review", "cooling-off", "heartbeat"]));
    expect(discoverWorkflows("test/fixtures/no-such-dir")).toEqual([]);
  });
});
