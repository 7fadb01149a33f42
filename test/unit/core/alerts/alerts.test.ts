import { describe, expect, it } from "vitest";
import {
  AlertInputSchema,
  dedupWindowLastDay,
  isRepeatAlert,
  isVerificationOverdue,
  riskKindOfLabel,
  statusAfterVisit,
  VisitOutcomeSchema,
  verificationDeadline,
} from "#core/alerts/index.ts";
import { buildHolidayCalendar } from "#core/calendar/index.ts";

const calendar = buildHolidayCalendar({ id: "weekends", schedules: [] });

describe("early warnings (core/alerts)", () => {
  it("an alert names a valid resident ID, or a name and household", () => {
    const base = {
      townshipId: "230123100",
      kind: "medical-expense",
      source: "县医保局",
      date: "2026-03-01",
      evidence: "自付医疗费用 4.2 万元",
    };
    expect(AlertInputSchema.safeParse({ ...base, person: { idNumber: "230123198001011238" } }).success).toBe(
      true,
    );
    expect(
      AlertInputSchema.safeParse({ ...base, person: { name: "王建国", household: "东街 12 号" } }).success,
    ).toBe(true);
    const noHousehold = AlertInputSchema.safeParse({ ...base, person: { name: "王建国" } });
    expect(noHousehold.error?.issues.map((i) => i.path.join("."))).toEqual(["person.household"]);
    const badId = AlertInputSchema.safeParse({ ...base, person: { idNumber: "230123198001011230" } });
    expect(badId.success).toBe(false);
  });

  it("risk kinds read from their Chinese labels", () => {
    expect(riskKindOfLabel("大额医疗支出")).toBe("medical-expense");
    expect(riskKindOfLabel("失业断收")).toBe("income-loss");
    expect(riskKindOfLabel("彩票")).toBeUndefined();
  });

  it("another alert of the person + kind within the window is a repeat; the day after it is new", () => {
    expect(dedupWindowLastDay("2026-03-01", 30)).toBe("2026-03-30");
    expect(isRepeatAlert("2026-03-01", Date.parse("2026-03-30T23:00:00+08:00"), 30)).toBe(true);
    expect(isRepeatAlert("2026-03-01", Date.parse("2026-03-31T00:30:00+08:00"), 30)).toBe(false);
  });

  it("the verification is due at the end of the Nth working day; overdue only while awaiting a verdict", () => {
    // Monday 2026-03-02: five working days later is Monday 2026-03-09, end of day (Asia/Shanghai).
    const due = verificationDeadline(Date.parse("2026-03-02T09:00:00+08:00"), 5, calendar);
    expect(due.lastWorkingDay).toBe("2026-03-09");
    const dueAt = due.deadline.toISOString();
    const after = Date.parse("2026-03-10T00:00:01+08:00");
    expect(isVerificationOverdue({ status: "open", dueAt }, after)).toBe(true);
    expect(isVerificationOverdue({ status: "open", dueAt }, Date.parse("2026-03-09T23:59:00+08:00"))).toBe(
      false,
    );
    expect(isVerificationOverdue({ status: "verified", dueAt }, after)).toBe(false);
    expect(isVerificationOverdue({ status: "to-file", dueAt }, after)).toBe(false);
  });

  it("a visit's outcome: not needed needs a reason, unreachable a retry date", () => {
    expect(VisitOutcomeSchema.safeParse({ kind: "not-needed" }).success).toBe(false);
    expect(VisitOutcomeSchema.safeParse({ kind: "unreachable", retryBy: "2026-03-05" }).success).toBe(true);
    expect(statusAfterVisit({ kind: "unreachable", retryBy: "2026-03-05" })).toBe("retry");
    expect(statusAfterVisit({ kind: "file-on-behalf" })).toBe("to-file");
    expect(statusAfterVisit({ kind: "referred", body: "县医保局 医疗救助" })).toBe("verified");
  });
});
