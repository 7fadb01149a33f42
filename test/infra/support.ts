/**
 * Builds the AidFlow CDK app from fixtures for the template tests. Bundling is skipped (context
 * `aws:cdk:bundling-stacks` = []) so a synth takes a second, not one esbuild run per function
 * (ARCHITECTURE §4). The app's own context comes from `cdk.json`, so feature flags match `cdk synth`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { App } from "aws-cdk-lib";
import type { AwsSolutionsChecks } from "cdk-nag";
import type { FunctionDefinition } from "#functions/catalog.ts";
import { type AidFlowStacks, buildAidFlow } from "#infra/aidflow.ts";
import { applyAwsSolutionsChecks } from "#infra/nag.ts";
import type { WorkflowDefinition } from "#infra/workflows.ts";
import { FIXTURE_FUNCTIONS } from "#test/fixtures/infra/catalog.ts";

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const ECHO_ASL = path.join(PROJECT_ROOT, "test/fixtures/infra/echo.asl.json");
export const FIXTURE_WORKFLOWS: readonly WorkflowDefinition[] = [{ name: "echo", file: ECHO_ASL }];
export const PREFIX = "aidflow-test-";
export const REGION = "ap-east-1";

export interface FixtureApp {
  app: App;
  stacks: AidFlowStacks;
  checks: AwsSolutionsChecks;
}

export interface FixtureOptions {
  functions?: readonly FunctionDefinition[];
  workflows?: readonly WorkflowDefinition[];
  /** Create a built `web/dist` stand-in, so the web stack deploys content. */
  withWebDist?: boolean;
  /**
   * Run CDK's built-in CloudFormation template validation at synth (as `cdk synth` does). Off by
   * default: it costs seconds per synth; one test runs it over the full fixture app.
   */
  cloudFormationValidation?: boolean;
  /** Context `alarmEmail`: subscribed to the alarm topic. */
  alarmEmail?: string;
}

export function buildFixtureApp(options: FixtureOptions = {}): FixtureApp {
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "cdk.json"), "utf8")) as {
    context?: Record<string, unknown>;
  };
  const app = new App({
    context: { ...cdkJson.context, "aws:cdk:bundling-stacks": [] },
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
  });
  const scratch = mkdtempSync(path.join(tmpdir(), "aidflow-infra-"));
  // Without the option the path does not exist, as in a clone where the consoles were never built.
  const webDistPath = path.join(scratch, "dist");
  const stacks = buildAidFlow(app, {
    functions: options.functions ?? FIXTURE_FUNCTIONS,
    workflows: options.workflows ?? FIXTURE_WORKFLOWS,
    projectRoot: PROJECT_ROOT,
    webDistPath: options.withWebDist ? writeWebDist(scratch) : webDistPath,
    prefix: PREFIX,
    env: { account: "123456789012", region: REGION },
    ...(options.alarmEmail ? { alarmEmail: options.alarmEmail } : {}),
  });
  const checks = applyAwsSolutionsChecks(app);
  return { app, stacks, checks };
}

function writeWebDist(scratch: string): string {
  const dist = mkdtempSync(path.join(scratch, "dist-"));
  writeFileSync(path.join(dist, "index.html"), "<!doctype html><title>AidFlow</title>");
  return dist;
}
