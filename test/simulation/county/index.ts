/**
 * The full-flow county simulation as a library for the CI test and the soak script: one county per
 * process (county.ts), runs one after another on it, each on a county of its own — or several such
 * processes side by side (pool.ts).
 */

import type { SimCounty } from "./county.ts";
import { type BrokenCountyFault, type CountyRunResult, runCountySeed } from "./driver.ts";

export { type SimCounty, startSimCounty } from "./county.ts";
export type { BrokenCountyFault, CountyRunResult } from "./driver.ts";
export { runCountySeed } from "./driver.ts";
export { type CountyPoolOptions, runManyCountyPool } from "./pool.ts";

let instances = 0;

/** A number for the next run's county, unique in this process. */
export function nextInstance(): number {
  instances += 1;
  return instances;
}

export interface CountyManyOptions {
  firstSeed: number;
  runs: number;
  broken?: BrokenCountyFault;
  stopOnFailure?: boolean;
  /** Stop starting runs after this many milliseconds (the CI time box); the summary says how many ran. */
  budgetMs?: number;
  /** Seeds run whatever the time box says (the box only cuts the runs after them). */
  runsMin?: number;
  /** Each run as it ends, with the log lines of its county (kept for a failure's report). */
  onResult?: (result: CountyRunResult, logs: readonly string[]) => void;
}

export interface CountyManySummary {
  runs: number;
  failures: CountyRunResult[];
  ms: number;
  totals: Record<string, number>;
  profiles: Record<string, number>;
  faultsInjected: number;
  cases: number;
  openCasesAtEnd: number;
}

export async function runManyCounty(
  county: SimCounty,
  options: CountyManyOptions,
): Promise<CountyManySummary> {
  const started = Date.now();
  const summary = emptySummary();
  for (let i = 0; i < options.runs; i++) {
    const boxed = i >= (options.runsMin ?? 0);
    if (boxed && options.budgetMs !== undefined && Date.now() - started > options.budgetMs) break;
    const result = await runCountySeed(county, {
      seed: options.firstSeed + i,
      instance: nextInstance(),
      ...(options.broken ? { broken: options.broken } : {}),
    });
    addResult(summary, result);
    options.onResult?.(result, county.logs());
    if (result.violations.length > 0 && options.stopOnFailure) break;
  }
  summary.ms = Date.now() - started;
  return summary;
}

export function emptySummary(): CountyManySummary {
  return {
    runs: 0,
    failures: [],
    ms: 0,
    totals: {},
    profiles: {},
    faultsInjected: 0,
    cases: 0,
    openCasesAtEnd: 0,
  };
}

/** Counts one run into the summary (a failing run into its failures, in seed order). */
export function addResult(summary: CountyManySummary, result: CountyRunResult): void {
  summary.runs += 1;
  summary.cases += result.cases;
  summary.faultsInjected += result.faultsInjected;
  summary.openCasesAtEnd += result.openCases;
  summary.profiles[result.profile] = (summary.profiles[result.profile] ?? 0) + 1;
  for (const [key, value] of Object.entries(result.stats))
    summary.totals[key] = (summary.totals[key] ?? 0) + value;
  if (result.violations.length > 0) {
    summary.failures.push(result);
    summary.failures.sort((a, b) => a.seed - b.seed);
  }
}

/** What a failing seed prints: the seed, how to replay it, what broke, and the run's last steps. */
export function describeCountyFailure(result: CountyRunResult, broken?: BrokenCountyFault): string {
  return [
    `COUNTY SIMULATION FAILED — seed ${result.seed} (faults: ${result.profile}${broken ? `, test-only fault: ${broken}` : ""})`,
    `  replay: npx tsx scripts/soak.ts --level county --seed ${result.seed} --runs 1${broken ? ` --broken ${broken}` : ""}`,
    ...result.violations.map((v) => `  ✗ ${v.invariant}: ${v.detail}`),
    "  last steps:",
    ...result.trace.slice(-14).map((line) => `    ${line}`),
  ].join("\n");
}
