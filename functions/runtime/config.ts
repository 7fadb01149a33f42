/**
 * Runtime configuration, parsed once with zod at cold start (STYLE 6: config read once, fail fast).
 * A missing or malformed variable is a startup error that names every offending variable, not an
 * `undefined` deep inside a handler. The local runtime and the tests set the same variables.
 */

import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { newDynamoDbClient } from "./dynamo-client.ts";

/** Default upper bound of one uploaded document; a deployment may lower or raise it. */
const DEFAULT_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;
/** How long an idempotency record answers replays (the TTL attribute `expiresAt` removes it later). */
const DEFAULT_IDEMPOTENCY_TTL_HOURS = 24;

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const ConfigSchema = z.object({
  AIDFLOW_TABLE_MAIN: z.string().min(1),
  AIDFLOW_TABLE_LEDGER: z.string().min(1),
  /** Keyed hash of identity numbers (DOMAIN §7: compared through a keyed hash). Also derives local signing keys. */
  AIDFLOW_IDENTITY_HASH_KEY: z.string().min(16, "must be at least 16 characters"),
  AIDFLOW_RUNTIME: z.enum(["aws", "local"]).default("aws"),
  AIDFLOW_LOG_LEVEL: z.enum(["DEBUG", "INFO", "WARN", "ERROR"]).default("INFO"),
  /** S3 bucket of uploaded documents (AWS). */
  AIDFLOW_DOCUMENTS_BUCKET: optionalText,
  /** Directory of the local file store (local runtime). */
  AIDFLOW_DOCUMENTS_DIR: optionalText,
  /** Base URL the local server accepts uploads on (`<base>/local-uploads/<token>`). */
  AIDFLOW_LOCAL_UPLOAD_BASE_URL: optionalText,
  AIDFLOW_DOCUMENT_MAX_BYTES: z.coerce.number().int().positive().default(DEFAULT_DOCUMENT_MAX_BYTES),
  AIDFLOW_IDEMPOTENCY_TTL_HOURS: z.coerce.number().int().positive().default(DEFAULT_IDEMPOTENCY_TTL_HOURS),
  AIDFLOW_FLOW_A_STATE_MACHINE_ARN: optionalText,
  AIDFLOW_FLOW_B_STATE_MACHINE_ARN: optionalText,
});

export type RawConfig = z.infer<typeof ConfigSchema>;

export interface AppConfig {
  runtime: "aws" | "local";
  logLevel: "DEBUG" | "INFO" | "WARN" | "ERROR";
  tables: { main: string; ledger: string };
  identityHashKey: string;
  documents: { bucket?: string; dir?: string; localUploadBaseUrl?: string; maxBytes: number };
  idempotencyTtlHours: number;
  stateMachines: { flowA?: string; flowB?: string };
}

/** Thrown at cold start; the message lists each variable and what is wrong with it. */
export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`AidFlow configuration is invalid:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigurationError";
  }
}

export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigurationError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join(".");
        return env[name] === undefined ? `${name} is missing` : `${name}: ${issue.message}`;
      }),
    );
  }
  const raw = parsed.data;
  if (!raw.AIDFLOW_DOCUMENTS_BUCKET && !raw.AIDFLOW_DOCUMENTS_DIR && raw.AIDFLOW_RUNTIME === "aws") {
    throw new ConfigurationError(["AIDFLOW_DOCUMENTS_BUCKET is missing (required when AIDFLOW_RUNTIME=aws)"]);
  }
  return {
    runtime: raw.AIDFLOW_RUNTIME,
    logLevel: raw.AIDFLOW_LOG_LEVEL,
    tables: { main: raw.AIDFLOW_TABLE_MAIN, ledger: raw.AIDFLOW_TABLE_LEDGER },
    identityHashKey: raw.AIDFLOW_IDENTITY_HASH_KEY,
    documents: {
      ...(raw.AIDFLOW_DOCUMENTS_BUCKET ? { bucket: raw.AIDFLOW_DOCUMENTS_BUCKET } : {}),
      ...(raw.AIDFLOW_DOCUMENTS_DIR ? { dir: raw.AIDFLOW_DOCUMENTS_DIR } : {}),
      ...(raw.AIDFLOW_LOCAL_UPLOAD_BASE_URL ? { localUploadBaseUrl: raw.AIDFLOW_LOCAL_UPLOAD_BASE_URL } : {}),
      maxBytes: raw.AIDFLOW_DOCUMENT_MAX_BYTES,
    },
    idempotencyTtlHours: raw.AIDFLOW_IDEMPOTENCY_TTL_HOURS,
    stateMachines: {
      ...(raw.AIDFLOW_FLOW_A_STATE_MACHINE_ARN ? { flowA: raw.AIDFLOW_FLOW_A_STATE_MACHINE_ARN } : {}),
      ...(raw.AIDFLOW_FLOW_B_STATE_MACHINE_ARN ? { flowB: raw.AIDFLOW_FLOW_B_STATE_MACHINE_ARN } : {}),
    },
  };
}

let cached: AppConfig | undefined;
let documentClient: DynamoDBDocumentClient | undefined;

/** The configuration of this process, parsed from `process.env` on first use. */
export function config(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}

/**
 * The one DynamoDB document client of this process. The endpoint comes from the SDK's own
 * `AWS_ENDPOINT_URL_DYNAMODB` (set by the local runtime), so handler code is identical in AWS.
 */
export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(newDynamoDbClient(), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

/** Forget the parsed configuration and clients (the local server after changing env; tests). */
export function resetConfig(): void {
  cached = undefined;
  documentClient?.destroy();
  documentClient = undefined;
}
