/**
 * Every environment variable a handler reads, named once (ARCHITECTURE §5.2: configuration flows one
 * way). `functions/runtime/config.ts` reads them; `infra/` sets them per function and `local/` for
 * the embedded runtime — both import the names from here. Plain data: no AWS or CDK import.
 */

export { TABLE_ENV } from "./tables.ts";

export const ENV = {
  /** Catalog id of the function this process serves; absent when one process serves them all (local). */
  function: "AIDFLOW_FUNCTION",
  runtime: "AIDFLOW_RUNTIME",
  logLevel: "AIDFLOW_LOG_LEVEL",
  /** S3 bucket of uploaded documents (AWS). */
  documentsBucket: "AIDFLOW_DOCUMENTS_BUCKET",
  /** Directory of the local file store, the local runtime's stand-in for the bucket. */
  documentsDir: "AIDFLOW_DOCUMENTS_DIR",
  /** Base URL the local server accepts uploads on (`<base>/local-uploads/<token>`). */
  localUploadBaseUrl: "AIDFLOW_LOCAL_UPLOAD_BASE_URL",
  documentMaxBytes: "AIDFLOW_DOCUMENT_MAX_BYTES",
  idempotencyTtlHours: "AIDFLOW_IDEMPOTENCY_TTL_HOURS",
  /** SNS topic through which tasks notify the role that must act next (ARCHITECTURE §3.4). */
  notificationsTopic: "AIDFLOW_NOTIFICATIONS_TOPIC_ARN",
  /** JSON `{ "<county code>": "<bank base URL>", "*": "<default>" }`. */
  bankEndpoints: "AIDFLOW_BANK_ENDPOINTS",
  bankTimeoutMs: "AIDFLOW_BANK_TIMEOUT_MS",
  /**
   * `true` when the one issuer the API trusts requires a second factor of every account (a Cognito
   * pool with MFA required): its tokens then satisfy the staff MFA rule without an `amr` claim,
   * which Cognito ID tokens do not carry (functions/http/actor.ts).
   */
  issuerEnforcesMfa: "AIDFLOW_ISSUER_ENFORCES_MFA",
} as const;

/**
 * `Symbol.for` key of the cold-start hook: config.ts registers `loadConfig` under it and the Lambda
 * bundle's footer (infra LAMBDA_BUNDLING) awaits it before the handler takes its first event.
 */
export const COLD_START_HOOK_KEY = "aidflow.loadConfig";

/** Bucket holding applicants' documents (uploads through pre-signed URLs). */
export const DOCUMENTS_BUCKET_ENV = ENV.documentsBucket;
export const NOTIFICATIONS_TOPIC_ENV = ENV.notificationsTopic;

/** The state machines handlers start, stop or describe (one ASL file each, `workflows/<name>.asl.json`). */
export const WORKFLOW_NAMES = ["flow-a", "flow-b"] as const;
export type WorkflowName = (typeof WORKFLOW_NAMES)[number];

/**
 * Environment variable that carries the ARN of a workflow's state machine, e.g.
 * `flow-a` → `AIDFLOW_STATE_MACHINE_FLOW_A`.
 */
export function stateMachineArnEnv(workflowName: string): string {
  return `AIDFLOW_STATE_MACHINE_${workflowName.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/**
 * A value kept outside the template: a secret (AWS Secrets Manager) or a parameter (SSM Parameter
 * Store). `idEnv` carries where to find it (the secret's ARN, the parameter's name; locally an
 * `env:`/`file:` reference to the local stand-in, see parameters.ts). `valueEnv` is the local
 * stand-in read when no `idEnv` is set: how the local runtime and the tests have always passed it.
 */
export interface StoredValue {
  kind: "secret" | "parameter";
  idEnv: string;
  valueEnv: string;
  /** One line for the secret's description and the README. */
  purpose: string;
}

export type SecretName =
  | "identityHashKey"
  | "payeeHashSecret"
  | "bankRequestSecret"
  | "bankCallbackSecret"
  | "alertSourceKeys";

/** One secret per purpose: rotating or revoking one never touches the others. */
export const SECRETS: Readonly<Record<SecretName, StoredValue>> = {
  identityHashKey: {
    kind: "secret",
    idEnv: "AIDFLOW_IDENTITY_HASH_KEY_SECRET_ID",
    valueEnv: "AIDFLOW_IDENTITY_HASH_KEY",
    purpose: "Key of the keyed hash of identity numbers (DOMAIN §7); changing it splits every person in two",
  },
  payeeHashSecret: {
    kind: "secret",
    idEnv: "AIDFLOW_PAYEE_HASH_SECRET_ID",
    valueEnv: "AIDFLOW_PAYEE_HASH_SECRET",
    purpose: "Key of the keyed hash of payees' bank accounts",
  },
  bankRequestSecret: {
    kind: "secret",
    idEnv: "AIDFLOW_BANK_REQUEST_SECRET_ID",
    valueEnv: "AIDFLOW_BANK_REQUEST_SECRET",
    purpose: "HMAC secret of the requests AidFlow sends to the bank (agreed with the bank)",
  },
  bankCallbackSecret: {
    kind: "secret",
    idEnv: "AIDFLOW_BANK_CALLBACK_SECRET_ID",
    valueEnv: "AIDFLOW_BANK_CALLBACK_SECRET",
    purpose: "HMAC secret the bank signs its callbacks with (agreed with the bank)",
  },
  alertSourceKeys: {
    kind: "secret",
    idEnv: "AIDFLOW_ALERT_SOURCE_KEYS_SECRET_ID",
    valueEnv: "AIDFLOW_ALERT_SOURCE_KEYS",
    purpose:
      "HMAC keys the partner systems sign their early warnings with, one per source (JSON: source id → key)",
  },
};

export const SECRET_NAMES = Object.keys(SECRETS) as SecretName[];

/**
 * The key that wraps the data keys of field encryption (bank account numbers, field-encryption.ts):
 * in AWS the KMS key's ARN; locally an `env:`/`file:` reference to a base64 256-bit key, or — when
 * unset on the local runtime — `AIDFLOW_ACCOUNT_KEY`.
 */
export const ACCOUNT_KEY = {
  idEnv: "AIDFLOW_ACCOUNT_KEY_ID",
  valueEnv: "AIDFLOW_ACCOUNT_KEY",
  purpose: "bank-account",
} as const;

/** The URL the bank posts outcomes to: the API's, known only after the API exists (hence a parameter). */
export const BANK_CALLBACK_URL: StoredValue = {
  kind: "parameter",
  idEnv: "AIDFLOW_BANK_CALLBACK_URL_PARAMETER",
  valueEnv: "AIDFLOW_BANK_CALLBACK_URL",
  purpose: "Callback URL of the bank (the HTTP API's /bank/callback)",
};

/**
 * The id of the Cognito user pool where administrators create staff accounts (functions/adapters/
 * identity): a parameter the API stack writes, since the pool is built after the functions. Unset
 * where the API trusts another issuer (and locally): the directory's own users then sign in.
 */
export const USER_POOL_ID: StoredValue = {
  kind: "parameter",
  idEnv: "AIDFLOW_USER_POOL_ID_PARAMETER",
  valueEnv: "AIDFLOW_USER_POOL_ID",
  purpose: "Id of the Cognito user pool staff accounts are created in",
};

/**
 * The Cognito user pools whose ID tokens the API's Lambda authorizer accepts, with the consoles' app
 * client of each (JSON `{"staff":{"userPoolId","clientId"},"applicant":{"userPoolId","clientId"}}`):
 * a parameter the API stack writes, since the pools are built after the functions. Only a Cognito
 * deployment has it; with an external issuer the API's JWT authorizer verifies tokens instead.
 */
export const SIGN_IN_POOLS: StoredValue = {
  kind: "parameter",
  idEnv: "AIDFLOW_SIGN_IN_POOLS_PARAMETER",
  valueEnv: "AIDFLOW_SIGN_IN_POOLS",
  purpose: "The staff and applicant Cognito user pools and their consoles' app clients (JSON)",
};

/**
 * The client certificate, key and bank CA of a mutual-TLS bank connection (bank-client-tls.ts). Read
 * by the functions that call the bank (catalog `config.bankEndpoints`) only where the deployment has
 * one (`-c bankClientTls=true`); without it they connect as to any https server.
 */
export const BANK_CLIENT_TLS: StoredValue = {
  kind: "secret",
  idEnv: "AIDFLOW_BANK_CLIENT_TLS_SECRET_ID",
  valueEnv: "AIDFLOW_BANK_CLIENT_TLS",
  purpose: "Client certificate, private key and CA of the mutual-TLS connection to the bank (JSON)",
};

/**
 * The access keys of the counties' SMS providers (Alibaba Cloud, Tencent Cloud), as JSON keyed by
 * county code or `*` (functions/adapters/sms/credentials.ts). AWS End User Messaging needs none: the
 * function's role sends.
 */
export const SMS_CREDENTIALS: StoredValue = {
  kind: "secret",
  idEnv: "AIDFLOW_SMS_CREDENTIALS_SECRET_ID",
  valueEnv: "AIDFLOW_SMS_CREDENTIALS",
  purpose: "Access keys of the counties' SMS providers, Alibaba Cloud and Tencent Cloud (JSON)",
};

/**
 * The low-balance alert (DOMAIN §5): the ledger writer puts 1 when a draw takes a township fund's
 * `available` under its alert level (functions/runtime/metrics.ts), by `county` + `township` and
 * also WITHOUT dimensions, so that the one CloudWatch alarm sees it whatever township raised it.
 */
export const FUND_ALERT_METRIC = { namespace: "AidFlow", name: "FundBelowAlertLevel" } as const;

/**
 * Every 5xx the HTTP framework answers (handlers catch their errors, so Lambda's own Errors metric
 * never sees them): 1 per response, by `route` and without dimensions (the alarm's).
 */
export const SERVER_ERROR_METRIC = { namespace: "AidFlow", name: "HttpServerErrors" } as const;
