/**
 * When an SMS may go out (issue 24 item 3, DOMAIN §7): quiet hours 22:00–07:00 Asia/Shanghai with
 * payments and escalations exempt, at most RATE_LIMIT texts per number, opt-out honoured, retries
 * with exponential backoff and jitter, unreachable after repeated failures. Fixed instants, and the
 * accelerated clock of the local runtime for a night passing in a moment.
 */
import { describe, expect, it } from "vitest";
import {
  type DeliveryContext,
  deliveryDecision,
  isOptOutReply,
  isQuietHour,
  isUnreachable,
  QUIET_HOURS_EXEMPT,
  quietHoursEndMs,
  RATE_LIMIT,
  RETRY,
  rateLimitFreeAtMs,
  retryDelayMs,
  UNREACHABLE_AFTER_FAILURES,
} from "#core/messages/delivery.ts";
import { createClock } from "#local/clock.ts";

/** An instant given as Asia/Shanghai wall time. */
const shanghai = (local: string) => Date.parse(`${local}+08:00`);
const HOUR_MS = 3_600_000;

function context(overrides: Partial<DeliveryContext>): DeliveryContext {
  return {
    event: "application-received",
    nowMs: shanghai("2026-12-07T10:00:00"),
    optedOut: false,
    unreachable: false,
    recentSendsMs: [],
    ...overrides,
  };
}

describe("quiet hours 22:00–07:00 Asia/Shanghai", () => {
  it("21:59 is not quiet, 22:00 and 06:59 are, 07:00 is not", () => {
    expect(isQuietHour(shanghai("2026-12-07T21:59:59"))).toBe(false);
    expect(isQuietHour(shanghai("2026-12-07T22:00:00"))).toBe(true);
    expect(isQuietHour(shanghai("2026-12-08T06:59:59"))).toBe(true);
    expect(isQuietHour(shanghai("2026-12-08T07:00:00"))).toBe(false);
  });

  it("a decision at 23:30 is deferred to 07:00 the next morning; one at 03:00 to 07:00 the same day", () => {
    expect(deliveryDecision(context({ nowMs: shanghai("2026-12-07T23:30:00") }))).toEqual({
      action: "defer",
      reason: "quiet-hours",
      untilMs: shanghai("2026-12-08T07:00:00"),
    });
    expect(quietHoursEndMs(shanghai("2026-12-08T03:00:00"))).toBe(shanghai("2026-12-08T07:00:00"));
  });

  it("money sent, stage paid, transfer failed and escalations go out at night", () => {
    const night = shanghai("2026-12-07T23:30:00");
    for (const event of ["money-sent", "stage-paid", "transfer-failed", "task-escalated"] as const) {
      expect(QUIET_HOURS_EXEMPT.has(event)).toBe(true);
      expect(deliveryDecision(context({ event, nowMs: night }))).toEqual({ action: "send" });
    }
    expect(deliveryDecision(context({ event: "paperwork-reminder", nowMs: night })).action).toBe("defer");
  });

  it("with the accelerated clock a message deferred at 22:30 is sendable once the clock reads 07:00", async () => {
    const clock = createClock({
      mode: "accelerated",
      speed: 36_000, // ten hours of virtual time per real second
      anchor: { realMs: Date.now(), virtualMs: shanghai("2026-12-07T22:30:00") },
    });
    const first = deliveryDecision(context({ nowMs: clock.nowMs() }));
    expect(first.action).toBe("defer");
    const untilMs = (first as { untilMs: number }).untilMs;
    await clock.sleepUntil(untilMs);
    expect(deliveryDecision(context({ nowMs: clock.nowMs() }))).toEqual({ action: "send" });
  });
});

describe("per-number rate limit", () => {
  it(`at most ${RATE_LIMIT.perHour} in an hour: the next waits until the oldest leaves the hour`, () => {
    const now = shanghai("2026-12-07T10:00:00");
    const sends = [now - 50 * 60_000, now - 20 * 60_000, now - 5 * 60_000];
    expect(sends).toHaveLength(RATE_LIMIT.perHour);
    expect(deliveryDecision(context({ nowMs: now, recentSendsMs: sends }))).toEqual({
      action: "defer",
      reason: "rate-limit",
      untilMs: (sends[0] as number) + HOUR_MS,
    });
    expect(deliveryDecision(context({ nowMs: now, recentSendsMs: sends.slice(1) }))).toEqual({
      action: "send",
    });
  });

  it(`at most ${RATE_LIMIT.perDay} in 24 hours, counted rolling`, () => {
    const now = shanghai("2026-12-07T20:00:00");
    const sends = [9, 10, 12, 14, 16].map((h) => shanghai(`2026-12-07T${String(h).padStart(2, "0")}:00:00`));
    expect(sends).toHaveLength(RATE_LIMIT.perDay);
    // Free again 24 h after the 09:00 send: 09:00 the next day (not in the quiet hours).
    expect(rateLimitFreeAtMs(sends, now)).toBe(shanghai("2026-12-08T09:00:00"));
    expect(deliveryDecision(context({ nowMs: now, recentSendsMs: sends }))).toMatchObject({
      action: "defer",
      reason: "rate-limit",
      untilMs: shanghai("2026-12-08T09:00:00"),
    });
  });

  it("a place freed in the night is used at 07:00", () => {
    const now = shanghai("2026-12-07T21:00:00");
    const sends = [1, 2, 3, 20, 20.5].map((h) => now - 24 * HOUR_MS + h * HOUR_MS).map(Math.round);
    const freeAt = rateLimitFreeAtMs(sends, now);
    expect(isQuietHour(freeAt)).toBe(true);
    expect(deliveryDecision(context({ nowMs: now, recentSendsMs: sends }))).toEqual({
      action: "defer",
      reason: "rate-limit",
      untilMs: shanghai("2026-12-08T07:00:00"),
    });
  });

  it("payment news is never held by the rate limit", () => {
    const now = shanghai("2026-12-07T10:00:00");
    const sends = [1, 2, 3, 4, 5].map((m) => now - m * 60_000);
    expect(deliveryDecision(context({ event: "money-sent", nowMs: now, recentSendsMs: sends }))).toEqual({
      action: "send",
    });
  });
});

describe("opt-out and unreachable numbers", () => {
  it("an opted-out number gets no SMS, at any hour, for any event", () => {
    for (const event of ["application-received", "money-sent"] as const) {
      expect(deliveryDecision(context({ event, optedOut: true }))).toEqual({
        action: "suppress",
        reason: "opted-out",
      });
    }
  });

  it("TD, td, 退订 and ＴＤ (full width) are opt-out replies; a sentence mentioning 退订 is not", () => {
    for (const reply of ["TD", " td ", "退订", "ＴＤ", "stop"]) expect(isOptOutReply(reply)).toBe(true);
    for (const reply of ["好的，谢谢", "不要退订", "TDX", ""]) expect(isOptOutReply(reply)).toBe(false);
  });

  it(`unreachable after ${UNREACHABLE_AFTER_FAILURES} messages failed for good, or at once when invalid`, () => {
    expect(isUnreachable(UNREACHABLE_AFTER_FAILURES - 1, false)).toBe(false);
    expect(isUnreachable(UNREACHABLE_AFTER_FAILURES, false)).toBe(true);
    expect(isUnreachable(0, true)).toBe(true);
    expect(deliveryDecision(context({ unreachable: true }))).toEqual({
      action: "suppress",
      reason: "unreachable",
    });
  });
});

describe("retry with exponential backoff and jitter", () => {
  it("doubles from the base delay, half fixed and half random, and stops after the limit", () => {
    expect(retryDelayMs(1, () => 0)).toBe(RETRY.baseDelayMs / 2);
    expect(retryDelayMs(1, () => 0.999_999)).toBeLessThanOrEqual(RETRY.baseDelayMs);
    expect(retryDelayMs(2, () => 0)).toBe(RETRY.baseDelayMs);
    expect(retryDelayMs(3, () => 0)).toBe(RETRY.baseDelayMs * 2);
    const late = retryDelayMs(RETRY.attemptsMax - 1, () => 0.999_999) as number;
    expect(late).toBeLessThanOrEqual(RETRY.maxDelayMs);
    expect(retryDelayMs(RETRY.attemptsMax, () => 0.5)).toBeUndefined();
  });

  it("two dispatchers failing together draw different delays", () => {
    const a = retryDelayMs(3, () => 0.1) as number;
    const b = retryDelayMs(3, () => 0.9) as number;
    expect(a).not.toBe(b);
    expect(() => retryDelayMs(0, Math.random)).toThrow(RangeError);
  });
});
