/**
 * A worker process of the county simulation's pool (pool.ts): its own county (runtime, HTTP API,
 * bank simulator, manual clock, fault injector, tables of its own) on the shared DynamoDB Local,
 * running the seeds the pool sends it one after another and answering each with its result.
 *
 * Messages in: `{ type: "run", seed, broken? }`, `{ type: "stop" }`.
 * Messages out: `{ type: "ready" }`, `{ type: "result", result, logs? }` (the county's log lines of
 * a run that broke an invariant), `{ type: "error", seed, message }` (the run itself threw).
 */
import { type BrokenCountyFault, nextInstance, runCountySeed, startSimCounty } from "./index.ts";

export type WorkerRequest = { type: "run"; seed: number; broken?: BrokenCountyFault } | { type: "stop" };

const endpoint = process.env.AIDFLOW_SIM_WORKER_ENDPOINT;
if (!endpoint || !process.send) throw new Error("the county worker runs as a forked child of pool.ts");
const send = (message: unknown) => process.send?.(message);

const county = await startSimCounty({
  dynamoEndpoint: endpoint,
  label: process.env.AIDFLOW_SIM_WORKER_LABEL ?? "simw",
});
let stopping = false;

process.on("message", (message: WorkerRequest) => {
  if (message.type === "stop") {
    stopping = true;
    void county.close().finally(() => process.exit(0));
    return;
  }
  if (stopping) return;
  runCountySeed(county, {
    seed: message.seed,
    instance: nextInstance(),
    ...(message.broken ? { broken: message.broken } : {}),
  }).then(
    (result) =>
      send({ type: "result", result, ...(result.violations.length > 0 ? { logs: county.logs() } : {}) }),
    (error: unknown) =>
      send({
        type: "error",
        seed: message.seed,
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
});
// The pool going away (its process ended) ends the worker too.
process.on("disconnect", () => {
  void county.close().finally(() => process.exit(0));
});
send({ type: "ready" });
