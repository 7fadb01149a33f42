/**
 * `npm start`: the embedded runtime on disk under `.data/` (a restart keeps everything and resumes
 * unfinished executions). Options:
 *   --clock-speed <n>  virtual seconds per real second (1 = real time; 3600 = an hour a second)
 *   --port <n>         port of the HTTP API (served by the HTTP API service)
 *   --sfn-port <n>     port of the local Step Functions endpoint (default: a free port)
 *   --data-dir <dir>   where data lives (default .data)
 */
import { Command, InvalidArgumentError } from "commander";
import { type LocalService, startLocalRuntime } from "./runtime.ts";

/** Services started with the runtime (the HTTP API server and the bank simulator register here). */
const SERVICES: LocalService[] = [];

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError("must be a positive number");
  return parsed;
}

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535)
    throw new InvalidArgumentError("must be a port number");
  return parsed;
}

const program = new Command()
  .name("aidflow-local")
  .description(
    "AidFlow embedded runtime: DynamoDB Local, the state machines and their handlers on one machine",
  )
  .option("--clock-speed <n>", "virtual seconds per real second (1 = real time)", positiveNumber, 1)
  .option("--port <n>", "HTTP API port", port, 3000)
  .option("--sfn-port <n>", "Step Functions endpoint port (0 = any free port)", port, 0)
  .option("--data-dir <dir>", "data directory", ".data")
  .parse();

const options = program.opts<{ clockSpeed: number; port: number; sfnPort: number; dataDir: string }>();

const runtime = await startLocalRuntime({
  dataDir: options.dataDir,
  clock: options.clockSpeed === 1 ? { mode: "real" } : { mode: "accelerated", speed: options.clockSpeed },
  sfnPort: options.sfnPort,
  httpPort: options.port,
  services: SERVICES,
});

const lines = [
  "AidFlow local runtime is up",
  `  data directory     ${runtime.dataDir}`,
  `  clock              ${runtime.clock.mode}${runtime.clock.mode === "accelerated" ? ` ×${runtime.clock.speed}` : ""}, now ${new Date(runtime.clock.nowMs()).toISOString()}`,
  `  DynamoDB Local     ${runtime.dynamoEndpoint} (tables ${runtime.tables.main}, ${runtime.tables.ledger})`,
  `  Step Functions     ${runtime.sfnEndpoint} (AWS_ENDPOINT_URL_SFN)`,
  ...Object.entries(runtime.stateMachines).map(([name, arn]) => `  state machine      ${name}: ${arn}`),
  ...(runtime.resumed.length > 0
    ? [`  resumed            ${runtime.resumed.length} unfinished execution(s)`]
    : []),
  "Press Ctrl+C to stop.",
];
process.stdout.write(`${lines.join("\n")}\n`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping (running executions resume on the next start)…\n`);
    runtime.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
