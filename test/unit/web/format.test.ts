/**
 * Dates and times the consoles show and default to are on the business calendar (Asia/Shanghai),
 * whatever the machine's zone: before 08:00 in Beijing the UTC date is still yesterday.
 */
import { describe, expect, it } from "vitest";
import { calendarDate, dateTime, localDate, localDateTime, localMonth } from "../../../web/src/format.ts";

// 2026-12-06 07:30 in Beijing is 2026-12-05 23:30 UTC.
const BEFORE_EIGHT_BEIJING = new Date("2026-12-05T23:30:00Z");
// 2026-12-01 06:00 in Beijing is still November in UTC.
const FIRST_OF_MONTH_EARLY = new Date("2026-11-30T22:00:00Z");

describe("business-calendar defaults", () => {
  it("today before 08:00 Beijing time is the Beijing date, not the UTC one (which is yesterday)", () => {
    expect(BEFORE_EIGHT_BEIJING.toISOString().slice(0, 10)).toBe("2026-12-05");
    expect(localDate(BEFORE_EIGHT_BEIJING)).toBe("2026-12-06");
  });

  it("the default period on the 1st before 08:00 is the new month", () => {
    expect(localMonth(FIRST_OF_MONTH_EARLY)).toBe("2026-12");
  });

  it("a datetime field's default is Beijing wall time", () => {
    expect(localDateTime(BEFORE_EIGHT_BEIJING)).toBe("2026-12-06T07:30");
  });
});

describe("times shown to a zh-CN reader", () => {
  it("an instant reads 2026年12月6日 10:24 in Asia/Shanghai", () => {
    expect(dateTime("2026-12-06T02:24:00.000Z")).toBe("2026年12月6日 10:24");
    expect(dateTime("2026-12-05T23:30:00Z", "zh-CN")).toBe("2026年12月6日 07:30");
  });

  it("English reads the same instant in Beijing time", () => {
    expect(dateTime("2026-12-06T02:24:00.000Z", "en")).toBe("6 Dec 2026, 10:24");
  });

  it("a calendar date reads 2026年12月6日, never shifted by a zone", () => {
    expect(calendarDate("2026-12-06")).toBe("2026年12月6日");
    expect(calendarDate("2026-12-06", "en")).toBe("6 Dec 2026");
  });

  it("nothing shown is an ISO timestamp", () => {
    for (const value of ["2026-12-06T02:24:00.000Z", "2026-01-01T00:00:00Z"]) {
      expect(dateTime(value)).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    }
  });
});
