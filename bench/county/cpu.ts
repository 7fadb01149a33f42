/**
 * CPU a full-flow seed costs (issue 23 §4): seeds of the county simulation (test/simulation/county/)
 * run one after another in this process on a DynamoDB Local of its own; the CPU time of this process
 * (process.cpuUsage) and of DynamoDB Local's JVM (/proc/<pid>/stat, utime + stime) over the seeds,
 * divided by the seeds. CPU time does not depend on what else the machine runs, wall time does.
 *
 *   npx tsx bench/county/cpu.ts --seeds 10 --first 1
 *   npx tsx bench/county/cpu.ts --first 21 --warm 20 --seeds 10   # seeds 1–20 first, not counted (a warm JIT)
 *   npx tsx bench/county/cpu.ts --seeds 40 --every 10   # and each block of 10 seeds on its own
 *
 * `--requests` also counts DynamoDB requests by sender (the local Step Functions layer, each Lambda
 * function, the HTTP API, the driver's own client) and by operation: the county's fault injector sees
 * every request but the driver's own (its client goes straight to DynamoDB Local), counted apart.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { readdirSync, readFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { DEFAULT_JVM_OPTIONS, startDynamoEngine } from "#local/dynamodb/engine.ts";
import { LocalFunctions } from "#local/stepfunctions/functions.ts";
import { nextInstance, runCountySeed, startSimCounty } from "#test/simulation/county/index.ts";

function count(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new InvalidArgumentError("a whole number ≥ 0");
  return parsed;
}

const options = new Command()
  .option("--seeds <n>", "seeds measured", count, 10)
  .option("--first <n>", "first seed measured", count, 1)
  .option(
    "--warm <n>",
    "seeds run before the measured ones (seeds first-warm … first-1), not counted",
    count,
    0,
  )
  .option("--every <n>", "also print the CPU of each block of n measured seeds (0 = no blocks)", count, 0)
  .option("--threads", "the JVM's CPU by thread (JIT compilers, GC, Jetty, SQLite) over the whole run")
  .option("--requests", "count the measured seeds' DynamoDB requests by operation and key")
  .parse()
  .opts<{
    seeds: number;
    first: number;
    warm: number;
    every: number;
    threads?: boolean;
    requests?: boolean;
  }>();

/** CPU seconds of a process so far (utime + stime of /proc/<pid>/stat). */
function processCpuSeconds(pid: number, thread?: string): number {
  const stat = readFileSync(thread ? `/proc/${pid}/task/${thread}/stat` : `/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) — utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

/** `Operation table pk-shape/sk-shape` of a request: ids cut off at their first digit or `#`-part. */
function requestShape(target: string, body: unknown): string {
  const operation = target.replace("DynamoDB_20120810.", "");
  let input: Record<string, unknown> = {};
  try {
    input = JSON.parse(typeof body === "string" ? body : Buffer.from(body as Uint8Array).toString("utf8"));
  } catch {
    return operation;
  }
  const table = String(input.TableName ?? "").replace(/^.*-/, "");
  const shape = (v: unknown) =>
    String((v as { S?: string } | undefined)?.S ?? "")
      .split("#")
      .map((part, i) => (i > 0 && /[0-9]/.test(part) ? "…" : part))
      .join("#");
  const key = (input.Key ?? (input.Item as Record<string, unknown> | undefined)) as
    | Record<string, unknown>
    | undefined;
  if (key) return `${operation} ${table} ${shape(key.pk)}/${shape(key.sk)}`;
  if (input.KeyConditionExpression)
    return `${operation} ${table} ${String(input.IndexName ?? "")} ${String(input.KeyConditionExpression)}`;
  if (Array.isArray(input.TransactItems)) {
    const items = input.TransactItems as Record<
      string,
      { Key?: Record<string, unknown>; Item?: Record<string, unknown> }
    >[];
    const first = Object.values(items[0] ?? {})[0];
    const k = first?.Key ?? first?.Item ?? {};
    return `${operation} ×${items.length > 9 ? "10+" : items.length} ${shape(k.pk)}/${shape(k.sk)}…`;
  }
  return `${operation} ${table}`;
}

function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

const engine = await startDynamoEngine();
const jvm = engine.pid;
if (jvm === undefined) throw new Error("DynamoDB Local has no process id");
const county = await startSimCounty({ dynamoEndpoint: engine.endpoint, label: "cpu" });
/** Requests by operation and the shape of their keys (`pk` up to its first id), when `--requests`. */
const tally = new Map<string, number>();
let counting = false;
/** Requests by who sent them: the Step Functions layer, a Lambda function, the HTTP API or the driver. */
const bySender = new Map<string, number>();
const STEP_FUNCTIONS_LAYER = "Step Functions layer";
const DRIVER_DIRECT = "driver (own client, no faults)";
/** The Lambda function whose invocation a request is part of (else the HTTP API or the driver). */
const invocation = new AsyncLocalStorage<string>();
const invocations = new Map<string, number>();
if (options.requests) {
  const invoke = LocalFunctions.prototype.invoke;
  LocalFunctions.prototype.invoke = function (this: LocalFunctions, reference, event) {
    const name = reference.replace(/^.*aidflow-/, "");
    if (counting) invocations.set(name, (invocations.get(name) ?? 0) + 1);
    return invocation.run(name, () => invoke.call(this, reference, event));
  };
  const handler = county.faults.requestHandler;
  const handle = handler.handle.bind(handler);
  handler.handle = (request, handlerOptions) => {
    if (counting) {
      const shape = requestShape(request.headers["x-amz-target"] ?? "", request.body);
      // The layer's own items (`SFN…` keys) are written by the local Step Functions layer, whatever
      // invocation's continuation happened to trigger the write.
      const sender = shape.includes(" SFN") ? STEP_FUNCTIONS_LAYER : (invocation.getStore() ?? "API/driver");
      const key = sender === STEP_FUNCTIONS_LAYER ? shape : `${shape}  ← ${sender}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
      bySender.set(sender, (bySender.get(sender) ?? 0) + 1);
    }
    return handle(request, handlerOptions);
  };
  // The driver's own client (observation between steps, provisioning) goes straight to DynamoDB
  // Local, around the fault injector: counted here.
  county.dynamo.middlewareStack.add(
    (next) => async (args) => {
      if (counting) {
        const request = args.request as { headers: Record<string, string>; body?: unknown };
        const key = `${requestShape(request.headers["x-amz-target"] ?? "", request.body)}  ← ${DRIVER_DIRECT}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
        bySender.set(DRIVER_DIRECT, (bySender.get(DRIVER_DIRECT) ?? 0) + 1);
      }
      return next(args);
    },
    { step: "finalizeRequest", name: "countDriverRequests" },
  );
}
try {
  for (let seed = Math.max(1, options.first - options.warm); seed < options.first; seed++)
    await runCountySeed(county, { seed, instance: nextInstance() });
  const loadBefore = loadAverage();
  const node0 = process.cpuUsage();
  const jvm0 = processCpuSeconds(jvm);
  const wall0 = Date.now();
  counting = true;
  let failures = 0;
  let cases = 0;
  let block = { node: process.cpuUsage(), jvm: jvm0, first: options.first };
  for (let seed = options.first; seed < options.first + options.seeds; seed++) {
    const result = await runCountySeed(county, { seed, instance: nextInstance() });
    failures += result.violations.length > 0 ? 1 : 0;
    cases += result.cases;
    if (options.every > 0 && (seed - options.first + 1) % options.every === 0) {
      const used = process.cpuUsage(block.node);
      const jvmNow = processCpuSeconds(jvm);
      const nodeBlock = (used.user + used.system) / 1e6 / options.every;
      const jvmBlock = (jvmNow - block.jvm) / options.every;
      process.stdout.write(
        `  seeds ${block.first}–${seed}: CPU-s a seed node ${nodeBlock.toFixed(3)} + JVM ${jvmBlock.toFixed(3)} = ${(nodeBlock + jvmBlock).toFixed(3)}\n`,
      );
      block = { node: process.cpuUsage(), jvm: jvmNow, first: seed + 1 };
    }
  }
  const wall = (Date.now() - wall0) / 1000;
  const nodeUsage = process.cpuUsage(node0);
  const node = (nodeUsage.user + nodeUsage.system) / 1e6;
  const jvmCpu = processCpuSeconds(jvm) - jvm0;
  const per = (x: number) => (x / options.seeds).toFixed(3);
  process.stdout.write(
    [
      `seeds ${options.first}–${options.first + options.seeds - 1} (${options.warm} warm-up), ${cases} cases, ${failures} failing`,
      `CPU-s a seed: node ${per(node)} + JVM ${per(jvmCpu)} = ${per(node + jvmCpu)}; wall ${per(wall)} s a seed`,
      `load average before ${loadBefore}, after ${loadAverage()}`,
      `JVM options: ${process.env.AIDFLOW_DYNAMO_JVM_OPTIONS ?? DEFAULT_JVM_OPTIONS.join(" ")}`,
    ].join("\n") + "\n",
  );
  if (options.threads) {
    const byName = new Map<string, number>();
    for (const task of readdirSync(`/proc/${jvm}/task`)) {
      const stat = readFileSync(`/proc/${jvm}/task/${task}/stat`, "utf8");
      const name = stat
        .slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"))
        .replace(/(qtp|-|#)[0-9]+/g, "$1N");
      byName.set(name, (byName.get(name) ?? 0) + processCpuSeconds(jvm, task));
    }
    process.stdout.write("JVM CPU-s by thread (start-up included):\n");
    for (const [name, seconds] of [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12))
      process.stdout.write(`  ${seconds.toFixed(2).padStart(8)}  ${name}\n`);
  }
  if (options.requests) {
    const total = [...tally.values()].reduce((a, b) => a + b, 0);
    process.stdout.write(`DynamoDB requests a seed: ${per(total)}\nby sender:\n`);
    for (const [sender, n] of [...bySender.entries()].sort((a, b) => b[1] - a[1]))
      process.stdout.write(`  ${per(n).padStart(8)}  ${sender}\n`);
    process.stdout.write("by request:\n");
    for (const [key, n] of [...tally.entries()].sort((a, b) => b[1] - a[1]))
      process.stdout.write(`  ${per(n).padStart(8)}  ${key}\n`);
    process.stdout.write("Lambda invocations a seed:\n");
    for (const [name, n] of [...invocations.entries()].sort((a, b) => b[1] - a[1]))
      process.stdout.write(`  ${per(n).padStart(8)}  ${name}\n`);
  }
  process.exitCode = failures > 0 ? 1 : 0;
} finally {
  await county.close();
  await engine.stop();
}
