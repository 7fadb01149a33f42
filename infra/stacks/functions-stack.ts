import path from "node:path";
import {
  Annotations,
  ArnFormat,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { type BundlingOptions, NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { EXPORTS_KEY_PREFIX } from "#adapters/document-store.ts";
import { APPLICANT_PHONE_PURPOSE } from "#adapters/sms-delivery-store.ts";
import {
  type FunctionDefinition,
  type FunctionNeeds,
  needsOf,
  type TableAccess,
} from "#functions/catalog.ts";
import { API_DOCUMENT_ENTRY, writeApiDocumentCommand } from "#functions/http/api-document-asset.ts";
import {
  ACCOUNT_KEY,
  BANK_CLIENT_TLS,
  COLD_START_HOOK_KEY,
  SMS_CREDENTIALS,
} from "#functions/runtime/environment.ts";
import { BankNetwork, type BankRouteOptions, bankClientTlsSecret } from "../bank-route.ts";
import { wireRollupSchedule } from "../daily-rollup.ts";
import { wireReminderSchedule } from "../deadline-reminders.ts";
import {
  BANK_CALLBACK_URL,
  bankCallbackUrlParameterName,
  DOCUMENTS_BUCKET_ENV,
  ENV,
  NOTIFICATIONS_TOPIC_ENV,
  SECRETS,
  SIGN_IN_POOLS,
  stateMachineArnEnv,
  USER_POOL_ID,
} from "../environment.ts";
import { wireDrawQueue } from "../ledger-queue.ts";
import { acknowledgeWildcardResource } from "../nag.ts";
import { smsCredentialsSecret, wireMessageTriggers } from "../sms-dispatch.ts";
import { physicalTableName, TABLE_ENV, TABLES, type TableDefinition } from "../tables.ts";
import { LIVE_ALIAS, stateMachineName } from "../workflows.ts";
import { type DataStack, documentsBucketName, notificationsTopicName } from "./data-stack.ts";

export interface FunctionsStackProps extends StackProps {
  /** The catalog entries to build (the app passes `FUNCTIONS`, tests pass fixtures). */
  functions: readonly FunctionDefinition[];
  /** Names of the workflows whose state machines functions may start, describe or answer. */
  workflowNames: readonly string[];
  /** Prefix of physical table and state machine names. */
  prefix: string;
  /** Repository root: entries are relative to it and its package-lock.json pins the bundle. */
  projectRoot: string;
  /** Tables, documents bucket, notifications topic and secrets. */
  data: DataStack;
  /**
   * County code (or `*`) → the bank's base URL (context `bankEndpoints`). Without it the functions
   * that call the bank fail at cold start naming `AIDFLOW_BANK_ENDPOINTS`, and synth warns.
   */
  bankEndpoints?: Readonly<Record<string, string>>;
  /** The issuer the API trusts requires MFA of every account: set for the functions serving routes. */
  issuerEnforcesMfa?: boolean;
  /** X-Ray active tracing; off where Lambda has no X-Ray integration (China: infra/regions.ts). */
  tracing?: boolean;
  /** The functions that call the bank run in a VPC with fixed egress IPs (infra/bank-route.ts). */
  bankRoute?: BankRouteOptions;
  /** The functions that call the bank present a client certificate from a secret (bank-route.ts). */
  bankClientTls?: boolean;
  /**
   * SSM parameter the API stack writes the Cognito pool's id to (absent when the API trusts another
   * issuer): the functions that create staff accounts (catalog `config.userPool`) read it.
   */
  userPoolIdParameterName?: string;
  /**
   * SSM parameter the API stack writes the staff and applicant pools (and their clients) to, in a
   * Cognito deployment: the API's authorizer (catalog `config.signInPools`) reads it.
   */
  signInPoolsParameterName?: string;
}

/**
 * How every function is bundled; `bench/bundles/run.ts` builds with exactly these options, so the
 * bundle-size row measures what is deployed.
 * - The AWS SDK is bundled (no externals), not taken from the Lambda runtime: the handler runs the
 *   exact SDK version the tests ran, and a tree-shaken, minified SDK inside one file loads faster than
 *   the runtime's copy spread over many files (the AWS SDK team's own advice for Lambda).
 * - CommonJS dependencies inside an ESM bundle still call require(): hence the banner.
 * - The footer awaits the cold-start hook of functions/runtime/config.ts when the handler bundles
 *   it: the function's configuration, secrets included, is read once, before the first event, and a
 *   missing value fails the cold start naming it. (A top-level await inside a module is no option:
 *   esbuild refuses it in a bundle whose CommonJS dependencies require() their way to it.)
 */
export const LAMBDA_BUNDLING = {
  minify: true,
  sourceMap: true,
  format: OutputFormat.ESM,
  target: "node22",
  mainFields: ["module", "main"],
  externalModules: [],
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  footer: `await globalThis[Symbol.for("${COLD_START_HOOK_KEY}")]?.();`,
} as const satisfies BundlingOptions;

/**
 * Files written next to a bundle after esbuild ran. The OpenApi function serves the API document
 * generated here at synth (functions/http/api-document-asset.ts) instead of bundling every handler.
 */
export function afterBundlingCommands(entry: string, projectRoot: string, outputDir: string): string[] {
  return entry === API_DOCUMENT_ENTRY ? [writeApiDocumentCommand(projectRoot, outputDir)] : [];
}

/**
 * The modules a function's bundle leaves out: the Parameters providers (dynamic imports in
 * functions/runtime/parameters.ts) of stores the function never reads — the SSM provider alone is
 * ~180 KiB, and bundles stay ≤ 1 MiB for cold start. Left out, such an import would fail when called;
 * config.ts calls it only for what the catalog entry declares.
 */
export function externalModulesFor(needs: FunctionNeeds): string[] {
  return [
    ...LAMBDA_BUNDLING.externalModules,
    ...(needs.secrets.length > 0 || needs.bankEndpoints || needs.smsCredentials
      ? []
      : ["@aws-lambda-powertools/parameters/secrets"]),
    ...(needs.bankCallbackUrl || needs.userPool || needs.signInPools
      ? []
      : ["@aws-lambda-powertools/parameters/ssm"]),
  ];
}

const DEFAULT_TIMEOUT_SECONDS = 10;
const DEFAULT_MEMORY_MB = 512;

const TABLE_ACTIONS: Record<TableAccess, string[]> = {
  read: [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
  ],
  // "write" includes reading: a handler that writes always reads first (conditions, idempotency).
  write: [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
  ],
};

/**
 * Partition keys of the append-only audit items in `main`: the chain, its dedup marks, the read
 * audit (functions/adapters/audit-store.ts, person-views.ts).
 */
export const AUDIT_KEY_PATTERNS = ["AUDIT#*", "AUDITDEDUP#*", "PERSONVIEWS#*"] as const;
/** What would remove or rewrite an existing item (a BatchWriteItem put overwrites unconditionally). */
const TAMPERING_ACTIONS = ["dynamodb:DeleteItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"];

const STEP_FUNCTIONS_ACTIONS = {
  start: ["states:StartExecution"],
  taskResponse: ["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"],
  describe: ["states:DescribeExecution", "states:GetExecutionHistory"],
  stop: ["states:StopExecution"],
} as const;

/** Kinds whose IAM resource is an execution (not the state machine). */
const EXECUTION_LEVEL: ReadonlySet<string> = new Set(["describe", "stop"]);

/**
 * One NodejsFunction per catalog entry, bundled by the local esbuild (no Docker), each with its own
 * role that holds exactly what the entry's `access` names — nothing is granted by default.
 */
export class FunctionsStack extends Stack {
  /** Built functions by catalog id. */
  readonly functions: ReadonlyMap<string, NodejsFunction>;
  /** The bank functions' VPC (context `bankRoute`). */
  readonly bankNetwork: BankNetwork | undefined;
  /** The draw queue (infra/ledger-queue.ts), made with the function that consumes it. */
  drawQueue: sqs.Queue | undefined;
  private readonly bankTlsSecret: ReturnType<typeof bankClientTlsSecret> | undefined;
  /** The SMS providers' keys, made with the first function that sends SMS. */
  private smsSecret: ReturnType<typeof smsCredentialsSecret> | undefined;

  constructor(scope: Construct, id: string, props: FunctionsStackProps) {
    super(scope, id, props);
    // Tables are granted by name, not by reference: deploy them first all the same.
    this.addStackDependency(props.data);
    const bankNeeds = props.functions.map(needsOf).filter((needs) => needs.bankEndpoints);
    this.bankNetwork =
      props.bankRoute && bankNeeds.length > 0
        ? new BankNetwork(this, "BankNetwork", {
            ...props.bankRoute,
            needs: bankNeeds,
            ...(props.bankEndpoints ? { bankEndpoints: props.bankEndpoints } : {}),
          })
        : undefined;
    this.bankTlsSecret = props.bankClientTls ? bankClientTlsSecret(this, props.prefix) : undefined;
    const ids = new Set<string>();
    const built = new Map<string, NodejsFunction>();
    for (const definition of props.functions) {
      if (ids.has(definition.id)) throw new Error(`function catalog: duplicate id ${definition.id}`);
      ids.add(definition.id);
      built.set(definition.id, this.buildFunction(definition, props));
    }
    this.functions = built;
  }

  private buildFunction(definition: FunctionDefinition, props: FunctionsStackProps): NodejsFunction {
    const scope = `${definition.id}`;
    const logGroup = new logs.LogGroup(this, `${scope}Logs`, {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(this, `${scope}Role`, {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `AidFlow ${definition.id}: least privilege from its catalog entry`,
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [logGroup.logGroupArn],
      }),
    );
    // Exactly what the function's configuration reads (functions/runtime/config.ts), from its entry.
    const needs = needsOf(definition);
    const environment: Record<string, string> = {
      NODE_OPTIONS: "--enable-source-maps",
      [ENV.function]: definition.id,
      ...(props.issuerEnforcesMfa && definition.routes?.length ? { [ENV.issuerEnforcesMfa]: "true" } : {}),
    };
    this.grantTables(definition, role, environment, props.prefix);
    this.denyTampering(definition, role, props.prefix);
    this.grantStepFunctions(definition, needs, role, environment, props);
    this.grantDocuments(definition, role, environment, props);
    this.grantNotifications(definition, role, environment, props);
    this.grantSecrets(needs, role, environment, props);
    this.grantAccountKey(needs, role, environment, props);
    this.grantBank(definition, needs, role, environment, props);
    this.grantUserPoolId(needs, role, environment, props);
    this.grantSmsCredentials(needs, role, environment, props);
    this.grantSignInPools(needs, role, environment, props);
    const bankNetwork = needs.bankEndpoints ? this.bankNetwork : undefined;
    bankNetwork?.grantNetworkInterfaces(role);

    const fn = new NodejsFunction(this, `${scope}Function`, {
      entry: path.join(props.projectRoot, definition.entry),
      handler: definition.handler,
      description: definition.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: Duration.seconds(definition.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      memorySize: definition.memoryMb ?? DEFAULT_MEMORY_MB,
      role,
      logGroup,
      tracing: props.tracing === false ? lambda.Tracing.DISABLED : lambda.Tracing.ACTIVE,
      environment,
      ...bankNetwork?.functionProps(),
      // Each deploy's version stays: a running execution's state machine version invokes it.
      currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, "package-lock.json"),
      bundling: {
        ...LAMBDA_BUNDLING,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        externalModules: externalModulesFor(needs),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) =>
            afterBundlingCommands(definition.entry, inputDir, outputDir),
        },
      },
    });
    Validations.of(fn).acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "Pinned to nodejs22.x on purpose: the local runtime and CI run the same major; move to the next LTS deliberately.",
    });
    if (props.tracing !== false) {
      Validations.of(role).acknowledge({
        id: "AwsSolutions-IAM5[Resource::*]",
        reason: "X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.",
      });
    }
    wireMessageTriggers(this, definition, fn, {
      prefix: props.prefix,
      mainTableStreamArn: props.data.tables.main.tableStreamArn as string,
    });
    wireReminderSchedule(this, definition, fn);
    wireRollupSchedule(this, definition, fn);
    const drawQueue = wireDrawQueue(this, definition, fn, { prefix: props.prefix });
    if (drawQueue && this.drawQueue)
      throw new Error(`function catalog: a second drawQueue consumer ${definition.id}`);
    this.drawQueue ??= drawQueue;
    return fn;
  }

  private grantTables(
    definition: FunctionDefinition,
    role: iam.Role,
    environment: Record<string, string>,
    prefix: string,
  ): void {
    for (const table of TABLES) {
      const access = definition.access.tables?.[table.id];
      if (!access) continue;
      environment[TABLE_ENV[table.id]] = physicalTableName(prefix, table.id);
      role.addToPolicy(
        new iam.PolicyStatement({ actions: TABLE_ACTIONS[access], resources: this.tableArns(prefix, table) }),
      );
    }
  }

  /**
   * Explicit denies that no grant can outweigh (DOMAIN §1 audit trail, §5 ledger): audit items are
   * never deleted, updated or batch-written; ledger items are never deleted or batch-written (the
   * head is updated under its revision condition, entries are put only if absent — IAM cannot see a
   * condition expression, so an unconditional put is what CloudTrail's data events are for); and no
   * function scans a table (nothing reads that way, and a scan would read every county's audit).
   */
  private denyTampering(definition: FunctionDefinition, role: iam.Role, prefix: string): void {
    for (const table of TABLES) {
      const access = definition.access.tables?.[table.id];
      if (!access) continue;
      const resources = this.tableArns(prefix, table);
      const deny = (actions: string[], conditions?: Record<string, unknown>) =>
        role.addToPolicy(
          new iam.PolicyStatement({
            effect: iam.Effect.DENY,
            actions,
            resources,
            ...(conditions ? { conditions } : {}),
          }),
        );
      deny(["dynamodb:Scan"]);
      if (access !== "write") continue;
      if (table.id === "ledger") deny(["dynamodb:DeleteItem", "dynamodb:BatchWriteItem"]);
      else {
        deny(TAMPERING_ACTIONS, {
          "ForAnyValue:StringLike": { "dynamodb:LeadingKeys": [...AUDIT_KEY_PATTERNS] },
        });
      }
    }
  }

  /** The table and each of its indexes by name — no `index/*` wildcard. */
  private tableArns(prefix: string, table: TableDefinition): string[] {
    const tableName = physicalTableName(prefix, table.id);
    const arn = (resourceName: string) =>
      this.formatArn({ service: "dynamodb", resource: "table", resourceName });
    return [arn(tableName), ...table.globalIndexes.map((index) => arn(`${tableName}/index/${index.name}`))];
  }

  private grantStepFunctions(
    definition: FunctionDefinition,
    configNeeds: FunctionNeeds,
    role: iam.Role,
    environment: Record<string, string>,
    props: FunctionsStackProps,
  ): void {
    const needs = definition.access.stepFunctions ?? [];
    if (needs.length === 0) return;
    const machineArns = props.workflowNames.map((name) => {
      // Executions start through the alias: on the version of the last deploy (infra/workflows.ts).
      const arn = this.formatArn({
        service: "states",
        resource: "stateMachine",
        resourceName: `${stateMachineName(props.prefix, name)}:${LIVE_ALIAS}`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      // Answering a task token needs no ARN; starting, stopping and describing do.
      if (configNeeds.stateMachines) environment[stateMachineArnEnv(name)] = arn;
      return { name, arn };
    });
    if (machineArns.length === 0) return;
    for (const need of needs) {
      const resources = EXECUTION_LEVEL.has(need)
        ? machineArns.map(({ name }) =>
            this.formatArn({
              service: "states",
              resource: "execution",
              resourceName: `${stateMachineName(props.prefix, name)}:*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          )
        : machineArns.map(({ arn }) => arn);
      role.addToPolicy(new iam.PolicyStatement({ actions: [...STEP_FUNCTIONS_ACTIONS[need]], resources }));
      if (EXECUTION_LEVEL.has(need)) {
        for (const resource of resources) {
          acknowledgeWildcardResource(
            role,
            resource,
            "Execution names are chosen per case at run time; the grant is limited to this state machine's executions.",
          );
        }
      }
    }
  }

  private grantDocuments(
    definition: FunctionDefinition,
    role: iam.Role,
    environment: Record<string, string>,
    props: FunctionsStackProps,
  ): void {
    const access = definition.access.documents;
    if (!access) return;
    const bucketName = documentsBucketName(props.prefix);
    environment[DOCUMENTS_BUCKET_ENV] = bucketName;
    // Exports: the finance files under their own prefix, never a case's documents.
    const objects = this.formatArn({
      service: "s3",
      region: "",
      account: "",
      resource: bucketName,
      resourceName: access === "exports" ? `${EXPORTS_KEY_PREFIX}*` : "*",
    });
    const actions = access === "read" ? ["s3:GetObject"] : ["s3:GetObject", "s3:PutObject"];
    role.addToPolicy(new iam.PolicyStatement({ actions, resources: [objects] }));
    acknowledgeWildcardResource(
      role,
      objects,
      access === "exports"
        ? "Export keys are random per request; the grant is limited to the exports prefix of the documents bucket."
        : "Document keys are per case and created at run time; the grant is limited to the documents bucket.",
    );
  }

  private grantNotifications(
    definition: FunctionDefinition,
    role: iam.Role,
    environment: Record<string, string>,
    props: FunctionsStackProps,
  ): void {
    if (!definition.access.notifications) return;
    const topicArn = this.formatArn({ service: "sns", resource: notificationsTopicName(props.prefix) });
    environment[NOTIFICATIONS_TOPIC_ENV] = topicArn;
    role.addToPolicy(new iam.PolicyStatement({ actions: ["sns:Publish"], resources: [topicArn] }));
    // An encrypted topic needs the publisher to be able to use its key.
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: [props.data.notificationsKey.keyArn],
      }),
    );
  }

  /** Each declared secret by ARN (never its value), readable by this function alone. */
  private grantSecrets(
    needs: FunctionNeeds,
    role: iam.Role,
    environment: Record<string, string>,
    props: FunctionsStackProps,
  ): void {
    for (const name of needs.secrets) {
      const secret = props.data.secrets[name];
      environment[SECRETS[name].idEnv] = secret.secretArn;
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ["secretsmanager:GetSecretValue"],
          resources: [secret.secretArn],
        }),
      );
    }
  }

  /** The SMS providers' keys (one secret for every county), readable by the functions that send SMS. */
  private grantSmsCredentials(
    needs: FunctionNeeds,
    role: iam.Role,
    environment: Record<string, string>,
    props: FunctionsStackProps,
  ): void {
    if (!needs.smsCredentials) return;
    this.smsSecret ??= smsCredentialsSecret(this, props.prefix);
    environment[SMS_CREDENTIALS.idEnv] = this.smsSecret.secretArn;
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["secretsmanager:GetSecretValue"],
        resources: [this.smsSecret.secretArn],
      }),
    );
  }

  /**
   * The KMS key of sealed bank accounts and applicants' phones: data keys generated and unwrapped for
   * the fields `bank-account` and `applicant-phone` only (the encryption context), never the key's own
   * administration. A function that only opens applicants' phones (the SMS dispatcher, the case's SMS
   * contact) may unwrap their data keys and nothing else: no new data key, no bank account.
   */
  private grantAccountKey(
    needs: FunctionNeeds,
    role: iam.Role,
    environment: Record<string, string>,
    props: FunctionsStackProps,
  ): void {
    if (!needs.accountKey) return;
    environment[ACCOUNT_KEY.idEnv] = props.data.accountKey.keyArn;
    const phoneOnly = needs.accountKeyOpensPhoneOnly === true;
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: phoneOnly ? ["kms:Decrypt"] : ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: [props.data.accountKey.keyArn],
        conditions: {
          StringEquals: {
            "kms:EncryptionContext:purpose": phoneOnly
              ? [APPLICANT_PHONE_PURPOSE]
              : [ACCOUNT_KEY.purpose, APPLICANT_PHONE_PURPOSE],
          },
        },
      }),
    );
  }

  /**
   * Where the Cognito pool's id is (the pool itself is granted by the API stack, which builds it:
   * its id cannot be passed here, the API stack depends on these functions).
   */
  private grantUserPoolId(
    needs: FunctionNeeds,
    role: iam.Role,
    environment: Record<string, string>,
    props: FunctionsStackProps,
  ): void {
    const name = props.userPoolIdParameterName;
    if (!needs.userPool || !name) return;
    environment[USER_POOL_ID.idEnv] = name;
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["ssm:GetParameter"],
        resources: [this.formatArn({ service: "ssm", resource: "parameter", resourceName: name.slice(1) })],
      }),
    );
  }

  /**
   * Where the API's authorizer finds the pools it trusts (written by the API stack, which builds them:
   * their ids cannot be passed here, the API stack depends on these functions).
   */
  private grantSignInPools(
    needs: FunctionNeeds,
    role: iam.Role,
    environment: Record<string, string>,
    props: FunctionsStackProps,
  ): void {
    const name = props.signInPoolsParameterName;
    if (!needs.signInPools || !name) return;
    environment[SIGN_IN_POOLS.idEnv] = name;
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["ssm:GetParameter"],
        resources: [this.formatArn({ service: "ssm", resource: "parameter", resourceName: name.slice(1) })],
      }),
    );
  }

  /**
   * The bank endpoints from context; the callback URL from the SSM parameter the API stack writes
   * (the API's URL cannot be passed here: the API stack depends on these functions).
   */
  private grantBank(
    definition: FunctionDefinition,
    needs: FunctionNeeds,
    role: iam.Role,
    environment: Record<string, string>,
    props: FunctionsStackProps,
  ): void {
    if (needs.bankEndpoints) {
      if (props.bankEndpoints && Object.keys(props.bankEndpoints).length > 0) {
        environment[ENV.bankEndpoints] = JSON.stringify(props.bankEndpoints);
      } else {
        Annotations.of(this).addWarningV2(
          `aidflow:bankEndpoints:${definition.id}`,
          `${definition.id} calls the bank but no bank endpoint is configured (-c bankEndpoints='{"*":"https://…"}'): it will fail at cold start.`,
        );
      }
    }
    if (needs.bankEndpoints && this.bankTlsSecret) {
      environment[BANK_CLIENT_TLS.idEnv] = this.bankTlsSecret.secretArn;
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ["secretsmanager:GetSecretValue"],
          resources: [this.bankTlsSecret.secretArn],
        }),
      );
    }
    if (needs.bankCallbackUrl) {
      const name = bankCallbackUrlParameterName(props.prefix);
      environment[BANK_CALLBACK_URL.idEnv] = name;
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ["ssm:GetParameter"],
          resources: [this.formatArn({ service: "ssm", resource: "parameter", resourceName: name.slice(1) })],
        }),
      );
    }
  }
}
