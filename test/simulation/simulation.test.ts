/**
 * Issue 12 §1: seeded simulation with invariants checked after every run. This file runs the
 * ledger+payments model on DynamoDB Local (the real engine, faults injected through the SDK):
 * fewer runs, because every request crosses to the JVM. A failure prints its seed and the command
 * that replays it.
 */
import { describe, expect, inject, it } from "vitest";
import { createSimTables, describeFailure, runMany, runSeed } from "./model/index.ts";

const RUNS_ON_DYNAMODB_LOCAL = 40;

describe("ledger+payments simulation on DynamoDB Local", () => {
  it(`${RUNS_ON_DYNAMODB_LOCAL} seeded runs keep every ledger invariant`, { timeout: 170_000 }, async () => {
    // Act
    const summary = await runMany({
      endpoint: inject("dynamoEndpoint"),
      firstSeed: 1,
      runs: RUNS_ON_DYNAMODB_LOCAL,
      concurrency: 4,
    });
    for (const failure of summary.failures) console.error(describeFailure(failure));
    console.log(
      `DynamoDB Local level: ${summary.runs} runs, ${summary.cases} cases, ${summary.faultsInjected} faults injected, ${summary.concurrentGroups} concurrent groups in ${(summary.ms / 1000).toFixed(1)} s`,
    );

    // Assess
    expect(summary.failures.map((f) => f.seed)).toEqual([]);
    expect(summary.runs).toBe(RUNS_ON_DYNAMODB_LOCAL);
    expect(summary.faultsInjected).toBeGreaterThan(0);
    expect(summary.totals["draws refused: fund ran dry (waits for finance)"]).toBeGreaterThan(0);
    expect(summary.totals["transfers failed"]).toBeGreaterThan(0);
  });

  it("a seed replays exactly: the same steps, the same outcome", { timeout: 120_000 }, async () => {
    // Prepare
    const seeds = [3, 17];
    for (const seed of seeds) {
      // Act: the same seed on two fresh sets of tables
      const first = await runSeed({
        seed,
        tables: await createSimTables(inject("dynamoEndpoint"), "replay"),
      });
      const second = await runSeed({
        seed,
        tables: await createSimTables(inject("dynamoEndpoint"), "replay"),
      });

      // Assess
      expect(second.trace).toEqual(first.trace);
      expect(second.stats).toEqual(first.stats);
      expect(second.violations).toEqual(first.violations);
    }
  });

  it("a deliberately broken payment step (pays without a successful draw) is caught and reported with its seed", {
    timeout: 120_000,
  }, async () => {
    // Act: the test-only fault makes the payment step instruct the bank although the draw was refused
    const summary = await runMany({
      endpoint: inject("dynamoEndpoint"),
      firstSeed: 1,
      runs: 40,
      concurrency: 4,
      broken: "skip-fund-check",
      stopOnFailure: true,
    });
    const caught = summary.failures[0];
    expect(caught).toBeDefined();
    if (!caught) return;
    const report = describeFailure(caught, "skip-fund-check");
    console.log(report);

    // Assess: the report names the seed and the invariant; the seed replays the same violation
    expect(report).toContain(`seed ${caught.seed}`);
    expect(report).toContain(`--seed ${caught.seed} --runs 1 --broken skip-fund-check`);
    expect(caught.violations.map((v) => v.invariant)).toContain("draw-has-approved-decision");
    const replayed = await runSeed({
      seed: caught.seed,
      tables: await createSimTables(inject("dynamoEndpoint"), "replay"),
      broken: "skip-fund-check",
    });
    expect(replayed.violations).toEqual(caught.violations);
    expect(replayed.trace).toEqual(caught.trace);
  });
});
