/**
 * Working-day deadlines (DOMAIN §3.4 paperwork deadline, §7 ordinary processing limit).
 *
 * Choice: "N working days after an instant" ends at 23:59:59.999 Shanghai time on the Nth working
 * day AFTER the instant's own local day. The day of the event never counts, whatever the hour: an
 * advance paid on Monday at 09:00 or at 22:00 has the same 5-working-day deadline (end of the next
 * Monday in an ordinary week). Officers then always have N whole working days.
 *
 * Deterministic: the instant is passed in; nothing here reads the clock.
 */
import { type Coverage, dayInfo, type HolidayCalendar } from "./holidayCalendar.ts";
import {
  addLocalDays,
  addLocalMonths,
  endOfLocalDay,
  type Instant,
  type LocalDate,
  localDateOf,
  startOfLocalDay,
  toMs,
  yearOf,
} from "./localDate.ts";

/** A limit on every loop (TIGER_STYLE): ten years of working days is far beyond any county rule. */
const MAX_WORKING_DAYS = 2_600;

export interface WorkingDayDeadline {
  deadline: Date;
  /** The Nth working day (Shanghai date). */
  lastWorkingDay: LocalDate;
  /** `weekends-only` when any counted day lies in a year without a published schedule. */
  coverage: Coverage;
  uncoveredYears: number[];
}

export function isWorkingDay(instant: Instant, calendar: HolidayCalendar): boolean {
  return dayInfo(localDateOf(instant), calendar).working;
}

export function isWorkingDate(date: LocalDate, calendar: HolidayCalendar): boolean {
  return dayInfo(date, calendar).working;
}

export function addWorkingDaysDetailed(
  instant: Instant,
  n: number,
  calendar: HolidayCalendar,
): WorkingDayDeadline {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_WORKING_DAYS) {
    throw new RangeError(`working days must be an integer from 1 to ${MAX_WORKING_DAYS}, got ${n}`);
  }
  const uncovered = new Set<number>();
  let day = localDateOf(instant);
  let counted = 0;
  while (counted < n) {
    day = addLocalDays(day, 1);
    const info = dayInfo(day, calendar);
    if (info.coverage === "weekends-only") uncovered.add(yearOf(day));
    if (info.working) counted++;
  }
  const uncoveredYears = [...uncovered].sort();
  return {
    deadline: new Date(endOfLocalDay(day)),
    lastWorkingDay: day,
    coverage: uncoveredYears.length === 0 ? "official" : "weekends-only",
    uncoveredYears,
  };
}

/** End of the Nth working day after the instant's local day (see the module comment). */
export function addWorkingDays(instant: Instant, n: number, calendar: HolidayCalendar): Date {
  return addWorkingDaysDetailed(instant, n, calendar).deadline;
}

/** A deadline is met up to and including its last millisecond. */
export function isPastDeadline(instant: Instant, deadline: Instant): boolean {
  return toMs(instant) > toMs(deadline);
}

/**
 * Calendar-day periods such as the public notice (公示, DOMAIN §4.3): ends at the end of the Nth
 * calendar day after the instant's local day — weekends and holidays count.
 */
export function addCalendarDays(instant: Instant, n: number): Date {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError("days must be a positive integer");
  return new Date(endOfLocalDay(addLocalDays(localDateOf(instant), n)));
}

/** Start of the local day `months` earlier: the beginning of a look-back window (DOMAIN §2.4). */
export function windowStartMonthsBefore(instant: Instant, months: number): Date {
  return new Date(startOfLocalDay(addLocalMonths(localDateOf(instant), -months)));
}
