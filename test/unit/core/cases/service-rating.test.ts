import { describe, expect, it } from "vitest";
import { isSatisfied, reasonMissing, SERVICE_RATING_LEVELS, serviceRating } from "#core/cases/index.ts";

const V = "pv-1";

describe("rule service-rating (好差评, DOMAIN §8)", () => {
  it("Compliance: a closed case rated satisfied without a reason", () => {
    expect(serviceRating({ status: "closed", level: "satisfied" }, V).outcome).toBe("compliant");
  });

  it("Compliance: a refused advance may be rated dissatisfied with a reason", () => {
    const outcome = serviceRating(
      { status: "advance-rejected", level: "dissatisfied", reason: "没有说明理由" },
      V,
    );
    expect(outcome.outcome).toBe("compliant");
  });

  it("Noncompliance 1: a case still being handled cannot be rated", () => {
    const outcome = serviceRating({ status: "awaiting-paperwork", level: "very-satisfied" }, V);
    expect(outcome).toMatchObject({
      outcome: "noncompliant",
      field: "case",
      messageZh: "案件办结后才能评价",
    });
  });

  it("Noncompliance 2: a withdrawn case is not rated (the applicant ended it)", () => {
    expect(serviceRating({ status: "withdrawn", level: "satisfied" }, V).outcome).toBe("noncompliant");
  });

  it("Noncompliance 3: 不满意 and 非常不满意 need a reason; blanks do not count", () => {
    for (const level of ["dissatisfied", "very-dissatisfied"] as const) {
      const outcome = serviceRating({ status: "closed", level, reason: "  " }, V);
      expect(outcome).toMatchObject({ outcome: "noncompliant", field: "reason" });
      expect(reasonMissing(level, undefined)).toBe(true);
    }
    expect(reasonMissing("basically-satisfied", undefined)).toBe(false);
  });

  it("counts the first three of the five levels as satisfied", () => {
    expect(SERVICE_RATING_LEVELS.filter(isSatisfied)).toEqual([
      "very-satisfied",
      "satisfied",
      "basically-satisfied",
    ]);
  });
});
