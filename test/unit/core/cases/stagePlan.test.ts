import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildStagePlan, StagePlanError } from "../../../../core/cases/index.ts";
import { Yuan } from "../../../../core/money/yuan.ts";
import { demoPolicy } from "../support/policy.ts";

const policy = demoPolicy("urban"); // max 6 stages, within the calendar year
const y = (text: string) => Yuan.parse(text);

describe("staged plan (DOMAIN §4.2)", () => {
  it("a total of 3,000.00 over 6 monthly stages from 2026-03-31 clamps to month ends and sums exactly", () => {
    const plan = buildStagePlan(
      { totalYuan: y("3000"), stageCount: 6, firstStageDate: "2026-03-31" },
      policy,
    );
    expect(plan.stages.map((s) => s.dueDate)).toEqual([
      "2026-03-31",
      "2026-04-30",
      "2026-05-31",
      "2026-06-30",
      "2026-07-31",
      "2026-08-31",
    ]);
    expect(plan.stages.map((s) => s.amountYuan.toString())).toEqual(Array(6).fill("500.00"));
    expect(plan.policyVersionId).toBe("230123-2026-01");
  });

  it("an uneven total gives the leftover fen to the earliest stages", () => {
    const plan = buildStagePlan(
      { totalYuan: y("1000"), stageCount: 3, firstStageDate: "2026-02-01" },
      policy,
    );
    expect(plan.stages.map((s) => s.amountYuan.toString())).toEqual(["333.34", "333.33", "333.33"]);
  });

  it("amounts may differ between stages", () => {
    const plan = buildStagePlan(
      { monthlyAmountsYuan: [y("1200"), y("800"), y("300.50")], firstStageDate: "2026-05-10" },
      policy,
    );
    expect(plan.totalYuan.toString()).toBe("2300.50");
    expect(plan.stages[2]).toMatchObject({ index: 3, dueDate: "2026-07-10" });
  });

  it("Noncompliance 1: more stages than the policy allows", () => {
    expect(() =>
      buildStagePlan({ totalYuan: y("7000"), stageCount: 7, firstStageDate: "2026-01-15" }, policy),
    ).toThrow(StagePlanError);
  });

  it("Noncompliance 2: a plan running past 31 December is refused", () => {
    try {
      buildStagePlan({ totalYuan: y("3000"), stageCount: 3, firstStageDate: "2026-11-01" }, policy);
      expect.unreachable();
    } catch (error) {
      const e = error as StagePlanError;
      expect(e).toBeInstanceOf(StagePlanError);
      expect(e.fields[0]?.messageZh).toMatch(/超出/);
    }
  });

  it("Compliance: a county without the calendar-year rule may run into the next year", () => {
    const open = demoPolicy("urban", { stagedPlanWithinCalendarYear: false });
    expect(
      buildStagePlan({ totalYuan: y("3000"), stageCount: 3, firstStageDate: "2026-11-01" }, open).stages[2]
        ?.dueDate,
    ).toBe("2027-01-01");
  });

  it("Noncompliance 3: explicit amounts that do not sum to the approved total", () => {
    expect(() =>
      buildStagePlan(
        { monthlyAmountsYuan: [y("100"), y("200")], totalYuan: y("301"), firstStageDate: "2026-01-01" },
        policy,
      ),
    ).toThrow(/sum to 300.00/);
  });

  it("Noncompliance 4: a stage of zero", () => {
    expect(() =>
      buildStagePlan({ totalYuan: y("0.05"), stageCount: 6, firstStageDate: "2026-01-01" }, policy),
    ).toThrow(StagePlanError);
  });

  it("property: stages are monthly, within the year, at most the maximum, and sum exactly to the total", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 10_000_000 }),
        fc.integer({ min: 1, max: policy.stagedPlanMaxStages }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 28 }),
        (fen, count, month, day) => {
          const first = `2026-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
          const total = Yuan.fromFen(fen);
          const plan = buildStagePlan({ totalYuan: total, stageCount: count, firstStageDate: first }, policy);
          expect(Yuan.sum(plan.stages.map((s) => s.amountYuan)).equals(total)).toBe(true);
          expect(plan.stages).toHaveLength(count);
          plan.stages.forEach((s, i) => {
            expect(s.dueDate).toBe(
              `2026-${String(month + i).padStart(2, "0")}-${String(day).padStart(2, "0")}`,
            );
          });
        },
      ),
    );
  });
});
