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
 * first `runsMin` whatever it says); every seed handed out runs to its end and is counted.
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
  const started = Date.now();
  const summary = emptySummary();
  const loader = tsxLoader();
  const children: ChildProcess[] = [];
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

  const runWorker = (index: number) =>
    new Promise<void>((done, fail) => {
      const child = fork(WORKER, [], {
        execArgv: ["--import", loader],
        env: {
          ...process.env,
          AIDFLOW_SIM_WORKER_ENDPOINT: options.dynamoEndpoint,
          AIDFLOW_SIM_WORKER_LABEL: `simw${index}`,
        },
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      children.push(child);
      let current: number | undefined;
      const request = (message: WorkerRequest) => child.send(message);
      const dispatch = () => {
        current = handOut();
        if (current === undefined) request({ type: "stop" });
        else request({ type: "run", seed: current, ...(options.broken ? { broken: options.broken } : {}) });
      };
      child.on("message", (answer: WorkerAnswer) => {
        if (answer.type === "ready") return dispatch();
        if (answer.type === "error") {
          stop = true;
          return fail(new Error(`county worker ${index}, seed ${answer.seed}: ${answer.message}`));
        }
        current = undefined;
        addResult(summary, answer.result);
        options.onResult?.(answer.result, answer.logs ?? []);
        if (answer.result.violations.length > 0 && options.stopOnFailure) stop = true;
        dispatch();
      });
      child.on("exit", (code) => {
        if (current !== undefined || code !== 0)
          fail(new Error(`county worker ${index} exited (${code}) running seed ${current ?? "none"}`));
        else done();
      });
    });

  try {
    await Promise.all(Array.from({ length: Math.max(1, options.workers) }, (_, i) => runWorker(i + 1)));
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  }
  summary.ms = Date.now() - started;
  return summary;
}
