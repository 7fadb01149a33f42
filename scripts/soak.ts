/**
 * The long soak of the simulations: the same seeded runs as CI, as many as you like.
 * Starts its own DynamoDB Local in memory (or uses `--endpoint`).
 *
 * Two levels:
 * - `--level county`: the full flows on the local county (test/simulation/county/) — both state
 *   machines, every handler, the HTTP API, the bank simulator, DynamoDB faults on the wire;
 * - `--level model` (default): the ledger+payments model (test/simulation/model/), fast enough for
 *   tens of thousands of runs, on an in-memory DynamoDB behind the SDK or on DynamoDB Local.
 *
 *   npx tsx scripts/soak.ts --level county --runs 500 --seed 1 --concurrency 3   # 3 worker processes
 *   npx tsx scripts/soak.ts --level county --seed 42 --runs 1 --trace   # replay one failing seed
 *   npx tsx scripts/soak.ts --runs 20000 --seed 1        # model level, in-memory DynamoDB
 *   npx tsx scripts/soak.ts --runs 500 --backend dynamodb-local
 *
 * Exit code 1 when any seed breaks an invariant; every failing seed is printed with its replay line.
 */
import { Command, InvalidArgumentError } from "commander";
import { startDynamoEngine } from "#local/dynamodb/engine.ts";
import {
  type BrokenCountyFault,
  type CountyRunResult,
  describeCountyFailure,
  runManyCounty,
  runManyCountyPool,
  startSimCounty,
} from "#test/simulation/county/index.ts";
import { type BrokenFault, describeFailure, runMany } from "#test/simulation/model/index.ts";

function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0)
    throw new InvalidArgumentError("must be a whole number ≥ 0");
  return parsed;
}

const options = new Command()
  .name("soak")
  .description("Seeded ledger+payments simulation runs with invariants checked after each")
  .option("--level <level>", "county (the full flows on the local county) | model (ledger+payments)", "model")
  .option("--runs <n>", "number of runs", positiveInt, 5000)
  .option("--seed <n>", "first seed", positiveInt, 1)
  .option(
    "--concurrency <n>",
    "runs in flight at once (county: worker processes, each with a county of its own; 1 = in this process)",
    positiveInt,
    4,
  )
  .option("--backend <name>", "memory (in-memory DynamoDB behind the SDK) | dynamodb-local", "memory")
  .option("--endpoint <url>", "an already running DynamoDB Local (implies --backend dynamodb-local)")
  .option(
    "--broken <fault>",
    "test-only fault: county: double-draw · model: skip-fund-check | non-idempotent-draw",
  )
  .option("--trace", "print every step of every run")
  .parse()
  .opts<{
    level: string;
    runs: number;
    seed: number;
    concurrency: number;
    endpoint?: string;
    broken?: string;
    trace?: boolean;
  }>();

if (options.level !== "model" && options.level !== "county") {
  throw new InvalidArgumentError(`unknown level ${options.level}`);
}
if (options.level === "county") {
  process.exitCode = await soakCounty();
  process.exit();
}
if (options.broken && options.broken !== "skip-fund-check" && options.broken !== "non-idempotent-draw") {
  throw new InvalidArgumentError(`unknown test-only fault ${options.broken}`);
}
const broken = options.broken as BrokenFault | undefined;
if (options.backend !== "memory" && options.backend !== "dynamodb-local") {
  throw new InvalidArgumentError(`unknown backend ${options.backend}`);
}
const local = options.backend === "dynamodb-local" || options.endpoint !== undefined;
const engine = local && !options.endpoint ? await startDynamoEngine() : undefined;
const endpoint = local ? (options.endpoint ?? (engine?.endpoint as string)) : "memory";
try {
  const summary = await runMany({
    endpoint,
    firstSeed: options.seed,
    runs: options.runs,
    concurrency: options.concurrency,
    ...(broken ? { broken } : {}),
    onResult: reportEachRun((result) => describeFailure(result, broken), 250),
  });
  printSummary(
    local ? "DynamoDB Local" : "in-memory DynamoDB",
    summary,
    `  cases ${summary.cases} (${summary.openCasesAtEnd} still waiting for a human at the end), concurrent groups ${summary.concurrentGroups}, DynamoDB faults injected ${summary.faultsInjected}`,
  );
  process.exitCode = summary.failures.length > 0 ? 1 : 0;
} finally {
  await engine?.stop();
}

/** The full flows on the local county, one run after another (each on a county of its own). */
async function soakCounty(): Promise<number> {
  if (options.broken && options.broken !== "double-draw") {
    throw new InvalidArgumentError(`unknown test-only fault ${options.broken} for the county level`);
  }
  const broken = options.broken as BrokenCountyFault | undefined;
  const engine = options.endpoint ? undefined : await startDynamoEngine();
  const dynamoEndpoint = options.endpoint ?? (engine?.endpoint as string);
  // One run at a time in this process, or `--concurrency` worker processes (county/pool.ts).
  const county = options.concurrency > 1 ? undefined : await startSimCounty({ dynamoEndpoint });
  try {
    const many = {
      firstSeed: options.seed,
      runs: options.runs,
      ...(broken ? { broken } : {}),
      onResult: reportEachRun((result: CountyRunResult) => describeCountyFailure(result, broken), 10),
    };
    const summary = county
      ? await runManyCounty(county, many)
      : await runManyCountyPool({ ...many, dynamoEndpoint, workers: options.concurrency });
    printSummary(
      "county",
      summary,
      `  cases ${summary.cases} (${summary.openCasesAtEnd} still waiting on someone at the end), DynamoDB faults injected ${summary.faultsInjected}`,
    );
    return summary.failures.length > 0 ? 1 : 0;
  } finally {
    await county?.close();
    await engine?.stop();
  }
}

/** What every run of either level reports. */
interface SoakRun {
  seed: number;
  profile: string;
  cases: number;
  ms: number;
  trace: readonly string[];
  stats: unknown;
  violations: readonly unknown[];
}

/**
 * A soak's `onResult`: every step of a run with `--trace`, a failing run in full (with its replay
 * line, from `describe`), and a progress line every `every` green runs.
 */
function reportEachRun<R extends SoakRun>(
  describe: (result: R) => string,
  every: number,
): (result: R) => void {
  let done = 0;
  return (result) => {
    done += 1;
    if (options.trace) {
      process.stdout.write(
        `seed ${result.seed} (${result.profile}, ${result.cases} cases, ${result.ms} ms)\n`,
      );
      for (const line of result.trace) process.stdout.write(`  ${line}\n`);
      process.stdout.write(`  stats ${JSON.stringify(result.stats)}\n`);
    }
    if (result.violations.length > 0) process.stdout.write(`${describe(result)}\n`);
    else if (done % every === 0) process.stdout.write(`… ${done}/${options.runs} runs green\n`);
  };
}

/** A soak's last words: runs, seeds, time and failures; `casesLine`; fault profiles; totals; failing seeds. */
function printSummary(
  where: string,
  summary: {
    runs: number;
    ms: number;
    failures: ReadonlyArray<{ seed: number }>;
    profiles: unknown;
    totals: Record<string, number>;
  },
  casesLine: string,
): void {
  process.stdout.write(
    [
      `soak (${where}): ${summary.runs} runs (seeds ${options.seed}–${options.seed + summary.runs - 1}) in ${(summary.ms / 1000).toFixed(1)} s — ${summary.failures.length} failing`,
      casesLine,
      `  fault profiles ${JSON.stringify(summary.profiles)}`,
      ...Object.entries(summary.totals)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => `  ${key}: ${value}`),
      ...(summary.failures.length > 0
        ? [`  failing seeds: ${summary.failures.map((f) => f.seed).join(", ")}`]
        : []),
    ].join("\n") + "\n",
  );
}
