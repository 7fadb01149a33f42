/**
 * Staff users (issue 22): county administrators manage their county's staff, province administrators
 * those of the counties of their province; nobody gives a role above what they could hold, and nobody
 * administers their own account.
 */
import { describe, expect, it } from "vitest";
import {
  type Actor,
  appointmentDenial,
  authorize,
  COUNTY_STAFF_ROLES,
  ROLES,
  requireAppointable,
} from "../../../../core/access/index.ts";
import { ForbiddenError } from "../../../../core/errors.ts";

const countyAdmin: Actor = { userId: "ca-1", name: "孙丽", roles: ["county-admin"], countyId: "230123" };
const provinceAdmin: Actor = {
  userId: "pa-1",
  name: "郑国华",
  roles: ["province-admin"],
  countyId: "230000",
};

describe("staff users: who administers them", () => {
  it("Compliance: a county administrator lists, creates and disables the users of their own county", () => {
    for (const action of ["user.list", "user.create", "user.disable"] as const)
      expect(authorize(countyAdmin, action, { countyId: "230123" }).allowed).toBe(true);
  });

  it("Compliance: a province administrator administers users of every county of its province", () => {
    for (const action of ["user.list", "user.create", "user.disable"] as const) {
      expect(authorize(provinceAdmin, action, { countyId: "230124" }).allowed).toBe(true);
      expect(authorize(provinceAdmin, action, { countyId: "230000" }).allowed).toBe(true);
    }
  });

  it("Noncompliance 1: a county administrator administers no user of another county", () => {
    expect(authorize(countyAdmin, "user.create", { countyId: "230124" })).toMatchObject({
      allowed: false,
      code: "out-of-scope",
    });
    expect(authorize(provinceAdmin, "user.disable", { countyId: "310101" })).toMatchObject({
      allowed: false,
      code: "out-of-scope",
    });
  });

  it("Noncompliance 2: staff who are not administrators manage no user", () => {
    for (const role of ROLES.filter((r) => r !== "county-admin" && r !== "province-admin")) {
      const actor: Actor = { userId: "u-1", name: "某人", roles: [role], countyId: "230123" };
      for (const action of ["user.list", "user.create", "user.disable"] as const)
        expect(authorize(actor, action, { countyId: "230123" })).toMatchObject({ allowed: false });
    }
  });
});

describe("staff users: which role may be given", () => {
  it("Compliance: a county administrator gives every role of a county, another county administrator included", () => {
    for (const role of COUNTY_STAFF_ROLES) expect(appointmentDenial(countyAdmin, { role })).toBeUndefined();
  });

  it("Compliance: a province administrator also appoints the province's roles", () => {
    expect(appointmentDenial(provinceAdmin, { role: "province-admin" })).toBeUndefined();
    expect(appointmentDenial(provinceAdmin, { role: "province-viewer" })).toBeUndefined();
    expect(appointmentDenial(provinceAdmin, { role: "township-officer" })).toBeUndefined();
  });

  it("Noncompliance 1: a county administrator cannot create a province administrator", () => {
    expect(appointmentDenial(countyAdmin, { role: "province-admin" })).toMatchObject({
      code: "role-above-own",
    });
    expect(() => requireAppointable(countyAdmin, { role: "province-admin" })).toThrow(ForbiddenError);
    expect(appointmentDenial(countyAdmin, { role: "province-viewer" })).toMatchObject({
      code: "role-above-own",
    });
  });

  it("Noncompliance 2: nobody gives the applicant role (applicants are not created by administrators)", () => {
    expect(appointmentDenial(provinceAdmin, { role: "applicant" })).toMatchObject({ code: "role-above-own" });
  });

  it("Noncompliance 3: an administrator does not disable or re-create their own account", () => {
    const disabling = appointmentDenial(countyAdmin, { role: "county-admin", subjectUserId: "ca-1" });
    expect(disabling).toMatchObject({ code: "self" });
    expect(disabling?.reasonZh).toContain("本人");
    expect(appointmentDenial(provinceAdmin, { role: "county-admin", samePersonAsActor: true })).toMatchObject(
      { code: "self" },
    );
  });
});
