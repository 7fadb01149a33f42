import { describe, expect, it } from "vitest";
import {
  type InvestigationInput,
  investigationTeam,
  PolicyRuleViolationError,
  requireCashHandOver,
} from "../../../../core/cases/index.ts";
import { Yuan } from "../../../../core/money/yuan.ts";
import { demoPolicy } from "../support/policy.ts";

const urban = demoPolicy("urban"); // investigators 2; cash ceiling 1,000
const FILED = Date.parse("2026-03-02T09:00:00+08:00");
const NOW = Date.parse("2026-03-05T09:00:00+08:00");

function team(overrides: Partial<InvestigationInput> = {}): InvestigationInput {
  return {
    investigators: [
      { userId: "o-1", visitedAt: Date.parse("2026-03-03T10:00:00+08:00") },
      { userId: "o-2", visitedAt: Date.parse("2026-03-03T10:00:00+08:00") },
    ],
    townshipOfficerIds: new Set(["o-1", "o-2", "o-3"]),
    applicantUserId: "a-1",
    advanceDeciderUserId: "ap-1",
    filedAt: FILED,
    now: NOW,
    ...overrides,
  };
}

const fields = (input: InvestigationInput) =>
  investigationTeam(input, urban).flatMap((o) => (o.outcome === "noncompliant" ? [o.field] : []));

describe("rule investigation team (DOMAIN §3.4, §7)", () => {
  it("Compliance: two active officers of the township, visiting between the filing and today", () => {
    expect(investigationTeam(team(), urban)).toEqual([
      { outcome: "compliant", rule: "investigators-per-case", policyVersionId: urban.policyVersionId },
    ]);
  });

  it("Compliance: a visit on the filing day and one today count (Asia/Shanghai dates)", () => {
    const sameDays = team({
      investigators: [
        { userId: "o-1", visitedAt: Date.parse("2026-03-02T00:30:00+08:00") },
        { userId: "o-2", visitedAt: Date.parse("2026-03-05T23:30:00+08:00") },
      ],
    });
    expect(fields(sameDays)).toEqual([]);
  });

  it("Noncompliance 1: someone who is not an active officer of the township", () => {
    expect(fields(team({ townshipOfficerIds: new Set(["o-1"]) }))).toEqual(["investigators.1.userId"]);
  });

  it("Noncompliance 2: the applicant, or the approver who decided the advance, never investigates", () => {
    // Even were they listed as officers of the township
    const officers = new Set(["o-1", "o-2", "a-1", "ap-1"]);
    const withApplicant = team({
      townshipOfficerIds: officers,
      investigators: [
        { userId: "o-1", visitedAt: NOW },
        { userId: "a-1", visitedAt: NOW },
      ],
    });
    const withApprover = team({
      townshipOfficerIds: officers,
      investigators: [
        { userId: "ap-1", visitedAt: NOW },
        { userId: "o-2", visitedAt: NOW },
      ],
    });
    expect(fields(withApplicant)).toEqual(["investigators.1.userId"]);
    expect(fields(withApprover)).toEqual(["investigators.0.userId"]);
  });

  it("Noncompliance 3: the same officer twice — refused on the repeat, and too few distinct officers", () => {
    const twice = team({
      investigators: [
        { userId: "o-1", visitedAt: NOW },
        { userId: " o-1 ", visitedAt: NOW },
      ],
    });
    expect(fields(twice)).toEqual(["investigators.1.userId", "investigators"]);
  });

  it("Noncompliance 4: a visit before the filing date or after today", () => {
    const dates = team({
      investigators: [
        { userId: "o-1", visitedAt: Date.parse("2026-03-01T23:59:00+08:00") },
        { userId: "o-2", visitedAt: Date.parse("2026-03-06T00:00:00+08:00") },
      ],
    });
    expect(fields(dates)).toEqual(["investigators.0.visitedAt", "investigators.1.visitedAt"]);
  });

  it("a county requiring three officers needs three", () => {
    const three = demoPolicy("urban", { investigatorsPerCase: 3 });
    expect(investigationTeam(team(), three).map((o) => o.outcome)).toEqual(["noncompliant"]);
  });
});

describe("requireCashHandOver (DOMAIN §3.3): the one check before anything is drawn", () => {
  const signed = { receiverSignatureRef: "sig-r", officerSignatureRef: "sig-o" };

  it("Compliance: urgent cash at the ceiling with both signatures", () => {
    expect(() =>
      requireCashHandOver(
        { stageOfPlan: false, hardshipType: "urgent", amountYuan: Yuan.parse("1000.00"), ...signed },
        urban,
      ),
    ).not.toThrow();
  });

  it("Noncompliance: above the ceiling and a blank signature are reported together, each on its field", () => {
    let refusal: unknown;
    try {
      requireCashHandOver(
        {
          stageOfPlan: false,
          hardshipType: "urgent",
          amountYuan: Yuan.parse("1000.01"),
          receiverSignatureRef: "sig-r",
          officerSignatureRef: "   ",
        },
        urban,
      );
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(PolicyRuleViolationError);
    expect((refusal as PolicyRuleViolationError).statusCode).toBe(422);
    expect((refusal as PolicyRuleViolationError).fields).toEqual([
      expect.objectContaining({ path: "amountYuan", messageZh: expect.stringContaining("超过现金上限") }),
      expect.objectContaining({ path: "officerSignatureRef", messageZh: "缺少经办人签字" }),
    ]);
  });

  it("Noncompliance: cash for an expenditure case", () => {
    expect(() =>
      requireCashHandOver(
        { stageOfPlan: false, hardshipType: "expenditure", amountYuan: Yuan.parse("100.00"), ...signed },
        urban,
      ),
    ).toThrow(PolicyRuleViolationError);
  });

  it("Noncompliance: a stage of a staged plan, even urgent, small and signed, is refused on the method", () => {
    let refusal: unknown;
    try {
      requireCashHandOver(
        { stageOfPlan: true, hardshipType: "urgent", amountYuan: Yuan.parse("100.00"), ...signed },
        urban,
      );
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(PolicyRuleViolationError);
    expect((refusal as PolicyRuleViolationError).fields).toEqual([
      expect.objectContaining({ path: "method", messageZh: expect.stringContaining("不能现金发放") }),
    ]);
  });
});
