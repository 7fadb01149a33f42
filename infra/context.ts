/**
 * Reads the deployment's context (`-c key=value` of `cdk synth/deploy`, or `cdk.json`) into the
 * props of `buildAidFlow`, and builds the app with cdk-nag over it. `infra/app.ts` calls this on the
 * real app; the region tests call it on theirs, so the context keys the README documents are the ones
 * tested.
 */
import type { App } from "aws-cdk-lib";
import type { AwsSolutionsChecks } from "cdk-nag";
import type { FunctionDefinition } from "#functions/catalog.ts";
import {
  type AidFlowProps,
  type AidFlowStacks,
  buildAidFlow,
  CONTEXT_KEYS,
  DEFAULT_PREFIX,
} from "./aidflow.ts";
import type { BankRouteOptions } from "./bank-route.ts";
import { applyAwsSolutionsChecks } from "./nag.ts";
import type { WorkflowDefinition } from "./workflows.ts";

/** Hong Kong: the nearest commercial region; China regions (cn-north-1, cn-northwest-1) by context. */
export const DEFAULT_REGION = "ap-east-1";

/** What does not come from context: the catalog, the ASL files and where things are on disk. */
export interface AppSources {
  functions: readonly FunctionDefinition[];
  workflows: readonly WorkflowDefinition[];
  projectRoot: string;
  webDistPath: string;
}

export interface BuiltApp {
  stacks: AidFlowStacks;
  checks: AwsSolutionsChecks;
}

export function buildAidFlowApp(app: App, sources: AppSources): BuiltApp {
  const stacks = buildAidFlow(app, { ...sources, ...propsFromContext(app) });
  const checks = applyAwsSolutionsChecks(app);
  return { stacks, checks };
}

type ContextProps = Omit<AidFlowProps, keyof AppSources>;

export function propsFromContext(app: App): ContextProps {
  const c = CONTEXT_KEYS;
  const text = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === "string" && value.trim().length > 0 ? value.trim() : undefined;
  };
  const region = text(c.region) ?? process.env.CDK_DEFAULT_REGION ?? DEFAULT_REGION;
  const account = text(c.account) ?? process.env.CDK_DEFAULT_ACCOUNT;
  const alarmEmail = text(c.alarmEmail);
  const webAclArn = text(c.webAclArn);
  const bankCallbackUrl = text(c.bankCallbackUrl);
  const bankEndpoints = bankEndpointsOf(app.node.tryGetContext(c.bankEndpoints));
  const oidc = pair(c.oidcIssuer, text(c.oidcIssuer), c.oidcAudience, text(c.oidcAudience));
  const web = pair(c.webDomain, text(c.webDomain), c.webCertificateId, text(c.webCertificateId));
  const bankRoute = bankRouteOf(app);
  return {
    prefix: text(c.prefix) ?? DEFAULT_PREFIX,
    env: account ? { account, region } : { region },
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(webAclArn ? { webAclArn } : {}),
    ...(bankEndpoints ? { bankEndpoints } : {}),
    ...(bankCallbackUrl ? { bankCallbackUrl } : {}),
    ...(bankRoute ? { bankRoute } : {}),
    ...(flag(app.node.tryGetContext(c.bankClientTls), c.bankClientTls) ? { bankClientTls: true } : {}),
    // `-c oidcAudience=a,b`: every client id the consoles may sign in with.
    ...(oidc
      ? {
          oidc: {
            issuer: oidc[0],
            audience: oidc[1].split(",").map((a) => a.trim()),
            // `-c oidcEnforcesMfa=true`: the IdP requires a second factor of every account it signs in.
            ...(flag(app.node.tryGetContext(c.oidcEnforcesMfa), c.oidcEnforcesMfa)
              ? { enforcesMfa: true }
              : {}),
          },
        }
      : {}),
    ...(web ? { webDomain: { domainName: web[0], iamCertificateId: web[1] } } : {}),
  };
}

/** Two values that only mean something together: both, neither, or an error naming the missing one. */
function pair(
  firstKey: string,
  first: string | undefined,
  secondKey: string,
  second: string | undefined,
): [string, string] | undefined {
  if (first && second) return [first, second];
  if (!first && !second) return undefined;
  const [given, missing] = first ? [firstKey, secondKey] : [secondKey, firstKey];
  throw new Error(
    `context ${given} is given without ${missing}: pass both (-c ${firstKey}=… -c ${secondKey}=…)`,
  );
}

/** `-c bankEndpoints='{"*":"https://…"}'` arrives as a string; cdk.json may hold the object. */
function bankEndpointsOf(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === "") return undefined;
  const parsed: unknown = typeof value === "string" ? JSON.parse(value) : value;
  if (typeof parsed !== "object" || parsed === null)
    throw new Error("context bankEndpoints must be a JSON object");
  return parsed as Record<string, string>;
}

/** `-c key=true` arrives as the string "true"; cdk.json may hold the boolean. */
function flag(value: unknown, key: string): boolean {
  if (value === undefined || value === "" || value === false || value === "false") return false;
  if (value === true || value === "true") return true;
  throw new Error(`context ${key} must be true or false, not ${JSON.stringify(value)}`);
}

/**
 * `-c bankRoute=true [-c bankRouteEipAllocations=eipalloc-a,eipalloc-b] [-c bankRouteCidr=10.80.0.0/22]`:
 * the bank functions in a VPC with fixed egress IPs (infra/bank-route.ts). The other two keys alone
 * are a mistake, named.
 */
function bankRouteOf(app: App): BankRouteOptions | undefined {
  const c = CONTEXT_KEYS;
  const text = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  };
  const allocations = text(c.bankRouteEipAllocations)
    ?.split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
  const cidr = text(c.bankRouteCidr);
  if (!flag(app.node.tryGetContext(c.bankRoute), c.bankRoute)) {
    if (allocations || cidr) {
      throw new Error(
        `context ${allocations ? c.bankRouteEipAllocations : c.bankRouteCidr} is given without -c ${c.bankRoute}=true`,
      );
    }
    return undefined;
  }
  for (const id of allocations ?? []) {
    if (!/^eipalloc-[0-9a-f]+$/.test(id))
      throw new Error(`context ${c.bankRouteEipAllocations}: ${id} is not an Elastic IP allocation id`);
  }
  if (cidr && !/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-2])$/.test(cidr))
    throw new Error(`context ${c.bankRouteCidr}: ${cidr} must be an IPv4 range from /16 to /22`);
  return {
    ...(allocations && allocations.length > 0 ? { eipAllocationIds: allocations } : {}),
    ...(cidr ? { cidr } : {}),
  };
}
