import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DOCUMENTS_BUCKET_ENV,
  ENV,
  NOTIFICATIONS_TOPIC_ENV,
  stateMachineArnEnv,
} from "#infra/environment.ts";
import { TABLE_ENV } from "#infra/tables.ts";
import { FIXTURE_FUNCTIONS } from "#test/fixtures/infra/catalog.ts";
import { buildFixtureApp, PREFIX } from "./support.ts";

type Resource = { Properties: Record<string, unknown> };

describe("functions stack", () => {
  let template: Template;

  beforeAll(() => {
    // Prepare
    const { stacks } = buildFixtureApp();
    // Act
    template = Template.fromStack(stacks.functions!);
  });

  function functionNamed(description: string): Resource {
    const found = Object.values(
      template.findResources("AWS::Lambda::Function", { Properties: { Description: description } }),
    );
    expect(found).toHaveLength(1);
    return found[0] as Resource;
  }

  function policyStatementsOfRole(fn: Resource): Array<{ Action: string | string[]; Resource: unknown }> {
    const roleId = (fn.Properties.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
    const policies = Object.values(template.findResources("AWS::IAM::Policy")).filter((policy) =>
      JSON.stringify((policy as Resource).Properties.Roles).includes(roleId),
    );
    return policies.flatMap(
      (policy) => ((policy as Resource).Properties.PolicyDocument as { Statement: [] }).Statement,
    );
  }

  it("builds one Node.js 22 function per catalog entry, traced, with the catalog's timeout", () => {
    // Assess
    template.resourceCountIs("AWS::Lambda::Function", FIXTURE_FUNCTIONS.length);
    for (const definition of FIXTURE_FUNCTIONS) {
      const fn = functionNamed(definition.description);
      expect(fn.Properties.Runtime).toBe("nodejs22.x");
      expect(fn.Properties.Handler).toBe(`index.${definition.handler}`);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: "Active" });
      expect(fn.Properties.Timeout).toBe(definition.timeoutSeconds ?? 10);
    }
  });

  it("gives every function a role of its own", () => {
    // Assess
    const roles = FIXTURE_FUNCTIONS.map((definition) =>
      JSON.stringify(functionNamed(definition.description).Properties.Role),
    );
    expect(new Set(roles).size).toBe(FIXTURE_FUNCTIONS.length);
    template.resourceCountIs("AWS::IAM::Role", FIXTURE_FUNCTIONS.length);
    template.allResourcesProperties("AWS::IAM::Role", { ManagedPolicyArns: Match.absent() });
  });

  it("a function that only reads the main table may read it and nothing else", () => {
    // Prepare
    const echo = functionNamed("Fixture: echoes its input, reads the main table");
    // Act
    const statements = policyStatementsOfRole(echo);
    const text = JSON.stringify(statements);
    // Assess
    expect(text).toContain(`table/${PREFIX}main`);
    expect(text).toContain(`table/${PREFIX}main/index/gsi1`);
    expect(text).not.toContain(`${PREFIX}ledger`);
    expect(text).not.toMatch(/dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)/);
    expect(text).not.toMatch(/states:|s3:|sns:|kms:/);
    expect(text).not.toContain("/index/*");
    expect(echo.Properties.Environment).toEqual({
      Variables: {
        NODE_OPTIONS: "--enable-source-maps",
        [ENV.function]: "Echo",
        [TABLE_ENV.main]: `${PREFIX}main`,
        // It serves a route, and the fixture's API trusts the Cognito pool (MFA required of all).
        [ENV.issuerEnforcesMfa]: "true",
      },
    });
  });

  it("a function that decides gets write access, its workflow, the documents and the notifications", () => {
    // Prepare
    const decide = functionNamed("Fixture: records a decision and completes the task token");
    // Act
    const text = JSON.stringify(policyStatementsOfRole(decide));
    const variables = (decide.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    // Assess
    for (const action of [
      "dynamodb:PutItem",
      "states:StartExecution",
      "states:SendTaskSuccess",
      "states:DescribeExecution",
      "s3:PutObject",
      "sns:Publish",
      "kms:GenerateDataKey",
    ]) {
      expect(text).toContain(action);
    }
    expect(text).toContain(`stateMachine:${PREFIX}echo`);
    expect(Object.keys(variables).sort()).toEqual(
      [
        "NODE_OPTIONS",
        ENV.function,
        TABLE_ENV.main,
        TABLE_ENV.ledger,
        stateMachineArnEnv("echo"),
        DOCUMENTS_BUCKET_ENV,
        NOTIFICATIONS_TOPIC_ENV,
        ENV.issuerEnforcesMfa,
      ].sort(),
    );
  });
});
