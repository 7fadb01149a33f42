/**
 * The one source of "now" for handlers and adapters. In AWS it is the system clock. The local
 * runtime installs its (possibly accelerated) clock with `installClock`, so deadlines computed by a
 * handler agree with the Wait states and task timeouts of the local state-machine runner. The core
 * never reads the clock: time is passed in.
 */
export interface Clock {
  /** Current instant in epoch milliseconds. */
  nowMs(): number;
}

const systemClock: Clock = { nowMs: () => Date.now() };
let current: Clock = systemClock;

export function installClock(clock: Clock): void {
  current = clock;
}

export function resetClock(): void {
  current = systemClock;
}

export function nowMs(): number {
  return current.nowMs();
}

export function now(): Date {
  return new Date(current.nowMs());
}
