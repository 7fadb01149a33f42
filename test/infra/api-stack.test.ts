import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { ROLES } from "#core/access/roles.ts";
import { ENV, SIGN_IN_POOLS, signInPoolsParameterName } from "#infra/environment.ts";
import { FIXTURE_FUNCTIONS } from "#test/fixtures/infra/catalog.ts";
import { buildFixtureApp, PREFIX } from "./support.ts";

type Resource = { Type: string; Properties?: Record<string, unknown> };

describe("API stack", () => {
  let template: Template;
  let functions: Template;
  let staffPool: Record<string, unknown>;
  let applicantPool: Record<string, unknown>;
  let staffClient: Record<string, unknown>;
  let applicantClient: Record<string, unknown>;

  beforeAll(() => {
    // Prepare
    const { stacks } = buildFixtureApp();
    if (!stacks.functions) throw new Error("no functions stack");
    // Act
    template = Template.fromStack(stacks.api);
    functions = Template.fromStack(stacks.functions);
    const byId = (type: string, prefix: string) => {
      const found = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(prefix));
      expect(found).toHaveLength(1);
      return (found[0]?.[1] as Resource | undefined)?.Properties ?? {};
    };
    staffPool = byId("AWS::Cognito::UserPool", "UserPool");
    applicantPool = byId("AWS::Cognito::UserPool", "ApplicantPool");
    staffClient = byId("AWS::Cognito::UserPoolClient", "UserPoolWebClient");
    applicantClient = byId("AWS::Cognito::UserPoolClient", "ApplicantPool");
  });

  it("builds two user pools: staff and applicants", () => {
    template.resourceCountIs("AWS::Cognito::UserPool", 2);
    template.resourceCountIs("AWS::Cognito::UserPoolClient", 2);
  });

  it("the staff pool has one group per staff role of DOMAIN §1, the administrators and the province viewer of §8", () => {
    // Assess
    const groups = Object.values(template.findResources("AWS::Cognito::UserPoolGroup")).map(
      (group) => group.Properties as { GroupName: string; UserPoolId: unknown },
    );
    expect(groups.map((group) => group.GroupName).sort()).toEqual(
      ROLES.filter((role) => role !== "applicant").sort(),
    );
    expect(groups).toHaveLength(8);
    expect(groups.map((group) => group.GroupName)).toContain("province-viewer");
    // Applicants are given no group: they are applicants by being in the applicant pool.
    for (const group of groups) expect(group.UserPoolId).toEqual({ Ref: expect.stringMatching(/^UserPool/) });
  });

  it("the staff pool carries the township and county of each user; the applicant pool carries none", () => {
    // Assess
    expect(staffPool.Schema).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Name: "township", AttributeDataType: "String" }),
        expect.objectContaining({ Name: "county", AttributeDataType: "String" }),
      ]),
    );
    const applicantAttributes = ((applicantPool.Schema ?? []) as Array<{ Name: string }>).map((a) => a.Name);
    expect(applicantAttributes.sort()).toEqual(["name", "phone_number"]);
  });

  it("staff cannot write their own township or county", () => {
    // Assess
    const writable = staffClient.WriteAttributes as string[] | undefined;
    expect(writable).toBeDefined();
    expect(writable).not.toContain("custom:township");
    expect(writable).not.toContain("custom:county");
  });

  it("staff: administrators create the accounts and every account must use TOTP (MFA required)", () => {
    // Assess
    expect(staffPool).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: "ON",
      EnabledMfas: ["SOFTWARE_TOKEN_MFA"],
    });
  });

  it("applicants sign themselves up with their phone (verified by SMS), with no second factor", () => {
    // Assess
    expect(applicantPool).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      MfaConfiguration: "OFF",
      UsernameAttributes: ["phone_number"],
      AutoVerifiedAttributes: ["phone_number"],
      UserPoolTier: "PLUS",
      UserPoolAddOns: { AdvancedSecurityMode: "ENFORCED" },
    });
    expect(applicantPool.EnabledMfas).toBeUndefined();
    expect(String(applicantPool.SmsVerificationMessage)).toContain("{####}");
  });

  it("both consoles sign in at their pool's hosted sign-in with code + PKCE, back on the site's /auth/callback", () => {
    // Assess
    template.resourceCountIs("AWS::Cognito::UserPoolDomain", 2);
    template.resourceCountIs("AWS::Cognito::ManagedLoginBranding", 2);
    for (const props of [staffClient, applicantClient]) {
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
    }
  });

  it("tokens are short: 15 minutes; staff sign-in lasts a working day, an applicant's a week", () => {
    // Assess
    const minutes = { IdToken: "minutes", AccessToken: "minutes", RefreshToken: "minutes" };
    expect(staffClient).toMatchObject({
      IdTokenValidity: 15,
      AccessTokenValidity: 15,
      RefreshTokenValidity: 600,
      TokenValidityUnits: minutes,
      EnableTokenRevocation: true,
    });
    expect(applicantClient).toMatchObject({
      IdTokenValidity: 15,
      AccessTokenValidity: 15,
      RefreshTokenValidity: 7 * 24 * 60,
      TokenValidityUnits: minutes,
      EnableTokenRevocation: true,
    });
  });

  it("every catalog route is a route of the HTTP API, behind the Lambda authorizer unless public", () => {
    // Prepare
    const routes = FIXTURE_FUNCTIONS.flatMap((definition) => definition.routes ?? []);
    // Act
    const built = Object.values(template.findResources("AWS::ApiGatewayV2::Route")).map(
      (route) => route.Properties as { RouteKey: string; AuthorizationType: string; AuthorizerId?: unknown },
    );
    const authorizers = Object.entries(template.findResources("AWS::ApiGatewayV2::Authorizer"));
    // Assess: one authorizer, a Lambda one with simple responses, cached briefly per Authorization header.
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0] as [string, Resource];
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: "REQUEST",
      AuthorizerPayloadFormatVersion: "2.0",
      EnableSimpleResponses: true,
      IdentitySource: ["$request.header.Authorization"],
      AuthorizerResultTtlInSeconds: 60,
    });
    expect(JSON.stringify(authorizer.Properties?.AuthorizerUri)).toContain("AuthorizerFunction");
    expect(built).toHaveLength(routes.length);
    for (const route of routes) {
      const match = built.find((candidate) => candidate.RouteKey === `${route.method} ${route.path}`);
      expect(match?.AuthorizationType).toBe(route.public ? "NONE" : "CUSTOM");
      if (!route.public) expect(match?.AuthorizerId).toEqual({ Ref: authorizerId });
    }
  });

  it("API Gateway may invoke the authorizer, for this API's authorizer only", () => {
    // Assess
    const permissions = Object.values(template.findResources("AWS::Lambda::Permission")).filter((p) =>
      JSON.stringify(p.Properties?.FunctionName).includes("AuthorizerFunction"),
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.Properties?.Principal).toBe("apigateway.amazonaws.com");
    expect(JSON.stringify(permissions[0]?.Properties?.SourceArn)).toContain("/authorizers/");
  });

  it("the authorizer is told where both pools and their clients are, and may read that parameter only", () => {
    // Assess: the parameter names both pools and both clients.
    const parameters = Object.values(template.findResources("AWS::SSM::Parameter")) as Resource[];
    const pools = parameters.find((p) => p.Properties?.Name === signInPoolsParameterName(PREFIX));
    const value = JSON.stringify(pools?.Properties?.Value);
    for (const ref of ["UserPool", "UserPoolWebClient", "ApplicantPool", "ApplicantPoolApplicantWebClient"]) {
      expect(value).toMatch(new RegExp(`"Ref":"${ref}[0-9A-F]{8}"`));
    }
    // Its environment names that parameter and nothing else of AidFlow's but its own catalog id.
    const lambdas = Object.values(functions.findResources("AWS::Lambda::Function")) as Resource[];
    const authorizer = lambdas.find((l) => String(l.Properties?.Description).includes("authorizer"));
    const environment = authorizer?.Properties?.Environment as
      | { Variables: Record<string, string> }
      | undefined;
    const variables = environment?.Variables ?? {};
    expect(
      Object.keys(variables)
        .filter((name) => name.startsWith("AIDFLOW_"))
        .sort(),
    ).toEqual([ENV.function, SIGN_IN_POOLS.idEnv].sort());
    expect(variables[SIGN_IN_POOLS.idEnv]).toBe(signInPoolsParameterName(PREFIX));
    // Its role: its log stream, the parameter, X-Ray — no table, bucket, secret, key or state machine.
    const policies = Object.entries(functions.findResources("AWS::IAM::Policy")).filter(([id]) =>
      id.startsWith("AuthorizerRole"),
    );
    const statements = policies.flatMap(
      ([, policy]) =>
        (
          policy.Properties?.PolicyDocument as
            | { Statement: Array<{ Action: string | string[]; Resource: unknown }> }
            | undefined
        )?.Statement ?? [],
    );
    const actions = statements.flatMap((statement) => [statement.Action].flat()).sort();
    expect(actions).toEqual(
      [
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "ssm:GetParameter",
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
      ].sort(),
    );
    const ssm = statements.find((statement) => statement.Action === "ssm:GetParameter");
    expect(JSON.stringify(ssm?.Resource)).toContain(`parameter${signInPoolsParameterName(PREFIX)}`);
  });

  it("the consoles are offered two sign-ins: staff at the staff pool, applicants at theirs", () => {
    // Assess
    const output = JSON.stringify(template.toJSON().Outputs?.ConsoleSignIn?.Value);
    expect(output).toContain('\\"kind\\":\\"staff\\"');
    expect(output).toContain('\\"kind\\":\\"applicant\\"');
    expect(output.indexOf("UserPoolWebClient")).toBeLessThan(
      output.indexOf("ApplicantPoolApplicantWebClient"),
    );
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
