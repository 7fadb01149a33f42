/**
 * Issue 12 §1 on the real thing: seeded runs of BOTH flows on the local county — the ASL state
 * machines on the local Step Functions layer, every handler, the HTTP API, the bank simulator —
 * with DynamoDB faults on the wire (county/). Each run: a county of its own, 1–3 cases, decisions in
 * random order (late, repeated, contradicting, concurrent), bank failures and lost or doubled
 * callbacks, clock jumps past deadlines, a fund that may run dry and be topped up; then the
 * invariants. A failure prints its seed and the command that replays it. The time box's seeds run
 * in worker processes side by side (county/pool.ts), each on a county of its own.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  type CountyManySummary,
  type CountyRunResult,
  describeCountyFailure,
  nextInstance,
  runCountySeed,
  runManyCounty,
  runManyCountyPool,
  type SimCounty,
  startSimCounty,
} from "./county/index.ts";

/** Seeds tried at most, and the time box they share (CI); `scripts/soak.ts --level county` runs longer. */
const RUNS = Number(process.env.AIDFLOW_SIM_COUNTY_RUNS ?? 1000);
const BUDGET_MS = Number(process.env.AIDFLOW_SIM_COUNTY_BUDGET_MS ?? 150_000);
/** Seeds in flight at once, each in a worker process with a county of its own (county/pool.ts). */
const WORKERS = Number(process.env.AIDFLOW_SIM_COUNTY_WORKERS ?? 3);
/** However loaded the machine, these first seeds always run (the time box cuts only the runs after them). */
const RUNS_MIN = Number(process.env.AIDFLOW_SIM_COUNTY_RUNS_MIN ?? 10);
const FIRST_SEED = Number(process.env.AIDFLOW_SIM_COUNTY_FIRST_SEED ?? 1);
const ARTIFACTS = resolve(import.meta.dirname, "../../test-artifacts/simulation");
/** Seeds run twice more in this process by the replay test (among the first RUNS_MIN: always pooled). */
const REPLAYED_SEEDS = [3, 5, 7];

let county: SimCounty;
/** What the pool's workers answered for the seeds the replay test runs again in this process. */
const pooled = new Map<number, CountyRunResult>();
let poolRan = false;

beforeAll(async () => {
  county = await startSimCounty({ dynamoEndpoint: inject("dynamoEndpoint"), label: "simc" });
}, 120_000);

afterAll(async () => {
  await county?.close();
});

function report(summary: CountyManySummary): string {
  return [
    `county level: ${summary.runs} runs, ${summary.cases} cases (${summary.openCasesAtEnd} waiting on someone at the end), ${summary.faultsInjected} DynamoDB faults, ${(summary.ms / 1000).toFixed(1)} s`,
    `  fault profiles ${JSON.stringify(summary.profiles)}`,
    ...Object.entries(summary.totals)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `  ${key}: ${value}`),
  ].join("\n");
}

describe("full-flow simulation on the local county", () => {
  it("seeded runs within the time box keep every invariant", { timeout: BUDGET_MS + 360_000 }, async () => {
    // Act
    poolRan = true;
    const summary = await runManyCountyPool({
      dynamoEndpoint: inject("dynamoEndpoint"),
      workers: WORKERS,
      firstSeed: FIRST_SEED,
      runs: RUNS,
      budgetMs: BUDGET_MS,
      runsMin: RUNS_MIN,
      onResult: (r, logs) => {
        if (REPLAYED_SEEDS.includes(r.seed)) pooled.set(r.seed, r);
        if (r.violations.length > 0) {
          // The county's own (masked) log lines of the failing run, beside its report.
          mkdirSync(ARTIFACTS, { recursive: true });
          writeFileSync(resolve(ARTIFACTS, `county-seed-${r.seed}.log`), `${logs.join("\n")}\n`);
        }
        if (process.env.AIDFLOW_SIM_VERBOSE === "1")
          console.log(`seed ${r.seed}: ${r.profile}, ${r.cases} cases, ${r.steps} steps, ${r.ms} ms`);
      },
    });
    for (const failure of summary.failures) console.error(describeCountyFailure(failure));
    console.log(report(summary));

    // Assess
    expect(summary.failures.map((f) => f.seed)).toEqual([]);
    expect(summary.runs).toBeGreaterThanOrEqual(Math.min(RUNS, RUNS_MIN));
    // Seeds 1–10 alone (deterministic: a seed replays exactly) meet every one of these.
    for (const happening of [
      "Flow A cases filed",
      "Flow B cases filed",
      "advances rejected",
      "concurrent decisions on one fund",
      "decisions escalated to the county",
      "contradicting decisions refused",
      "repeated decisions answered with the recorded one",
      "bank transfers failed",
      "callbacks lost (AidFlow polled)",
      "payments re-routed",
      "fund top-ups",
      "flows resumed after a top-up",
      "paperwork filed late",
      "stages re-checked",
      "DynamoDB faults: ambiguous-timeout",
      "DynamoDB faults: transaction-conflict",
      // Not "requests retried after a 5xx": since the SDK clients retry transaction conflicts too
      // (functions/runtime/dynamo-client.ts), a 503 needs three faults in a row on one request — a
      // 42-seed CI run saw none. The 503 answer itself is tested in test/unit/http/transient-errors.test.ts.
    ]) {
      expect(summary.totals[happening], happening).toBeGreaterThan(0);
    }
  });

  it("a seed replays exactly: the same steps, the same answers, the same states — in this process as in a worker of the pool", {
    timeout: 240_000,
  }, async () => {
    for (const seed of REPLAYED_SEEDS) {
      // Act
      const first = await runCountySeed(county, { seed, instance: nextInstance() });
      const second = await runCountySeed(county, { seed, instance: nextInstance() });

      // Assess
      expect(second.trace).toEqual(first.trace);
      expect(second.violations).toEqual(first.violations);
      // The pool's run of the seed (another process, another county, runs beside it) is the same run.
      const inPool = pooled.get(seed);
      if (poolRan && FIRST_SEED <= seed && seed < FIRST_SEED + RUNS_MIN) {
        expect(inPool?.trace, `seed ${seed} in the pool`).toEqual(first.trace);
        expect(inPool?.violations).toEqual(first.violations);
      }
    }
  });

  it("a payment step that draws again under a new id (test-only fault) is caught and reported with its seed", {
    timeout: 240_000,
  }, async () => {
    // Act
    const summary = await runManyCounty(county, {
      firstSeed: 1,
      runs: 20,
      broken: "double-draw",
      stopOnFailure: true,
    });
    const caught = summary.failures[0];
    if (!caught) throw new Error("the double draw went unnoticed in 20 seeds");
    const report = describeCountyFailure(caught, "double-draw");
    console.log(report);

    // Assess: the seed and the broken rule are named, and the seed replays the same failure
    expect(report).toContain(`seed ${caught.seed}`);
    expect(report).toContain(`--level county --seed ${caught.seed} --runs 1 --broken double-draw`);
    expect(caught.violations.map((v) => v.invariant)).toContain("no-double-payment");
    const replayed = await runCountySeed(county, {
      seed: caught.seed,
      instance: nextInstance(),
      broken: "double-draw",
    });
    expect(replayed.violations.map((v) => v.invariant)).toEqual(caught.violations.map((v) => v.invariant));
  });
});
