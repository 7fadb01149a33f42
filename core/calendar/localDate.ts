/**
 * Calendar dates in Asia/Shanghai (DOMAIN §7). China has kept UTC+08:00 all year, without daylight
 * saving, since 1992, so a fixed offset is exact for every date AidFlow handles and needs no tz
 * database. A `LocalDate` is "YYYY-MM-DD"; an instant is epoch milliseconds or a `Date`.
 */

export const TIME_ZONE = "Asia/Shanghai";
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;
const SUNDAY = 0;
const SATURDAY = 6; // not-policy: JavaScript's getUTCDay numbering

export type LocalDate = string;
export type Instant = Date | number;

/** Length of "YYYY-MM-DD", the date part of an ISO-8601 string. */
const ISO_DATE_CHARS = "YYYY-MM-DD".length;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function toMs(instant: Instant): number {
  const ms = typeof instant === "number" ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError("invalid instant");
  return ms;
}

/** The Shanghai calendar date an instant falls on. */
export function localDateOf(instant: Instant): LocalDate {
  return new Date(toMs(instant) + SHANGHAI_OFFSET_MS).toISOString().slice(0, ISO_DATE_CHARS);
}

/** True for a real calendar date written as YYYY-MM-DD. */
export function isLocalDate(text: unknown): text is LocalDate {
  if (typeof text !== "string" || !LOCAL_DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
}

function utcMidnight(date: LocalDate): number {
  if (!isLocalDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  return Date.parse(`${date}T00:00:00Z`);
}

/** 00:00:00.000 Shanghai time on `date`, as epoch ms. */
export function startOfLocalDay(date: LocalDate): number {
  return utcMidnight(date) - SHANGHAI_OFFSET_MS;
}

/** 23:59:59.999 Shanghai time on `date`: the last instant that is still "on" that day. */
export function endOfLocalDay(date: LocalDate): number {
  return startOfLocalDay(date) + DAY_MS - 1;
}

export function addLocalDays(date: LocalDate, days: number): LocalDate {
  if (!Number.isSafeInteger(days)) throw new RangeError("days must be an integer");
  return new Date(utcMidnight(date) + days * DAY_MS).toISOString().slice(0, ISO_DATE_CHARS);
}

export function isWeekend(date: LocalDate): boolean {
  const day = new Date(utcMidnight(date)).getUTCDay();
  return day === SATURDAY || day === SUNDAY;
}

export function yearOf(date: LocalDate): number {
  return Number(date.slice(0, 4));
}

/**
 * The same day of the month `months` later, clamped to the month's last day (Jan 31 + 1 → Feb 28).
 * Used for windows counted in months (DOMAIN §2.4) and monthly stage dates (DOMAIN §4.2).
 */
export function addLocalMonths(date: LocalDate, months: number): LocalDate {
  if (!Number.isSafeInteger(months)) throw new RangeError("months must be an integer");
  const d = new Date(utcMidnight(date));
  const day = d.getUTCDate();
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, ISO_DATE_CHARS);
}

/** The same local time-of-day `months` later (day clamped): e.g. the end of a fraud bar. */
export function addMonthsToInstant(instant: Instant, months: number): Date {
  const ms = toMs(instant);
  const date = localDateOf(ms);
  const intoDay = ms - startOfLocalDay(date);
  return new Date(startOfLocalDay(addLocalMonths(date, months)) + intoDay);
}

export function addHours(instant: Instant, hours: number): Date {
  if (!Number.isFinite(hours)) throw new RangeError("hours must be finite");
  return new Date(toMs(instant) + hours * HOUR_MS);
}
