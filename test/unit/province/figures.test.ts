/**
 * The province roll-up's own arithmetic (issue 22 item 4): how statuses are grouped, how areas add
 * up, and which months of a period count as over and not closed (DOMAIN §6, Asia/Shanghai months).
 */
import { describe, expect, it } from "vitest";
import {
  addFigures,
  emptyFigures,
  monthsNotClosed,
  statusGroupOf,
} from "#functions/services/province/figures.ts";

describe("status groups", () => {
  it("ended with aid or handed on is closed; refused or stopped by a decision is refused; the rest in progress", () => {
    expect(statusGroupOf("closed")).toBe("closed");
    expect(statusGroupOf("handed-over-to-flow-b")).toBe("closed");
    expect(statusGroupOf("advance-rejected")).toBe("refused");
    expect(statusGroupOf("plan-rejected")).toBe("refused");
    expect(statusGroupOf("withdrawn")).toBe("withdrawn");
    expect(statusGroupOf("awaiting-paperwork")).toBe("in-progress");
    expect(statusGroupOf("stage-waiting")).toBe("in-progress");
  });
});

describe("adding areas up", () => {
  it("a county is the sum of its townships, fen as integers, statuses by name", () => {
    const a = emptyFigures();
    a.cases.filed = 2;
    a.cases.byStatus.closed = 2;
    a.cases.byStatusGroup.closed = 2;
    a.paid.amountFen = 80_050;
    a.funds.belowAlertLevel = 1;
    const b = emptyFigures();
    b.cases.filed = 1;
    b.cases.byStatus.paying = 1;
    b.cases.byStatusGroup["in-progress"] = 1;
    b.paid.amountFen = 19_950;
    b.overduePaperwork = 3;

    const county = addFigures(addFigures(emptyFigures(), a), b);

    expect(county.cases).toMatchObject({
      filed: 3,
      byStatus: { closed: 2, paying: 1 },
      byStatusGroup: { closed: 2, "in-progress": 1, refused: 0, withdrawn: 0 },
    });
    expect(county.paid.amountFen).toBe(100_000);
    expect(county.overduePaperwork).toBe(3);
    expect(county.funds.belowAlertLevel).toBe(1);
    expect(a.cases.filed).toBe(2);
  });
});

describe("months over and not closed", () => {
  const now = new Date("2026-12-06T02:00:00.000Z"); // 2026-12-06 10:00 in Shanghai

  it("Compliance: books closed through September's last instant leave October and November open", () => {
    expect(monthsNotClosed("2026-09-30T15:59:59.999Z", "2026-09-01", "2026-12-06", now)).toBe(2);
  });

  it("Compliance: a month not over yet is not counted, closed or not", () => {
    expect(monthsNotClosed(undefined, "2026-12-01", "2026-12-06", now)).toBe(0);
  });

  it("Noncompliance: a fund never closed counts every month of the period that is over", () => {
    expect(monthsNotClosed(undefined, "2026-01-15", "2026-12-06", now)).toBe(11);
  });

  it("a quarter's close covers its three months", () => {
    expect(monthsNotClosed("2026-09-30T15:59:59.999Z", "2026-07-01", "2026-09-30", now)).toBe(0);
    expect(monthsNotClosed("2026-08-31T15:59:59.999Z", "2026-07-01", "2026-09-30", now)).toBe(1);
  });
});
