/**
 * The administrators (DOMAIN §8): a county administrator acts on their own county's reference data,
 * a province administrator (carrying the province code) on the counties under it; a policy version
 * is approved by an administrator other than its proposer; neither reads a case, a fund or the audit.
 */
import { describe, expect, it } from "vitest";
import { type Actor, authorize, visibleFields } from "../../../../core/access/index.ts";

const countyAdmin: Actor = { userId: "ca-1", name: "孙丽", roles: ["county-admin"], countyId: "230123" };
const provinceAdmin: Actor = {
  userId: "pa-1",
  name: "郑国华",
  roles: ["province-admin"],
  countyId: "230000",
};

describe("administrators", () => {
  it("Compliance: a province administrator creates a county of its province and loads the national schedule", () => {
    expect(authorize(provinceAdmin, "county.create", { countyId: "230124" }).allowed).toBe(true);
    expect(authorize(provinceAdmin, "calendar.national.load", { countyId: "230000" }).allowed).toBe(true);
  });

  it("Noncompliance 1: a province administrator acts on no county of another province", () => {
    const result = authorize(provinceAdmin, "county.create", { countyId: "310101" });
    expect(result).toMatchObject({ allowed: false, code: "out-of-scope" });
  });

  it("Noncompliance 2: a token with a county code does not make a province administrator", () => {
    const posing: Actor = { ...provinceAdmin, countyId: "230123" };
    expect(authorize(posing, "county.create", { countyId: "230124" })).toMatchObject({ allowed: false });
  });

  it("Noncompliance 3: a county administrator manages only their own county and creates none", () => {
    expect(authorize(countyAdmin, "policy.propose", { countyId: "230123" }).allowed).toBe(true);
    expect(authorize(countyAdmin, "policy.propose", { countyId: "230124" })).toMatchObject({
      allowed: false,
      code: "out-of-scope",
    });
    expect(authorize(countyAdmin, "county.create", { countyId: "230123" })).toMatchObject({
      allowed: false,
      code: "no-role",
    });
    expect(authorize(countyAdmin, "calendar.national.load", { countyId: "230123" }).allowed).toBe(false);
  });

  it("Noncompliance 4: the proposer of a policy version cannot approve it; another administrator can", () => {
    const own = authorize(countyAdmin, "policy.approve", { countyId: "230123", proposedBy: "ca-1" });
    expect(own).toMatchObject({ allowed: false, code: "maker-checker" });
    if (!own.allowed) expect(own.reasonZh).toContain("另一名管理员");
    expect(authorize(countyAdmin, "policy.approve", { countyId: "230123", proposedBy: "ca-2" }).allowed).toBe(
      true,
    );
    expect(
      authorize(provinceAdmin, "policy.approve", { countyId: "230123", proposedBy: "ca-1" }).allowed,
    ).toBe(true);
  });

  it("Noncompliance 5: administrators read no case, fund or audit trail, and see no personal field", () => {
    for (const actor of [countyAdmin, provinceAdmin]) {
      for (const action of ["case.read", "fund.read", "audit.read", "export.run"] as const) {
        expect(authorize(actor, action, { countyId: "230123", townshipId: "230123100" }).allowed).toBe(false);
      }
      for (const role of actor.roles) expect(visibleFields(role)).toEqual([]);
    }
  });
});
