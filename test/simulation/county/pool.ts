/**
 * Seeds in parallel: `workers` child processes (worker.ts), each with a county of its own on the
 * same DynamoDB Local, take the seeds in order, one at a time each. A run's outcome does not depend
 * on which worker ran it or on what runs beside it: every run has its own county id, its own tables
 * (each worker's runtime has a table prefix of its own), its own manual clock, bank simulator and
 * fault injector, and a seed replays exactly on a fresh county (the replay test checks it).
 *
 * A run takes most of its time waiting: a chain of DynamoDB Local requests, each answered by the JVM
 * on the other core, and the county settling between steps. Runs side by side fill those waits.
 * The time box works as in runManyCounty: seeds are handed out in order while the box is open (the
 * first `runsMin` whatever it says); every seed handed out runs to its end and is counted. The box
 * opens once every worker's county is up, as the in-process county is started before its box.
 */
import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { CountyRunResult } from "./driver.ts";
import { addResult, type CountyManyOptions, type CountyManySummary, emptySummary } from "./index.ts";
import type { WorkerRequest } from "./worker.ts";

type WorkerAnswer =
  | { type: "ready" }
  | { type: "result"; result: CountyRunResult; logs?: string[] }
  | { type: "error"; seed: number; message: string };

export interface CountyPoolOptions extends CountyManyOptions {
  dynamoEndpoint: string;
  /** Runs in flight at once (worker processes). */
  workers: number;
}

const WORKER = resolve(import.meta.dirname, "worker.ts");

/** The TypeScript loader the workers start with (the project runs its scripts through tsx). */
function tsxLoader(): string {
  const require = createRequire(import.meta.url);
  return pathToFileURL(require.resolve("tsx/esm")).href;
}

export async function runManyCountyPool(options: CountyPoolOptions): Promise<CountyManySummary> {
  const summary = emptySummary();
  const loader = tsxLoader();
  const workers: Worker[] = [];
  let started = Date.now();
  let next = 0;
  let stop = false;

  const handOut = (): number | undefined => {
    if (stop || next >= options.runs) return undefined;
    const boxed = next >= (options.runsMin ?? 0);
    if (boxed && options.budgetMs !== undefined && Date.now() - started > options.budgetMs) return undefined;
    const seed = options.firstSeed + next;
    next += 1;
    return seed;
  };

  try {
    // Every worker's county is up before the time box opens (as the in-process county's is).
    for (let index = 1; index <= Math.max(1, options.workers); index++)
      workers.push(startWorker(index, loader, options));
    await Promise.all(workers.map((w) => w.ready));
    started = Date.now();
    await Promise.all(
      workers.map(async (worker) => {
        for (let seed = handOut(); seed !== undefined; seed = handOut()) {
          const { result, logs } = await worker.run(seed);
          addResult(summary, result);
          options.onResult?.(result, logs);
          if (result.violations.length > 0 && options.stopOnFailure) stop = true;
        }
        await worker.stop();
      }),
    );
  } catch (error) {
    stop = true;
    throw error;
  } finally {
    for (const worker of workers) worker.kill();
  }
  summary.ms = Date.now() - started;
  return summary;
}

interface Worker {
  ready: Promise<void>;
  run(seed: number): Promise<{ result: CountyRunResult; logs: string[] }>;
  stop(): Promise<void>;
  kill(): void;
}

function startWorker(index: number, loader: string, options: CountyPoolOptions): Worker {
  const child: ChildProcess = fork(WORKER, [], {
    execArgv: ["--import", loader],
    env: {
      ...process.env,
      AIDFLOW_SIM_WORKER_ENDPOINT: options.dynamoEndpoint,
      AIDFLOW_SIM_WORKER_LABEL: `simw${index}`,
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  // What the worker is doing now: starting, running a seed, stopping. Its answer or its end settles it.
  let waiting: { resolve(answer: WorkerAnswer | undefined): void; reject(error: Error): void } | undefined;
  let current = "starting";
  const next = (what: string, message?: WorkerRequest) =>
    new Promise<WorkerAnswer | undefined>((resolve, reject) => {
      current = what;
      waiting = { resolve, reject };
      if (message) child.send(message);
    });
  child.on("message", (answer: WorkerAnswer) => {
    const settle = waiting;
    waiting = undefined;
    if (answer.type === "error")
      settle?.reject(new Error(`county worker ${index}, seed ${answer.seed}: ${answer.message}`));
    else settle?.resolve(answer);
  });
  child.on("exit", (code) => {
    const settle = waiting;
    waiting = undefined;
    if (current === "stopping" && code === 0) settle?.resolve(undefined);
    else settle?.reject(new Error(`county worker ${index} exited (${code}) while ${current}`));
  });
  const ready = next("starting").then(() => undefined);
  return {
    ready,
    async run(seed) {
      const answer = await next(`running seed ${seed}`, {
        type: "run",
        seed,
        ...(options.broken ? { broken: options.broken } : {}),
      });
      if (answer?.type !== "result") throw new Error(`county worker ${index}: no result for seed ${seed}`);
      return { result: answer.result, logs: answer.logs ?? [] };
    },
    async stop() {
      await next("stopping", { type: "stop" });
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    },
  };
}
