/**
 * Every target region synthesizes: the real catalog and ASL files, read through the same context keys
 * as `npx cdk synth -c region=…` (infra/context.ts), cdk-nag included, for two global regions and both
 * China regions. Bundling is skipped (as in test/infra/support.ts), so each synth takes seconds.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { App } from "aws-cdk-lib";
import type { CloudFormationStackArtifact } from "aws-cdk-lib/cx-api";
import { beforeAll, describe, expect, it } from "vitest";
import { FUNCTIONS, needsOf } from "#functions/catalog.ts";
import { buildAidFlowApp } from "#infra/context.ts";
import { discoverWorkflows } from "#infra/workflows.ts";
import { PROJECT_ROOT } from "./support.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Resource = { Type: string; Properties?: Record<string, Json> };
type Template = { Resources?: Record<string, Resource>; Outputs?: Record<string, { Value: Json }> };

const ACCOUNT = "123456789012";
const WORKFLOWS = discoverWorkflows(path.join(PROJECT_ROOT, "workflows"));
const BANK = { bankEndpoints: '{"*":"https://bank.example.cn/aidflow"}' };
/** What a China deployment must be given (README, Deploy, China regions). */
const CHINA = {
  oidcIssuer: "https://idp.example.gov.cn/realms/aidflow",
  oidcAudience: "aidflow-consoles",
  webDomain: "aidflow.example.gov.cn",
  webCertificateId: "ASCAEXAMPLE0123456789",
};

function newApp(context: Record<string, string>): App {
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "cdk.json"), "utf8")) as {
    context?: Record<string, unknown>;
  };
  return new App({
    context: { ...cdkJson.context, "aws:cdk:bundling-stacks": [], account: ACCOUNT, ...context },
  });
}

/** A built `web/dist` stand-in, so the China template carries the site's deployment too. */
function webDist(): string {
  const dist = mkdtempSync(path.join(tmpdir(), "aidflow-regions-"));
  writeFileSync(path.join(dist, "index.html"), "<!doctype html><title>AidFlow</title>");
  return dist;
}

function build(context: Record<string, string>): App {
  const app = newApp(context);
  buildAidFlowApp(app, {
    functions: FUNCTIONS,
    workflows: WORKFLOWS,
    projectRoot: PROJECT_ROOT,
    webDistPath: webDist(),
  });
  return app;
}

function resources(template: Template, type: string): Resource[] {
  return Object.values(template.Resources ?? {}).filter((resource) => resource.Type === type);
}

/** Every string of a JSON value with its path. */
function strings(value: Json, at = ""): [string, string][] {
  if (typeof value === "string") return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((item, index) => strings(item, `${at}[${index}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => strings(item, `${at}.${key}`));
  }
  return [];
}

/**
 * The definition as Step Functions receives it: each `${Key}` replaced by its substitution, with
 * CloudFormation's part done here — `AWS::Partition` is the region's partition, and an imported
 * function ARN is followed to the exporting stack's function, named in that partition (an imported
 * queue to its URL in the region's domain).
 */
function resolvedDefinition(
  machine: Resource,
  region: string,
  assemblyDir: string,
  stacks: readonly CloudFormationStackArtifact[],
): string {
  const partition = region.startsWith("cn-") ? "aws-cn" : "aws";
  const exported = new Map<string, { value: Json; template: Template }>();
  for (const stack of stacks) {
    const template = stack.template as Template & {
      Outputs?: Record<string, { Value: Json; Export?: { Name: string } }>;
    };
    for (const output of Object.values(template.Outputs ?? {})) {
      if (output.Export) exported.set(output.Export.Name, { value: output.Value, template });
    }
  }
  const functionArn = (raw: Json, template: Template): string | undefined => {
    // A function version's Ref is its ARN with the version number.
    const ref = (raw as { Ref?: string }).Ref;
    const version = ref ? template.Resources?.[ref] : undefined;
    const functionRef = (version?.Properties?.FunctionName as { Ref?: string } | undefined)?.Ref;
    if (version?.Type === "AWS::Lambda::Version" && functionRef) {
      return `arn:${partition}:lambda:${region}:${ACCOUNT}:function:${functionRef}:1`;
    }
    return undefined;
  };
  // A queue's Ref is its URL: the draw queue the payment step sends to (sqs:sendMessage).
  const queueUrl = (raw: Json, template: Template): string | undefined => {
    const ref = (raw as { Ref?: string }).Ref;
    if (!ref || template.Resources?.[ref]?.Type !== "AWS::SQS::Queue") return undefined;
    const domain = partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
    return `https://sqs.${region}.${domain}/${ACCOUNT}/${ref}.fifo`;
  };
  const pseudo: Record<string, string> = {
    "AWS::Partition": partition,
    "AWS::Region": region,
    "AWS::AccountId": ACCOUNT,
  };
  // An ARN the stack formats itself (the state machine's own alias): a join of text and pseudo parameters.
  const joined = (raw: Json): string | undefined => {
    const join = (raw as { "Fn::Join"?: [string, Json[]] })["Fn::Join"];
    if (!join) return undefined;
    const parts = join[1].map((part) =>
      typeof part === "string" ? part : pseudo[(part as { Ref?: string }).Ref ?? ""],
    );
    return parts.every((part) => part !== undefined) ? parts.join(join[0]) : undefined;
  };
  const props = machine.Properties ?? {};
  const substitutions = (props.DefinitionSubstitutions ?? {}) as Record<string, Json>;
  const value = (key: string, raw: Json): string => {
    if (JSON.stringify(raw) === '{"Ref":"AWS::Partition"}') return partition;
    const formatted = joined(raw);
    if (formatted) return formatted;
    const importName = (raw as { "Fn::ImportValue"?: string })["Fn::ImportValue"];
    const source = importName ? exported.get(importName) : undefined;
    const arn = source
      ? (functionArn(source.value, source.template) ?? queueUrl(source.value, source.template))
      : undefined;
    if (arn) return arn;
    throw new Error(`substitution ${key}: cannot resolve ${JSON.stringify(raw)}`);
  };
  // DefinitionBody.fromFile uploads the ASL file as an asset, staged in the assembly as asset.<key>.
  const key = (props.DefinitionS3Location as { Key?: string } | undefined)?.Key;
  if (!key) throw new Error("the state machine's definition is not the staged ASL file");
  const definition = readFileSync(path.join(assemblyDir, `asset.${key}`), "utf8");
  return definition.replace(/\$\{([A-Za-z0-9_]+)\}/g, (placeholder, name: string) =>
    name in substitutions ? value(name, substitutions[name] as Json) : placeholder,
  );
}

/** The Task resources of a definition, nested Parallel/Map states included. */
function taskResources(definition: Json): string[] {
  const found: string[] = [];
  const walk = (value: Json) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      if (value.Type === "Task" && typeof value.Resource === "string") found.push(value.Resource);
      Object.values(value).forEach(walk);
    }
  };
  walk(definition);
  return found;
}

describe("the ASL files", () => {
  it("name no partition: every integration ARN takes the Partition substitution", () => {
    expect(WORKFLOWS.map((workflow) => workflow.name)).toEqual(["flow-a", "flow-b"]);
    for (const workflow of WORKFLOWS) {
      const text = readFileSync(workflow.file, "utf8");
      expect(text.match(/arn:aws[a-z-]*:/g) ?? [], workflow.name).toEqual([]);
      expect(text, workflow.name).toContain(["arn:$", "{Partition}:states:::"].join(""));
    }
  });
});

describe.each([
  ["us-east-1", { ...BANK }],
  ["ap-east-1", { ...BANK }],
  ["cn-north-1", { ...BANK, ...CHINA }],
  ["cn-northwest-1", { ...BANK, ...CHINA }],
])("synth for %s", (region, context) => {
  const china = region.startsWith("cn-");
  const partition = china ? "aws-cn" : "aws";
  let stacks: CloudFormationStackArtifact[];
  let assemblyDir: string;
  const template = (id: string): Template => {
    const stack = stacks.find((candidate) => candidate.id === id);
    if (!stack) throw new Error(`no stack ${id}`);
    return stack.template as Template;
  };

  beforeAll(() => {
    // Prepare
    const app = build({ region, ...context });
    // Act: cdk-nag runs as a validation plugin of this synth and throws on any finding.
    const assembly = app.synth();
    stacks = assembly.stacks;
    assemblyDir = assembly.directory;
  });

  it("succeeds with cdk-nag, every stack in the region, without warnings", () => {
    // Assess
    expect(stacks.map((stack) => stack.id).sort()).toEqual([
      "Api",
      "Data",
      "Functions",
      "Monitoring",
      "Web",
      "Workflows",
    ]);
    for (const stack of stacks) expect(stack.environment.region).toBe(region);
    const messages = stacks.flatMap((stack) => stack.messages).filter((m) => m.level !== "info");
    expect(messages.map((m) => `${m.id}: ${String(m.entry.data)}`)).toEqual([]);
  });

  it(`the state machines' definitions use ${partition} once the substitutions are resolved`, () => {
    // Prepare
    const machines = resources(template("Workflows"), "AWS::StepFunctions::StateMachine");
    // Act
    const definitions = machines.map((machine) => resolvedDefinition(machine, region, assemblyDir, stacks));
    // Assess
    expect(definitions).toHaveLength(WORKFLOWS.length);
    for (const text of definitions) {
      expect(text).not.toContain("${");
      const tasks = taskResources(JSON.parse(text) as Json);
      expect(tasks.length).toBeGreaterThan(0);
      for (const resource of tasks)
        expect(resource).toMatch(new RegExp(`^arn:${partition}:(states|lambda):`));
    }
    const integrations = definitions.flatMap((text) => taskResources(JSON.parse(text) as Json));
    expect(
      integrations.filter((r) => r.startsWith(`arn:${partition}:states:::`)).length,
    ).toBeGreaterThanOrEqual(23);
  });

  it("trusts the right issuer: the staff and applicant Cognito pools in global regions, the configured OIDC issuer in China", () => {
    // Prepare
    const all = stacks.flatMap((stack) => Object.values((stack.template as Template).Resources ?? {}));
    const authorizers = resources(template("Api"), "AWS::ApiGatewayV2::Authorizer");
    const [authorizer] = authorizers;
    // Assess
    expect(authorizers).toHaveLength(1);
    const cognito = all.filter((resource) => resource.Type.startsWith("AWS::Cognito::"));
    if (china) {
      expect(authorizer?.Properties?.AuthorizerType).toBe("JWT");
      expect(cognito.map((resource) => resource.Type)).toEqual([]);
      expect(authorizer?.Properties?.JwtConfiguration).toEqual({
        Issuer: CHINA.oidcIssuer,
        Audience: [CHINA.oidcAudience],
      });
    } else {
      // An HTTP API JWT authorizer takes one issuer: the Lambda authorizer verifies both pools.
      expect(authorizer?.Properties).toMatchObject({
        AuthorizerType: "REQUEST",
        EnableSimpleResponses: true,
      });
      expect(cognito.filter((resource) => resource.Type === "AWS::Cognito::UserPool")).toHaveLength(2);
    }
  });

  it(
    china
      ? "serves the consoles through an Origin Access Identity on the ICP-filed domain with its IAM certificate"
      : "serves the consoles through Origin Access Control",
    () => {
      // Prepare
      const web = template("Web");
      const [distribution] = resources(web, "AWS::CloudFront::Distribution");
      const config = (distribution?.Properties?.DistributionConfig ?? {}) as Record<string, Json>;
      const [origin] = (config.Origins ?? []) as Record<string, Json>[];
      const api = resources(template("Api"), "AWS::ApiGatewayV2::Api")[0]?.Properties ?? {};
      // Assess
      if (china) {
        expect(resources(web, "AWS::CloudFront::OriginAccessControl")).toHaveLength(0);
        expect(resources(web, "AWS::CloudFront::CloudFrontOriginAccessIdentity")).toHaveLength(1);
        expect(JSON.stringify(origin?.S3OriginConfig)).toMatch(/origin-access-identity\/cloudfront\//);
        expect(config.Aliases).toEqual([CHINA.webDomain]);
        expect(config.ViewerCertificate).toEqual({
          IamCertificateId: CHINA.webCertificateId,
          SslSupportMethod: "sni-only",
          MinimumProtocolVersion: "TLSv1.2_2021",
        });
        expect(config.WebACLId).toBeUndefined();
        expect(api.CorsConfiguration).toMatchObject({ AllowOrigins: [`https://${CHINA.webDomain}`] });
        expect(web.Outputs?.SiteUrl?.Value).toBe(`https://${CHINA.webDomain}`);
      } else {
        expect(resources(web, "AWS::CloudFront::OriginAccessControl")).toHaveLength(1);
        expect(resources(web, "AWS::CloudFront::CloudFrontOriginAccessIdentity")).toHaveLength(0);
        expect(origin?.OriginAccessControlId).toBeDefined();
      }
    },
  );

  it(
    china
      ? "names no global-partition ARN: every ARN is built on AWS::Partition, the Partition substitution or aws-cn"
      : "Lambda functions are traced by X-Ray",
    () => {
      // Prepare
      const functions = resources(template("Functions"), "AWS::Lambda::Function");
      // Assess: in China the API's JWT authorizer verifies tokens; there is no authorizer function.
      expect(functions).toHaveLength(
        FUNCTIONS.filter((definition) => !china || !needsOf(definition).signInPools).length,
      );
      if (china) {
        const literals = stacks.flatMap((stack) =>
          strings(stack.template as Json, stack.id).filter(([, text]) => /arn:aws:/.test(text)),
        );
        expect(literals.map(([at, text]) => `${at}: ${text.slice(0, 120)}`)).toEqual([]);
        // The X-Ray integration with Lambda is not offered in China.
        for (const fn of functions) expect(fn.Properties?.TracingConfig).toBeUndefined();
      } else {
        for (const fn of functions) expect(fn.Properties?.TracingConfig).toEqual({ Mode: "Active" });
      }
    },
  );
});

describe("a China synth without what China needs", () => {
  it("fails naming every missing context value at once", () => {
    // Act
    const build_ = () => build({ region: "cn-north-1", ...BANK });
    // Assess
    expect(build_).toThrow(/cn-north-1 \(partition aws-cn\)/);
    expect(build_).toThrow(/-c oidcIssuer=https:\/\/… -c oidcAudience=<client id>/);
    expect(build_).toThrow(/-c webDomain=<ICP-filed domain> -c webCertificateId=<IAM server certificate id>/);
  });

  it("refuses a CloudFront web ACL, which AWS WAF does not offer there", () => {
    expect(() =>
      build({
        region: "cn-northwest-1",
        ...BANK,
        ...CHINA,
        webAclArn: "arn:aws-cn:wafv2:cn-northwest-1:123456789012:global/webacl/x/1",
      }),
    ).toThrow(/-c webAclArn cannot be used/);
  });

  it("refuses half a pair: an issuer without its audience, a domain without its certificate", () => {
    const { oidcAudience: _audience, ...withoutAudience } = CHINA;
    const { webCertificateId: _certificate, ...withoutCertificate } = CHINA;
    expect(() => build({ region: "cn-north-1", ...withoutAudience })).toThrow(
      /oidcIssuer is given without oidcAudience/,
    );
    expect(() => build({ region: "cn-north-1", ...withoutCertificate })).toThrow(
      /webDomain is given without webCertificateId/,
    );
  });
});

describe("a global region given an OIDC issuer", () => {
  it("trusts that issuer and builds no Cognito user pool", () => {
    // Prepare
    const app = build({ region: "ap-east-1", ...BANK, oidcIssuer: CHINA.oidcIssuer, oidcAudience: "a, b" });
    // Act
    const api = app.synth().getStackByName("aidflow-api").template as Template;
    // Assess
    expect(Object.values(api.Resources ?? {}).filter((r) => r.Type.startsWith("AWS::Cognito::"))).toEqual([]);
    expect(resources(api, "AWS::ApiGatewayV2::Authorizer")[0]?.Properties?.JwtConfiguration).toEqual({
      Issuer: CHINA.oidcIssuer,
      Audience: ["a", "b"],
    });
  });
});

describe("staff MFA the API can rely on", () => {
  /** The MFA flag of each function's environment, by whether it serves routes. */
  function mfaFlags(context: Record<string, string>): { routes: unknown[]; others: unknown[] } {
    const assembly = build({ region: "ap-east-1", ...BANK, ...context }).synth();
    const functions = assembly.getStackByName("aidflow-functions").template as Template;
    const flags = resources(functions, "AWS::Lambda::Function").map((fn) => {
      const environment = fn.Properties?.Environment as { Variables?: Record<string, string> } | undefined;
      const variables = environment?.Variables ?? {};
      return { id: variables.AIDFLOW_FUNCTION, flag: variables.AIDFLOW_ISSUER_ENFORCES_MFA };
    });
    const serving = new Set(FUNCTIONS.filter((d) => d.routes?.length).map((d) => d.id));
    return {
      routes: flags.filter((f) => serving.has(f.id ?? "")).map((f) => f.flag),
      others: flags.filter((f) => !serving.has(f.id ?? "")).map((f) => f.flag),
    };
  }

  it("the Cognito staff pool requires TOTP of every account, and the functions serving routes are told so", () => {
    // Act
    const api = build({ region: "ap-east-1", ...BANK })
      .synth()
      .getStackByName("aidflow-api").template as Template;
    const flags = mfaFlags({});
    // Assess: staff are created by administrators in the pool that requires TOTP; the pool where
    // applicants sign themselves up requires none, and its tokens never carry a staff role.
    const pools = resources(api, "AWS::Cognito::UserPool");
    const staff = pools.find((pool) =>
      JSON.stringify(pool.Properties).includes('"AllowAdminCreateUserOnly":true'),
    );
    const applicants = pools.filter((pool) => pool !== staff);
    expect(staff?.Properties).toMatchObject({
      MfaConfiguration: "ON",
      EnabledMfas: ["SOFTWARE_TOKEN_MFA"],
    });
    expect(applicants.map((pool) => pool.Properties?.MfaConfiguration)).toEqual(["OFF"]);
    expect(new Set(flags.routes)).toEqual(new Set(["true"]));
    expect(new Set(flags.others)).toEqual(new Set([undefined]));
  });

  it("an external IdP's staff tokens must carry amr mfa unless the deployment declares the IdP enforces it", () => {
    // Act
    const undeclared = mfaFlags({ oidcIssuer: CHINA.oidcIssuer, oidcAudience: "a" });
    const declared = mfaFlags({ oidcIssuer: CHINA.oidcIssuer, oidcAudience: "a", oidcEnforcesMfa: "true" });
    // Assess
    expect(new Set(undeclared.routes)).toEqual(new Set([undefined]));
    expect(new Set(declared.routes)).toEqual(new Set(["true"]));
  });
});
