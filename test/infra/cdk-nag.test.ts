import type { Stack } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { describe, expect, it } from "vitest";
import { buildFixtureApp } from "./support.ts";

type Message = { level: string; entry: { data: unknown }; id: string };

describe("cdk-nag AwsSolutions over the whole app", () => {
  it("finds nothing unacknowledged, with the web consoles deployed too", () => {
    // Prepare
    const { app, checks } = buildFixtureApp({ withWebDist: true });
    // Act
    const report = checks.validateScope(app);
    // Assess
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it("synthesizes, CloudFormation validation included, with no warning or error annotation on any stack", () => {
    // Prepare
    const { app } = buildFixtureApp({ withWebDist: true, cloudFormationValidation: true });
    // Act
    const assembly = app.synth();
    const messages = assembly.stacks.flatMap((stack) => stack.messages as Message[]);
    // Assess
    expect(assembly.stacks).toHaveLength(6);
    expect(
      messages.filter((message) => message.level !== "info").map((message) => message.entry.data),
    ).toEqual([]);
  });

  it("an app with no functions and no workflows yet synthesizes cleanly, without empty stacks", () => {
    // Prepare
    const { app, checks, stacks } = buildFixtureApp({
      functions: [],
      workflows: [],
      cloudFormationValidation: true,
    });
    // Act
    const assembly = app.synth();
    // Assess
    expect(stacks.functions).toBeUndefined();
    expect(stacks.workflows).toBeUndefined();
    expect(assembly.stacks.map((stack) => stack.id).sort()).toEqual(["Api", "Data", "Monitoring", "Web"]);
    expect(assembly.stacks.flatMap((stack) => stack.messages).filter((m) => m.level !== "info")).toEqual([]);
    expect(checks.validateScope(app).violations).toEqual([]);
  });

  it("reports a resource that breaks a rule and is not acknowledged", () => {
    // Prepare
    const { app, stacks, checks } = buildFixtureApp({ functions: [], workflows: [] });
    new s3.Bucket(stacks.data as Stack, "CarelessBucket");
    // Act
    const report = checks.validateScope(app);
    // Assess
    expect(report.success).toBe(false);
    const rules = report.violations.map((violation) => violation.ruleName);
    expect(rules).toContain("AwsSolutions-S1");
    expect(rules).toContain("AwsSolutions-S10");
    expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
  });
});
