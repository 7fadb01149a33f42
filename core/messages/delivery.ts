/**
 * When an SMS may go out (DOMAIN §7 "SMS quiet hours", "messages per phone number
 * per day"): quiet hours in Asia/Shanghai, a per-number rate limit, the opt-out, retries with
 * backoff and jitter, and when a number counts as unreachable. Pure: every instant is an argument,
 * so the dispatcher, the tests and the accelerated clock get the same answers. The inbox is not
 * governed by any of this: it always gets the message.
 */
import type { MessageEventKind } from "./events.ts";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS; // not-policy: hours of a day
/** Asia/Shanghai is UTC+08:00 all year (core/calendar/localDate.ts). */
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

/** DOMAIN §7: no SMS from 22:00 to 07:00 Asia/Shanghai; a message due then waits for 07:00. */
export const QUIET_HOURS = {
  startHour: 22, // not-policy: DOMAIN §7 fixed SMS rule (not a county parameter)
  endHour: 7, // not-policy: DOMAIN §7 fixed SMS rule (not a county parameter)
} as const;

/** Money and escalations are told at once, night or day (DOMAIN §7 "payments and escalations exempt"). */
export const QUIET_HOURS_EXEMPT: ReadonlySet<MessageEventKind> = new Set<MessageEventKind>([
  "money-sent",
  "stage-paid",
  "transfer-failed",
  "task-escalated",
]);

/**
 * At most `perDay` SMS to one number in any rolling 24 hours (DOMAIN §7: 5) and at most `perHour`
 * in any rolling hour, so a burst of steps does not arrive as a burst of texts. A message over the
 * limit waits until the oldest counted send leaves the window; it is never dropped.
 */
export const RATE_LIMIT = {
  perHour: 3,
  perDay: 5, // not-policy: DOMAIN §7 messages per phone number per day (fixed)
} as const;

/**
 * Retries of `throttled`/`failed` provider answers: exponential from `baseDelayMs`, capped at
 * `maxDelayMs`, with "equal jitter" (half fixed, half random) so dispatchers that failed together do
 * not retry together; after `attemptsMax` attempts the message is `failed` for good.
 */
export const RETRY = {
  attemptsMax: 6, // not-policy: delivery retry limit, not an aid rule
  baseDelayMs: MINUTE_MS,
  maxDelayMs: 2 * HOUR_MS,
} as const;

/**
 * A number whose messages failed for good this many times in a row (or that the provider calls
 * invalid once) is unreachable by SMS: the township is told to phone instead (UNREACHABLE_NOTICE_ZH).
 */
export const UNREACHABLE_AFTER_FAILURES = 3;

/** What the case shows the township when its applicant's number is unreachable. */
export const UNREACHABLE_NOTICE_ZH = "无法短信联系，请电话联系";

export type DeliveryStatus = "queued" | "deferred" | "sent" | "delivered" | "failed" | "suppressed";

/** Why a message was not sent now. */
export type DeferReason = "quiet-hours" | "rate-limit" | "retry";
/** `no-channel`: the county set up no SMS provider; `no-template`: none for this event. */
export type SuppressReason = "opted-out" | "unreachable" | "no-phone" | "no-channel" | "no-template";

/** Hour of the day (0–23) in Asia/Shanghai at `atMs`. */
export function shanghaiHour(atMs: number): number {
  return new Date(atMs + SHANGHAI_OFFSET_MS).getUTCHours();
}

export function isQuietHour(atMs: number): boolean {
  const hour = shanghaiHour(atMs);
  return hour >= QUIET_HOURS.startHour || hour < QUIET_HOURS.endHour;
}

/** The first 07:00 Asia/Shanghai at or after `atMs` (the end of the quiet hours `atMs` falls in). */
export function quietHoursEndMs(atMs: number): number {
  const local = atMs + SHANGHAI_OFFSET_MS;
  const localMidnight = local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
  let end = localMidnight + QUIET_HOURS.endHour * HOUR_MS;
  if (end < local) end += DAY_MS;
  return end - SHANGHAI_OFFSET_MS;
}

/**
 * When a message to a number that was sent to at `sentAtMs` may go out at `nowMs` or later:
 * `nowMs` itself when neither window is full, else the instant a window frees a place.
 */
export function rateLimitFreeAtMs(sentAtMs: readonly number[], nowMs: number): number {
  const inWindow = (windowMs: number) =>
    sentAtMs.filter((at) => at > nowMs - windowMs && at <= nowMs).sort((a, b) => a - b);
  let freeAt = nowMs;
  for (const [windowMs, limit] of [
    [HOUR_MS, RATE_LIMIT.perHour],
    [DAY_MS, RATE_LIMIT.perDay],
  ] as const) {
    const sends = inWindow(windowMs);
    if (sends.length < limit) continue;
    // The (count − limit + 1)-th oldest send must leave the window for one place to free up.
    const leaving = sends[sends.length - limit] as number;
    freeAt = Math.max(freeAt, leaving + windowMs);
  }
  return freeAt;
}

export interface DeliveryContext {
  event: MessageEventKind;
  nowMs: number;
  /** The number asked not to get SMS (TD/退订 or at the township). */
  optedOut: boolean;
  /** The number is known unreachable (invalid, or failed for good UNREACHABLE_AFTER_FAILURES times). */
  unreachable: boolean;
  /** When earlier SMS went to this number (the last 24 hours are enough). */
  recentSendsMs: readonly number[];
}

export type DeliveryDecision =
  | { action: "send" }
  | { action: "defer"; reason: Exclude<DeferReason, "retry">; untilMs: number }
  | { action: "suppress"; reason: Extract<SuppressReason, "opted-out" | "unreachable"> };

/**
 * Whether to send now: an opted-out or unreachable number gets no SMS; a non-exempt message in the
 * quiet hours waits for 07:00; a number at its rate limit waits for a free place. Exempt events still
 * count towards the rate limit but are never held by it: money news must not wait a day.
 */
export function deliveryDecision(context: DeliveryContext): DeliveryDecision {
  if (context.optedOut) return { action: "suppress", reason: "opted-out" };
  if (context.unreachable) return { action: "suppress", reason: "unreachable" };
  const exempt = QUIET_HOURS_EXEMPT.has(context.event);
  if (!exempt && isQuietHour(context.nowMs)) {
    return { action: "defer", reason: "quiet-hours", untilMs: quietHoursEndMs(context.nowMs) };
  }
  if (exempt) return { action: "send" };
  const freeAtMs = rateLimitFreeAtMs(context.recentSendsMs, context.nowMs);
  if (freeAtMs > context.nowMs) {
    // Freed in the night: the quiet hours then hold it until the morning.
    const untilMs = isQuietHour(freeAtMs) ? quietHoursEndMs(freeAtMs) : freeAtMs;
    return { action: "defer", reason: "rate-limit", untilMs };
  }
  return { action: "send" };
}

/**
 * Delay before attempt `attempt + 1` after `attempt` failed attempts (1-based): base·2^(attempt−1),
 * capped, half of it fixed and half drawn from `random` (∈ [0, 1)). Undefined once `attemptsMax`
 * attempts were made: the message has failed for good.
 */
export function retryDelayMs(attempt: number, random: () => number): number | undefined {
  if (!Number.isSafeInteger(attempt) || attempt < 1) throw new RangeError("attempt must be ≥ 1");
  if (attempt >= RETRY.attemptsMax) return undefined;
  const ceiling = Math.min(RETRY.maxDelayMs, RETRY.baseDelayMs * 2 ** (attempt - 1));
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}

/** Whether a number with `consecutiveFailures` messages failed for good is now unreachable. */
export function isUnreachable(consecutiveFailures: number, invalidNumber: boolean): boolean {
  return invalidNumber || consecutiveFailures >= UNREACHABLE_AFTER_FAILURES;
}

/** Reply words that mean "no more SMS" (退订 and its initials TD, as Chinese SMS opt-outs read). */
const OPT_OUT_WORDS = new Set(["TD", "退订", "T", "N", "UNSUBSCRIBE", "STOP"]);

/** Whether an SMS reply asks to opt out: the whole reply, trimmed, case and width ignored. */
export function isOptOutReply(text: string): boolean {
  const normalized = text.normalize("NFKC").trim().toUpperCase();
  return OPT_OUT_WORDS.has(normalized);
}
