/** The runtime's clock: manual time fires timers in deadline order; accelerated time compresses waits. */
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { createClock, createManualClock } from "../../../local/clock.ts";

describe("manual clock", () => {
  it("fires due timers in deadline order and leaves later ones armed", async () => {
    const clock = createManualClock(1_000);
    const fired: string[] = [];
    void clock.sleepUntil(5_000).then(() => fired.push(`second at ${clock.nowMs()}`));
    void clock.sleepUntil(3_000).then(() => fired.push(`first at ${clock.nowMs()}`));
    void clock.sleepUntil(9_000).then(() => fired.push("too late"));

    await clock.advanceBy(6_000);

    expect(fired).toEqual(["first at 3000", "second at 5000"]);
    expect(clock.nowMs()).toBe(7_000);
    expect(clock.pendingTimerCount()).toBe(1);
  });

  it("an aborted sleep rejects and disarms its timer; time never runs backwards", async () => {
    const clock = createManualClock(0);
    const controller = new AbortController();
    const sleeping = clock.sleepUntil(10, controller.signal);

    controller.abort(new Error("stopped"));

    await expect(sleeping).rejects.toThrow("stopped");
    expect(clock.pendingTimerCount()).toBe(0);
    await expect(clock.advanceTo(-1)).rejects.toThrow(RangeError);
  });
});

describe("manual clock between independent runs", () => {
  it("refuses a time that is not a number (NaN, Infinity) and fires nothing", async () => {
    const clock = createManualClock(1_000);
    const fired: number[] = [];
    void clock.sleepUntil(2_000).then(() => fired.push(clock.nowMs()));

    await expect(clock.advanceTo(Number.NaN)).rejects.toThrow(RangeError);
    await expect(clock.advanceTo(Number.POSITIVE_INFINITY)).rejects.toThrow(RangeError);
    expect(() => clock.advanceBy(Number.NaN)).toThrow(RangeError);

    expect(fired).toEqual([]);
    expect(clock.nowMs()).toBe(1_000);
    expect(clock.pendingTimerCount()).toBe(1);
  });

  it("names its next due time, and is reset only when nothing waits on it", async () => {
    // Prepare
    const clock = createManualClock(1_000);
    const waiting = new AbortController();
    const sleep = clock.sleepUntil(4_000, waiting.signal).catch(() => "aborted");

    // Act
    const nextWhileArmed = clock.nextDueMs();
    const refused = (() => {
      try {
        clock.resetTo(500);
        return "reset";
      } catch (error) {
        return (error as Error).message;
      }
    })();
    waiting.abort();
    await sleep;
    clock.resetTo(500);

    // Assess
    expect(nextWhileArmed).toBe(4_000);
    expect(refused).toContain("1 timer(s) armed");
    expect(clock.nextDueMs()).toBeUndefined();
    expect(clock.nowMs()).toBe(500);
  });
});

describe("accelerated clock", () => {
  it("an hour of virtual time passes in moments, not an hour, at 1,000,000×", async () => {
    const clock = createClock({ mode: "accelerated", speed: 1_000_000 });
    const startVirtualMs = clock.nowMs();
    const startReal = performance.now();

    await clock.sleepUntil(startVirtualMs + 3_600_000);

    expect(clock.nowMs()).toBeGreaterThanOrEqual(startVirtualMs + 3_600_000);
    // 3.6 ms at this speed; the bound is loose for a loaded machine (timings belong in the benchmark).
    expect(performance.now() - startReal).toBeLessThan(30_000);
  });

  it("rejects a speed that is not a positive number", () => {
    expect(() => createClock({ mode: "accelerated", speed: 0 })).toThrow(RangeError);
  });
});
