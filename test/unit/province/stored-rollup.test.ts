/**
 * Which periods the stored daily row serves (functions/services/province/stored.ts): whole months, or
 * from a first of the month through the row's day and after; the row's months summed per township and
 * county, the funds as they stood at the run, the 外地受助 flows summed per county where aided. Any
 * other period is not served (the route computes it).
 */
import { describe, expect, it } from "vitest";
import type { StoredRollupItem } from "#adapters/rollup-store.ts";
import { storedMonthRanges } from "#functions/services/province/daily-rollup.ts";
import { emptyFigures } from "#functions/services/province/figures.ts";
import { periodRange } from "#functions/services/province/rollup.ts";
import {
  lastDayOfMonth,
  type RollupRowBody,
  STORED_MONTHS,
  servedFromRow,
} from "#functions/services/province/stored.ts";

/** Run at 2026-12-07 10:00 Asia/Shanghai. */
const RUN = new Date("2026-12-07T02:00:00.000Z");
const NOW = new Date("2026-12-07T09:00:00.000Z");

function monthFigures(filed: number, paidFen: number, balanceFen: number) {
  const figures = emptyFigures();
  figures.cases.filed = filed;
  figures.paid.amountFen = paidFen;
  figures.funds.opened = 1;
  figures.funds.balanceFen = balanceFen;
  return figures;
}

function row(): StoredRollupItem {
  const months = storedMonthRanges("2026-12-07", RUN).map((r) => r.from.slice(0, 7));
  // 1 case a month, 100.00 yuan a month; the balance falls as the months go.
  const figures = months.map((_, i) => monthFigures(1, 10_000, 1_000_000 - i * 10_000));
  const body: RollupRowBody = {
    name: "示例县",
    months,
    townships: [{ townshipId: "230123100", name: "城关镇", figures }],
    notices: {
      "2026-11": [
        {
          registrationCountyId: "230123",
          registrationCountyName: "示例县",
          countyId: "230124",
          count: 1,
          paidFen: 50_000,
        },
      ],
      "2026-12": [
        {
          registrationCountyId: "230123",
          registrationCountyName: "示例县",
          countyId: "230124",
          count: 2,
          paidFen: 30_050,
        },
      ],
    },
  };
  return { countyId: "230123", day: "2026-12-07", asOf: RUN.toISOString(), body };
}

describe("the stored daily row", () => {
  it("holds STORED_MONTHS whole months ending with the run's, oldest first", () => {
    const ranges = storedMonthRanges("2026-12-07", RUN);
    expect(ranges).toHaveLength(STORED_MONTHS);
    expect(ranges[0]).toMatchObject({ from: "2025-12-01", to: "2025-12-31" });
    expect(ranges.at(-1)).toMatchObject({ from: "2026-12-01", to: "2026-12-31" });
    expect(ranges.find((r) => r.from === "2026-02-01")?.to).toBe("2026-02-28");
    expect(lastDayOfMonth("2028-02")).toBe("2028-02-29");
  });

  it("serves this month so far, summed, with the funds as they stood at the run", () => {
    const served = servedFromRow(row(), periodRange("2026-12-01", "2026-12-07", NOW));
    expect(served?.rollup).toMatchObject({ source: "stored", asOf: RUN.toISOString(), name: "示例县" });
    expect(served?.rollup.figures.cases.filed).toBe(1);
    expect(served?.rollup.figures.funds.balanceFen).toBe(1_000_000 - 12 * 10_000);
    expect(served?.notices).toEqual([
      expect.objectContaining({ countyId: "230124", count: 2, paidFen: 30_050 }),
    ]);
  });

  it("serves whole months: a quarter sums its three months and their 外地受助", () => {
    const served = servedFromRow(row(), periodRange("2026-10-01", "2026-12-31", NOW));
    expect(served?.rollup.figures.cases.filed).toBe(3);
    expect(served?.rollup.figures.paid.amountFen).toBe(30_000);
    expect(served?.rollup.townships[0]?.figures.cases.filed).toBe(3);
    expect(served?.notices).toEqual([expect.objectContaining({ count: 3, paidFen: 80_050 })]);
  });

  it("does not serve a period that starts mid-month, ends mid-month before the run, is older than the row, or after its month", () => {
    const cases: Array<[string, string]> = [
      ["2026-12-02", "2026-12-07"],
      ["2026-11-01", "2026-11-15"],
      ["2025-11-01", "2025-11-30"],
      ["2027-01-01", "2027-01-05"],
    ];
    for (const [from, to] of cases) {
      expect(servedFromRow(row(), periodRange(from, to, NOW)), `${from}..${to}`).toBeUndefined();
    }
  });
});
