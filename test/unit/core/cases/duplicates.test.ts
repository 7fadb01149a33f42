import { describe, expect, it } from "vitest";
import { checkDuplicate, type NewApplication, type PriorCase } from "../../../../core/cases/index.ts";
import { demoPolicy, shanghai } from "../support/policy.ts";

const policy = demoPolicy("urban"); // 1 aid per cause per 12 months; fraud bar 12 months
const now = shanghai("2026-06-15T10:00:00");

const application: NewApplication = {
  idempotencyKey: "key-2",
  requestHash: "body-2",
  personKey: "person-A",
  householdKey: "household-A",
  cause: "fire",
};

function prior(overrides: Partial<PriorCase>): PriorCase {
  return {
    caseId: "case-1",
    idempotencyKey: "key-1",
    requestHash: "body-1",
    personKey: "person-A",
    householdKey: "household-A",
    cause: "fire",
    state: "closed",
    ...overrides,
  };
}

describe("duplicate filings (DOMAIN §3.1)", () => {
  it("the same idempotency key returns the existing case", () => {
    const verdict = checkDuplicate(
      application,
      [prior({ idempotencyKey: "key-2", requestHash: "body-2" })],
      [],
      now,
      policy,
    );
    expect(verdict).toEqual({ verdict: "existing", reason: "same-idempotency-key", caseId: "case-1" });
  });

  it("the same idempotency key with another body is a conflict, not a silent duplicate", () => {
    const verdict = checkDuplicate(
      application,
      [prior({ idempotencyKey: "key-2", requestHash: "other" })],
      [],
      now,
      policy,
    );
    expect(verdict).toMatchObject({ verdict: "conflict", reason: "idempotency-key-reused" });
  });

  it("the same person and cause while a case is open returns the open case", () => {
    const verdict = checkDuplicate(application, [prior({ state: "awaiting-paperwork" })], [], now, policy);
    expect(verdict).toEqual({ verdict: "existing", reason: "same-person-same-cause-open", caseId: "case-1" });
  });

  it("the same person with another cause while a case is open is a new case", () => {
    const verdict = checkDuplicate(
      application,
      [prior({ state: "awaiting-paperwork", cause: "flood" })],
      [],
      now,
      policy,
    );
    expect(verdict.verdict).toBe("new");
  });

  it("an officer-attested applicant (no person key) is never matched by person", () => {
    const { personKey: _none, ...attested } = application;
    const verdict = checkDuplicate(
      attested,
      [
        prior({ state: "awaiting-paperwork", householdKey: "household-B" }),
        prior({ caseId: "c2", personKey: undefined as never, householdKey: "household-C" }),
      ],
      [],
      now,
      policy,
    );
    expect(verdict.verdict).toBe("new");
  });
});

describe("one cause, one aid (DOMAIN §2.4)", () => {
  it("Noncompliance: a household aided for a fire 11 months ago is refused a second fire aid", () => {
    const aided = prior({ aidedAt: shanghai("2025-07-20T10:00:00"), personKey: "person-B" });
    const verdict = checkDuplicate(application, [aided], [], now, policy);
    expect(verdict).toMatchObject({ verdict: "refused", reason: "aid-limit-per-cause", caseIds: ["case-1"] });
    if (verdict.verdict === "refused") {
      expect(verdict.until.toISOString()).toBe("2026-07-20T02:00:00.000Z");
      expect(verdict.messageZh).toMatch(/一事一救/);
      expect(verdict.policyVersionId).toBe("230123-2026-01");
    }
  });

  it("Compliance: the same household aided 13 months ago may be aided again", () => {
    const aided = prior({ aidedAt: shanghai("2025-05-10T10:00:00") });
    expect(checkDuplicate(application, [aided], [], now, policy).verdict).toBe("new");
  });

  it("Compliance: an aid for another cause does not count", () => {
    const aided = prior({ aidedAt: shanghai("2026-05-01T10:00:00"), cause: "traffic-accident" });
    expect(checkDuplicate(application, [aided], [], now, policy).verdict).toBe("new");
  });

  it("a case that was never paid does not count as aid", () => {
    expect(checkDuplicate(application, [prior({ state: "advance-rejected" })], [], now, policy).verdict).toBe(
      "new",
    );
  });

  it("a county allowing two aids per cause accepts the second and refuses the third", () => {
    const lenient = demoPolicy("urban", { aidPerCausePerHousehold: 2 });
    const one = [prior({ aidedAt: shanghai("2026-01-10T10:00:00") })];
    expect(checkDuplicate(application, one, [], now, lenient).verdict).toBe("new");
    const two = [
      ...one,
      prior({ caseId: "case-2", idempotencyKey: "k", aidedAt: shanghai("2026-03-10T10:00:00") }),
    ];
    const verdict = checkDuplicate(application, two, [], now, lenient);
    expect(verdict).toMatchObject({ verdict: "refused", reason: "aid-limit-per-cause" });
    if (verdict.verdict === "refused") expect(verdict.until.toISOString()).toBe("2027-01-10T02:00:00.000Z");
  });
});

describe("fraud bar (DOMAIN §2.4)", () => {
  it("Noncompliance: a household found to have committed fraud 6 months ago is barred", () => {
    const verdict = checkDuplicate(
      application,
      [],
      [{ householdKey: "household-A", foundAt: shanghai("2025-12-15T10:00:00") }],
      now,
      policy,
    );
    expect(verdict).toMatchObject({ verdict: "refused", reason: "fraud-bar" });
    if (verdict.verdict === "refused") expect(verdict.until.toISOString()).toBe("2026-12-15T02:00:00.000Z");
  });

  it("the bar follows the person into another household", () => {
    const verdict = checkDuplicate(
      application,
      [],
      [{ householdKey: "household-Z", personKey: "person-A", foundAt: shanghai("2026-01-01T10:00:00") }],
      now,
      policy,
    );
    expect(verdict).toMatchObject({ verdict: "refused", reason: "fraud-bar" });
  });

  it("Compliance: the bar ends after the policy's months", () => {
    const verdict = checkDuplicate(
      application,
      [],
      [{ householdKey: "household-A", foundAt: shanghai("2025-06-15T09:59:59") }],
      now,
      policy,
    );
    expect(verdict.verdict).toBe("new");
  });
});
