import { configDefaults, defineConfig } from "vitest/config";

/**
 * Test files that measure what the machine gives them run alone, after the rest, one at a time:
 * the county simulation fills a fixed time box with seeds (its count is the CPU it gets) and the
 * concurrency waves fire twenty requests at once per route within a test's time. Every other file
 * runs two at a time: most of their time is spent waiting on DynamoDB Local, Chromium or a child
 * process, so two files side by side keep both cores busy (one at a time left one core idle).
 */
const ALONE = ["test/simulation/county-simulation.test.ts", "test/e2e/concurrency/every-route.test.ts"];

/** Files run side by side in the first group; vitest's own default on 2 cores is 1. */
const SIDE_BY_SIDE_WORKERS = 2;

export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "side-by-side",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...ALONE],
          maxWorkers: SIDE_BY_SIDE_WORKERS,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: "alone", include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
