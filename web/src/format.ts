/**
 * Display helpers. Money arrives as the API's 2-decimal yuan string and is formatted as text
 * (grouping only) — never parsed into a float. Times are shown in Asia/Shanghai (DOMAIN §7).
 */
import { businessNow } from "./businessClock.ts";

const TIME_ZONE = "Asia/Shanghai";

export function yuan(value: string | undefined | null): string {
  if (value === undefined || value === null || value === "") return "—";
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return value;
  const [, sign, whole = "0", fraction = ""] = match;
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}¥${grouped}.${fraction.padEnd(2, "0").slice(0, 2)}`;
}

/** The parts of an instant on the business calendar's wall clock (Asia/Shanghai). */
function shanghaiParts(date: Date): Record<"year" | "month" | "day" | "hour" | "minute", string> {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: TIME_ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return {
    year: part("year"),
    month: part("month"),
    day: part("day"),
    hour: part("hour"),
    minute: part("minute"),
  };
}

/**
 * Today on the business calendar (Asia/Shanghai) as `YYYY-MM-DD`, the default of date fields: the
 * UTC date (`toISOString()`) is still yesterday before 08:00 in Beijing.
 */
export function localDate(now: Date = businessNow()): string {
  const { year, month, day } = shanghaiParts(now);
  return `${year}-${month}-${day}`;
}

/** Now on the business calendar's wall clock as `YYYY-MM-DDTHH:mm` (a datetime-local field's value). */
export function localDateTime(now: Date = businessNow()): string {
  const { year, month, day, hour, minute } = shanghaiParts(now);
  return `${year}-${month}-${day}T${hour}:${minute}`;
}

/** This month on the business calendar as `YYYY-MM`, the default period. */
export function localMonth(now: Date = businessNow()): string {
  return localDate(now).slice(0, 7);
}

/** `2026年12月6日 10:24` (zh-CN) or `6 Dec 2026, 10:24` (en), in Asia/Shanghai. */
export function dateTime(value: string | undefined | null, locale = "zh-CN"): string {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  if (locale !== "en") {
    const { year, month, day, hour, minute } = shanghaiParts(date);
    return `${year}年${Number(month)}月${Number(day)}日 ${hour}:${minute}`;
  }
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: TIME_ZONE,
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(date);
}

/** `2026年12月6日` (zh-CN) or `6 Dec 2026` (en) for a `YYYY-MM-DD` calendar date, shown as it is. */
export function calendarDate(value: string | undefined | null, locale = "zh-CN"): string {
  if (!value) return "—";
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return dateTime(value, locale);
  const [, year, month, day] = match;
  if (locale !== "en") return `${year}年${Number(month)}月${Number(day)}日`;
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: "UTC",
    year: "numeric",
    month: "short",
    day: "numeric",
  }).format(new Date(`${value}T00:00:00Z`));
}

/** "in 5 h" / "3 h overdue", from a deadline; `now` is passed in so the queue can tick. */
export function dueIn(
  value: string | undefined,
  nowMs: number,
  t: (key: string, named: Record<string, unknown>) => string,
): string {
  if (!value) return "";
  const dueMs = new Date(value).getTime();
  if (Number.isNaN(dueMs)) return "";
  const diffHours = Math.round((dueMs - nowMs) / 3_600_000);
  if (diffHours >= 48) return t("due.inDays", { n: Math.round(diffHours / 24) });
  if (diffHours >= 0) return t("due.inHours", { n: diffHours });
  if (diffHours > -48) return t("due.overdueHours", { n: -diffHours });
  return t("due.overdueDays", { n: Math.round(-diffHours / 24) });
}

export function isOverdue(value: string | undefined, nowMs: number): boolean {
  if (!value) return false;
  const dueMs = new Date(value).getTime();
  return !Number.isNaN(dueMs) && dueMs < nowMs;
}

/** Exact sum of 2-decimal yuan strings (in fen, as BigInt): the total paid shown on a case. */
export function sumYuan(values: readonly string[]): string {
  let fen = 0n;
  for (const value of values) {
    const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
    if (!match) continue;
    const [, sign, whole = "0", fraction = ""] = match;
    const amount = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0") || "0");
    fen += sign === "-" ? -amount : amount;
  }
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  return `${negative ? "-" : ""}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}
