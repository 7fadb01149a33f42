/**
 * The long soak of the ledger+payments simulation (issue 12 §1): the same seeded runs as CI, as many
 * as you like. Starts its own DynamoDB Local in memory (or uses `--endpoint`).
 *
 *   npx tsx scripts/soak.ts --runs 20000 --seed 1        # seeds 1 … 20000, in-memory DynamoDB
 *   npx tsx scripts/soak.ts --runs 500 --backend dynamodb-local
 *   npx tsx scripts/soak.ts --seed 4711 --runs 1 --trace # replay one failing seed, step by step
 *
 * Exit code 1 when any seed breaks an invariant; every failing seed is printed with its replay line.
 */
import { Command, InvalidArgumentError } from "commander";
import { startDynamoEngine } from "#local/dynamodb/engine.ts";
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
  .option("--runs <n>", "number of runs", positiveInt, 5000)
  .option("--seed <n>", "first seed", positiveInt, 1)
  .option("--concurrency <n>", "runs in flight at once", positiveInt, 4)
  .option("--backend <name>", "memory (in-memory DynamoDB behind the SDK) | dynamodb-local", "memory")
  .option("--endpoint <url>", "an already running DynamoDB Local (implies --backend dynamodb-local)")
  .option("--broken <fault>", "test-only fault: skip-fund-check | non-idempotent-draw")
  .option("--trace", "print every step of every run")
  .parse()
  .opts<{
    runs: number;
    seed: number;
    concurrency: number;
    endpoint?: string;
    broken?: string;
    trace?: boolean;
  }>();

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
let done = 0;
try {
  const summary = await runMany({
    endpoint,
    firstSeed: options.seed,
    runs: options.runs,
    concurrency: options.concurrency,
    ...(broken ? { broken } : {}),
    onResult: (result) => {
      done += 1;
      if (options.trace) {
        process.stdout.write(
          `seed ${result.seed} (${result.profile}, ${result.cases} cases, ${result.ms} ms)\n`,
        );
        for (const line of result.trace) process.stdout.write(`  ${line}\n`);
        process.stdout.write(`  stats ${JSON.stringify(result.stats)}\n`);
      }
      if (result.violations.length > 0) process.stdout.write(`${describeFailure(result, broken)}\n`);
      else if (done % 250 === 0) process.stdout.write(`… ${done}/${options.runs} runs green\n`);
    },
  });
  process.stdout.write(
    [
      `soak (${local ? "DynamoDB Local" : "in-memory DynamoDB"}): ${summary.runs} runs (seeds ${options.seed}–${options.seed + summary.runs - 1}) in ${(summary.ms / 1000).toFixed(1)} s — ${summary.failures.length} failing`,
      `  cases ${summary.cases} (${summary.openCasesAtEnd} still waiting for a human at the end), concurrent groups ${summary.concurrentGroups}, DynamoDB faults injected ${summary.faultsInjected}`,
      `  fault profiles ${JSON.stringify(summary.profiles)}`,
      ...Object.entries(summary.totals)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => `  ${key}: ${value}`),
      ...(summary.failures.length > 0
        ? [`  failing seeds: ${summary.failures.map((f) => f.seed).join(", ")}`]
        : []),
    ].join("\n") + "\n",
  );
  process.exitCode = summary.failures.length > 0 ? 1 : 0;
} finally {
  await engine?.stop();
}
