/**
 * The clock of the embedded runtime. Wait states, task deadlines (TimeoutSeconds, HeartbeatSeconds)
 * and the handlers' `nowMs()` (`functions/runtime/clock.ts`) all read this one clock, so a deadline a
 * handler computes agrees with the timer the state-machine layer arms.
 *
 * - `real`: wall-clock time.
 * - `accelerated`: virtual time runs `speed` times faster than wall-clock time (3600 = an hour a
 *   second), so Wait states and deadlines of days pass in seconds (demos, `--clock-speed`).
 * - `manual`: virtual time moves only when a test calls `advanceBy`/`advanceTo`; due timers fire in
 *   deadline order. Tests never sleep.
 */
import type { Clock } from "#functions/runtime/clock.ts";

export type ClockMode = "real" | "accelerated" | "manual";

/** Node's setTimeout overflows above 2^31-1 ms (24.8 days) and fires after 1 ms: longer waits are chunked. */
export const TIMER_DELAY_MS_MAX = 2_147_483_647;

export interface LocalClock extends Clock {
  readonly mode: ClockMode;
  /** Virtual milliseconds per real millisecond (1 for `real`, 0 for `manual`). */
  readonly speed: number;
  nowMs(): number;
  /** Resolves once the clock reads `targetMs` or later; rejects with the signal's reason on abort. */
  sleepUntil(targetMs: number, signal?: AbortSignal): Promise<void>;
}

export interface ManualClock extends LocalClock {
  readonly mode: "manual";
  /** Moves virtual time forward by `ms`, firing every timer that falls due, in deadline order. */
  advanceBy(ms: number): Promise<void>;
  advanceTo(targetMs: number): Promise<void>;
  /** Number of armed timers (a test waits for a Wait state or a deadline to be armed, then advances). */
  pendingTimerCount(): number;
  /** When the earliest armed timer falls due (undefined: none armed) — to advance one timer at a time. */
  nextDueMs(): number | undefined;
  /**
   * Sets the time back (or forward) with no timer armed — a simulation starting its next independent
   * run at the same instant. Refused while anything waits on the clock: time never jumps under a waiter.
   */
  resetTo(ms: number): void;
}

/** The mapping of an accelerated clock: virtual = virtualMs + (real − realMs) × speed. */
export interface ClockAnchor {
  realMs: number;
  virtualMs: number;
}

export type ClockOptions =
  | { mode: "real" }
  | { mode: "accelerated"; speed: number; anchor?: ClockAnchor }
  | { mode: "manual"; startMs?: number };

export function createClock(options: ClockOptions): LocalClock {
  switch (options.mode) {
    case "real":
      return new ScaledClock("real", 1, { realMs: Date.now(), virtualMs: Date.now() });
    case "accelerated": {
      if (!(options.speed > 0) || !Number.isFinite(options.speed)) {
        throw new RangeError(`clock speed must be a positive number, got ${options.speed}`);
      }
      const anchor = options.anchor ?? { realMs: Date.now(), virtualMs: Date.now() };
      return new ScaledClock("accelerated", options.speed, anchor);
    }
    case "manual":
      return new VirtualClock(options.startMs ?? Date.now());
  }
}

export function createManualClock(startMs?: number): ManualClock {
  return new VirtualClock(startMs ?? Date.now());
}

export function isManualClock(clock: LocalClock): clock is ManualClock {
  return clock.mode === "manual";
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted", "AbortError");
}

class ScaledClock implements LocalClock {
  constructor(
    readonly mode: "real" | "accelerated",
    readonly speed: number,
    readonly anchor: ClockAnchor,
  ) {}

  nowMs(): number {
    return Math.floor(this.anchor.virtualMs + (Date.now() - this.anchor.realMs) * this.speed);
  }

  sleepUntil(targetMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal as AbortSignal));
      };
      const check = () => {
        const remainingMs = targetMs - this.nowMs();
        if (remainingMs <= 0) {
          signal?.removeEventListener("abort", onAbort);
          return resolve();
        }
        // Re-check after each chunk: long waits never overflow the timer (ARCHITECTURE §4).
        timer = setTimeout(check, Math.min(Math.ceil(remainingMs / this.speed), TIMER_DELAY_MS_MAX));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      check();
    });
  }
}

interface VirtualTimer {
  dueMs: number;
  sequence: number;
  fire(): void;
}

class VirtualClock implements ManualClock {
  readonly mode = "manual" as const;
  readonly speed = 0;
  private currentMs: number;
  private timers: VirtualTimer[] = [];
  private sequence = 0;

  constructor(startMs: number) {
    this.currentMs = startMs;
  }

  nowMs(): number {
    return this.currentMs;
  }

  pendingTimerCount(): number {
    return this.timers.length;
  }

  nextDueMs(): number | undefined {
    return this.timers[0]?.dueMs;
  }

  resetTo(ms: number): void {
    if (this.timers.length > 0)
      throw new RangeError(`${this.timers.length} timer(s) armed: the clock cannot be reset under them`);
    this.currentMs = ms;
  }

  sleepUntil(targetMs: number, signal?: AbortSignal): Promise<void> {
    if (targetMs <= this.currentMs)
      return signal?.aborted ? Promise.reject(abortReason(signal)) : Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const timer: VirtualTimer = {
        dueMs: targetMs,
        sequence: this.sequence++,
        fire: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(abortReason(signal as AbortSignal));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.timers.push(timer);
      this.timers.sort((a, b) => a.dueMs - b.dueMs || a.sequence - b.sequence);
    });
  }

  advanceBy(ms: number): Promise<void> {
    if (!Number.isFinite(ms)) throw new RangeError(`a clock moves by a number of milliseconds, not ${ms}`);
    if (ms < 0) throw new RangeError("a clock does not run backwards");
    return this.advanceTo(this.currentMs + ms);
  }

  async advanceTo(targetMs: number): Promise<void> {
    // NaN compares false both ways: it would fire every timer and leave the clock at NaN.
    if (!Number.isFinite(targetMs))
      throw new RangeError(`a clock moves to a time in milliseconds, not ${targetMs}`);
    if (targetMs < this.currentMs) throw new RangeError("a clock does not run backwards");
    for (;;) {
      const next = this.timers[0];
      if (!next || next.dueMs > targetMs) break;
      this.timers.shift();
      this.currentMs = Math.max(this.currentMs, next.dueMs);
      next.fire();
      // Let the woken code run (and possibly arm the next timer) before time moves on.
      await settle();
    }
    this.currentMs = targetMs;
    await settle();
  }
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
