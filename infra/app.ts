/**
 * The CDK app (`cdk.json` → `npx tsx infra/app.ts`). Synthesizes offline with no credentials: the
 * region comes from context (default below), the account from the CLI's environment when known.
 *
 *   npx cdk synth --quiet
 *   npx cdk deploy --all -c region=cn-north-1 -c prefix=aidflow-prod- -c alarmEmail=ops@example.org \
 *     -c bankEndpoints='{"*":"https://bank.example.cn/aidflow"}'
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { App } from "aws-cdk-lib";
import { FUNCTIONS } from "#functions/catalog.ts";
import { buildAidFlow, DEFAULT_PREFIX } from "./aidflow.ts";
import { applyAwsSolutionsChecks } from "./nag.ts";
import { discoverWorkflows } from "./workflows.ts";

/** Hong Kong: the nearest commercial region; China regions (cn-north-1, cn-northwest-1) by context. */
export const DEFAULT_REGION = "ap-east-1";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === "string" && value.length > 0 ? value : undefined;
};

const region = context("region") ?? process.env.CDK_DEFAULT_REGION ?? DEFAULT_REGION;
const account = context("account") ?? process.env.CDK_DEFAULT_ACCOUNT;
const alarmEmail = context("alarmEmail");
const webAclArn = context("webAclArn");
const bankCallbackUrl = context("bankCallbackUrl");
const bankEndpoints = bankEndpointsOf(app.node.tryGetContext("bankEndpoints"));

/** `-c bankEndpoints='{"*":"https://…"}'` arrives as a string; cdk.json may hold the object. */
function bankEndpointsOf(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === "") return undefined;
  const parsed: unknown = typeof value === "string" ? JSON.parse(value) : value;
  if (typeof parsed !== "object" || parsed === null)
    throw new Error("context bankEndpoints must be a JSON object");
  return parsed as Record<string, string>;
}

buildAidFlow(app, {
  functions: FUNCTIONS,
  workflows: discoverWorkflows(path.join(projectRoot, "workflows")),
  projectRoot,
  webDistPath: path.join(projectRoot, "web", "dist"),
  prefix: context("prefix") ?? DEFAULT_PREFIX,
  env: account ? { account, region } : { region },
  ...(alarmEmail ? { alarmEmail } : {}),
  ...(webAclArn ? { webAclArn } : {}),
  ...(bankEndpoints ? { bankEndpoints } : {}),
  ...(bankCallbackUrl ? { bankCallbackUrl } : {}),
});
applyAwsSolutionsChecks(app);
app.synth();
