/**
 * The ledger+payments simulation as a library for the CI test and the soak script:
 * `runMany({ firstSeed, runs })` runs seeds `firstSeed … firstSeed + runs − 1` (a few at a time, each
 * on its own ids, all on one set of tables) and reports every failing seed with its replay command.
 */
import { randomUUID } from "node:crypto";
import { ensureTables, localDynamoClient } from "#local/dynamodb/engine.ts";
import type { BrokenFault } from "./actions.ts";
import { type RunResult, runSeed } from "./driver.ts";
import { MemoryDynamo } from "./memory-dynamo.ts";
import type { SimTables } from "./world.ts";

export type { BrokenFault } from "./actions.ts";
export type { RunResult } from "./driver.ts";
export { runSeed } from "./driver.ts";
export type { InvariantName, Violation } from "./invariants.ts";
export { MemoryDynamo } from "./memory-dynamo.ts";
export type { SimTables } from "./world.ts";

/** Fresh tables for a batch of runs (ids inside a run carry its seed, so seeds never collide). */
export async function createSimTables(endpoint: string, label = "sim"): Promise<SimTables> {
  const client = localDynamoClient(endpoint);
  try {
    const prefix = `${label}-${randomUUID().slice(0, 8)}-`;
    const names = await ensureTables(client, prefix);
    return { endpoint, prefix, names };
  } finally {
    client.destroy();
  }
}

/** A fresh in-memory database for one run (see memory-dynamo.ts for what it is and is not). */
export function memoryTables(): SimTables {
  return {
    endpoint: "http://in-memory.dynamodb.invalid",
    prefix: "mem-",
    names: { main: "mem-main", ledger: "mem-ledger" },
    memory: new MemoryDynamo(),
  };
}

export interface ManyOptions {
  /** DynamoDB Local's endpoint, or "memory" for the in-memory DynamoDB (a fresh one per run). */
  endpoint: string;
  firstSeed: number;
  runs: number;
  /** Runs in flight at once (they share DynamoDB Local). */
  concurrency?: number;
  broken?: BrokenFault;
  /** Stop at the first failing seed. */
  stopOnFailure?: boolean;
  onResult?: (result: RunResult) => void;
}

export interface ManySummary {
  runs: number;
  failures: RunResult[];
  ms: number;
  totals: Record<string, number>;
  profiles: Record<string, number>;
  faultsInjected: number;
  concurrentGroups: number;
  openCasesAtEnd: number;
  cases: number;
}

export async function runMany(options: ManyOptions): Promise<ManySummary> {
  const started = Date.now();
  const inMemory = options.endpoint === "memory";
  const shared = inMemory ? undefined : await createSimTables(options.endpoint);
  const summary: ManySummary = {
    runs: 0,
    failures: [],
    ms: 0,
    totals: {},
    profiles: {},
    faultsInjected: 0,
    concurrentGroups: 0,
    openCasesAtEnd: 0,
    cases: 0,
  };
  let next = 0;
  let stop = false;
  const worker = async () => {
    while (!stop && next < options.runs) {
      const seed = options.firstSeed + next++;
      const tables = shared ?? memoryTables();
      const result = await runSeed({ seed, tables, ...(options.broken ? { broken: options.broken } : {}) });
      summary.runs += 1;
      summary.cases += result.cases;
      summary.faultsInjected += result.faultsInjected;
      summary.concurrentGroups += result.concurrentGroups;
      summary.openCasesAtEnd += result.openCases;
      summary.profiles[result.profile] = (summary.profiles[result.profile] ?? 0) + 1;
      for (const [key, value] of Object.entries(result.stats))
        summary.totals[key] = (summary.totals[key] ?? 0) + value;
      if (result.violations.length > 0) {
        summary.failures.push(result);
        if (options.stopOnFailure) stop = true;
      }
      options.onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  summary.failures.sort((a, b) => a.seed - b.seed);
  summary.ms = Date.now() - started;
  return summary;
}

/** What a failing seed prints: the seed, how to replay it, what broke, and the run's last steps. */
export function describeFailure(result: RunResult, broken?: BrokenFault): string {
  return [
    `SIMULATION FAILED — seed ${result.seed} (faults: ${result.profile}${broken ? `, test-only fault: ${broken}` : ""})`,
    `  replay: npx tsx scripts/soak.ts --seed ${result.seed} --runs 1${result.backend === "dynamodb-local" ? " --backend dynamodb-local" : ""}${broken ? ` --broken ${broken}` : ""}`,
    ...result.violations.map((v) => `  ✗ ${v.invariant}: ${v.detail}`),
    "  last steps:",
    ...result.trace.slice(-8).map((line) => `    ${line}`),
  ].join("\n");
}
