/**
 * The business clock as the consoles know it. Every API answer carries the server's business time in
 * the `x-business-time` header (functions/http/handler.ts): the system clock in AWS, the local
 * runtime's accelerated or manual clock locally. Deadlines, overdue, "N 天后到期", today's business
 * date and default periods are judged by `businessNowMs()`, never by the device's clock, which may be
 * off (a phone set by hand) or simply not the county's clock.
 *
 * The console keeps the difference between the last answer's business time and the device's clock at
 * its arrival; `businessNowMs()` is the device's clock plus that difference. The difference is kept in
 * the tab's sessionStorage, so a reloaded page judges by it before its first answer; before any answer
 * at all (or when answers carry no readable header) it is 0. Between answers the estimate runs at the
 * device's pace: under the local runtime's accelerated clock it is exact at each answer and falls
 * behind until the next one (pages take `businessNowMs()` after they load). Pure UI timing —
 * animation, polling intervals, how long a page follows a flow — stays on the device's clock.
 */
export const BUSINESS_TIME_HEADER = "x-business-time";

const STORAGE_KEY = "aidflow.businessClockOffsetMs";

function storedOffset(): number {
  try {
    const value = Number(globalThis.sessionStorage?.getItem(STORAGE_KEY) ?? "0");
    return Number.isFinite(value) ? value : 0;
  } catch {
    return 0;
  }
}

function storeOffset(value: number | undefined): void {
  try {
    if (value === undefined) globalThis.sessionStorage?.removeItem(STORAGE_KEY);
    else globalThis.sessionStorage?.setItem(STORAGE_KEY, String(value));
  } catch {
    // Storage refused (private mode): the difference lives until the page is reloaded.
  }
}

let offsetMs = storedOffset();

/** Records the business time an answer was given at; `receivedAtMs` is the device's clock on arrival. */
export function noteBusinessTime(header: string | null | undefined, receivedAtMs: number = Date.now()): void {
  if (!header) return;
  const businessMs = Date.parse(header);
  if (Number.isNaN(businessMs)) return;
  offsetMs = businessMs - receivedAtMs;
  storeOffset(offsetMs);
}

/** Now on the business clock, epoch milliseconds. */
export function businessNowMs(): number {
  return Date.now() + offsetMs;
}

/** Now on the business clock. */
export function businessNow(): Date {
  return new Date(businessNowMs());
}

/** Forgets the business time (sign-out, tests). */
export function resetBusinessClock(): void {
  offsetMs = 0;
  storeOffset(undefined);
}
