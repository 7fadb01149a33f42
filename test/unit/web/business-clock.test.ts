/**
 * The consoles judge deadlines by the API's business clock (web/src/businessClock.ts): an answer's
 * `x-business-time` sets the difference to the device's clock, which then runs on with the device; an
 * answer without a readable time leaves it; today's business date and the default month follow it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  businessNow,
  businessNowMs,
  noteBusinessTime,
  resetBusinessClock,
} from "../../../web/src/businessClock.ts";
import { dueIn, localDate, localMonth } from "../../../web/src/format.ts";

/** The device's clock: 7 December 2026, 09:00 in Beijing. */
const DEVICE_MS = Date.parse("2026-12-07T09:00:00+08:00");
/** The county's business clock (a manual clock set back): 2 November 2026, 09:00 in Beijing. */
const BUSINESS = "2026-11-02T01:00:00.000Z";
const t = (key: string, named: Record<string, unknown>) => `${key}:${String(named.n)}`;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(DEVICE_MS);
  resetBusinessClock();
});
afterEach(() => {
  resetBusinessClock();
  vi.useRealTimers();
});

describe("the business clock", () => {
  it("is the device's clock until an answer says otherwise", () => {
    expect(businessNowMs()).toBe(DEVICE_MS);
    expect(localDate()).toBe("2026-12-07");
  });

  it("follows the answer's business time and runs on with the device's clock", () => {
    noteBusinessTime(BUSINESS);
    expect(businessNow().toISOString()).toBe(BUSINESS);
    expect(localDate()).toBe("2026-11-02");
    expect(localMonth()).toBe("2026-11");
    vi.setSystemTime(DEVICE_MS + 90 * 60_000);
    expect(businessNow().toISOString()).toBe("2026-11-02T02:30:00.000Z");
  });

  it("judges a deadline by the business time, not the device's", () => {
    const dueAt = "2026-11-04T01:00:00.000Z";
    expect(dueIn(dueAt, Date.now(), t)).toBe("due.overdueDays:33");
    noteBusinessTime(BUSINESS);
    expect(dueIn(dueAt, businessNowMs(), t)).toBe("due.inDays:2");
  });

  it("counts the difference from the answer's arrival on the device", () => {
    noteBusinessTime(BUSINESS, DEVICE_MS - 5_000);
    expect(businessNowMs()).toBe(Date.parse(BUSINESS) + 5_000);
  });

  it("keeps the last difference when an answer carries no readable time", () => {
    noteBusinessTime(BUSINESS);
    noteBusinessTime(null);
    noteBusinessTime("");
    noteBusinessTime("not a time");
    expect(businessNow().toISOString()).toBe(BUSINESS);
  });

  it("forgets the difference when reset", () => {
    noteBusinessTime(BUSINESS);
    resetBusinessClock();
    expect(businessNowMs()).toBe(DEVICE_MS);
  });
});
