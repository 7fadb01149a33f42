/**
 * Staff accounts in the Cognito pool (issue 22): the function that creates and disables staff users
 * is told where the pool's id is and may call exactly the pool operations its adapter uses, on that
 * pool only — never AdminDeleteUser; no other function gets either.
 */
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { functionById } from "#functions/catalog.ts";
import { USER_POOL_ID, userPoolIdParameterName } from "#infra/environment.ts";
import { FIXTURE_FUNCTIONS } from "#test/fixtures/infra/catalog.ts";
import { buildFixtureApp, PREFIX } from "./support.ts";

type Resource = { Type: string; Properties?: Record<string, unknown> };

const administration = functionById("Administration");

describe("staff accounts in the Cognito pool", () => {
  let api: Template;
  let functions: Template;

  beforeAll(() => {
    // Prepare
    if (!administration) throw new Error("no Administration function in the catalog");
    const { stacks } = buildFixtureApp({ functions: [...FIXTURE_FUNCTIONS, administration] });
    if (!stacks.functions) throw new Error("no functions stack");
    // Act
    api = Template.fromStack(stacks.api);
    functions = Template.fromStack(stacks.functions);
  });

  it("the API stack writes the pool's id to the parameter the administration function reads", () => {
    const parameters = Object.values(api.findResources("AWS::SSM::Parameter")) as Resource[];
    const pool = parameters.find((p) => p.Properties?.Name === userPoolIdParameterName(PREFIX));
    expect(pool?.Properties?.Value).toEqual({ Ref: expect.stringMatching(/^UserPool/) });
    const lambdas = Object.values(functions.findResources("AWS::Lambda::Function")) as Resource[];
    const withPool = lambdas.filter(
      (l) =>
        (l.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.[
          USER_POOL_ID.idEnv
        ] !== undefined,
    );
    expect(withPool.map((l) => l.Properties?.Description)).toEqual([administration?.description]);
    expect(JSON.stringify(withPool[0]?.Properties?.Environment)).toContain(userPoolIdParameterName(PREFIX));
  });

  it("only the administration role may call the pool: create, find, add to a group, disable — no delete", () => {
    const policies = Object.values(api.findResources("AWS::IAM::Policy")) as Resource[];
    const cognito = policies.filter((p) =>
      JSON.stringify(p.Properties?.PolicyDocument).includes("cognito-idp:"),
    );
    expect(cognito).toHaveLength(1);
    const document = cognito[0]?.Properties?.PolicyDocument as
      | { Statement: Array<Record<string, unknown>> }
      | undefined;
    const statements = document?.Statement ?? [];
    expect(statements).toHaveLength(1);
    expect([...((statements[0]?.Action as string[] | undefined) ?? [])].sort()).toEqual([
      "cognito-idp:AdminAddUserToGroup",
      "cognito-idp:AdminCreateUser",
      "cognito-idp:AdminDisableUser",
      "cognito-idp:AdminGetUser",
      "cognito-idp:AdminUserGlobalSignOut",
    ]);
    expect(statements[0]?.Resource).toEqual({ "Fn::GetAtt": [expect.stringMatching(/^UserPool/), "Arn"] });
    expect(JSON.stringify(cognito[0]?.Properties?.Roles)).toContain("AdministrationRole");
    expect(JSON.stringify(policies)).not.toContain("AdminDeleteUser");
  });
});
