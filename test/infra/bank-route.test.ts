/**
 * A route to the bank (infra/bank-route.ts): with `-c bankRoute=true` the functions that call the bank
 * run in private subnets whose traffic leaves through NAT gateways with Elastic IPs (outputs for the
 * bank's allow-list), with the endpoints they need; every other function stays outside; without the
 * option there is no VPC at all. With `-c bankClientTls=true` the bank functions — and only they —
 * read the client-certificate secret. The real catalog, read through the context keys, cdk-nag on.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { App } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { FUNCTIONS, needsOf } from "#functions/catalog.ts";
import { BANK_CLIENT_TLS } from "#functions/runtime/environment.ts";
import { bankClientTlsSecretName } from "#infra/bank-route.ts";
import { buildAidFlowApp } from "#infra/context.ts";
import { discoverWorkflows } from "#infra/workflows.ts";
import { PROJECT_ROOT } from "./support.ts";

type Json = unknown;
type Resource = { Type: string; Properties?: Record<string, Json> };
type Template = {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: Json; Description?: string }>;
};

const BANK = { bankEndpoints: '{"*":"https://bank.example.cn:8443/aidflow"}' };
const CHINA = {
  oidcIssuer: "https://idp.example.gov.cn/realms/aidflow",
  oidcAudience: "aidflow-consoles",
  webDomain: "aidflow.example.gov.cn",
  webCertificateId: "ASCAEXAMPLE0123456789",
};
const BANK_FUNCTIONS = FUNCTIONS.filter((definition) => needsOf(definition).bankEndpoints);

function synth(context: Record<string, string>): { functions: Template; messages: string[] } {
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "cdk.json"), "utf8")) as {
    context?: Record<string, unknown>;
  };
  const app = new App({
    context: { ...cdkJson.context, "aws:cdk:bundling-stacks": [], account: "123456789012", ...context },
  });
  buildAidFlowApp(app, {
    functions: FUNCTIONS,
    workflows: discoverWorkflows(path.join(PROJECT_ROOT, "workflows")),
    projectRoot: PROJECT_ROOT,
    webDistPath: path.join(PROJECT_ROOT, "no-web-dist-here"),
  });
  // cdk-nag runs as a validation plugin of this synth and throws on any unacknowledged finding.
  const assembly = app.synth();
  const stack = assembly.stacks.find((s) => s.id === "Functions");
  if (!stack) throw new Error("no Functions stack");
  const messages = assembly.stacks
    .flatMap((s) => s.messages)
    .filter((m) => m.level !== "info")
    .map((m) => `${m.id}: ${String(m.entry.data)}`);
  return { functions: stack.template as Template, messages };
}

function ofType(template: Template, type: string): Array<[string, Resource]> {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

function lambdaOf(template: Template, description: string): Resource {
  const found = ofType(template, "AWS::Lambda::Function").find(
    ([, resource]) => resource.Properties?.Description === description,
  );
  if (!found) throw new Error(`no function "${description}"`);
  return found[1];
}

function variables(fn: Resource): Record<string, Json> {
  const environment = fn.Properties?.Environment as { Variables?: Record<string, Json> } | undefined;
  return environment?.Variables ?? {};
}

describe("with -c bankRoute=true -c bankClientTls=true", () => {
  const { functions: template, messages } = synth({
    region: "ap-east-1",
    ...BANK,
    bankRoute: "true",
    bankClientTls: "true",
  });
  const privateSubnets = ofType(template, "AWS::EC2::Subnet")
    .filter(([, subnet]) => subnet.Properties?.MapPublicIpOnLaunch !== true)
    .map(([id]) => id);

  it("synthesizes clean under cdk-nag, without warnings", () => {
    expect(messages).toEqual([]);
  });

  it("the functions that call the bank run in the private subnets, behind their own security group", () => {
    expect(BANK_FUNCTIONS.map((definition) => definition.id).sort()).toEqual([
      "PayAid",
      "PayStage",
      "PollPaymentStatus",
    ]);
    expect(privateSubnets).toHaveLength(2);
    for (const definition of BANK_FUNCTIONS) {
      const config = lambdaOf(template, definition.description).Properties?.VpcConfig as {
        SubnetIds: Array<{ Ref: string }>;
        SecurityGroupIds: Json[];
      };
      expect(config, definition.id).toBeDefined();
      expect(config.SubnetIds.map((subnet) => subnet.Ref).sort()).toEqual([...privateSubnets].sort());
      expect(config.SecurityGroupIds).toHaveLength(1);
    }
  });

  it("every other function stays outside the VPC", () => {
    const others = FUNCTIONS.filter((definition) => !needsOf(definition).bankEndpoints);
    expect(others.length).toBeGreaterThan(20);
    for (const definition of others) {
      expect(lambdaOf(template, definition.description).Properties?.VpcConfig, definition.id).toBeUndefined();
    }
  });

  it("calls leave through one NAT gateway per zone, each on an Elastic IP kept and given as an output", () => {
    const eips = ofType(template, "AWS::EC2::EIP");
    const nats = ofType(template, "AWS::EC2::NatGateway");
    expect(eips).toHaveLength(2);
    expect(nats).toHaveLength(2);
    for (const [id, eip] of eips) {
      expect((eip as { DeletionPolicy?: string }).DeletionPolicy, id).toBe("Retain");
    }
    const allocated = nats.map(([, nat]) => JSON.stringify(nat.Properties?.AllocationId)).sort();
    expect(allocated).toEqual(
      eips.map(([id]) => JSON.stringify({ "Fn::GetAtt": [id, "AllocationId"] })).sort(),
    );
    const outputs = Object.values(template.Outputs ?? {}).filter((output) =>
      /allow-list/.test(output.Description ?? ""),
    );
    expect(
      outputs
        .map((output) => output.Value)
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual(
      eips
        .map(([id]) => ({ "Fn::GetAtt": [id, "PublicIp"] }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
  });

  it("AWS services are reached through endpoints: DynamoDB by gateway, the secrets, SSM, KMS and Step Functions by interface", () => {
    const endpoints = ofType(template, "AWS::EC2::VPCEndpoint").map(([, e]) => e.Properties ?? {});
    const names = endpoints.map((e) => JSON.stringify(e.ServiceName));
    expect(endpoints.filter((e) => e.VpcEndpointType === "Gateway")).toHaveLength(1);
    expect(names.some((n) => n.includes(".dynamodb"))).toBe(true);
    for (const service of ["secretsmanager", "ssm", "kms", "states"]) {
      expect(
        names.filter((n) => n.includes(`.${service}"`)),
        service,
      ).toHaveLength(1);
    }
  });

  it("the bank functions' security group lets out HTTPS and the bank's own port only", () => {
    const groups = ofType(template, "AWS::EC2::SecurityGroup").map(([, g]) => g.Properties ?? {});
    const bankGroup = groups.find((g) => /call the bank/.test(String(g.GroupDescription)));
    const egress = (bankGroup?.SecurityGroupEgress ?? []) as Array<{ FromPort: number; ToPort: number }>;
    const ports = egress.map((rule) => [rule.FromPort, rule.ToPort]);
    expect(ports).toEqual([
      [443, 443],
      [8443, 8443],
    ]);
  });

  it("the client-certificate secret is named to and readable by the bank functions only", () => {
    const [[secretId]] = ofType(template, "AWS::SecretsManager::Secret") as [[string, Resource]];
    for (const definition of FUNCTIONS) {
      const value = variables(lambdaOf(template, definition.description))[BANK_CLIENT_TLS.idEnv];
      if (needsOf(definition).bankEndpoints) expect(value, definition.id).toEqual({ Ref: secretId });
      else expect(value, definition.id).toBeUndefined();
    }
    const readers = ofType(template, "AWS::IAM::Policy").filter(([, policy]) =>
      JSON.stringify(policy.Properties?.PolicyDocument).includes(`{"Ref":"${secretId}"}`),
    );
    expect(readers).toHaveLength(BANK_FUNCTIONS.length);
  });
});

describe("without the options", () => {
  it("nothing of the route is in the template: no VPC, no function in one, no client-certificate secret", () => {
    const { functions: template } = synth({ region: "ap-east-1", ...BANK });
    expect(Object.values(template.Resources).filter((r) => r.Type.startsWith("AWS::EC2::"))).toEqual([]);
    for (const [, fn] of ofType(template, "AWS::Lambda::Function")) {
      expect(fn.Properties?.VpcConfig).toBeUndefined();
      expect(variables(fn)[BANK_CLIENT_TLS.idEnv]).toBeUndefined();
    }
    // The deployment's other secrets (the SMS providers' keys) stay; the bank's client certificate does not.
    const secretNames = ofType(template, "AWS::SecretsManager::Secret").map(([, s]) => s.Properties?.Name);
    expect(secretNames).not.toContain(bankClientTlsSecretName("aidflow-"));
    expect(secretNames.filter((name) => String(name).includes("bank"))).toEqual([]);
  });
});

describe("addresses the bank already knows", () => {
  it("-c bankRouteEipAllocations puts the NAT gateways on those allocations and allocates none", () => {
    const { functions: template } = synth({
      region: "ap-east-1",
      ...BANK,
      bankRoute: "true",
      bankRouteEipAllocations: "eipalloc-0a1b2c3d, eipalloc-4e5f6a7b",
    });
    expect(ofType(template, "AWS::EC2::EIP")).toEqual([]);
    expect(ofType(template, "AWS::EC2::NatGateway").map(([, n]) => n.Properties?.AllocationId)).toEqual([
      "eipalloc-0a1b2c3d",
      "eipalloc-4e5f6a7b",
    ]);
  });

  it("a route setting without -c bankRoute=true, or a malformed one, is refused", () => {
    expect(() => synth({ region: "ap-east-1", bankRouteCidr: "10.9.0.0/22" })).toThrow(
      /bankRouteCidr is given without -c bankRoute=true/,
    );
    expect(() =>
      synth({ region: "ap-east-1", bankRoute: "true", bankRouteEipAllocations: "203.0.113.7" }),
    ).toThrow(/203.0.113.7 is not an Elastic IP allocation id/);
    expect(() => synth({ region: "ap-east-1", bankRoute: "yes" })).toThrow(/bankRoute must be true or false/);
  });
});

describe("in the China regions", () => {
  it.each(["cn-north-1", "cn-northwest-1"])("%s synthesizes the route clean under cdk-nag", (region) => {
    const { functions: template, messages } = synth({
      region,
      ...BANK,
      ...CHINA,
      bankRoute: "true",
      bankClientTls: "true",
    });
    expect(messages).toEqual([]);
    expect(ofType(template, "AWS::EC2::NatGateway")).toHaveLength(2);
    for (const definition of BANK_FUNCTIONS) {
      expect(lambdaOf(template, definition.description).Properties?.VpcConfig).toBeDefined();
    }
  });
});
