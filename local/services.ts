/**
 * What `npm start` runs beside the runtime core: the secrets of this installation, the
 * environment the handlers read, the bank simulator, the HTTP API with the web consoles, and the demo
 * county's seed. Tests and scripts compose the same pieces (`startLocalCounty`) so that what they
 * prove is what a user starts.
 *
 * Order matters: the environment is complete BEFORE the runtime starts, because executions resumed
 * after a restart call handlers (payments, notifications) at once, before any service is up.
 */
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { freePort } from "./dynamodb/engine.ts";
import { startApiServer } from "./http/server.ts";
import {
  type LocalRuntime,
  type LocalRuntimeOptions,
  type LocalService,
  startLocalRuntime,
} from "./runtime.ts";
import { seedDemoCounty } from "./seed/seed.ts";

export { freePort };

/** The secrets of one local installation; kept on disk so keyed hashes and tokens survive a restart. */
export interface LocalSecrets {
  identityHashKey: string;
  payeeHashSecret: string;
  bankCallbackSecret: string;
  bankRequestSecret: string;
  devTokenSecret: string;
  /** Key of the demo partner source `demo-medical-insurance` (signed early warnings); older files have none. */
  alertSourceKey?: string;
}

const SecretsSchema = z.object({
  identityHashKey: z.string().min(32),
  payeeHashSecret: z.string().min(32),
  bankCallbackSecret: z.string().min(32),
  bankRequestSecret: z.string().min(32),
  devTokenSecret: z.string().min(32),
  alertSourceKey: z.string().min(32).optional(),
});

function freshSecrets(): LocalSecrets {
  const secret = () => randomBytes(32).toString("hex");
  return {
    identityHashKey: secret(),
    payeeHashSecret: secret(),
    bankCallbackSecret: secret(),
    bankRequestSecret: secret(),
    devTokenSecret: secret(),
    alertSourceKey: secret(),
  };
}

/**
 * Secrets of the installation at `dataDir` (created once, mode 0600), or fresh ones in memory. A
 * changed identity key would make every duplicate check miss (DOMAIN §7: keyed hash), hence on disk.
 */
export function localSecrets(dataDir?: string): LocalSecrets {
  if (!dataDir) return freshSecrets();
  const file = join(dataDir, "secrets.json");
  if (existsSync(file)) return SecretsSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  mkdirSync(dataDir, { recursive: true });
  const secrets = freshSecrets();
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

/** The partner source the local installation accepts signed early warnings from. */
export const DEMO_ALERT_SOURCE = "demo-medical-insurance";

export interface LocalEndpoints {
  apiPort: number;
  bankPort: number;
}

/** The environment every handler reads (functions/runtime/config.ts, payments/config.ts, deps.ts). */
export function localHandlerEnvironment(
  secrets: LocalSecrets,
  endpoints: LocalEndpoints,
  dataDir?: string,
): Record<string, string> {
  const api = `http://127.0.0.1:${endpoints.apiPort}`;
  return {
    AIDFLOW_RUNTIME: "local",
    AIDFLOW_IDENTITY_HASH_KEY: secrets.identityHashKey,
    AIDFLOW_PAYEE_HASH_SECRET: secrets.payeeHashSecret,
    AIDFLOW_BANK_CALLBACK_SECRET: secrets.bankCallbackSecret,
    AIDFLOW_BANK_REQUEST_SECRET: secrets.bankRequestSecret,
    // An installation whose secrets file predates early warnings derives the demo source's key.
    AIDFLOW_ALERT_SOURCE_KEYS: JSON.stringify({
      [DEMO_ALERT_SOURCE]:
        secrets.alertSourceKey ??
        createHmac("sha256", secrets.devTokenSecret).update("alert-source").digest("hex"),
    }),
    AIDFLOW_BANK_ENDPOINTS: JSON.stringify({ "*": `http://127.0.0.1:${endpoints.bankPort}` }),
    AIDFLOW_BANK_CALLBACK_URL: `${api}/bank/callback`,
    AIDFLOW_LOCAL_UPLOAD_BASE_URL: api,
    // In memory there is no data directory; uploads still need a place (a fresh temporary folder).
    AIDFLOW_DOCUMENTS_DIR: dataDir
      ? join(dataDir, "documents")
      : mkdtempSync(join(tmpdir(), "aidflow-documents-")),
  };
}

export function bankSimulatorService(options: {
  port: number;
  secrets: LocalSecrets;
  dataDir?: string;
  seed?: number;
}): LocalService {
  return async () => {
    const { startBankSimulator } = await import("./bank-simulator/server.ts");
    const bank = await startBankSimulator({
      port: options.port,
      callbackSecret: options.secrets.bankCallbackSecret,
      requestSecret: options.secrets.bankRequestSecret,
      ...(options.dataDir ? { dataDir: join(options.dataDir, "bank") } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    });
    return { close: () => bank.stop() };
  };
}

export function apiService(options: {
  port: number;
  secrets: LocalSecrets;
  webRoot?: string;
  consoleOrigins?: readonly string[];
  onListening?: (url: string) => void;
}): LocalService {
  return async () => {
    const server = await startApiServer({
      port: options.port,
      host: "127.0.0.1",
      devTokenSecret: options.secrets.devTokenSecret,
      ...(options.webRoot ? { webRoot: options.webRoot } : {}),
      ...(options.consoleOrigins?.length ? { consoleOrigins: options.consoleOrigins } : {}),
    });
    options.onListening?.(server.url);
    return { close: () => server.close() };
  };
}

export const demoSeedService: LocalService = async (context) => {
  await seedDemoCounty({
    client: context.dynamo,
    tables: context.tables,
    nowMs: () => context.clock.nowMs(),
  });
  return { close: async () => {} };
};

export interface LocalCountyOptions extends Omit<LocalRuntimeOptions, "services"> {
  apiPort?: number;
  bankPort?: number;
  webRoot?: string;
  /** Origins of consoles served elsewhere (Vite's dev server) that sign in at the local provider. */
  consoleOrigins?: readonly string[];
  bankSeed?: number;
  /** Seed the demo county (funds allocated to quota). Default true. */
  seed?: boolean;
}

export interface LocalCounty {
  runtime: LocalRuntime;
  apiUrl: string;
  bankUrl: string;
  secrets: LocalSecrets;
  stop(): Promise<void>;
}

/** The whole local county: runtime + bank simulator + API/web + demo seed — `npm start` in one call. */
export async function startLocalCounty(options: LocalCountyOptions = {}): Promise<LocalCounty> {
  const secrets = localSecrets(options.dataDir);
  const endpoints = {
    apiPort: options.apiPort || (await freePort()),
    bankPort: options.bankPort || (await freePort()),
  };
  const env = localHandlerEnvironment(secrets, endpoints, options.dataDir);
  const previous = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  const services: LocalService[] = [
    ...(options.seed === false ? [] : [demoSeedService]),
    bankSimulatorService({
      port: endpoints.bankPort,
      secrets,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.bankSeed !== undefined ? { seed: options.bankSeed } : {}),
    }),
    apiService({
      port: endpoints.apiPort,
      secrets,
      ...(options.webRoot ? { webRoot: options.webRoot } : {}),
      ...(options.consoleOrigins ? { consoleOrigins: options.consoleOrigins } : {}),
    }),
  ];
  const runtime = await startLocalRuntime({ ...options, httpPort: endpoints.apiPort, services });
  return {
    runtime,
    apiUrl: `http://127.0.0.1:${endpoints.apiPort}`,
    bankUrl: `http://127.0.0.1:${endpoints.bankPort}`,
    secrets,
    async stop() {
      await runtime.stop();
      for (const [key, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
  };
}
