/**
 * A change to the county simulation's harness must not change what a seed does: this runs seeds on a
 * DynamoDB Local of its own and writes each seed's trace and violations to a JSON file, or compares
 * them with a file written before the change (exit 1 and the first differing line when they differ).
 *
 *   npx tsx bench/county/traces.ts --seeds 10 --out /tmp/traces-before.json
 *   npx tsx bench/county/traces.ts --seeds 10 --compare /tmp/traces-before.json
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { startDynamoEngine } from "#local/dynamodb/engine.ts";
import { nextInstance, runCountySeed, startSimCounty } from "#test/simulation/county/index.ts";

function count(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new InvalidArgumentError("a whole number ≥ 1");
  return parsed;
}

const options = new Command()
  .option("--seeds <n>", "seeds run", count, 10)
  .option("--first <n>", "first seed", count, 1)
  .option("--out <file>", "write the traces to this file")
  .option("--compare <file>", "compare the traces with this file")
  .parse()
  .opts<{ seeds: number; first: number; out?: string; compare?: string }>();

type Traces = Record<string, { trace: string[]; violations: unknown[] }>;

const engine = await startDynamoEngine();
const county = await startSimCounty({ dynamoEndpoint: engine.endpoint, label: "traces" });
const traces: Traces = {};
try {
  for (let seed = options.first; seed < options.first + options.seeds; seed++) {
    const result = await runCountySeed(county, { seed, instance: nextInstance() });
    traces[seed] = { trace: result.trace, violations: result.violations };
    process.stdout.write(`seed ${seed}: ${result.steps} steps, ${result.violations.length} violations\n`);
  }
} finally {
  await county.close();
  await engine.stop();
}
if (options.out) writeFileSync(options.out, `${JSON.stringify(traces, null, 1)}\n`);
if (options.compare) {
  const before = JSON.parse(readFileSync(options.compare, "utf8")) as Traces;
  let differing = 0;
  for (const [seed, now] of Object.entries(traces)) {
    const then = before[seed];
    if (!then) continue;
    const lines = Math.max(then.trace.length, now.trace.length);
    const at = Array.from({ length: lines }, (_, i) => i).find((i) => then.trace[i] !== now.trace[i]);
    const sameViolations = JSON.stringify(then.violations) === JSON.stringify(now.violations);
    if (at === undefined && sameViolations) continue;
    differing += 1;
    process.stdout.write(
      `seed ${seed} differs${at === undefined ? " (violations)" : ` at line ${at}:\n  before: ${then.trace[at]}\n  after:  ${now.trace[at]}`}\n`,
    );
  }
  process.stdout.write(`${Object.keys(traces).length} seeds compared, ${differing} differing\n`);
  process.exitCode = differing > 0 ? 1 : 0;
}
