/**
 * The 节假日 page reads a State Council holiday notice as published: the 2026 notice's seven lines
 * give exactly the schedule stored in local/seed/cn-holidays-2026.json, and the preview's checks
 * name what the calendar would refuse (a make-up day on a weekday, a period ending before it
 * starts, a day outside the year) before anything is sent.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkDays, daysOf, readNotice } from "../../../web/src/pages/admin/holidayNotice.ts";

const NOTICE_2026 = `国务院办公厅关于2026年部分节假日安排的通知
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。`;

describe("reading a holiday notice", () => {
  it("reads the 2026 notice into the stored 2026 schedule", () => {
    // Prepare
    const stored = JSON.parse(
      readFileSync(join(import.meta.dirname, "../../../local/seed/cn-holidays-2026.json"), "utf8"),
    ) as { holidays: unknown[]; makeUpWorkingDays: string[] };

    // Act
    const reading = readNotice(NOTICE_2026, 2026);

    // Assess
    expect(reading.holidays).toEqual(stored.holidays);
    expect(reading.makeUpWorkingDays).toEqual(stored.makeUpWorkingDays);
    expect(reading.unread).toEqual([]);
    expect(checkDays(2026, reading.holidays, reading.makeUpWorkingDays)).toEqual([]);
    expect(reading.holidays.map(daysOf)).toEqual([3, 9, 3, 5, 3, 3, 7]);
  });

  it("reads a single rest day, a period across months, and reports a line naming no day", () => {
    // Act
    const reading = readNotice(
      [
        "清明节：4月5日（周一）放假。",
        "春节：1月30日至2月5日放假调休，共7天。",
        "端午节：放假安排另行通知。",
      ].join("\n"),
      2027,
    );

    // Assess
    expect(reading.holidays).toEqual([
      { name: "清明节", from: "2027-04-05", to: "2027-04-05" },
      { name: "春节", from: "2027-01-30", to: "2027-02-05" },
    ]);
    expect(reading.unread).toEqual(["端午节：放假安排另行通知。"]);
  });

  it("names a weekday make-up day, a reversed period, a day of another year and a make-up day that is a rest day", () => {
    // Act
    const problems = checkDays(
      2027,
      [
        { name: "春节", from: "2027-02-13", to: "2027-02-06" },
        { name: "元旦", from: "2026-12-31", to: "2027-01-02" },
        { name: "", from: "2027-05-01", to: "" },
      ],
      ["2027-02-08", "2027-01-02"],
    );

    // Assess
    expect(problems).toEqual([
      { kind: "reversed", name: "春节" },
      { kind: "outsideYear", name: "元旦" },
      { kind: "incomplete", index: 2 },
      { kind: "workdayNotWeekend", day: "2027-02-08" },
      { kind: "workdayIsRest", day: "2027-01-02" },
    ]);
  });
});
