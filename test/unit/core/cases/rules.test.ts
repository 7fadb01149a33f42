import { describe, expect, it } from "vitest";
import { type Actor, authorize } from "../../../../core/access/index.ts";
import {
  APPROVAL_ACTION,
  advanceCeiling,
  advanceDecisionDueAt,
  cashPayment,
  cashReceipt,
  chooseFlow,
  enforce,
  followUpApproval,
  investigatorsPerCase,
  missingCashSignatures,
  ordinaryProcessingDeadline,
  PolicyRuleViolationError,
  paperworkDeadline,
  publicNoticeEndsAt,
  publicNoticeRequirement,
  requiredApprovalLevel,
  stagePaidByTransfer,
} from "../../../../core/cases/index.ts";
import { Yuan } from "../../../../core/money/yuan.ts";
import { calendar2026, demoPolicy, shanghai } from "../support/policy.ts";

const y = (text: string) => Yuan.parse(text);
const urban = demoPolicy("urban"); // advance 1,000; township 3,000; cap 10 × 800 = 8,000; cash 1,000
const rural = demoPolicy("rural"); // cap 10 × 520 = 5,200

describe("rule advance-ceiling (DOMAIN §3.2)", () => {
  it("Compliance: an advance at the ceiling", () => {
    expect(advanceCeiling(y("1000"), urban)).toEqual({
      outcome: "compliant",
      rule: "advance-ceiling",
      policyVersionId: "230123-2026-01",
    });
  });
  it("Noncompliance 1: one fen above the ceiling", () => {
    expect(advanceCeiling(y("1000.01"), urban)).toMatchObject({
      outcome: "noncompliant",
      field: "amountYuan",
    });
  });
  it("Noncompliance 2: zero", () => {
    expect(advanceCeiling(y("0"), urban).outcome).toBe("noncompliant");
  });
  it("follows the policy, not a constant: a county with an 800 ceiling refuses 900", () => {
    const strict = demoPolicy("urban", { advanceCeilingYuan: "800", cashCeilingYuan: "800" });
    expect(advanceCeiling(y("900"), strict).outcome).toBe("noncompliant");
    expect(advanceCeiling(y("900"), urban).outcome).toBe("compliant");
  });
  it("enforce turns a noncompliant outcome into a 422 with a Chinese field message", () => {
    expect(() => enforce(advanceCeiling(y("1500"), urban))).toThrow(PolicyRuleViolationError);
    try {
      enforce(advanceCeiling(y("1500"), urban));
    } catch (error) {
      const e = error as PolicyRuleViolationError;
      expect(e.statusCode).toBe(422);
      expect(e.fields[0]).toMatchObject({ path: "amountYuan" });
      expect(e.fields[0]?.messageZh).toMatch(/先行救助金额/);
    }
  });
});

describe("required approval level (DOMAIN §3.5, §4.4)", () => {
  it.each([
    ["3000", "township"],
    ["3000.01", "county"],
    ["8000", "county"],
    ["8000.01", "county-coordination"],
  ] as const)("urban: %s yuan needs %s approval", (amount, level) => {
    expect(requiredApprovalLevel(y(amount), urban)).toBe(level);
  });

  it("rural townships resolve the 低保 multiple with the rural standard: 5,200.01 goes to 一事一议", () => {
    expect(requiredApprovalLevel(y("5200"), rural)).toBe("county");
    expect(requiredApprovalLevel(y("5200.01"), rural)).toBe("county-coordination");
  });
});

describe("rule per-case cap — follow-up total (DOMAIN §3.5)", () => {
  it("Compliance: advance 1,000 + follow-up 2,000 stays with the township", () => {
    const r = followUpApproval({ approvedSoFarYuan: [y("1000")], proposedYuan: y("2000") }, urban);
    expect(r).toMatchObject({ withinCap: true, level: "township" });
    expect(r.totalYuan.toString()).toBe("3000.00");
  });

  it("splitting into small follow-ups cannot bypass the county: the case total decides", () => {
    const r = followUpApproval({ approvedSoFarYuan: [y("1000"), y("1500")], proposedYuan: y("600") }, urban);
    expect(r.level).toBe("county");
  });

  it("Noncompliance: a total above the cap is outside it and goes to county coordination (一事一议)", () => {
    const r = followUpApproval(
      { approvedSoFarYuan: [y("1000"), y("5000")], proposedYuan: y("2000.01") },
      urban,
    );
    expect(r).toMatchObject({ withinCap: false, level: "county-coordination" });
    expect(r.remainingUnderCapYuan.toString()).toBe("2000.00");
  });
});

describe("rule cash-payment (DOMAIN §3.3)", () => {
  it("Not applicable: bank transfer is the default", () => {
    expect(
      cashPayment({ method: "bank-transfer", hardshipType: "expenditure", amountYuan: y("5000") }, urban)
        .outcome,
    ).toBe("not-applicable");
  });
  it("Compliance: cash for an urgent case at the cash ceiling", () => {
    expect(
      cashPayment({ method: "cash", hardshipType: "urgent", amountYuan: y("1000") }, urban).outcome,
    ).toBe("compliant");
  });
  it("Noncompliance 1: cash for an expenditure case", () => {
    expect(
      cashPayment({ method: "cash", hardshipType: "expenditure", amountYuan: y("100") }, urban),
    ).toMatchObject({
      outcome: "noncompliant",
      field: "method",
    });
  });
  it("Noncompliance 2: cash above the cash ceiling", () => {
    expect(
      cashPayment({ method: "cash", hardshipType: "urgent", amountYuan: y("1000.01") }, urban),
    ).toMatchObject({
      outcome: "noncompliant",
      field: "amountYuan",
    });
  });
  it("a cash receipt needs both the receiver's and the officer's signature", () => {
    expect(
      cashReceipt({ receiverSignatureRef: "s3://r", officerSignatureRef: "s3://o" }, urban).outcome,
    ).toBe("compliant");
    expect(cashReceipt({ receiverSignatureRef: "s3://r" }, urban)).toMatchObject({
      field: "officerSignatureRef",
    });
    expect(cashReceipt({ officerSignatureRef: "s3://o" }, urban)).toMatchObject({
      field: "receiverSignatureRef",
      messageZh: "缺少领款人签字",
    });
    expect(cashReceipt({ receiverSignatureRef: " ", officerSignatureRef: "s3://o" }, urban)).toMatchObject({
      field: "receiverSignatureRef",
    });
  });
  it("the signatures a hand-over lacks are listed receiver first (what the reconciliation reports)", () => {
    expect(missingCashSignatures({ receiver: true, officer: true })).toEqual([]);
    expect(missingCashSignatures({ receiver: false, officer: false })).toEqual(["receiver", "officer"]);
    expect(missingCashSignatures({ receiver: true, officer: false })).toEqual(["officer"]);
  });
});

describe("rule stage-paid-by-transfer (DOMAIN §3.3, §4.5)", () => {
  it("Compliance: a stage paid by bank transfer", () => {
    expect(stagePaidByTransfer({ method: "bank-transfer", stageOfPlan: true }, urban).outcome).toBe(
      "compliant",
    );
  });
  it("Noncompliance: a stage of a staged plan in cash, refused on the method in both languages", () => {
    expect(stagePaidByTransfer({ method: "cash", stageOfPlan: true }, urban)).toMatchObject({
      outcome: "noncompliant",
      field: "method",
      message: expect.stringMatching(/bank transfer/),
      messageZh: expect.stringContaining("不能现金发放"),
    });
  });
  it("Not applicable: first aid (the advance, follow-up aid) is not a stage", () => {
    expect(stagePaidByTransfer({ method: "cash", stageOfPlan: false }, urban).outcome).toBe("not-applicable");
  });
});

describe("rule investigators-per-case (DOMAIN §3.4)", () => {
  it("Compliance: two distinct officers", () => {
    expect(investigatorsPerCase(["u-1", "u-2"], urban).outcome).toBe("compliant");
  });
  it("Noncompliance: the same officer twice counts once", () => {
    expect(investigatorsPerCase(["u-1", "u-1", " u-1 "], urban)).toMatchObject({ outcome: "noncompliant" });
  });
  it("a county requiring three needs three", () => {
    expect(
      investigatorsPerCase(["u-1", "u-2"], demoPolicy("urban", { investigatorsPerCase: 3 })).outcome,
    ).toBe("noncompliant");
  });
});

describe("rule public-notice (DOMAIN §4.3)", () => {
  it("expenditure cases are noticed for the policy's number of days", () => {
    expect(publicNoticeRequirement("expenditure", urban)).toEqual({
      required: true,
      days: 7,
      policyVersionId: "230123-2026-01",
    });
    expect(publicNoticeEndsAt(shanghai("2026-04-01T09:00:00"), "expenditure", urban)?.toISOString()).toBe(
      "2026-04-08T15:59:59.999Z",
    );
  });
  it("urgent cases are exempt", () => {
    expect(publicNoticeRequirement("urgent", urban)).toMatchObject({
      required: false,
      exemption: "urgent-case",
    });
    expect(publicNoticeEndsAt(shanghai("2026-04-01T09:00:00"), "urgent", urban)).toBeUndefined();
  });
  it("a 3-day county notice ends 3 days later", () => {
    const short = demoPolicy("urban", { publicNoticeDays: 3 });
    expect(publicNoticeEndsAt(shanghai("2026-04-01T09:00:00"), "expenditure", short)?.toISOString()).toBe(
      "2026-04-04T15:59:59.999Z",
    );
  });
});

describe("flow choice and deadlines", () => {
  it("hardship expected to last longer than the threshold goes to staged assistance (Flow B)", () => {
    expect(chooseFlow({ expectedDurationMonths: 4, estimatedTotalYuan: y("1000") }, urban)).toMatchObject({
      flow: "B",
      reason: "duration",
    });
    expect(chooseFlow({ expectedDurationMonths: 3, estimatedTotalYuan: y("3000.01") }, urban)).toMatchObject({
      flow: "B",
      reason: "amount",
    });
    expect(chooseFlow({ expectedDurationMonths: 3, estimatedTotalYuan: y("3000") }, urban).flow).toBe("A");
  });

  it("the advance decision is due the policy's response time after filing", () => {
    expect(advanceDecisionDueAt(shanghai("2026-04-01T09:00:00"), urban).toISOString()).toBe(
      "2026-04-02T01:00:00.000Z",
    );
  });

  it("paperwork is due 5 working days after payment, skipping the Qingming holiday", () => {
    // paid Thu 04-02; 04-03 (1), 04-04..06 holiday, 04-07 (2) 04-08 (3) 04-09 (4) 04-10 (5)
    expect(paperworkDeadline(shanghai("2026-04-02T15:00:00"), urban, calendar2026).lastWorkingDay).toBe(
      "2026-04-10",
    );
  });

  it("ordinary processing uses its own working-day limit", () => {
    const d = ordinaryProcessingDeadline(shanghai("2026-03-02T09:00:00"), urban, calendar2026);
    expect(d.lastWorkingDay).toBe("2026-03-23");
  });
});

describe("approval level and access go together", () => {
  it("a township approver may approve a township-level amount but not a county-level one", () => {
    const approver: Actor = {
      userId: "u-approver",
      roles: ["township-approver"],
      countyId: "230123",
      townshipId: "230123-101",
      name: "审批人",
    };
    const theCase = { countyId: "230123", townshipId: "230123-101", handledBy: ["u-officer"] };
    const township = requiredApprovalLevel(y("2500"), urban);
    const county = requiredApprovalLevel(y("4500"), urban);
    expect(authorize(approver, APPROVAL_ACTION[township], theCase).allowed).toBe(true);
    expect(authorize(approver, APPROVAL_ACTION[county], theCase).allowed).toBe(false);
  });
});
