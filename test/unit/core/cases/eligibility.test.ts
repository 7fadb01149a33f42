import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AdvanceApplication,
  assessAdvance,
  HARDSHIP_CAUSES,
  type HouseholdRegistration,
  registrationFollowUp,
  registrationOf,
} from "../../../../core/cases/index.ts";
import type { IdentityDocument } from "../../../../core/identity/index.ts";
import { Yuan } from "../../../../core/money/yuan.ts";
import { demoPolicy } from "../support/policy.ts";

const policy = demoPolicy("rural");

const baseApplication: AdvanceApplication = {
  countyId: "230123",
  townshipId: "230123-101",
  cause: "fire",
  requestedAmountYuan: Yuan.parse("1500"),
  irreversibleHarmIfDelayed: true,
  identityDocument: { type: "resident-id", number: "11010519491231002X" },
  householdRegistration: { kind: "mainland", countyId: "230123" },
};

/** Any registration: local, another county, none (HK/Macao/Taiwan, foreigners) or unknown. */
const registrations: fc.Arbitrary<HouseholdRegistration> = fc.oneof(
  fc.constant<HouseholdRegistration>({ kind: "mainland", countyId: "230123" }),
  fc
    .stringMatching(/^[1-6]\d{5}$/)
    .map((countyId): HouseholdRegistration => ({ kind: "mainland", countyId })),
  fc.constant<HouseholdRegistration>({ kind: "none", note: "foreigner" }),
  fc.constant<HouseholdRegistration>({ kind: "unknown" }),
);

/** With and without a Chinese ID number. */
const documents: fc.Arbitrary<IdentityDocument> = fc.oneof(
  fc.constant<IdentityDocument>({ type: "resident-id", number: "11010519491231002X" }),
  fc.constant<IdentityDocument>({ type: "residence-permit", number: "11010519491231002X" }),
  fc.constant<IdentityDocument>({ type: "passport", number: "E12345678", nationality: "RUS" }),
  fc.constant<IdentityDocument>({ type: "hk-macao-permit", number: "H12345678" }),
  fc.constant<IdentityDocument>({ type: "taiwan-permit", number: "12345678" }),
  fc.constant<IdentityDocument>({ type: "foreigner-permanent-residence", number: "USA110012345678" }),
  fc.constant<IdentityDocument>({
    type: "none-officer-attests",
    attestingOfficerId: "u-1",
    reason: "证件损毁",
  }),
);

const applications: fc.Arbitrary<AdvanceApplication> = fc.record({
  countyId: fc.constant("230123"),
  townshipId: fc.constantFrom("230123-101", "230123-102"),
  cause: fc.constantFrom(...HARDSHIP_CAUSES),
  requestedAmountYuan: fc.integer({ min: 0, max: 2_000_000 }).map((fen) => Yuan.fromFen(fen)),
  irreversibleHarmIfDelayed: fc.boolean(),
  identityDocument: documents,
  householdRegistration: registrations,
});

const asComparable = (x: unknown) => JSON.parse(JSON.stringify(x));

describe("household registration never changes eligibility or amount (DOMAIN §2.1)", () => {
  it("same application with different household registration gets the same amount", () => {
    const local = assessAdvance(baseApplication, policy);
    const migrant = assessAdvance(
      { ...baseApplication, householdRegistration: { kind: "mainland", countyId: "510104" } },
      policy,
    );
    expect(local.amountYuan.toString()).toBe("1000.00");
    expect(asComparable(migrant)).toEqual(asComparable(local));
  });

  it("a foreigner without a Chinese ID number is aided like anyone else", () => {
    const foreigner = assessAdvance(
      {
        ...baseApplication,
        identityDocument: { type: "passport", number: "E12345678", nationality: "RUS" },
        householdRegistration: { kind: "none", note: "foreigner" },
      },
      policy,
    );
    expect(asComparable(foreigner)).toEqual(asComparable(assessAdvance(baseApplication, policy)));
  });

  it("property: for any application, any two registrations and any two documents give the same decision", () => {
    fc.assert(
      fc.property(applications, registrations, documents, (application, otherRegistration, otherDocument) => {
        const a = assessAdvance(application, policy);
        const b = assessAdvance(
          { ...application, householdRegistration: otherRegistration, identityDocument: otherDocument },
          policy,
        );
        expect(asComparable(b)).toEqual(asComparable(a));
      }),
      { numRuns: 500 },
    );
  });
});

describe("advance assessment (DOMAIN §3.2, §3.3)", () => {
  it("an urgent request above the ceiling is capped at the ceiling and says so", () => {
    const r = assessAdvance(baseApplication, policy);
    expect(r).toMatchObject({
      eligible: true,
      approvalLevel: "township",
      reasons: ["capped-at-advance-ceiling"],
    });
    expect(r.paymentMethods).toEqual(["bank-transfer", "cash"]);
    expect(r.policyVersionId).toBe("230123-2026-01");
  });

  it("an expenditure cause is not advance aid (it goes to Flow B)", () => {
    const r = assessAdvance({ ...baseApplication, cause: "medical" }, policy);
    expect(r).toMatchObject({ eligible: false, reasons: ["not-urgent"] });
    expect(r.amountYuan.isZero()).toBe(true);
    expect(r.paymentMethods).toEqual(["bank-transfer"]);
  });

  it("without irreversible harm from waiting there is no advance", () => {
    expect(assessAdvance({ ...baseApplication, irreversibleHarmIfDelayed: false }, policy).reasons).toContain(
      "no-irreversible-harm",
    );
  });

  it("property: the advance never exceeds the ceiling nor the request", () => {
    fc.assert(
      fc.property(applications, (application) => {
        const r = assessAdvance(application, policy);
        expect(r.amountYuan.lessThanOrEqual(policy.advanceCeilingYuan)).toBe(true);
        expect(r.amountYuan.lessThanOrEqual(application.requestedAmountYuan)).toBe(true);
      }),
    );
  });
});

describe("registration is used only for notification and statistics", () => {
  it("a non-local applicant's registration county is notified; a local one is not", () => {
    expect(registrationFollowUp({ kind: "mainland", countyId: "510104" }, "230123")).toEqual({
      category: "non-local",
      notifyCountyId: "510104",
    });
    expect(registrationFollowUp({ kind: "mainland", countyId: "230123" }, "230123")).toEqual({
      category: "local",
    });
    expect(registrationFollowUp({ kind: "none" }, "230123")).toEqual({
      category: "no-mainland-registration",
    });
  });

  it("a filing's recorded registration: a county code is a mainland registration, none is none", () => {
    expect(registrationOf({ countyCode: "510104" })).toEqual({ kind: "mainland", countyId: "510104" });
    expect(registrationOf({})).toEqual({ kind: "none" });
    expect(registrationFollowUp(registrationOf({}), "230123").notifyCountyId).toBeUndefined();
  });
});
