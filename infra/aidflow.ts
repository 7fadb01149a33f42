/**
 * Builds the whole AidFlow deployment into an app (or any construct). `infra/app.ts` passes the real
 * catalog and ASL files; tests pass fixtures. Nothing here reads the file system except what the
 * props point at.
 */
import type { Environment } from "aws-cdk-lib";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { Construct } from "constructs";
import { type FunctionDefinition, needsOf } from "#functions/catalog.ts";
import type { BankRouteOptions } from "./bank-route.ts";
import {
  bankCallbackUrlParameterName,
  signInPoolsParameterName,
  userPoolIdParameterName,
} from "./environment.ts";
import { type RegionTraits, regionTraits } from "./regions.ts";
import { ApiStack } from "./stacks/api-stack.ts";
import { DataStack } from "./stacks/data-stack.ts";
import { FunctionsStack } from "./stacks/functions-stack.ts";
import { MonitoringStack } from "./stacks/monitoring-stack.ts";
import { type WebDomain, WebStack } from "./stacks/web-stack.ts";
import { WorkflowsStack } from "./stacks/workflows-stack.ts";
import type { WorkflowDefinition } from "./workflows.ts";

export interface AidFlowProps {
  /** Lambda functions, one per catalog entry (`FUNCTIONS` of `functions/catalog.ts`). */
  functions: readonly FunctionDefinition[];
  /** State machines, one per ASL file (`discoverWorkflows("workflows")`). */
  workflows: readonly WorkflowDefinition[];
  /** Repository root; catalog entries are relative to it. */
  projectRoot: string;
  /** Built web consoles; deployed only if the folder exists at synth time. */
  webDistPath: string;
  /** Prefix of stack names and physical resource names, lower-case, e.g. `aidflow-`. */
  prefix?: string;
  /** Account/region of every stack. */
  env?: Environment;
  /** E-mail address subscribed to the alarms. */
  alarmEmail?: string;
  /** WAFv2 web ACL (us-east-1, CloudFront scope) for the consoles. */
  webAclArn?: string;
  /** County code (or `*`) → the bank's base URL (context `bankEndpoints`, JSON). */
  bankEndpoints?: Readonly<Record<string, string>>;
  /** The bank callback URL when the API has its own domain (context `bankCallbackUrl`). */
  bankCallbackUrl?: string;
  /**
   * The functions that call the bank in a VPC whose calls leave from fixed Elastic IPs (context
   * `bankRoute`, `bankRouteEipAllocations`, `bankRouteCidr`; infra/bank-route.ts).
   */
  bankRoute?: BankRouteOptions;
  /** Mutual TLS to the bank: a secret for the client certificate (context `bankClientTls`). */
  bankClientTls?: boolean;
  /**
   * The OpenID Connect issuer the API trusts instead of a Cognito user pool of its own (context
   * `oidcIssuer`, `oidcAudience`). Required in China, where Cognito user pools are not offered.
   */
  oidc?: { issuer: string; audience: readonly string[]; enforcesMfa?: boolean };
  /** The consoles' own domain and IAM server certificate (context `webDomain`, `webCertificateId`). */
  webDomain?: WebDomain;
}

/** The context keys of `infra/app.ts` (`-c key=value`), named in synth errors. */
export const CONTEXT_KEYS = {
  region: "region",
  account: "account",
  prefix: "prefix",
  alarmEmail: "alarmEmail",
  webAclArn: "webAclArn",
  bankEndpoints: "bankEndpoints",
  bankCallbackUrl: "bankCallbackUrl",
  bankRoute: "bankRoute",
  bankRouteEipAllocations: "bankRouteEipAllocations",
  bankRouteCidr: "bankRouteCidr",
  bankClientTls: "bankClientTls",
  oidcIssuer: "oidcIssuer",
  oidcAudience: "oidcAudience",
  oidcEnforcesMfa: "oidcEnforcesMfa",
  webDomain: "webDomain",
  webCertificateId: "webCertificateId",
} as const;

export interface AidFlowStacks {
  data: DataStack;
  /** Absent while the catalog is empty: CloudFormation refuses a stack without resources. */
  functions?: FunctionsStack;
  /** Absent while there is no ASL file. */
  workflows?: WorkflowsStack;
  web: WebStack;
  api: ApiStack;
  monitoring: MonitoringStack;
}

export const DEFAULT_PREFIX = "aidflow-";
const PREFIX = /^[a-z][a-z0-9-]{0,20}-$/;

export function buildAidFlow(scope: Construct, props: AidFlowProps): AidFlowStacks {
  const prefix = props.prefix ?? DEFAULT_PREFIX;
  if (!PREFIX.test(prefix)) {
    // It becomes part of S3 bucket and table names: lower case, short, ending in "-".
    throw new Error(`prefix "${prefix}" must match ${PREFIX.source}`);
  }
  const traits = regionTraits(props.env?.region);
  refuseWhatTheRegionLacks(traits, props);
  const common = (name: string) => ({
    stackName: `${prefix}${name}`,
    ...(props.env ? { env: props.env } : {}),
  });
  const web = new WebStack(scope, "Web", {
    ...common("web"),
    webDistPath: props.webDistPath,
    traits,
    ...(props.webAclArn ? { webAclArn: props.webAclArn } : {}),
    ...(props.webDomain ? { domain: props.webDomain } : {}),
  });
  const data = new DataStack(scope, "Data", { ...common("data"), prefix, consoleOrigins: [web.siteUrl] });
  // The Lambda authorizer verifies the Cognito pools' tokens; with an external issuer the API's JWT
  // authorizer does, and the deployment has no authorizer function.
  const deployed = props.oidc
    ? props.functions.filter((definition) => !needsOf(definition).signInPools)
    : props.functions;
  const functions =
    deployed.length > 0
      ? new FunctionsStack(scope, "Functions", {
          ...common("functions"),
          functions: deployed,
          workflowNames: props.workflows.map((workflow) => workflow.name),
          prefix,
          projectRoot: props.projectRoot,
          data,
          tracing: traits.lambdaXRay,
          ...(props.bankEndpoints ? { bankEndpoints: props.bankEndpoints } : {}),
          ...(props.bankRoute ? { bankRoute: props.bankRoute } : {}),
          ...(props.bankClientTls ? { bankClientTls: true } : {}),
          // The Cognito pool requires MFA of everyone; an external IdP only when declared to.
          issuerEnforcesMfa: props.oidc ? props.oidc.enforcesMfa === true : true,
          ...(props.oidc
            ? {}
            : {
                userPoolIdParameterName: userPoolIdParameterName(prefix),
                signInPoolsParameterName: signInPoolsParameterName(prefix),
              }),
        })
      : undefined;
  const builtFunctions: ReadonlyMap<string, IFunction> = functions?.functions ?? new Map();
  const workflows =
    props.workflows.length > 0
      ? new WorkflowsStack(scope, "Workflows", {
          ...common("workflows"),
          workflows: props.workflows,
          functions: functions?.functions ?? new Map(),
          prefix,
          ...(functions?.drawQueue ? { drawQueue: functions.drawQueue } : {}),
        })
      : undefined;
  const api = new ApiStack(scope, "Api", {
    ...common("api"),
    functions: deployed,
    builtFunctions,
    allowedOrigins: [web.siteUrl],
    siteUrl: web.siteUrl,
    identity: props.oidc ? { kind: "oidc", ...props.oidc } : { kind: "cognito" },
    bankCallbackUrlParameterName: bankCallbackUrlParameterName(prefix),
    userPoolIdParameterName: userPoolIdParameterName(prefix),
    signInPoolsParameterName: signInPoolsParameterName(prefix),
    ...(props.bankCallbackUrl ? { bankCallbackUrl: props.bankCallbackUrl } : {}),
  });
  const monitoring = new MonitoringStack(scope, "Monitoring", {
    ...common("monitoring"),
    stateMachines: workflows?.stateMachines ?? new Map(),
    functions: builtFunctions,
    prefix,
    httpApi: api.httpApi,
    ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
  });
  return { data, functions, workflows, web, api, monitoring };
}

/**
 * Fails the synth, naming every missing or unusable context value at once, rather than leaving
 * CloudFormation to refuse a resource type the region does not have (China: Cognito user pools,
 * Origin Access Control, CloudFront's own domain, CloudFront web ACLs).
 */
function refuseWhatTheRegionLacks(traits: RegionTraits, props: AidFlowProps): void {
  const c = CONTEXT_KEYS;
  const problems: string[] = [];
  if (props.oidc) {
    if (!/^https:\/\/[^\s/]+/.test(props.oidc.issuer)) {
      problems.push(
        `-c ${c.oidcIssuer} must be the issuer's https URL, as the tokens' "iss" claim spells it`,
      );
    }
    if (props.oidc.audience.length === 0) {
      problems.push(
        `-c ${c.oidcAudience}=<client id> is missing: the API would accept a token meant for any client`,
      );
    }
  } else if (!traits.cognitoUserPools) {
    problems.push(
      `-c ${c.oidcIssuer}=https://… -c ${c.oidcAudience}=<client id> are missing: Cognito user pools are not offered here, the API trusts the province's OIDC issuer`,
    );
  }
  if (!props.webDomain && !traits.cloudFrontDefaultDomain) {
    problems.push(
      `-c ${c.webDomain}=<ICP-filed domain> -c ${c.webCertificateId}=<IAM server certificate id> are missing: CloudFront serves only an ICP-filed domain here`,
    );
  }
  if (props.webAclArn && !traits.cloudFrontWebAcl) {
    problems.push(
      `-c ${c.webAclArn} cannot be used: AWS WAF is offered at the regional level only here, not for CloudFront`,
    );
  }
  if (problems.length > 0) {
    throw new Error(
      `AidFlow cannot be synthesized for ${traits.region || "this region"} (partition ${traits.partition}):\n` +
        problems.map((problem) => `  - ${problem}`).join("\n") +
        "\nSee README.md, Deploy, China regions.",
    );
  }
}
