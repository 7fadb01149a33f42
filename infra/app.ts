/**
 * The CDK app (`cdk.json` → `npx tsx infra/app.ts`). Synthesizes offline with no credentials: the
 * region comes from context (default ap-east-1), the account from the CLI's environment when known.
 * The context keys are read in infra/context.ts and documented in README.md (Deploy).
 *
 *   npx cdk synth --quiet
 *   npx cdk deploy --all -c region=ap-east-1 -c prefix=aidflow-prod- -c alarmEmail=ops@example.org \
 *     -c bankEndpoints='{"*":"https://bank.example.cn/aidflow"}'
 *   npx cdk deploy --all -c region=cn-north-1 -c oidcIssuer=https://idp.example.gov.cn/realms/aidflow \
 *     -c oidcAudience=aidflow-consoles -c webDomain=aidflow.example.gov.cn -c webCertificateId=ASCA…
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { App } from "aws-cdk-lib";
import { FUNCTIONS } from "#functions/catalog.ts";
import { buildAidFlowApp } from "./context.ts";
import { discoverWorkflows } from "./workflows.ts";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const app = new App();
buildAidFlowApp(app, {
  functions: FUNCTIONS,
  workflows: discoverWorkflows(path.join(projectRoot, "workflows")),
  projectRoot,
  webDistPath: path.join(projectRoot, "web", "dist"),
});
app.synth();
