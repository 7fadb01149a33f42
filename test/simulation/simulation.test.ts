/**
 * Issue 12 §1: the bulk of the seeded simulation — 1,000 runs of the ledger+payments model, each
 * on a fresh in-memory DynamoDB behind the REAL SDK client (faults injected through the SDK request
 * handler; see model/memory-dynamo.ts for what that double is and is not). Among the faults: writes
 * that commit and answer with a timeout, and applied entries submitted again 1–30 days later through
 * a new writer (model/driver.ts `lateRetry`), which must be answered with the original entry. The same model on
 * DynamoDB Local is `simulation-dynamodb-local.test.ts`. A failure prints its seed and the command
 * that replays it.
 */
import { describe, expect, it } from "vitest";
import { describeFailure, memoryTables, runMany, runSeed } from "./model/index.ts";

const RUNS = 1_000;

describe("ledger+payments simulation, 1,000 seeded runs", () => {
  it(`${RUNS} runs keep every invariant of the fund ledger and the payments`, {
    // The box is wide because CI runs this beside every other test file on 2 cores (≈ 60–90 s alone).
    timeout: 480_000,
  }, async () => {
    // Act
    const summary = await runMany({ endpoint: "memory", firstSeed: 1, runs: RUNS, concurrency: 4 });
    for (const failure of summary.failures) console.error(describeFailure(failure));
    console.log(
      [
        `in-memory level: ${summary.runs} runs, ${summary.cases} cases (${summary.openCasesAtEnd} waiting for a human at the end), ${summary.faultsInjected} DynamoDB faults injected, ${summary.concurrentGroups} concurrent groups, ${(summary.ms / 1000).toFixed(1)} s`,
        `  fault profiles ${JSON.stringify(summary.profiles)}`,
        ...Object.entries(summary.totals)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, value]) => `  ${key}: ${value}`),
      ].join("\n"),
    );

    // Assess: no seed broke anything, and the runs did meet what they are meant to meet
    expect(summary.failures.map((f) => f.seed)).toEqual([]);
    expect(summary.runs).toBe(RUNS);
    expect(summary.profiles.stormy).toBeGreaterThan(100);
    expect(summary.faultsInjected).toBeGreaterThan(1_000);
    for (const happening of [
      "draws refused: fund ran dry (waits for finance)",
      "replenishments",
      "allocations",
      "transfers failed",
      "reversals",
      "re-routes",
      "decisions escalated to the county",
      "duplicate decisions answered with the recorded one",
      "decisions refused (contradict the recorded one)",
      "steps run twice at once",
      "polls after a confirmation timeout",
      "plans stopped at a re-check",
      "task failures retried later",
      // Exactly once forever: applied entries submitted again days later by another process.
      "late retries (days later, another process) answered duplicate",
    ]) {
      expect(summary.totals[happening], happening).toBeGreaterThan(0);
    }
  });

  it("a seed replays exactly: the same steps, the same outcome", async () => {
    for (const seed of [7, 38, 501]) {
      // Act
      const first = await runSeed({ seed, tables: memoryTables() });
      const second = await runSeed({ seed, tables: memoryTables() });

      // Assess
      expect(second.trace).toEqual(first.trace);
      expect(second.stats).toEqual(first.stats);
      expect(second.faultsInjected).toBe(first.faultsInjected);
    }
  });

  it("a payment step that skips the fund check (test-only fault) is caught and reported with its seed", {
    timeout: 60_000,
  }, async () => {
    // Act
    const summary = await runMany({
      endpoint: "memory",
      firstSeed: 1,
      runs: 200,
      broken: "skip-fund-check",
      stopOnFailure: true,
    });
    const caught = summary.failures[0];
    if (!caught) throw new Error("the broken payment step went unnoticed in 200 seeds");
    const report = describeFailure(caught, "skip-fund-check");
    console.log(report);

    // Assess: the seed is named, the broken rule is named, and the seed replays the same failure
    expect(report).toContain(`seed ${caught.seed}`);
    expect(report).toContain(`--seed ${caught.seed} --runs 1 --broken skip-fund-check`);
    expect(caught.violations.map((v) => v.invariant)).toContain("draw-has-approved-decision");
    const replayed = await runSeed({ seed: caught.seed, tables: memoryTables(), broken: "skip-fund-check" });
    expect(replayed.violations).toEqual(caught.violations);
    expect(replayed.trace).toEqual(caught.trace);
  });

  it("a payment step that mints a new draw id per call (test-only fault) is caught as a double payment", {
    timeout: 60_000,
  }, async () => {
    // Act
    const summary = await runMany({
      endpoint: "memory",
      firstSeed: 1,
      runs: 200,
      broken: "non-idempotent-draw",
      stopOnFailure: true,
    });
    const caught = summary.failures[0];
    if (!caught) throw new Error("the non-idempotent draw went unnoticed in 200 seeds");
    console.log(describeFailure(caught, "non-idempotent-draw"));

    // Assess
    expect(caught.violations.map((v) => v.invariant)).toContain("no-double-payment");
    const replayed = await runSeed({
      seed: caught.seed,
      tables: memoryTables(),
      broken: "non-idempotent-draw",
    });
    expect(replayed.violations).toEqual(caught.violations);
  });
});
