/**
 * Payment configuration from the environment, parsed once with zod (STYLE: fail fast). A missing or
 * malformed variable is a clear start-up error naming the variable.
 *
 * - `AIDFLOW_BANK_ENDPOINTS`        JSON `{ "<countyCode>": "<bank base URL>", "*": "<default>" }`
 * - `AIDFLOW_BANK_REQUEST_SECRET`   HMAC secret for requests AidFlow sends to the bank
 * - `AIDFLOW_BANK_CALLBACK_SECRET`  HMAC secret the bank signs its callbacks with
 * - `AIDFLOW_BANK_TIMEOUT_MS`       per-request timeout (optional, default below)
 * - `AIDFLOW_PAYEE_HASH_SECRET`     key of the bank-account hash (payee.ts)
 */
import * as z from "zod";
import { HttpBankGateway } from "./http-bank-gateway.ts";

/** Long enough for a bank's synchronous acknowledgement, short against a Lambda's 10 s default. */
export const DEFAULT_BANK_TIMEOUT_MS = 5_000;

const Secret = z.string().min(16, "at least 16 characters");

const EndpointsSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be JSON" });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().regex(/^(\*|\d{6})$/, "a 6-digit county code or *"), z.url()));

function read<T>(name: string, schema: z.ZodType<T>, env: NodeJS.ProcessEnv): T {
  const parsed = schema.safeParse(env[name]);
  if (!parsed.success) {
    throw new Error(`Environment variable ${name} is missing or invalid: ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}

export function callbackSecretFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return read("AIDFLOW_BANK_CALLBACK_SECRET", Secret, env);
}

export function payeeHashSecretFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return read("AIDFLOW_PAYEE_HASH_SECRET", Secret, env);
}

/** Resolves the gateway of a county: its own bank endpoint, or the `*` default. */
export type GatewayForCounty = (countyCode: string) => HttpBankGateway;

export function gatewaysFromEnv(env: NodeJS.ProcessEnv = process.env): GatewayForCounty {
  const endpoints = read("AIDFLOW_BANK_ENDPOINTS", EndpointsSchema, env);
  const requestSecret = read("AIDFLOW_BANK_REQUEST_SECRET", Secret, env);
  const timeoutMs = read(
    "AIDFLOW_BANK_TIMEOUT_MS",
    z.coerce.number().int().positive().optional().default(DEFAULT_BANK_TIMEOUT_MS),
    env,
  );
  const cache = new Map<string, HttpBankGateway>();
  return (countyCode) => {
    const baseUrl = endpoints[countyCode] ?? endpoints["*"];
    if (!baseUrl)
      throw new Error(`No bank endpoint configured for county ${countyCode} (AIDFLOW_BANK_ENDPOINTS)`);
    let gateway = cache.get(baseUrl);
    if (!gateway) {
      gateway = new HttpBankGateway({ baseUrl, requestSecret, timeoutMs });
      cache.set(baseUrl, gateway);
    }
    return gateway;
  };
}
