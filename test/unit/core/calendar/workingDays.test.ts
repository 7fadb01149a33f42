import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addCalendarDays,
  addLocalMonths,
  addWorkingDays,
  addWorkingDaysDetailed,
  buildHolidayCalendar,
  dayInfo,
  isPastDeadline,
  isWorkingDay,
  localDateOf,
  windowStartMonthsBefore,
} from "../../../../core/calendar/index.ts";
import { ValidationError } from "../../../../core/errors.ts";
import schedule2026 from "../../../../local/seed/cn-holidays-2026.json" with { type: "json" };

const calendar = buildHolidayCalendar({ id: "cn-national-2026", schedules: [schedule2026] });
const shanghai = (text: string) => Date.parse(`${text}+08:00`);

/** An oracle written independently of the calendar module: plain UTC dates from the raw JSON. */
function oracleIsWorking(date: string): boolean {
  const inHoliday = schedule2026.holidays.some((h) => h.from <= date && date <= h.to);
  if (inHoliday) return false;
  if (schedule2026.makeUpWorkingDays.includes(date)) return true;
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}
function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

describe("working days in Asia/Shanghai with the 2026 national schedule", () => {
  it("5 working days after an advance paid on an ordinary Monday end at 23:59:59.999 next Monday", () => {
    const deadline = addWorkingDays(shanghai("2026-03-09T10:00:00"), 5, calendar);
    expect(deadline.toISOString()).toBe("2026-03-16T15:59:59.999Z");
  });

  it("the hour of the event does not change the deadline (its own day never counts)", () => {
    const early = addWorkingDays(shanghai("2026-03-09T00:00:00"), 5, calendar);
    const late = addWorkingDays(shanghai("2026-03-09T23:59:59.999"), 5, calendar);
    expect(early).toEqual(late);
  });

  it("the day is decided in Shanghai, not UTC: 01:00 Tuesday Shanghai is still Monday in UTC", () => {
    const tuesdayInShanghai = shanghai("2026-03-10T01:00:00");
    expect(localDateOf(tuesdayInShanghai)).toBe("2026-03-10");
    expect(addWorkingDays(tuesdayInShanghai, 1, calendar).toISOString()).toBe("2026-03-11T15:59:59.999Z");
  });

  it("the National Day golden week is skipped and the Saturday make-up day 10-10 counts", () => {
    const result = addWorkingDaysDetailed(shanghai("2026-09-30T16:00:00"), 5, calendar);
    // 10-01..10-07 holiday; 10-08 (1) 10-09 (2) 10-10 Sat make-up (3) 10-12 (4) 10-13 (5)
    expect(result.lastWorkingDay).toBe("2026-10-13");
    expect(result.coverage).toBe("official");
  });

  it("the Spring Festival make-up Saturday 02-14 is a working day, then the holiday is skipped", () => {
    expect(isWorkingDay(shanghai("2026-02-14T09:00:00"), calendar)).toBe(true);
    expect(addWorkingDaysDetailed(shanghai("2026-02-13T09:00:00"), 1, calendar).lastWorkingDay).toBe(
      "2026-02-14",
    );
    expect(addWorkingDaysDetailed(shanghai("2026-02-13T09:00:00"), 2, calendar).lastWorkingDay).toBe(
      "2026-02-24",
    );
  });

  it("a holiday on a weekday is not a working day; an ordinary Sunday is not either", () => {
    expect(dayInfo("2026-05-04", calendar)).toMatchObject({
      working: false,
      kind: "holiday",
      holidayName: "劳动节",
    });
    expect(dayInfo("2026-03-15", calendar)).toMatchObject({ working: false, kind: "weekend" });
    expect(dayInfo("2026-05-09", calendar)).toMatchObject({ working: true, kind: "make-up-working-day" });
  });

  it("days of 2027 count weekends only and the calendar says so", () => {
    const result = addWorkingDaysDetailed(shanghai("2026-12-30T10:00:00"), 5, calendar);
    // 12-31 (1), 2027-01-01 Fri (2, a holiday in fact, but unpublished), 01-04 (3), 01-05 (4), 01-06 (5)
    expect(result.lastWorkingDay).toBe("2027-01-06");
    expect(result.coverage).toBe("weekends-only");
    expect(result.uncoveredYears).toEqual([2027]);
    expect(dayInfo("2027-01-01", calendar).coverage).toBe("weekends-only");
  });

  it("a deadline is met up to its last millisecond and missed one millisecond later", () => {
    const deadline = addWorkingDays(shanghai("2026-03-09T10:00:00"), 5, calendar);
    expect(isPastDeadline(deadline, deadline)).toBe(false);
    expect(isPastDeadline(deadline.getTime() + 1, deadline)).toBe(true);
  });

  it("refuses zero, negative and fractional working-day counts", () => {
    for (const n of [0, -1, 1.5, Number.NaN]) {
      expect(() => addWorkingDays(0, n, calendar)).toThrow(RangeError);
    }
  });

  it("calendar days (public notice) count weekends and holidays", () => {
    expect(addCalendarDays(shanghai("2026-09-30T10:00:00"), 7).toISOString()).toBe(
      "2026-10-07T15:59:59.999Z",
    );
  });

  it("look-back windows in months clamp to month ends", () => {
    expect(addLocalMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addLocalMonths("2026-03-31", -1)).toBe("2026-02-28");
    expect(windowStartMonthsBefore(shanghai("2026-06-15T10:00:00"), 12).toISOString()).toBe(
      "2025-06-14T16:00:00.000Z",
    );
  });
});

describe("holiday calendar data is validated", () => {
  it("Noncompliance: a make-up working day that is not a weekend is refused", () => {
    const bad = { ...schedule2026, makeUpWorkingDays: ["2026-03-11"] };
    expect(() => buildHolidayCalendar({ id: "bad", schedules: [bad] })).toThrow(ValidationError);
  });

  it("Noncompliance: a county make-up day on a national holiday is refused in words a zh-CN reader reads", () => {
    let refusal: unknown;
    try {
      buildHolidayCalendar({
        id: "county-230123",
        schedules: [schedule2026],
        local: { makeUpWorkingDays: ["2026-10-03"] },
      });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ValidationError);
    const error = refusal as ValidationError;
    expect(error.messageZh).toBe("节假日安排有误：调休上班日2026年10月3日同时是假日（国庆节）");
    expect(error.fields).toEqual([
      {
        path: "schedules",
        message: "make-up day 2026-10-03 is also a holiday",
        messageZh: "调休上班日2026年10月3日同时是假日（国庆节）",
      },
    ]);
    // No ISO date, no calendar id, no English in what a person reads.
    expect(error.messageZh).not.toMatch(/\d{4}-\d{2}|county-|[a-z]{3,}/);
  });

  it("Noncompliance: a wrong time zone or malformed date is refused", () => {
    expect(() =>
      buildHolidayCalendar({ id: "bad", schedules: [{ ...schedule2026, timeZone: "UTC" }] }),
    ).toThrow(ValidationError);
    const malformed = { ...schedule2026, holidays: [{ name: "x", from: "2026-02-30", to: "2026-03-01" }] };
    expect(() => buildHolidayCalendar({ id: "bad", schedules: [malformed] })).toThrow(ValidationError);
  });

  it("a county adds a local rest day and it stops counting as a working day", () => {
    const county = buildHolidayCalendar({
      id: "230123",
      schedules: [schedule2026],
      local: { holidays: [{ name: "县庆", from: "2026-03-10", to: "2026-03-10" }] },
    });
    expect(isWorkingDay(shanghai("2026-03-10T10:00:00"), calendar)).toBe(true);
    expect(isWorkingDay(shanghai("2026-03-10T10:00:00"), county)).toBe(false);
  });
});

describe("properties of N working days", () => {
  const instants = fc.integer({ min: shanghai("2025-12-20T00:00:00"), max: shanghai("2026-12-20T00:00:00") });
  const counts = fc.integer({ min: 1, max: 25 });

  it("is strictly monotonic in N", () => {
    fc.assert(
      fc.property(instants, counts, counts, (t, a, b) => {
        fc.pre(a !== b);
        const [lo, hi] = a < b ? [a, b] : [b, a];
        return addWorkingDays(t, lo, calendar).getTime() < addWorkingDays(t, hi, calendar).getTime();
      }),
    );
  });

  it("skips every holiday and weekend and honours make-up days (checked against an independent oracle)", () => {
    fc.assert(
      fc.property(instants, counts, (t, n) => {
        const { lastWorkingDay, deadline } = addWorkingDaysDetailed(t, n, calendar);
        // exactly n oracle-working days after the start day, the last one being the deadline day
        let day = localDateOf(t);
        let working = 0;
        while (day < lastWorkingDay) {
          day = nextDate(day);
          if (oracleIsWorking(day)) working++;
        }
        expect(oracleIsWorking(lastWorkingDay)).toBe(true);
        expect(working).toBe(n);
        expect(localDateOf(deadline)).toBe(lastWorkingDay);
        expect(localDateOf(deadline.getTime() + 1)).toBe(nextDate(lastWorkingDay));
      }),
    );
  });

  it("never ends earlier than N calendar days later", () => {
    fc.assert(
      fc.property(instants, counts, (t, n) => addWorkingDays(t, n, calendar) >= addCalendarDays(t, n)),
    );
  });
});
