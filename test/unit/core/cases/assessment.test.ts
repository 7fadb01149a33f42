import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assessStagedAssistance,
  PolicyRuleViolationError,
  StagePlanError,
} from "../../../../core/cases/index.ts";
import { Yuan } from "../../../../core/money/yuan.ts";
import { demoPolicy } from "../support/policy.ts";

const urban = demoPolicy("urban");
const y = (text: string) => Yuan.parse(text);
const none = { medicalMonthlyYuan: y("0"), educationMonthlyYuan: y("0"), otherMonthlyYuan: y("0") };

describe("Flow B assessment (DOMAIN §4.2)", () => {
  it("the shortfall is the area's 低保 standard per member plus rigid expenditure minus income, paid monthly", () => {
    // Prepare: 2 members × 800 + medical 600 = 2,200 a month; income 1,900
    const input = {
      householdMembers: 2,
      monthlyIncomeYuan: y("1900"),
      rigidExpenditure: { ...none, medicalMonthlyYuan: y("600") },
      expectedDurationMonths: 6,
      firstStageDate: "2026-03-15",
    };
    // Act
    const assessment = assessStagedAssistance(input, urban);
    // Assess
    expect(assessment.monthlyNeedYuan.toString()).toBe("2200.00");
    expect(assessment.monthlyShortfallYuan.toString()).toBe("300.00");
    expect(assessment.plan.totalYuan.toString()).toBe("1800.00");
    expect(assessment.plan.stages.map((s) => s.dueDate)).toEqual([
      "2026-03-15",
      "2026-04-15",
      "2026-05-15",
      "2026-06-15",
      "2026-07-15",
      "2026-08-15",
    ]);
    expect(assessment.approvalLevel).toBe("township");
    expect(assessment.policyVersionId).toBe("230123-2026-01");
  });

  it("a plan above the township approval ceiling needs the county", () => {
    const assessment = assessStagedAssistance(
      {
        householdMembers: 2,
        monthlyIncomeYuan: y("1500"),
        rigidExpenditure: {
          medicalMonthlyYuan: y("400"),
          educationMonthlyYuan: y("200"),
          otherMonthlyYuan: y("0"),
        },
        expectedDurationMonths: 6,
        firstStageDate: "2026-03-15",
      },
      urban,
    );
    expect(assessment.plan.totalYuan.toString()).toBe("4200.00");
    expect(assessment.approvalLevel).toBe("county");
  });

  it("stages stop at the policy's maximum and at the end of the calendar year", () => {
    const longHardship = {
      householdMembers: 1,
      monthlyIncomeYuan: y("0"),
      rigidExpenditure: none,
      expectedDurationMonths: 12,
    };
    expect(assessStagedAssistance({ ...longHardship, firstStageDate: "2026-02-01" }, urban).stageCount).toBe(
      6,
    );
    const autumn = assessStagedAssistance({ ...longHardship, firstStageDate: "2026-10-20" }, urban);
    expect(autumn.plan.stages.map((s) => s.dueDate)).toEqual(["2026-10-20", "2026-11-20", "2026-12-20"]);
  });

  it("the computed total is capped at the room left under the per-case cap after aid already approved", () => {
    // Prepare: shortfall 3,000 a month × 6 = 18,000; cap 10 × 800 = 8,000; Flow A's advance 800 already approved
    const assessment = assessStagedAssistance(
      {
        householdMembers: 1,
        monthlyIncomeYuan: y("0"),
        rigidExpenditure: { ...none, medicalMonthlyYuan: y("2200") },
        expectedDurationMonths: 6,
        firstStageDate: "2026-04-01",
        approvedSoFarYuan: [y("800")],
      },
      urban,
    );
    expect(assessment.computedTotalYuan.toString()).toBe("18000.00");
    expect(assessment.cappedAtPerCaseCap).toBe(true);
    expect(assessment.plan.totalYuan.toString()).toBe("7200.00");
    expect(assessment.caseTotalYuan.toString()).toBe("8000.00");
    expect(Yuan.sum(assessment.plan.stages.map((s) => s.amountYuan)).toString()).toBe("7200.00");
    expect(assessment.approvalLevel).toBe("county");
  });

  it("the officer may adjust the monthly amounts (they may differ) and the plan sums exactly to them", () => {
    const assessment = assessStagedAssistance(
      {
        householdMembers: 3,
        monthlyIncomeYuan: y("2000"),
        rigidExpenditure: { ...none, educationMonthlyYuan: y("500") },
        expectedDurationMonths: 4,
        firstStageDate: "2026-09-01",
        adjustment: {
          monthlyAmountsYuan: [y("900"), y("600.50"), y("300"), y("300")],
          reason: "开学季教育支出集中在前两个月",
        },
      },
      urban,
    );
    expect(assessment.adjusted).toBe(true);
    expect(assessment.plan.stages.map((s) => s.amountYuan.toString())).toEqual([
      "900.00",
      "600.50",
      "300.00",
      "300.00",
    ]);
    expect(assessment.plan.totalYuan.toString()).toBe("2100.50");
  });

  it("an adjustment above the per-case cap is refused (that is 一事一议, not a staged plan)", () => {
    const act = () =>
      assessStagedAssistance(
        {
          householdMembers: 1,
          monthlyIncomeYuan: y("0"),
          rigidExpenditure: none,
          expectedDurationMonths: 3,
          firstStageDate: "2026-05-01",
          adjustment: { monthlyAmountsYuan: [y("3000"), y("3000"), y("2000.01")], reason: "医疗费用高" },
        },
        urban,
      );
    expect(act).toThrow(PolicyRuleViolationError);
    expect(act).toThrow(/per-case cap/);
  });

  it("an adjustment with more stages than the policy allows is refused", () => {
    const act = () =>
      assessStagedAssistance(
        {
          householdMembers: 1,
          monthlyIncomeYuan: y("0"),
          rigidExpenditure: none,
          expectedDurationMonths: 7,
          firstStageDate: "2026-01-10",
          adjustment: { monthlyAmountsYuan: Array(7).fill(y("100")), reason: "七个月" },
        },
        urban,
      );
    expect(act).toThrow(StagePlanError);
  });

  it("a household whose income covers need and rigid expenditure has nothing to assess", () => {
    const act = () =>
      assessStagedAssistance(
        {
          householdMembers: 2,
          monthlyIncomeYuan: y("5000"),
          rigidExpenditure: none,
          expectedDurationMonths: 6,
          firstStageDate: "2026-03-01",
        },
        urban,
      );
    expect(act).toThrow(/no shortfall/);
  });

  it("a case already at the per-case cap gets no staged plan", () => {
    const act = () =>
      assessStagedAssistance(
        {
          householdMembers: 1,
          monthlyIncomeYuan: y("0"),
          rigidExpenditure: none,
          expectedDurationMonths: 6,
          firstStageDate: "2026-03-01",
          approvedSoFarYuan: [y("8000")],
        },
        urban,
      );
    expect(act).toThrow(/一事一议/);
  });

  it("rural townships use the rural 低保 standard", () => {
    const rural = demoPolicy("rural");
    const assessment = assessStagedAssistance(
      {
        householdMembers: 2,
        monthlyIncomeYuan: y("1000"),
        rigidExpenditure: none,
        expectedDurationMonths: 2,
        firstStageDate: "2026-03-01",
      },
      rural,
    );
    expect(assessment.monthlyNeedYuan.toString()).toBe("1040.00");
    expect(assessment.plan.totalYuan.toString()).toBe("80.00");
  });

  it("any assessment: stages sum exactly to the total, at most the policy's stages, one calendar year, within the cap", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 500_000 }),
        fc.integer({ min: 0, max: 500_000 }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        (members, incomeFen, medicalFen, months, month, day) => {
          const income = Yuan.fromFen(incomeFen);
          const medical = Yuan.fromFen(medicalFen);
          const need = urban.dibaoMonthlyStandardYuan.times(members).plus(medical);
          fc.pre(need.greaterThan(income));
          const firstStageDate = `2026-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
          const a = assessStagedAssistance(
            {
              householdMembers: members,
              monthlyIncomeYuan: income,
              rigidExpenditure: { ...none, medicalMonthlyYuan: medical },
              expectedDurationMonths: months,
              firstStageDate,
            },
            urban,
          );
          expect(Yuan.sum(a.plan.stages.map((s) => s.amountYuan)).equals(a.plan.totalYuan)).toBe(true);
          expect(a.plan.stages.length).toBeLessThanOrEqual(urban.stagedPlanMaxStages);
          expect(a.plan.stages.every((s) => s.dueDate.startsWith("2026-"))).toBe(true);
          expect(a.caseTotalYuan.lessThanOrEqual(urban.perCaseCapYuan)).toBe(true);
        },
      ),
    );
  });
});
