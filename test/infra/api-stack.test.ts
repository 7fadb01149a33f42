import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { ROLES } from "#core/access/roles.ts";
import { FIXTURE_FUNCTIONS } from "#test/fixtures/infra/catalog.ts";
import { buildFixtureApp } from "./support.ts";

describe("API stack", () => {
  let template: Template;

  beforeAll(() => {
    // Prepare
    const { stacks } = buildFixtureApp();
    // Act
    template = Template.fromStack(stacks.api);
  });

  it("the user pool has one group per role of DOMAIN §1 and the administrators of §8", () => {
    // Assess
    const groups = Object.values(template.findResources("AWS::Cognito::UserPoolGroup")).map(
      (group) => (group.Properties as { GroupName: string }).GroupName,
    );
    expect(groups.sort()).toEqual([...ROLES].sort());
    expect(groups).toHaveLength(8);
  });

  it("the user pool carries the township and county of each user", () => {
    // Assess
    template.hasResourceProperties("AWS::Cognito::UserPool", {
      Schema: Match.arrayWith([
        Match.objectLike({ Name: "township", AttributeDataType: "String" }),
        Match.objectLike({ Name: "county", AttributeDataType: "String" }),
      ]),
    });
  });

  it("users cannot write their own township or county", () => {
    // Assess
    const [client] = Object.values(template.findResources("AWS::Cognito::UserPoolClient"));
    const writable = ((client?.Properties ?? {}) as { WriteAttributes?: string[] }).WriteAttributes;
    expect(writable).toBeDefined();
    expect(writable).not.toContain("custom:township");
    expect(writable).not.toContain("custom:county");
  });

  it("every catalog route is a route of the HTTP API, behind the JWT authorizer unless public", () => {
    // Prepare
    const routes = FIXTURE_FUNCTIONS.flatMap((definition) => definition.routes ?? []);
    // Act
    const built = Object.values(template.findResources("AWS::ApiGatewayV2::Route")).map(
      (route) => route.Properties as { RouteKey: string; AuthorizationType: string },
    );
    // Assess
    template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", { AuthorizerType: "JWT" });
    expect(built).toHaveLength(routes.length);
    for (const route of routes) {
      const match = built.find((candidate) => candidate.RouteKey === `${route.method} ${route.path}`);
      expect(match?.AuthorizationType).toBe(route.public ? "NONE" : "JWT");
    }
  });

  it("the API stage writes access logs and is throttled", () => {
    // Assess
    template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: Match.anyValue() }),
    });
  });
});
