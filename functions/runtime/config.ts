/**
 * Runtime configuration, one typed configuration per function (STYLE 6: read once, fail fast;
 * ARCHITECTURE §5.8). `AIDFLOW_FUNCTION` names the catalog entry the process serves; its needs
 * (`needsOf` in functions/catalog.ts) say which variables, secrets and parameters are read — all of
 * them at cold start, and a missing or malformed one is a `ConfigurationError` naming each variable.
 * Reading a value the entry does not declare is an error too, so a need cannot be forgotten in the
 * catalog and still work by accident.
 *
 * Secrets and the bank callback URL are not in the environment: their variables carry a Secrets
 * Manager ARN or an SSM parameter name, fetched by `loadConfig()` through Powertools Parameters
 * (parameters.ts) — in AWS at cold start, awaited by the bundle's footer (infra LAMBDA_BUNDLING),
 * on the local runtime from a local stand-in by the same path.
 *
 * Without `AIDFLOW_FUNCTION` one process serves every function (the local runtime, tests): the tables,
 * the identity key and the documents are read at once, everything else when first used.
 */

import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { type SmsCredentials, smsCredentialsSchema } from "#adapters/sms/credentials.ts";
import { type FunctionNeeds, functionById, needsOf } from "#functions/catalog.ts";
import { type BankClientTls, bankClientTlsSchema } from "./bank-client-tls.ts";
import { type DynamoEndpoint, newDynamoDbClient } from "./dynamo-client.ts";
import {
  ACCOUNT_KEY,
  BANK_CALLBACK_URL,
  BANK_CLIENT_TLS,
  COLD_START_HOOK_KEY,
  ENV,
  SECRETS,
  type SecretName,
  SIGN_IN_POOLS,
  SMS_CREDENTIALS,
  type StoredValue,
  stateMachineArnEnv,
  TABLE_ENV,
  USER_POOL_ID,
} from "./environment.ts";
import { derivedLocalKey, type FieldKeySource, fieldKeySource } from "./field-encryption.ts";
import { type FlowBSettings, FlowSettingsSchema, flowSettingsOf } from "./flow-settings.ts";
import { jsonText } from "./json-text.ts";
import { setLogLevel } from "./logger.ts";
import { fetchStoredValue, isLocalReference, readLocalReference } from "./parameters.ts";
import type { TableId } from "./tables.ts";

/** Default upper bound of one uploaded document; a deployment may lower or raise it. */
const DEFAULT_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;
/** How long an idempotency record answers replays (the TTL attribute `expiresAt` removes it later). */
const DEFAULT_IDEMPOTENCY_TTL_HOURS = 24;
/** Long enough for a bank's synchronous acknowledgement, short against a Lambda's 10 s default. */
export const DEFAULT_BANK_TIMEOUT_MS = 5_000;
/** Every secret is at least this long (a short HMAC key is a guessable one). */
const SECRET_MIN_LENGTH = 16;

type Env = Record<string, string | undefined>;

export interface BankConfig {
  /** County code (or `*`) → bank base URL. */
  readonly endpoints: Readonly<Record<string, string>>;
  readonly requestSecret: string;
  readonly callbackSecret: string;
  readonly callbackUrl: string;
  readonly timeoutMs: number;
  /** Mutual TLS per bank (county code or `*`), when the deployment has it; otherwise plain https. */
  readonly clientTls: BankClientTls | undefined;
}

export interface AppConfig {
  /** The catalog entry this process serves; undefined when it serves them all (local runtime). */
  functionId?: string;
  runtime: "aws" | "local";
  logLevel: "DEBUG" | "INFO" | "WARN" | "ERROR";
  tables: { readonly main: string; readonly ledger: string };
  readonly identityHashKey: string;
  readonly payeeHashSecret: string;
  /** The key that wraps the data keys of sealed bank accounts (KMS in AWS, a local stand-in locally). */
  readonly accountKey: FieldKeySource;
  bank: BankConfig;
  documents: { bucket?: string; dir?: string; localUploadBaseUrl?: string; maxBytes: number };
  idempotencyTtlHours: number;
  /** The trusted token issuer requires MFA of every account (see ENV.issuerEnforcesMfa). */
  issuerEnforcesMfa: boolean;
  stateMachines: { flowA?: string; flowB?: string };
  /** How often the flows look again (bank polls, fund re-checks, reminders) and when loops hand over. */
  flow: FlowBSettings;
  notificationsTopicArn?: string;
  /** The Cognito pool staff accounts are created in; undefined: the directory's users sign in. */
  readonly userPoolId: string | undefined;
  /** The counties' SMS providers' access keys (functions/adapters/sms/credentials.ts). */
  sms: { readonly credentials: SmsCredentials };
  /** The user pools (and app clients) whose ID tokens the API's Lambda authorizer accepts. */
  readonly signInPools: SignInPools;
  /** The partner systems' keys of signed early warnings, by source id (functions/services/alerts). */
  readonly alertSourceKeys: Readonly<Record<string, string>>;
}

/** A Cognito user pool and the consoles' app client of it. */
export interface SignInPool {
  userPoolId: string;
  clientId: string;
}

/** Staff sign in at one pool (administrators create them, TOTP required), applicants at the other. */
export interface SignInPools {
  staff: SignInPool;
  applicant: SignInPool;
}

/** Thrown at cold start; the message lists each variable and what is wrong with it. */
export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`AidFlow configuration is invalid:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigurationError";
  }
}

const Text = z.string().trim().min(1);
const Runtime = z.enum(["aws", "local"]).default("aws");
const LogLevel = z.enum(["DEBUG", "INFO", "WARN", "ERROR"]).default("INFO");
const PositiveInt = z.coerce.number().int().positive();
const Flag = z.enum(["true", "false"]).transform((value) => value === "true");
const Secret = z.string().min(SECRET_MIN_LENGTH, `must be at least ${SECRET_MIN_LENGTH} characters`);
/** `{"<source id>": "<key>"}`: each partner system's own signing key (source ids as in the alerts). */
const AlertSourceKeysJson = jsonText().pipe(z.record(z.string().regex(/^[a-z0-9-]{2,40}$/), Secret));
const Endpoints = jsonText().pipe(
  z
    .record(z.string().regex(/^(\*|\d{6})$/, "a 6-digit county code or *"), z.url())
    .refine((map) => Object.keys(map).length > 0, "names no bank"),
);

/** `<region>_<id>`, as Cognito names a user pool. */
const SignInPoolSchema = z.object({
  userPoolId: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$/, "a Cognito user pool id"),
  clientId: Text,
});
const SignInPoolsJson = jsonText().pipe(z.object({ staff: SignInPoolSchema, applicant: SignInPoolSchema }));

/** Values fetched by `loadConfig()` (Secrets Manager, SSM), by reference. */
const fetched = new Map<string, string>();

/**
 * Reads one variable (or stored value) and records what is wrong with it; `lazy` values are read on
 * first use instead and throw there.
 */
class Reader {
  readonly problems: string[] = [];

  constructor(
    readonly env: Env,
    readonly runtime: "aws" | "local",
    readonly functionId: string | undefined,
  ) {}

  variable<T>(name: string, schema: z.ZodType<T>, fallback?: T): T | undefined {
    const raw = this.env[name]?.trim();
    if (raw === undefined || raw === "") {
      if (fallback === undefined) this.problems.push(`${name} is missing`);
      return fallback;
    }
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    this.problems.push(`${name}: ${parsed.error.issues[0]?.message ?? "is invalid"}`);
    return undefined;
  }

  optional(name: string): string | undefined {
    const raw = this.env[name]?.trim();
    return raw ? raw : undefined;
  }

  /** Where a stored value is: its ARN/name/local reference, or the local stand-in variable. */
  reference(value: StoredValue): { id: string; via: string } | undefined {
    const id = this.optional(value.idEnv);
    if (id) {
      if (isLocalReference(id) && this.runtime === "aws" && this.functionId) {
        this.problems.push(`${value.idEnv}: must name the ${value.kind} itself in AWS, not ${id}`);
        return undefined;
      }
      return { id, via: value.idEnv };
    }
    // In AWS a function reads its secrets from the store only: never a plain value in the template.
    if (this.runtime === "aws" && this.functionId) {
      this.problems.push(`${value.idEnv} is missing`);
      return undefined;
    }
    return { id: `env:${value.valueEnv}`, via: value.valueEnv };
  }

  stored<T>(value: StoredValue, schema: z.ZodType<T, string>): T | undefined {
    const where = this.reference(value);
    if (!where) return undefined;
    const content = isLocalReference(where.id)
      ? readLocalReference(where.id, this.env)
      : fetched.get(where.id);
    if (content === undefined || content === "") {
      const loaded = isLocalReference(where.id) || fetched.has(where.id);
      this.problems.push(
        loaded
          ? where.via === value.valueEnv
            ? `${value.idEnv} is missing (nor is ${value.valueEnv} set)`
            : `${where.via}: ${where.id} holds no value`
          : `${where.via}: ${where.id} was not read at cold start (loadConfig)`,
      );
      return undefined;
    }
    const parsed = schema.safeParse(content);
    if (parsed.success) return parsed.data;
    this.problems.push(`${where.via}: ${parsed.error.issues[0]?.message ?? "is invalid"}`);
    return undefined;
  }

  /** A stored value a deployment may go without: nothing names it, so it is undefined — no problem. */
  optionalStored<T>(value: StoredValue, schema: z.ZodType<T, string>): T | undefined {
    if (!this.optional(value.idEnv) && !this.optional(value.valueEnv)) return undefined;
    return this.stored(value, schema);
  }

  fail(): void {
    if (this.problems.length > 0) throw new ConfigurationError(this.problems);
  }
}

/** A value read now (declared), on first use (whole-runtime mode), or refused (not declared). */
type Field<T> = { now: T } | { lazy: () => T } | { undeclared: string };

function field<T>(
  declared: boolean,
  eager: boolean,
  name: string,
  functionId: string | undefined,
  read: (reader: Reader) => T | undefined,
  reader: Reader,
): Field<T> {
  if (!declared) return { undeclared: `${name}: ${functionId} does not declare it in functions/catalog.ts` };
  if (eager) return { now: read(reader) as T };
  return {
    lazy: () => {
      const late = new Reader(reader.env, reader.runtime, reader.functionId);
      const value = read(late);
      late.fail();
      return value as T;
    },
  };
}

function getter<T>(target: object, key: string, source: Field<T>): void {
  let value: { v: T } | undefined = "now" in source ? { v: source.now } : undefined;
  Object.defineProperty(target, key, {
    enumerable: true,
    get() {
      if ("undeclared" in source) throw new ConfigurationError([source.undeclared]);
      if (!value && "lazy" in source) value = { v: source.lazy() };
      return (value as { v: T }).v;
    },
  });
}

/** Every need of a whole-runtime process: the catalog's union, the table and identity key read at once. */
const WHOLE_RUNTIME: FunctionNeeds = {
  tables: ["main", "ledger"],
  documents: true,
  stateMachines: true,
  notifications: true,
  secrets: [
    "identityHashKey",
    "payeeHashSecret",
    "bankRequestSecret",
    "bankCallbackSecret",
    "alertSourceKeys",
  ],
  bankEndpoints: true,
  bankCallbackUrl: true,
  accountKey: true,
  userPool: true,
  smsCredentials: true,
  signInPools: true,
};

function needsFor(functionId: string | undefined, problems: string[]): FunctionNeeds | undefined {
  if (functionId === undefined) return WHOLE_RUNTIME;
  const definition = functionById(functionId);
  if (!definition) {
    problems.push(`${ENV.function}: ${functionId} is not a function of functions/catalog.ts`);
    return undefined;
  }
  return needsOf(definition);
}

export function parseConfig(env: Env): AppConfig {
  const functionId = env[ENV.function]?.trim() || undefined;
  const bootstrap = new Reader(env, "aws", functionId);
  const runtime = bootstrap.variable(ENV.runtime, Runtime, "aws") ?? "aws";
  const r = new Reader(env, runtime, functionId);
  r.problems.push(...bootstrap.problems);
  const needs = needsFor(functionId, r.problems);
  if (!needs) r.fail();
  const n = needs as FunctionNeeds;
  const whole = functionId === undefined;
  const has = (secret: SecretName) =>
    n.secrets.includes(secret) ||
    // The local file store signs its upload links with a key derived from the identity key.
    (secret === "identityHashKey" && n.documents && runtime === "local");

  const tables = {} as AppConfig["tables"];
  for (const id of ["main", "ledger"] as TableId[]) {
    const declared = n.tables.includes(id);
    getter(
      tables,
      id,
      field(declared, true, TABLE_ENV[id], functionId, (x) => x.variable(TABLE_ENV[id], Text), r),
    );
  }

  const config = {
    ...(functionId ? { functionId } : {}),
    runtime,
    logLevel: r.variable(ENV.logLevel, LogLevel, "INFO") ?? "INFO",
    tables,
    documents: documentsConfig(r, n, runtime),
    idempotencyTtlHours:
      r.variable(ENV.idempotencyTtlHours, PositiveInt, DEFAULT_IDEMPOTENCY_TTL_HOURS) ??
      DEFAULT_IDEMPOTENCY_TTL_HOURS,
    issuerEnforcesMfa: r.variable(ENV.issuerEnforcesMfa, Flag, false) ?? false,
    stateMachines: n.stateMachines ? stateMachinesConfig(r, whole) : {},
    flow: flowConfig(r),
  } as AppConfig;
  // The outbox always writes to the table; the topic is where it also publishes.
  const topic = !n.notifications
    ? undefined
    : whole
      ? r.optional(ENV.notificationsTopic)
      : r.variable(ENV.notificationsTopic, Text);
  if (topic) config.notificationsTopicArn = topic;

  const secret = (name: SecretName) => (x: Reader) => x.stored(SECRETS[name], Secret);
  getter(
    config,
    "identityHashKey",
    field(
      has("identityHashKey"),
      true,
      SECRETS.identityHashKey.idEnv,
      functionId,
      secret("identityHashKey"),
      r,
    ),
  );
  getter(
    config,
    "payeeHashSecret",
    field(
      has("payeeHashSecret"),
      !whole,
      SECRETS.payeeHashSecret.idEnv,
      functionId,
      // The whole local runtime without its own payee key hashes accounts with the identity key.
      whole
        ? (x) =>
            x.optional(SECRETS.payeeHashSecret.valueEnv) || x.optional(SECRETS.payeeHashSecret.idEnv)
              ? secret("payeeHashSecret")(x)
              : secret("identityHashKey")(x)
        : secret("payeeHashSecret"),
      r,
    ),
  );

  getter(
    config,
    "alertSourceKeys",
    field(
      has("alertSourceKeys"),
      !whole,
      SECRETS.alertSourceKeys.idEnv,
      functionId,
      (x) => x.stored(SECRETS.alertSourceKeys, AlertSourceKeysJson),
      r,
    ),
  );

  getter(
    config,
    "accountKey",
    field(n.accountKey, !whole, ACCOUNT_KEY.idEnv, functionId, (x) => accountKeyOf(x, whole), r),
  );

  getter(
    config,
    "userPoolId",
    field(n.userPool, !whole, USER_POOL_ID.idEnv, functionId, (x) => x.optionalStored(USER_POOL_ID, Text), r),
  );

  const sms = {} as AppConfig["sms"];
  getter(
    sms,
    "credentials",
    field(
      n.smsCredentials,
      !whole,
      SMS_CREDENTIALS.idEnv,
      functionId,
      (x) => x.stored(SMS_CREDENTIALS, smsCredentialsSchema()),
      r,
    ),
  );
  config.sms = sms;

  getter(
    config,
    "signInPools",
    field(
      n.signInPools,
      !whole,
      SIGN_IN_POOLS.idEnv,
      functionId,
      (x) => x.stored(SIGN_IN_POOLS, SignInPoolsJson),
      r,
    ),
  );

  const bank = {} as BankConfig;
  const bankField = <T>(
    key: keyof BankConfig,
    declared: boolean,
    name: string,
    read: (x: Reader) => T | undefined,
  ) => getter(bank, key, field(declared, !whole, name, functionId, read, r));
  bankField("endpoints", n.bankEndpoints, ENV.bankEndpoints, (x) => x.variable(ENV.bankEndpoints, Endpoints));
  bankField("timeoutMs", n.bankEndpoints, ENV.bankTimeoutMs, (x) =>
    x.variable(ENV.bankTimeoutMs, PositiveInt, DEFAULT_BANK_TIMEOUT_MS),
  );
  bankField(
    "requestSecret",
    has("bankRequestSecret"),
    SECRETS.bankRequestSecret.idEnv,
    secret("bankRequestSecret"),
  );
  bankField(
    "callbackSecret",
    has("bankCallbackSecret"),
    SECRETS.bankCallbackSecret.idEnv,
    secret("bankCallbackSecret"),
  );
  bankField("callbackUrl", n.bankCallbackUrl, BANK_CALLBACK_URL.idEnv, (x) =>
    x.stored(BANK_CALLBACK_URL, z.url()),
  );
  bankField("clientTls", n.bankEndpoints, BANK_CLIENT_TLS.idEnv, (x) =>
    x.optionalStored(BANK_CLIENT_TLS, bankClientTlsSchema()),
  );
  config.bank = bank;

  r.fail();
  return config;
}

/**
 * The KMS key (AWS: its ARN, never a local reference) or the local stand-in key. A whole local
 * runtime that set none derives one from its payee (else identity) hash secret, as it does for the
 * payee hash itself.
 */
function accountKeyOf(x: Reader, whole: boolean): FieldKeySource | undefined {
  const id = x.optional(ACCOUNT_KEY.idEnv);
  if (id) {
    if (isLocalReference(id) && x.runtime === "aws" && x.functionId) {
      x.problems.push(`${ACCOUNT_KEY.idEnv}: must name the KMS key itself in AWS, not ${id}`);
      return undefined;
    }
    const source = fieldKeySource(id, x.env);
    if (!source) x.problems.push(`${ACCOUNT_KEY.idEnv}: ${id} holds no value`);
    return source;
  }
  if (x.runtime === "aws" && x.functionId) {
    x.problems.push(`${ACCOUNT_KEY.idEnv} is missing`);
    return undefined;
  }
  const local = x.optional(ACCOUNT_KEY.valueEnv);
  if (local) return fieldKeySource(`env:${ACCOUNT_KEY.valueEnv}`, x.env);
  if (!whole) {
    x.problems.push(`${ACCOUNT_KEY.idEnv} is missing (nor is ${ACCOUNT_KEY.valueEnv} set)`);
    return undefined;
  }
  const payee = SECRETS.payeeHashSecret;
  const fallback =
    x.optional(payee.valueEnv) || x.optional(payee.idEnv)
      ? x.stored(payee, z.string().min(1))
      : x.stored(SECRETS.identityHashKey, z.string().min(1));
  return fallback ? { kind: "local", key: derivedLocalKey(fallback) } : undefined;
}

function documentsConfig(r: Reader, n: FunctionNeeds, runtime: "aws" | "local"): AppConfig["documents"] {
  const maxBytes =
    r.variable(ENV.documentMaxBytes, PositiveInt, DEFAULT_DOCUMENT_MAX_BYTES) ?? DEFAULT_DOCUMENT_MAX_BYTES;
  if (!n.documents) return { maxBytes };
  const bucket = r.optional(ENV.documentsBucket);
  const dir = r.optional(ENV.documentsDir);
  const localUploadBaseUrl = r.optional(ENV.localUploadBaseUrl);
  if (runtime === "aws" && !bucket && !dir) {
    r.problems.push(`${ENV.documentsBucket} is missing (required when ${ENV.runtime}=aws)`);
  }
  // One function on the local runtime: the directory and the upload URL stand in for the bucket.
  if (runtime === "local" && r.functionId && !bucket) {
    if (!dir)
      r.problems.push(`${ENV.documentsDir} is missing (the local stand-in for ${ENV.documentsBucket})`);
    if (!localUploadBaseUrl) r.problems.push(`${ENV.localUploadBaseUrl} is missing`);
  }
  return {
    ...(bucket ? { bucket } : {}),
    ...(dir ? { dir } : {}),
    ...(localUploadBaseUrl ? { localUploadBaseUrl } : {}),
    maxBytes,
  };
}

/** The flows' operating intervals (flow-settings.ts), every one with a default; a malformed one is named. */
function flowConfig(r: Reader): FlowBSettings {
  const parsed = FlowSettingsSchema.safeParse(r.env);
  if (parsed.success) return flowSettingsOf(parsed.data);
  for (const issue of parsed.error.issues) r.problems.push(`${String(issue.path[0])}: ${issue.message}`);
  return flowSettingsOf(FlowSettingsSchema.parse({}));
}

/** One name per state machine, the same in AWS, on the local runtime and for the CLI. */
function stateMachinesConfig(r: Reader, whole: boolean): AppConfig["stateMachines"] {
  const arn = (workflow: "flow-a" | "flow-b") => {
    const name = stateMachineArnEnv(workflow);
    const value = r.optional(name);
    if (!value && !whole) r.problems.push(`${name} is missing`);
    return value;
  };
  const flowA = arn("flow-a");
  const flowB = arn("flow-b");
  return { ...(flowA ? { flowA } : {}), ...(flowB ? { flowB } : {}) };
}

/** The stored values (secrets, parameters) this environment's function reads, by reference. */
function storedReferences(env: Env): Array<{ value: StoredValue; id: string }> {
  const functionId = env[ENV.function]?.trim() || undefined;
  const definition = functionId ? functionById(functionId) : undefined;
  const needs = definition ? needsOf(definition) : WHOLE_RUNTIME;
  const values = [
    ...needs.secrets.map((name) => SECRETS[name]),
    ...(needs.bankCallbackUrl ? [BANK_CALLBACK_URL] : []),
    ...(needs.bankEndpoints ? [BANK_CLIENT_TLS] : []),
    ...(needs.userPool ? [USER_POOL_ID] : []),
    ...(needs.smsCredentials ? [SMS_CREDENTIALS] : []),
    ...(needs.signInPools ? [SIGN_IN_POOLS] : []),
  ];
  return values.flatMap((value) => {
    const id = env[value.idEnv]?.trim();
    return id && !isLocalReference(id) ? [{ value, id }] : [];
  });
}

let cached: AppConfig | undefined;
let documentClient: DynamoDBDocumentClient | undefined;

/**
 * Reads this process's configuration with its secrets and parameters (cold start). Runs before the
 * handler module in every Lambda bundle (the footer of infra LAMBDA_BUNDLING); afterwards `config()` is synchronous.
 */
export async function loadConfig(env: Env = process.env): Promise<AppConfig> {
  const problems: string[] = [];
  await Promise.all(
    storedReferences(env).map(async ({ value, id }) => {
      try {
        const content = await fetchStoredValue(value.kind, id, env);
        if (content !== undefined) fetched.set(id, content);
      } catch (error) {
        problems.push(`${value.idEnv}: ${id} could not be read (${(error as Error).message})`);
      }
    }),
  );
  if (problems.length > 0) throw new ConfigurationError(problems);
  cached = parseConfig(env);
  setLogLevel(cached.logLevel);
  return cached;
}

// The bundle's footer awaits this at cold start (infra LAMBDA_BUNDLING); nothing else calls it so.
(globalThis as Record<symbol, unknown>)[Symbol.for(COLD_START_HOOK_KEY)] = () => loadConfig();

/** The configuration of this process, parsed from `process.env` on first use. */
export function config(): AppConfig {
  if (!cached) {
    cached = parseConfig(process.env);
    setLogLevel(cached.logLevel);
  }
  return cached;
}

/**
 * Whether the trusted issuer requires MFA of every account — what the HTTP layer needs of the
 * configuration for every request, read on its own so a route's actor does not wait on (or fail
 * with) the rest: from the loaded configuration, else the same variable with the same schema.
 */
export function issuerEnforcesMfa(): boolean {
  if (cached) return cached.issuerEnforcesMfa;
  const r = new Reader(process.env, "aws", undefined);
  const value = r.variable(ENV.issuerEnforcesMfa, Flag, false) ?? false;
  r.fail();
  return value;
}

/**
 * The SDK's own variables naming where DynamoDB requests go (set by the local runtime; absent in
 * AWS): they choose a client's signer (dynamo-client.ts), read here like every other variable.
 */
export function dynamoEndpoint(): DynamoEndpoint {
  const env = process.env;
  const url = env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL;
  return {
    ...(url !== undefined ? { url } : {}),
    accessKeyId: env.AWS_ACCESS_KEY_ID ?? "local",
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "local",
  };
}

/**
 * The one DynamoDB document client of this process. The endpoint comes from the SDK's own
 * `AWS_ENDPOINT_URL_DYNAMODB` (set by the local runtime), so handler code is identical in AWS.
 */
export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(newDynamoDbClient(dynamoEndpoint()), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

/** Forget the parsed configuration, fetched values and clients (the local server after changing env; tests). */
export function resetConfig(): void {
  cached = undefined;
  fetched.clear();
  documentClient?.destroy();
  documentClient = undefined;
}
