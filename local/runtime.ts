/**
 * The embedded runtime (ARCHITECTURE §1, §4): DynamoDB Local (on disk or in memory) with the tables of
 * `infra/tables.ts`, the clock, the state machines of `workflows/*.asl.json` run by the local Step
 * Functions layer against the catalog's handlers, and the layer's Step Functions endpoint. Further
 * services (the HTTP API server, the bank simulator) plug in through `services`.
 *
 * Executions left RUNNING by an earlier process resume from their checkpoints on start.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { DynamoDBClient, DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { registerBundledStaff } from "#adapters/user-directory.ts";
import { FUNCTIONS, type FunctionDefinition } from "#functions/catalog.ts";
import { installClock, resetClock } from "#functions/runtime/clock.ts";
import { stateMachineArnEnv } from "#functions/runtime/environment.ts";
import { TABLE_ENV } from "#functions/runtime/tables.ts";
import { describeMigration, migrateLedger } from "./cli/ledger-migrate.ts";
import { type ClockMode, createClock, type LocalClock } from "./clock.ts";
import {
  type DynamoEngine,
  ensureTables,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localDynamoClient,
  startDynamoEngine,
} from "./dynamodb/engine.ts";
import { storeDemoReference } from "./seed/reference.ts";
import { demoStaffOf } from "./seed/users.ts";
import { LocalFunctions } from "./stepfunctions/functions.ts";
import { startSfnServer } from "./stepfunctions/http.ts";
import { StepFunctionsLayer } from "./stepfunctions/layer.ts";
import { discoverWorkflows, loadWorkflow, type WorkflowSource } from "./stepfunctions/loader.ts";
import { ExecutionStore } from "./stepfunctions/store.ts";

export const REPOSITORY_ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface RuntimeClockOptions {
  mode: ClockMode;
  /** Virtual seconds per real second for `accelerated` (e.g. 3600). */
  speed?: number;
  /** Start of virtual time for `manual` (epoch ms; default now). */
  startMs?: number;
}

export interface LocalRuntimeContext {
  sfnEndpoint: string;
  dynamoEndpoint: string;
  dynamo: DynamoDBClient;
  tables: { main: string; ledger: string };
  clock: LocalClock;
  /** State-machine name (`flow-a`) → ARN. */
  stateMachines: Record<string, string>;
  stepFunctions: StepFunctionsLayer;
  /** Where the runtime keeps its files (undefined in memory). */
  dataDir?: string;
  /** Port asked for the HTTP API (`--port`), for the service that serves it. */
  httpPort?: number;
}

/** A service started after the Step Functions layer and closed before it (HTTP API, bank simulator). */
export type LocalService = (context: LocalRuntimeContext) => Promise<{ close(): Promise<void> }>;

export interface LocalRuntimeOptions {
  /** Keep everything on disk here (DynamoDB files under `<dataDir>/dynamodb`). */
  dataDir?: string;
  /** Explicitly in memory (the default when neither `dataDir` nor `dynamoEndpoint` is given). */
  inMemory?: boolean;
  /** Reuse a running DynamoDB (e.g. the test run's); the runtime then starts no engine. */
  dynamoEndpoint?: string;
  /**
   * How the runtime's own DynamoDB client sends its requests (the Step Functions layer's items);
   * the county simulation passes its fault injector, which counts them (the handlers' clients take
   * theirs from functions/runtime/dynamo-client.ts).
   */
  dynamoRequestHandler?: DynamoDBClientConfig["requestHandler"];
  /** Prefix of the physical table names; default `aidflow-`. */
  tablePrefix?: string;
  clock?: RuntimeClockOptions;
  /** State machines to run; default every `workflows/*.asl.json`. */
  workflows?: WorkflowSource[];
  /** The functions `${<Id>FunctionArn}` resolves to; default the catalog's FUNCTIONS. */
  functions?: readonly FunctionDefinition[];
  /** More definition substitutions (`${Key}` → value), as the CDK app passes them. */
  substitutions?: Record<string, string>;
  /** Port of the Step Functions endpoint; default a free port. */
  sfnPort?: number;
  /** Port for the HTTP API service (handed to services in their context). */
  httpPort?: number;
  services?: LocalService[];
  /**
   * Store the demo county's directory, policy and 2026 calendar (idempotent), as an administrator
   * would; default true. Handlers know no county that is not stored.
   */
  demoCounty?: boolean;
  /** Directory the catalog's `entry` paths are relative to; default the repository root. */
  rootDir?: string;
  onError?: (message: string, error: unknown) => void;
}

export interface LocalRuntime extends LocalRuntimeContext {
  /** Executions resumed from a checkpoint at start. */
  resumed: string[];
  /** Stops services, suspends running executions at their checkpoints, stops the engine it started. */
  stop(): Promise<void>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  registerBundledStaff(demoStaffOf);
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
    const engine = await startEngine(options, dataDir);
    if (engine) cleanups.push(() => engine.stop());
    const dynamoEndpoint = options.dynamoEndpoint ?? (engine as DynamoEngine).endpoint;
    const dynamo = localDynamoClient(
      dynamoEndpoint,
      options.dynamoRequestHandler ? { requestHandler: options.dynamoRequestHandler } : {},
    );
    cleanups.push(async () => dynamo.destroy());
    const tables = await ensureTables(dynamo, options.tablePrefix ?? "aidflow-");
    // A data directory kept from before the ledger stored its entries in pages is migrated (and
    // verified by replay) before anything writes to it; the writer refuses the old layout.
    if (dataDir !== undefined) await migrateKeptLedger(dynamo, tables.ledger);
    if (options.demoCounty !== false) await storeDemoReference(dynamo, tables.main);
    const store = new ExecutionStore(dynamo, tables.main);
    const clock = await runtimeClock(options.clock ?? { mode: "real" }, store, dataDir !== undefined);
    installClock(clock);
    cleanups.push(async () => resetClock());

    const rootDir = options.rootDir ?? REPOSITORY_ROOT;
    const functions = new LocalFunctions(options.functions ?? FUNCTIONS, rootDir);
    const sources = options.workflows ?? discoverWorkflows(join(rootDir, "workflows"));
    const workflows = [];
    for (const source of sources) {
      workflows.push(
        await loadWorkflow(
          { ...source, file: resolve(rootDir, source.file) },
          functions,
          options.substitutions,
        ),
      );
    }
    const layer = new StepFunctionsLayer({
      store,
      clock,
      functions,
      workflows,
      ...(options.onError ? { onError: options.onError } : {}),
    });
    const server = await startSfnServer(layer, options.sfnPort);
    cleanups.push(() => server.close());
    cleanups.push(() => layer.close());

    const restoreEnv = setHandlerEnvironment({
      [TABLE_ENV.main]: tables.main,
      [TABLE_ENV.ledger]: tables.ledger,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
      AWS_ENDPOINT_URL_SFN: server.endpoint,
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      ...Object.fromEntries(
        Object.entries(layer.stateMachines).map(([name, arn]) => [stateMachineArnEnv(name), arn]),
      ),
    });
    cleanups.push(async () => restoreEnv());

    const resumed = await layer.resumeUnfinished();
    const context: LocalRuntimeContext = {
      sfnEndpoint: server.endpoint,
      dynamoEndpoint,
      dynamo,
      tables,
      clock,
      stateMachines: layer.stateMachines,
      stepFunctions: layer,
      ...(dataDir ? { dataDir } : {}),
      ...(options.httpPort !== undefined ? { httpPort: options.httpPort } : {}),
    };
    for (const service of options.services ?? []) {
      const started = await service(context);
      cleanups.push(() => started.close());
    }
    let stopped: Promise<void> | undefined;
    return {
      ...context,
      resumed,
      stop: () => {
        stopped ??= stopAll();
        return stopped;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function startEngine(
  options: LocalRuntimeOptions,
  dataDir: string | undefined,
): Promise<DynamoEngine | undefined> {
  if (options.dynamoEndpoint) return undefined;
  if (!dataDir || options.inMemory) return startDynamoEngine();
  const dbPath = join(dataDir, "dynamodb");
  // A `kill -9` of an earlier runtime leaves its DynamoDB Local (a JVM) running on the same files.
  await reapOrphanedEngine(dbPath);
  return startDynamoEngine({ dbPath });
}

/**
 * An accelerated clock keeps one mapping of real to virtual time across restarts (stored with the
 * executions), so deadlines written before a restart mean the same instant after it.
 */
async function runtimeClock(
  options: RuntimeClockOptions,
  store: ExecutionStore,
  onDisk: boolean,
): Promise<LocalClock> {
  if (options.mode === "real") return createClock({ mode: "real" });
  if (options.mode === "manual")
    return createClock({ mode: "manual", ...(options.startMs ? { startMs: options.startMs } : {}) });
  const speed = options.speed ?? 1;
  if (!onDisk) return createClock({ mode: "accelerated", speed });
  const saved = await store.getClockAnchor();
  const nowReal = Date.now();
  const anchor =
    saved && saved.speed === speed
      ? { realMs: saved.realMs, virtualMs: saved.virtualMs }
      : {
          realMs: nowReal,
          virtualMs: saved ? saved.virtualMs + (nowReal - saved.realMs) * saved.speed : nowReal,
        };
  await store.putClockAnchor({ ...anchor, speed });
  return createClock({ mode: "accelerated", speed, anchor });
}

function setHandlerEnvironment(values: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** Kills a DynamoDB Local still serving `dbPath` (Linux `/proc`; elsewhere nothing is found). */
async function reapOrphanedEngine(dbPath: string): Promise<void> {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((entry) => /^[0-9]+$/.test(entry));
  } catch {
    return;
  }
  for (const pid of pids) {
    let args: string[];
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    } catch {
      continue;
    }
    const at = args.indexOf("-dbPath");
    const isEngine =
      args.some((arg) => arg.endsWith("DynamoDBLocal.jar")) && at >= 0 && args[at + 1] === dbPath;
    if (!isEngine) continue;
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      continue;
    }
    for (let i = 0; i < 100 && isAlive(Number(pid)); i++) await new Promise((r) => setTimeout(r, 50));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function migrateKeptLedger(dynamo: DynamoDBClient, ledgerTable: string): Promise<void> {
  const refused = (await migrateLedger(dynamo, ledgerTable, { dryRun: false })).filter(
    (fund) => fund.outcome === "refused",
  );
  if (refused.length > 0)
    throw new Error(
      `the kept ledger cannot be migrated to pages: ${refused.map(describeMigration).join("; ")}`,
    );
}
