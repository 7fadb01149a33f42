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

  it("the user pool has one group per role of DOMAIN §1, the administrators and the province viewer of §8", () => {
    // Assess
    const groups = Object.values(template.findResources("AWS::Cognito::UserPoolGroup")).map(
      (group) => (group.Properties as { GroupName: string }).GroupName,
    );
    expect(groups.sort()).toEqual([...ROLES].sort());
    expect(groups).toHaveLength(9);
    expect(groups).toContain("province-viewer");
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

  it("nobody registers themself: administrators create the users", () => {
    // Assess
    template.hasResourceProperties("AWS::Cognito::UserPool", {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });

  it("the consoles sign in at the hosted sign-in with code + PKCE, back on the site's /auth/callback", () => {
    // Assess
    template.resourceCountIs("AWS::Cognito::UserPoolDomain", 1);
    const [client] = Object.values(template.findResources("AWS::Cognito::UserPoolClient"));
    const props = (client?.Properties ?? {}) as Record<string, unknown>;
    expect(props.AllowedOAuthFlows).toEqual(["code"]);
    expect(props.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(props.AllowedOAuthScopes).toEqual(expect.arrayContaining(["openid", "profile"]));
    expect(props.GenerateSecret).toBe(false);
    // Only the hosted sign-in: no SRP or password flow that would go around it.
    expect(props.ExplicitAuthFlows).toEqual(["ALLOW_REFRESH_TOKEN_AUTH"]);
    const callbacks = JSON.stringify(props.CallbackURLs);
    expect(callbacks).toContain("/auth/callback");
    expect(callbacks).not.toContain("example.com");
    // The site URL is the web stack's distribution (CloudFront's domain when no own domain is set).
    expect(callbacks).toMatch(/Web|DomainName/);
    expect(JSON.stringify(props.LogoutURLs)).not.toContain("example.com");
  });

  it("tokens are short: ID and access tokens 15 minutes, the refresh token a working day", () => {
    // Assess
    const [client] = Object.values(template.findResources("AWS::Cognito::UserPoolClient"));
    const props = (client?.Properties ?? {}) as Record<string, unknown>;
    expect(props).toMatchObject({
      IdTokenValidity: 15,
      AccessTokenValidity: 15,
      RefreshTokenValidity: 600,
      TokenValidityUnits: { IdToken: "minutes", AccessToken: "minutes", RefreshToken: "minutes" },
      EnableTokenRevocation: true,
    });
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

describe("documents bucket and the consoles' origin", () => {
  it("browsers of the consoles' origin may PUT and GET documents by presigned URL (CORS)", () => {
    // Prepare
    const { stacks } = buildFixtureApp();
    // Act
    const template = Template.fromStack(stacks.data);
    // Assess
    const buckets = Object.values(template.findResources("AWS::S3::Bucket")).filter(
      (bucket) => (bucket.Properties as { CorsConfiguration?: unknown }).CorsConfiguration !== undefined,
    );
    expect(buckets).toHaveLength(1);
    const properties = buckets[0]?.Properties as
      | { CorsConfiguration: { CorsRules: Array<Record<string, unknown>> } }
      | undefined;
    const rules = properties?.CorsConfiguration.CorsRules ?? [];
    expect(rules).toHaveLength(1);
    expect(rules[0]?.AllowedMethods).toEqual(["PUT", "GET"]);
    // The origin is the web stack's site URL, not a wildcard.
    expect(JSON.stringify(rules[0]?.AllowedOrigins)).not.toContain('"*"');
    expect(JSON.stringify(rules[0]?.AllowedOrigins)).toMatch(/Fn::ImportValue|https:\/\//);
  });
});
