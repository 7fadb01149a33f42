/**
 * Issue 12 §1 on the real engine: the ledger+payments model on DynamoDB Local (faults injected
 * through the SDK). Fewer runs than the in-memory level — every request crosses to the JVM — and a
 * check that the in-memory DynamoDB and DynamoDB Local take a seed through the same steps to the
 * same outcome, which is what lets the bulk of the runs use the in-memory one.
 */
import { describe, expect, inject, it } from "vitest";
import { createSimTables, describeFailure, memoryTables, runMany, runSeed } from "./model/index.ts";

const RUNS_ON_DYNAMODB_LOCAL = 24;

describe("ledger+payments simulation on DynamoDB Local", () => {
  it(`${RUNS_ON_DYNAMODB_LOCAL} seeded runs keep every invariant`, { timeout: 170_000 }, async () => {
    // Act
    const summary = await runMany({
      endpoint: inject("dynamoEndpoint"),
      firstSeed: 1,
      runs: RUNS_ON_DYNAMODB_LOCAL,
      concurrency: 4,
    });
    for (const failure of summary.failures) console.error(describeFailure(failure));
    console.log(
      `DynamoDB Local level: ${summary.runs} runs, ${summary.cases} cases, ${summary.faultsInjected} faults injected, ${summary.concurrentGroups} concurrent groups, ${(summary.ms / 1000).toFixed(1)} s`,
    );

    // Assess
    expect(summary.failures.map((f) => f.seed)).toEqual([]);
    expect(summary.runs).toBe(RUNS_ON_DYNAMODB_LOCAL);
    expect(summary.faultsInjected).toBeGreaterThan(0);
  });

  it("the in-memory DynamoDB and DynamoDB Local take a seed through the same steps to the same outcome", {
    timeout: 120_000,
  }, async () => {
    for (const seed of [3, 39]) {
      // Act
      const onLocal = await runSeed({
        seed,
        tables: await createSimTables(inject("dynamoEndpoint"), "agree"),
      });
      const inMemory = await runSeed({ seed, tables: memoryTables() });

      // Assess
      expect(inMemory.trace).toEqual(onLocal.trace);
      expect(inMemory.stats).toEqual(onLocal.stats);
      expect(inMemory.violations).toEqual(onLocal.violations);
    }
  });
});
