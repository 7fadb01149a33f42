/**
 * Configuration complete by construction (issue 19 §1): the real app is synthesized, and every
 * function's bundle — built with the stack's own bundling options — is started with ONLY the
 * environment its template gives it, CloudFormation references resolved to the local runtime's
 * equivalents (DynamoDB Local tables under the template's names, a documents directory for the
 * bucket, a local secrets file for the Secrets Manager secrets, the local API for the bank callback
 * URL parameter). Each is invoked with a representative event; any configuration error fails.
 */
import { execSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { App } from "aws-cdk-lib";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FUNCTIONS, type FunctionDefinition, needsOf } from "#functions/catalog.ts";
import { COLD_START_HOOK_KEY, ENV, SECRETS } from "#functions/runtime/environment.ts";
import { buildAidFlow } from "#infra/aidflow.ts";
import { BANK_CALLBACK_URL, SIGN_IN_POOLS, USER_POOL_ID } from "#infra/environment.ts";
import { afterBundlingCommands, externalModulesFor, LAMBDA_BUNDLING } from "#infra/stacks/functions-stack.ts";
import { discoverWorkflows } from "#infra/workflows.ts";
import { ensureTables, LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClient } from "#local/dynamodb/engine.ts";
import { PROJECT_ROOT } from "./support.ts";

const ACCOUNT = "123456789012";
const REGION = "ap-east-1";
const PREFIX = `aidflow-env${randomBytes(3).toString("hex")}-`;
const LOCAL_API_URL = "http://127.0.0.1:18080";
const scratch = mkdtempSync(path.join(tmpdir(), "aidflow-template-env-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Json = unknown;
interface StackTemplate {
  name: string;
  template: {
    Resources: Record<string, { Type: string; Properties?: Record<string, Json> }>;
    Outputs?: Record<string, { Value: Json; Export?: { Name: Json } }>;
  };
}

/** The deployment as `cdk synth` builds it (bundling skipped: the bundles are built below). */
function synthesize(): StackTemplate[] {
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "cdk.json"), "utf8")) as {
    context?: Record<string, unknown>;
  };
  const app = new App({
    context: { ...cdkJson.context, "aws:cdk:bundling-stacks": [] },
    outdir: path.join(scratch, "cdk.out"),
  });
  buildAidFlow(app, {
    functions: FUNCTIONS,
    workflows: discoverWorkflows(path.join(PROJECT_ROOT, "workflows")),
    projectRoot: PROJECT_ROOT,
    webDistPath: path.join(scratch, "no-web-dist"),
    prefix: PREFIX,
    env: { account: ACCOUNT, region: REGION },
    bankEndpoints: { "*": "https://bank.example.cn/aidflow" },
  });
  return app.synth().stacks.map((stack) => ({ name: stack.stackName, template: stack.template }));
}

/**
 * Turns template values into what the local runtime uses instead. Secrets become entries of a local
 * secrets file (`file:<path>#<key>`, the stand-in parameters.ts reads); anything it cannot resolve
 * fails the test rather than being guessed.
 */
class LocalResolver {
  readonly secretsFile = path.join(scratch, "secrets.json");
  private readonly localValues: Record<string, string> = {};

  constructor(private readonly stacks: StackTemplate[]) {}

  value(stack: StackTemplate, value: Json): string {
    if (typeof value === "string") return value;
    if (typeof value !== "object" || value === null)
      throw new Error(`cannot resolve ${JSON.stringify(value)}`);
    const [fn, arg] = Object.entries(value)[0] as [string, Json];
    switch (fn) {
      case "Ref":
        return this.ref(stack, arg as string);
      case "Fn::GetAtt":
        return this.getAtt(stack, arg as [string, string]);
      case "Fn::Join": {
        const [separator, parts] = arg as [string, Json[]];
        return parts.map((part) => this.value(stack, part)).join(separator);
      }
      case "Fn::ImportValue":
        return this.importValue(this.value(stack, arg));
      case "Fn::Sub": {
        const [text, vars] = (typeof arg === "string" ? [arg, {}] : arg) as [string, Record<string, Json>];
        return text.replace(/\$\{([^}]+)\}/g, (_, name: string) =>
          name in vars ? this.value(stack, vars[name]) : this.ref(stack, name),
        );
      }
      default:
        throw new Error(`cannot resolve ${fn} in ${stack.name}`);
    }
  }

  /** Where a Secrets Manager secret or an SSM parameter value is, for the local runtime. */
  localReference(key: string, content: string): string {
    this.localValues[key] = content;
    writeFileSync(this.secretsFile, JSON.stringify(this.localValues), { mode: 0o600 });
    return `file:${this.secretsFile}#${key}`;
  }

  /** The SSM parameter named `name` in any stack, its value resolved, as a local reference. */
  parameter(name: string): string {
    for (const stack of this.stacks) {
      for (const resource of Object.values(stack.template.Resources)) {
        if (resource.Type === "AWS::SSM::Parameter" && resource.Properties?.Name === name) {
          return this.localReference(`parameter:${name}`, this.value(stack, resource.Properties.Value));
        }
      }
    }
    throw new Error(`no SSM parameter named ${name} in the app`);
  }

  private ref(stack: StackTemplate, name: string): string {
    const pseudo: Record<string, string> = {
      "AWS::Region": REGION,
      "AWS::AccountId": ACCOUNT,
      "AWS::Partition": "aws",
      "AWS::URLSuffix": "amazonaws.com",
    };
    if (pseudo[name]) return pseudo[name];
    const resource = stack.template.Resources[name];
    // A pool's id and an app client's, made by Cognito at deploy: plausible ones here, one per resource.
    if (resource?.Type === "AWS::Cognito::UserPool") return `${REGION}_${name.replace(/[^A-Za-z0-9]/g, "")}`;
    if (resource?.Type === "AWS::Cognito::UserPoolClient") return `client${name.toLowerCase()}`;
    if (resource?.Type === "AWS::SecretsManager::Secret") {
      // A secret created with a value (the SMS credentials, holding no keys yet) holds that value.
      const initial = resource.Properties?.SecretString;
      if (typeof initial === "string") return this.localReference(`${stack.name}/${name}`, initial);
      // Generated at deploy in AWS; generated here for the local stand-in (into its JSON template, if any).
      const generated = randomBytes(32).toString("hex");
      const generate = resource.Properties?.GenerateSecretString as
        | { SecretStringTemplate?: string; GenerateStringKey?: string }
        | undefined;
      if (generate?.SecretStringTemplate && generate.GenerateStringKey) {
        const value = {
          ...JSON.parse(generate.SecretStringTemplate),
          [generate.GenerateStringKey]: generated,
        };
        return this.localReference(`${stack.name}/${name}`, JSON.stringify(value));
      }
      return this.localReference(`${stack.name}/${name}`, generated);
    }
    throw new Error(`cannot resolve Ref ${name} (${resource?.Type ?? "unknown"}) in ${stack.name}`);
  }

  private getAtt(stack: StackTemplate, [logicalId, attribute]: [string, string]): string {
    const resource = stack.template.Resources[logicalId];
    if (resource?.Type === "AWS::ApiGatewayV2::Api" && attribute === "ApiEndpoint") return LOCAL_API_URL;
    if (resource?.Type === "AWS::KMS::Key" && attribute === "Arn") {
      // The KMS key's local stand-in: a 256-bit key the local wrapper uses (field-encryption.ts).
      return this.localReference(`${stack.name}/${logicalId}`, randomBytes(32).toString("base64"));
    }
    throw new Error(`cannot resolve GetAtt ${logicalId}.${attribute} (${resource?.Type}) in ${stack.name}`);
  }

  private importValue(exportName: string): string {
    for (const stack of this.stacks) {
      for (const output of Object.values(stack.template.Outputs ?? {})) {
        if (output.Export && this.value(stack, output.Export.Name) === exportName) {
          return this.value(stack, output.Value);
        }
      }
    }
    throw new Error(`no export named ${exportName}`);
  }
}

interface DeployedFunction {
  definition: FunctionDefinition;
  /** Environment.Variables exactly as in the template. */
  templateVariables: Record<string, Json>;
}

function deployedFunctions(stacks: StackTemplate[]): { stack: StackTemplate; functions: DeployedFunction[] } {
  const stack = stacks.find((s) => s.name === `${PREFIX}functions`);
  if (!stack) throw new Error("no functions stack");
  const lambdas = Object.values(stack.template.Resources).filter((r) => r.Type === "AWS::Lambda::Function");
  const functions = FUNCTIONS.map((definition) => {
    const lambda = lambdas.find((r) => r.Properties?.Description === definition.description);
    if (!lambda) throw new Error(`no Lambda function for ${definition.id}`);
    const environment = lambda.Properties?.Environment as { Variables?: Record<string, Json> } | undefined;
    return { definition, templateVariables: environment?.Variables ?? {} };
  });
  return { stack, functions };
}

/** The template's variables with references resolved, then mapped to the local runtime's stand-ins. */
function localEnvironment(
  resolver: LocalResolver,
  stack: StackTemplate,
  variables: Record<string, Json>,
  documentsDir: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) env[name] = resolver.value(stack, value);
  // The local runtime's equivalent of the bucket is a directory served by the local API, whose
  // links are signed with a key derived from the identity key (document-store.ts): part of the stand-in.
  if (env[ENV.documentsBucket]) {
    delete env[ENV.documentsBucket];
    env[ENV.documentsDir] = documentsDir;
    env[ENV.localUploadBaseUrl] = LOCAL_API_URL;
    env[SECRETS.identityHashKey.idEnv] ??= resolver.localReference(
      "documents-signing",
      randomBytes(32).toString("hex"),
    );
  }
  const parameter = env[BANK_CALLBACK_URL.idEnv];
  if (parameter) env[BANK_CALLBACK_URL.idEnv] = resolver.parameter(parameter);
  const pool = env[USER_POOL_ID.idEnv];
  if (pool) env[USER_POOL_ID.idEnv] = resolver.parameter(pool);
  const signInPools = env[SIGN_IN_POOLS.idEnv];
  if (signInPools) env[SIGN_IN_POOLS.idEnv] = resolver.parameter(signInPools);
  return env;
}

interface Bundle {
  file: string;
}

/** One bundle per entry and set of left-out modules, built as NodejsFunction builds it. */
async function bundleAll(functions: readonly FunctionDefinition[]): Promise<Map<string, Bundle>> {
  const byKey = new Map<string, { entry: string; external: string[] }>();
  const keyOf = (definition: FunctionDefinition) => {
    const external = externalModulesFor(needsOf(definition));
    return { key: `${definition.entry}|${external.join(",")}`, entry: definition.entry, external };
  };
  for (const definition of functions) {
    const { key, entry, external } = keyOf(definition);
    byKey.set(key, { entry, external });
  }
  const built = new Map<string, Bundle>();
  let n = 0;
  await Promise.all(
    [...byKey].map(async ([key, { entry, external }]) => {
      const outdir = path.join(scratch, `bundle-${n++}`);
      mkdirSync(outdir, { recursive: true });
      const outfile = path.join(outdir, "index.mjs");
      await build({
        absWorkingDir: PROJECT_ROOT,
        entryPoints: [path.join(PROJECT_ROOT, entry)],
        bundle: true,
        outfile,
        minify: LAMBDA_BUNDLING.minify,
        format: LAMBDA_BUNDLING.format,
        platform: "node",
        target: LAMBDA_BUNDLING.target,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        external,
        banner: { js: LAMBDA_BUNDLING.banner },
        footer: { js: LAMBDA_BUNDLING.footer },
        logLevel: "silent",
      });
      for (const command of afterBundlingCommands(entry, PROJECT_ROOT, outdir)) {
        execSync(command, { cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", "inherit"] });
      }
      built.set(key, { file: outfile });
    }),
  );
  return new Map(functions.map((definition) => [definition.id, built.get(keyOf(definition).key) as Bundle]));
}

const CLAIMS = {
  sub: "u-template-env",
  name: "Template environment",
  "cognito:groups": [
    "township-officer",
    "township-approver",
    "county-civil-affairs",
    "county-finance",
    "auditor",
  ],
  "custom:county": "230123",
  "custom:township": "230123100",
  amr: ["pwd", "otp", "mfa"],
};

const PATH_VALUES: Record<string, string> = {
  caseId: "CASE-TEMPLATE-ENV",
  townshipId: "230123100",
  period: "2026-12",
};

/** An HTTP API v2 event for one of the function's routes (a GET when it has one: it reads deeper). */
function httpEvent(definition: FunctionDefinition): unknown {
  const routes = definition.routes ?? [];
  const route = routes.find((r) => r.method === "GET") ?? (routes[0] as (typeof routes)[number]);
  const rawPath = route.path.replace(/\{(\w+)\}/g, (_, name: string) => PATH_VALUES[name] ?? "x");
  const pathParameters = Object.fromEntries(
    [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name, PATH_VALUES[name as string] ?? "x"]),
  );
  return {
    version: "2.0",
    routeKey: `${route.method} ${route.path}`,
    rawPath,
    rawQueryString: "",
    headers: { "content-type": "application/json", "idempotency-key": "template-env-1" },
    pathParameters,
    isBase64Encoded: false,
    ...(route.method === "GET" ? {} : { body: "{}" }),
    requestContext: {
      requestId: `template-env-${definition.id}`,
      http: { method: route.method, path: rawPath },
      ...(route.public ? {} : { authorizer: { jwt: { claims: CLAIMS } } }),
    },
  };
}

/** A request of the HTTP API's Lambda authorizer (payload 2.0) with a token of no trusted pool. */
function authorizerEvent(): unknown {
  const token = [{ alg: "RS256", kid: "template-env" }, { sub: "nobody", token_use: "id" }, "x"]
    .map((part) => Buffer.from(JSON.stringify(part)).toString("base64url"))
    .join(".");
  return {
    version: "2.0",
    type: "REQUEST",
    routeArn: "arn:aws:execute-api:ap-east-1:123456789012:api/$default/GET/cases",
    identitySource: [`Bearer ${token}`],
    routeKey: "GET /cases",
    rawPath: "/cases",
    rawQueryString: "",
    headers: { authorization: `Bearer ${token}` },
    requestContext: { requestId: "template-env-authorizer", http: { method: "GET", path: "/cases" } },
  };
}

/** What some tasks' schemas want beyond the case, so that the event gets past parsing. */
const TASK_EVENT_EXTRAS: Record<string, Record<string, string>> = {
  OpenHumanTask: { taskType: "advance-decision" },
  OpenFlowBTask: { taskType: "assessment" },
  PayAid: { purpose: "advance" },
  PayInCash: { purpose: "advance" },
  ReversePayment: { purpose: "advance" },
  PollPaymentStatus: { obligationId: "OBL-TEMPLATE-ENV" },
};

/** A Step Functions task event naming a case that does not exist: a typed domain error is fine. */
function taskEvent(definition: FunctionDefinition): unknown {
  // The SMS dispatcher's schedule (it reads the deliveries that fell due), the deadline reminders' and
  // the daily roll-up's.
  const triggers = definition.triggers;
  if (triggers?.dueSchedule || triggers?.reminderSchedule || triggers?.rollupSchedule)
    return { source: "aws.events", "detail-type": "Scheduled Event" };
  // The ledger writer: a batch of the draw queue (infra/ledger-queue.ts) with one draw of that case.
  if (definition.triggers?.drawQueue) return drawQueueEvent();
  return {
    caseId: "CASE-TEMPLATE-ENV",
    correlationId: "corr-template-env",
    taskToken: "token-template-env",
    purpose: "stage-1",
    ...TASK_EVENT_EXTRAS[definition.id],
  };
}

/** An SQS event of the draw queue: one Flow A draw of a case that does not exist. */
function drawQueueEvent(): unknown {
  const body = {
    taskToken: "token-template-env",
    caseId: "CASE-TEMPLATE-ENV",
    correlationId: "corr-template-env",
    purpose: "advance",
    flow: "A",
  };
  return {
    Records: [
      {
        messageId: "template-env-draw",
        receiptHandle: "template-env-draw#1",
        body: JSON.stringify(body),
        attributes: { MessageGroupId: "TWP-TEMPLATE-ENV", ApproximateReceiveCount: "1" },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${PREFIX}ledger-draws.fifo`,
        awsRegion: REGION,
      },
    ],
  };
}

function isConfigurationError(error: unknown): boolean {
  const text = `${(error as Error)?.name} ${(error as Error)?.message}`;
  return /ConfigurationError|configuration|is missing|does not declare/i.test(text);
}

/** Runs `fn` with ONLY `env` as AidFlow's environment (every AIDFLOW_* variable cleared first). */
async function withEnvironment<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith("AIDFLOW_")) delete process.env[key];
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

type Outcome =
  | { kind: "configuration"; error: unknown }
  | { kind: "status"; status: number; body?: string }
  | {
      kind: "error";
      error: unknown;
    };

let instance = 0;
/** Starts a fresh copy of the bundle (its own module instance: a cold start) and sends one event. */
async function coldStartAndInvoke(bundle: Bundle, definition: FunctionDefinition): Promise<Outcome> {
  // A bundle that never loads config.ts must not find the previous bundle's hook.
  delete (globalThis as Record<symbol, unknown>)[Symbol.for(COLD_START_HOOK_KEY)];
  let module: Record<string, unknown>;
  try {
    module = (await import(`${pathToFileURL(bundle.file).href}?instance=${instance++}`)) as Record<
      string,
      unknown
    >;
  } catch (error) {
    return isConfigurationError(error) ? { kind: "configuration", error } : { kind: "error", error };
  }
  const handler = module[definition.handler] as (event: unknown, context: unknown) => Promise<unknown>;
  if (typeof handler !== "function") throw new Error(`${definition.id}: no export ${definition.handler}`);
  try {
    const event = definition.routes
      ? httpEvent(definition)
      : needsOf(definition).signInPools
        ? authorizerEvent()
        : taskEvent(definition);
    const result = await handler(event, { awsRequestId: "template-env" });
    if (needsOf(definition).signInPools) {
      // The token verifies against neither pool: refused, and nothing thrown.
      const { isAuthorized } = result as { isAuthorized: boolean };
      return { kind: "status", status: isAuthorized === false ? 200 : 500, body: JSON.stringify(result) };
    }
    if (definition.routes) {
      const { statusCode, body } = result as { statusCode: number; body?: string };
      return { kind: "status", status: statusCode, ...(body ? { body } : {}) };
    }
    return { kind: "status", status: 200 };
  } catch (error) {
    return isConfigurationError(error) ? { kind: "configuration", error } : { kind: "error", error };
  }
}

describe("every synthesized function starts with its template environment", () => {
  let stacks: StackTemplate[];
  let resolver: LocalResolver;
  let deployed: { stack: StackTemplate; functions: DeployedFunction[] };
  let bundles: Map<string, Bundle>;
  let baseEnv: Record<string, string>;
  const documentsDir = path.join(scratch, "documents");

  beforeAll(async () => {
    stacks = synthesize();
    resolver = new LocalResolver(stacks);
    deployed = deployedFunctions(stacks);
    const endpoint = inject("dynamoEndpoint");
    // The tables under the very names the template gives the functions.
    const client = localDynamoClient(endpoint);
    await ensureTables(client, PREFIX);
    client.destroy();
    mkdirSync(documentsDir, { recursive: true });
    bundles = await bundleAll(FUNCTIONS);
    baseEnv = {
      // The one choice the test makes: run on the local runtime (local stand-ins, DynamoDB Local).
      [ENV.runtime]: "local",
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    };
  }, 300_000);

  it("each function of the catalog answers its event without a configuration error", async () => {
    const failures: string[] = [];
    const seen: string[] = [];
    const outcomes: string[] = [];
    for (const { definition, templateVariables } of deployed.functions) {
      const env = {
        ...localEnvironment(resolver, deployed.stack, templateVariables, documentsDir),
        ...baseEnv,
      };
      const outcome = await withEnvironment(env, () =>
        coldStartAndInvoke(bundles.get(definition.id) as Bundle, definition),
      );
      seen.push(definition.id);
      outcomes.push(
        `${definition.id}: ${outcome.kind === "status" ? outcome.status : `${(outcome.error as Error)?.name} ${(outcome.error as Error)?.message?.slice(0, 80)}`}`,
      );
      if (outcome.kind === "configuration") {
        failures.push(`${definition.id}: ${(outcome.error as Error).message}`);
      } else if (outcome.kind === "status" && outcome.status >= 500) {
        failures.push(`${definition.id}: HTTP ${outcome.status} ${outcome.body ?? ""}`);
      } else if (outcome.kind === "error" && !(outcome.error instanceof Error)) {
        failures.push(`${definition.id}: threw ${String(outcome.error)}`);
      }
    }
    console.info(`cold start + one event per function:\n  ${outcomes.join("\n  ")}`);
    expect(failures).toEqual([]);
    expect(seen).toEqual(FUNCTIONS.map((definition) => definition.id));
  }, 300_000);

  it("a function whose template lacks one declared variable fails its cold start naming it", async () => {
    // Prepare: PayAid's environment without the identity hash key's secret.
    const payAid = deployed.functions.find((f) => f.definition.id === "PayAid") as DeployedFunction;
    const { [SECRETS.identityHashKey.idEnv]: removed, ...rest } = payAid.templateVariables;
    expect(removed).toBeDefined();
    const env = { ...localEnvironment(resolver, deployed.stack, rest, documentsDir), ...baseEnv };
    // Act
    const outcome = await withEnvironment(env, () =>
      coldStartAndInvoke(bundles.get("PayAid") as Bundle, payAid.definition),
    );
    // Assess
    expect(outcome.kind).toBe("configuration");
    expect(String((outcome as { error: Error }).error.message)).toContain(
      `${SECRETS.identityHashKey.idEnv} is missing`,
    );
  }, 120_000);

  it("an HTTP function whose template lacks its table answers no request: the cold start names the table", async () => {
    const progress = deployed.functions.find((f) => f.definition.id === "CaseProgress") as DeployedFunction;
    const { AIDFLOW_TABLE_MAIN: removed, ...rest } = progress.templateVariables;
    expect(removed).toBeDefined();
    const env = { ...localEnvironment(resolver, deployed.stack, rest, documentsDir), ...baseEnv };
    const outcome = await withEnvironment(env, () =>
      coldStartAndInvoke(bundles.get("CaseProgress") as Bundle, progress.definition),
    );
    expect(outcome.kind).toBe("configuration");
    expect(String((outcome as { error: Error }).error.message)).toContain("AIDFLOW_TABLE_MAIN is missing");
  }, 120_000);
});
