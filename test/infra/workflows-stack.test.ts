import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { discoverWorkflows } from "#infra/workflows.ts";
import { buildFixtureApp, ECHO_ASL, PREFIX } from "./support.ts";

describe("workflows stack", () => {
  let template: Template;

  beforeAll(() => {
    // Prepare
    const { stacks } = buildFixtureApp();
    // Act
    template = Template.fromStack(stacks.workflows!);
  });

  it("a state machine logs every event with execution data and is traced by X-Ray", () => {
    // Assess
    template.hasResourceProperties("AWS::StepFunctions::StateMachine", {
      StateMachineName: `${PREFIX}echo`,
      StateMachineType: "STANDARD",
      LoggingConfiguration: Match.objectLike({ Level: "ALL", IncludeExecutionData: true }),
      TracingConfiguration: { Enabled: true },
    });
  });

  it("the ASL placeholder of each function is substituted with that function's ARN", () => {
    // Prepare
    const [machine] = Object.values(template.findResources("AWS::StepFunctions::StateMachine"));
    // Act
    const substitutions = (machine?.Properties ?? {}) as { DefinitionSubstitutions: Record<string, unknown> };
    // Assess
    expect(Object.keys(substitutions.DefinitionSubstitutions).sort()).toEqual([
      "DecideFunctionArn",
      "EchoFunctionArn",
    ]);
    // The version this deploy published, not the function's unqualified (latest) ARN.
    for (const value of Object.values(substitutions.DefinitionSubstitutions)) {
      expect(JSON.stringify(value)).toMatch(/Fn::ImportValue.*FunctionCurrentVersion/);
    }
  });

  it("each deploy publishes a retained version and moves the alias live to it, for executions to start on", () => {
    // Prepare
    const { stacks } = buildFixtureApp();
    const functions = Template.fromStack(stacks.functions!);
    // Act
    const versions = Object.values(template.findResources("AWS::StepFunctions::StateMachineVersion"));
    const functionVersions = Object.values(functions.findResources("AWS::Lambda::Version"));
    // Assess: a running execution keeps its definition and the function versions it names
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
    template.hasResourceProperties("AWS::StepFunctions::StateMachineAlias", {
      Name: "live",
      RoutingConfiguration: [
        { StateMachineVersionArn: { "Fn::GetAtt": [Match.stringLikeRegexp("Version"), "Arn"] }, Weight: 100 },
      ],
    });
    expect(functionVersions.length).toBeGreaterThan(0);
    for (const version of functionVersions) expect(version).toMatchObject({ DeletionPolicy: "Retain" });
  });

  it("a loop continues through the state machine's own alias, which its role may start", () => {
    // Prepare: a loop whose hand-over starts the next execution (continue-as-new)
    const dir = mkdtempSync(path.join(tmpdir(), "aidflow-asl-"));
    const file = path.join(dir, "looping.asl.json");
    writeFileSync(
      file,
      JSON.stringify({
        StartAt: "ContinueAsNew",
        States: {
          ContinueAsNew: {
            Type: "Task",
            Resource: ["arn:$", "{Partition}:states:::states:startExecution"].join(""),
            Parameters: { StateMachineArn: ["$", "{ContinuationStateMachineArn}"].join(""), "Input.$": "$" },
            End: true,
          },
        },
      }),
    );
    // Act
    const { stacks } = buildFixtureApp({ workflows: [{ name: "looping", file }] });
    const looping = Template.fromStack(stacks.workflows!);
    // Assess
    const [machine] = Object.values(looping.findResources("AWS::StepFunctions::StateMachine"));
    const { DefinitionSubstitutions: substitutions } = (machine?.Properties ?? {}) as {
      DefinitionSubstitutions: Record<string, unknown>;
    };
    const continuation = JSON.stringify(substitutions.ContinuationStateMachineArn);
    expect(continuation).toContain(`:stateMachine:${PREFIX}looping:live`);
    const policies = JSON.stringify(looping.findResources("AWS::IAM::Policy"));
    expect(policies).toContain("states:StartExecution");
    expect(policies).toContain(`:stateMachine:${PREFIX}looping:live`);
  });

  it("the state machine may invoke the functions its definition names, by exact ARN", () => {
    // Assess
    const text = JSON.stringify(template.findResources("AWS::IAM::Policy"));
    expect(text).toContain("lambda:InvokeFunction");
    expect(text).not.toMatch(/FunctionArn[^"]*:\*/);
  });

  it("an ASL file naming a function missing from the catalog fails the synth, naming the placeholder", () => {
    // Prepare
    const dir = mkdtempSync(path.join(tmpdir(), "aidflow-asl-"));
    const file = path.join(dir, "stray.asl.json");
    writeFileSync(
      file,
      JSON.stringify({
        StartAt: "A",
        States: { A: { Type: "Task", Resource: ["$", "{MissingFunctionArn}"].join(""), End: true } },
      }),
    );
    // Act
    const build = () => buildFixtureApp({ workflows: [{ name: "stray", file }] });
    // Assess
    expect(build).toThrow(/\$\{MissingFunctionArn\}/);
  });

  it("workflows are discovered from the *.asl.json files of a folder, and an absent folder means none", () => {
    // Prepare
    const dir = mkdtempSync(path.join(tmpdir(), "aidflow-workflows-"));
    copyFileSync(ECHO_ASL, path.join(dir, "flow-b.asl.json"));
    copyFileSync(ECHO_ASL, path.join(dir, "flow-a.asl.json"));
    writeFileSync(path.join(dir, "notes.md"), "not a workflow");
    // Act
    const found = discoverWorkflows(dir);
    const none = discoverWorkflows(path.join(dir, "absent"));
    // Assess
    expect(found).toEqual([
      { name: "flow-a", file: path.join(dir, "flow-a.asl.json") },
      { name: "flow-b", file: path.join(dir, "flow-b.asl.json") },
    ]);
    expect(none).toEqual([]);
  });
});
