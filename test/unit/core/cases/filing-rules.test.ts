/**
 * The filing rules of core/cases/rules (cdk-nag style: Compliance / Noncompliance per rule): birth
 * dates of ID numbers, who may attest an identity without a document, one aid per cause per household
 * counted from payment, and the fraud bar (DOMAIN §2.4, §7).
 */
import { describe, expect, it } from "vitest";
import {
  fraudBar,
  officerAttestation,
  oneAidPerCausePerHousehold,
  residentIdBirthDate,
} from "../../../../core/cases/index.ts";
import { checkResidentId, residentIdCheckCharacter } from "../../../../core/identity/index.ts";
import { demoPolicy, shanghai } from "../support/policy.ts";

const policy = demoPolicy("urban"); // 1 aid per cause per 12 months; fraud bar 12 months

/** A resident ID of the demo county born on `yyyymmdd`, with a correct check digit. */
function idBornOn(yyyymmdd: string): string {
  const first17 = `230123${yyyymmdd}123`;
  return `${first17}${residentIdCheckCharacter(first17)}`;
}
const resident = (yyyymmdd: string) => ({ type: "resident-id" as const, number: idBornOn(yyyymmdd) });
const field = "applicant.document.number";

describe("rule resident-id-birth-date (DOMAIN §7)", () => {
  it("Compliance: born today in Asia/Shanghai", () => {
    expect(
      residentIdBirthDate({ document: resident("20261206"), field, today: "2026-12-06" }, policy),
    ).toEqual({
      outcome: "compliant",
      rule: "resident-id-birth-date",
      policyVersionId: policy.policyVersionId,
    });
  });
  it.each(["20261231", "20270301", "20991231"])(
    "Noncompliance: a valid check digit but born %s, after today, is a field error in both languages",
    (birth) => {
      const outcome = residentIdBirthDate({ document: resident(birth), field, today: "2026-12-06" }, policy);
      expect(outcome).toMatchObject({
        outcome: "noncompliant",
        field,
        message: expect.stringMatching(/after today/),
      });
      if (outcome.outcome === "noncompliant") expect(outcome.messageZh).toMatch(/晚于今天/);
    },
  );
  it("Noncompliance: born before 1900", () => {
    const outcome = residentIdBirthDate(
      { document: resident("18991231"), field, today: "2026-12-06" },
      policy,
    );
    expect(outcome).toMatchObject({
      outcome: "noncompliant",
      messageZh: expect.stringMatching(/早于1900年/),
    });
  });
  it("Not applicable: a passport carries no birth date to check", () => {
    const passport = { type: "passport" as const, number: "E12345678", nationality: "RUS" };
    expect(residentIdBirthDate({ document: passport, field, today: "2026-12-06" }, policy).outcome).toBe(
      "not-applicable",
    );
  });
  it("today is the Shanghai date: born on the 7th is refused until midnight of the 6th in Shanghai", () => {
    // 2026-12-06T15:59Z is 23:59 on the 6th in Shanghai; 16:00Z is already the 7th there.
    expect(checkResidentId(idBornOn("20261207"), Date.parse("2026-12-06T15:59:00Z")).valid).toBe(false);
    expect(checkResidentId(idBornOn("20261207"), Date.parse("2026-12-06T16:00:00Z")).valid).toBe(true);
  });
});

describe("rule officer-attestation (DOMAIN §7)", () => {
  const attested = { type: "none-officer-attests" as const, reason: "证件在火灾中烧毁" };
  const officer = { userId: "officer-chengguan-1", roles: ["township-officer"], townshipId: "230123100" };
  it("Compliance: the filing officer of the township attests, with or without naming themselves", () => {
    expect(
      officerAttestation({ document: attested, filer: officer, townshipId: "230123100" }, policy).outcome,
    ).toBe("compliant");
    const named = { ...attested, attestingOfficerId: "officer-chengguan-1" };
    expect(
      officerAttestation({ document: named, filer: officer, townshipId: "230123100" }, policy).outcome,
    ).toBe("compliant");
  });
  it("Noncompliance 1: an applicant cannot attest, even naming an officer", () => {
    const applicant = { userId: "applicant-zhang", roles: ["applicant"] };
    const named = { ...attested, attestingOfficerId: "officer-chengguan-1" };
    expect(
      officerAttestation({ document: named, filer: applicant, townshipId: "230123100" }, policy),
    ).toMatchObject({
      outcome: "noncompliant",
      field: "applicant.document.type",
    });
  });
  it("Noncompliance 2: an officer of another township", () => {
    const other = { ...officer, townshipId: "230123101" };
    expect(
      officerAttestation({ document: attested, filer: other, townshipId: "230123100" }, policy),
    ).toMatchObject({
      outcome: "noncompliant",
      field: "applicant.document.type",
    });
  });
  it("Noncompliance 3: the filing officer names someone else (or nobody real) as the attesting officer", () => {
    const ghost = { ...attested, attestingOfficerId: "ghost-officer-999" };
    expect(
      officerAttestation({ document: ghost, filer: officer, townshipId: "230123100" }, policy),
    ).toMatchObject({
      outcome: "noncompliant",
      field: "applicant.document.attestingOfficerId",
    });
  });
  it("Not applicable: the applicant has a document", () => {
    expect(
      officerAttestation({ document: resident("19800101"), filer: officer, townshipId: "230123100" }, policy)
        .outcome,
    ).toBe("not-applicable");
  });
});

describe("rule one-aid-per-cause-per-household (DOMAIN §2.4, §7)", () => {
  const at = shanghai("2026-06-15T10:00:00");
  const husbandPaid = { caseId: "c-husband", cause: "fire", paidAt: shanghai("2026-03-03T10:00:00") };
  it("Noncompliance: any of the household was paid for the same fire within 12 months", () => {
    const outcome = oneAidPerCausePerHousehold({ cause: "fire", aids: [husbandPaid], at }, policy);
    expect(outcome).toMatchObject({
      outcome: "noncompliant",
      field: "hardship.cause",
      earlier: { caseId: "c-husband" },
    });
    expect(outcome).toMatchObject({ messageZh: expect.stringMatching(/一事一救/) });
    expect(outcome.until?.toISOString()).toBe("2027-03-03T02:00:00.000Z");
  });
  it("Compliance: paid 13 months ago", () => {
    const old = { ...husbandPaid, paidAt: shanghai("2025-05-10T10:00:00") };
    expect(oneAidPerCausePerHousehold({ cause: "fire", aids: [old], at }, policy).outcome).toBe("compliant");
  });
  it("the window counts from payment, not filing: filed 14 months ago but paid 11 months ago still counts", () => {
    const latePaid = { ...husbandPaid, paidAt: shanghai("2025-07-20T10:00:00") };
    expect(oneAidPerCausePerHousehold({ cause: "fire", aids: [latePaid], at }, policy).outcome).toBe(
      "noncompliant",
    );
  });
  it("Not applicable: another cause, or a case never paid", () => {
    expect(oneAidPerCausePerHousehold({ cause: "flood", aids: [husbandPaid], at }, policy).outcome).toBe(
      "not-applicable",
    );
    const unpaid = { caseId: "c-open", cause: "fire" };
    expect(oneAidPerCausePerHousehold({ cause: "fire", aids: [unpaid], at }, policy).outcome).toBe(
      "not-applicable",
    );
  });
  it("a county allowing two aids per cause counts each case once", () => {
    const lenient = demoPolicy("urban", { aidPerCausePerHousehold: 2 });
    const twice = [husbandPaid, { ...husbandPaid }];
    expect(oneAidPerCausePerHousehold({ cause: "fire", aids: twice, at }, lenient).outcome).toBe("compliant");
  });
  it("a county allowing two aids per cause refuses the third until the older of the two leaves the window", () => {
    const lenient = demoPolicy("urban", { aidPerCausePerHousehold: 2 });
    const two = [
      { caseId: "c-1", cause: "fire", paidAt: shanghai("2026-01-10T10:00:00") },
      { caseId: "c-2", cause: "fire", paidAt: shanghai("2026-03-10T10:00:00") },
    ];
    const outcome = oneAidPerCausePerHousehold({ cause: "fire", aids: two, at }, lenient);
    expect(outcome).toMatchObject({ outcome: "noncompliant", earlier: { caseId: "c-1" } });
    expect(outcome.until?.toISOString()).toBe("2027-01-10T02:00:00.000Z");
  });
});

describe("rule fraud-bar (DOMAIN §2.4, §2.5)", () => {
  const at = shanghai("2026-06-15T10:00:00");
  it("Noncompliance: fraud proven 6 months ago bars the household", () => {
    const outcome = fraudBar(
      { findings: [{ caseId: "c1", foundAt: shanghai("2025-12-15T10:00:00") }], at },
      policy,
    );
    expect(outcome).toMatchObject({ outcome: "noncompliant", barredBy: { caseId: "c1" } });
    expect(outcome.barredBy?.until.toISOString()).toBe("2026-12-15T02:00:00.000Z");
  });
  it("Compliance: the bar ends after the policy's months, to the second", () => {
    const found = (foundAt: number) =>
      fraudBar({ findings: [{ caseId: "c1", foundAt }], at }, policy).outcome;
    expect(found(shanghai("2025-06-15T09:59:59"))).toBe("compliant");
    expect(found(shanghai("2025-06-15T10:00:01"))).toBe("noncompliant");
  });
  it("Compliance: the bar has ended", () => {
    expect(
      fraudBar({ findings: [{ caseId: "c1", foundAt: shanghai("2025-05-01T10:00:00") }], at }, policy)
        .outcome,
    ).toBe("compliant");
  });
  it("Not applicable: suspicion is never passed in; no finding, no bar", () => {
    expect(fraudBar({ findings: [], at }, policy).outcome).toBe("not-applicable");
  });
});
