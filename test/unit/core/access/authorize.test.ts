import { describe, expect, it } from "vitest";
import {
  ACTIONS,
  type Action,
  type Actor,
  authorize,
  FIELD_VISIBILITY,
  fieldVisibility,
  PERMISSIONS,
  ROLE_DESCRIPTIONS,
  ROLES,
  type Role,
  requireAuthorized,
  visibleFields,
} from "../../../../core/access/index.ts";
import { ForbiddenError } from "../../../../core/errors.ts";

const COUNTY = "230123";
const TOWNSHIP = "230123-101";

function actorWith(role: Role, userId = `u-${role}`): Actor {
  return {
    userId,
    roles: [role],
    // Province roles carry their province's code; the county 230123 lies under it.
    countyId: role === "province-admin" || role === "province-viewer" ? "230000" : COUNTY,
    ...(ROLE_DESCRIPTIONS[role].townshipBound ? { townshipId: TOWNSHIP } : {}),
    name: role,
  };
}

/** A resource inside every actor's scope, handled and proposed by someone else. */
function inScopeResource(actor: Actor) {
  return {
    countyId: COUNTY,
    townshipId: TOWNSHIP,
    ownerUserId: actor.userId,
    handledBy: ["someone-else"],
    proposedBy: "another-finance-user",
  };
}

describe("authorization matrix generated from the permission table (DOMAIN §1)", () => {
  const rows = ROLES.flatMap((role) => ACTIONS.map((action) => ({ role, action })));
  it.each(rows)("$role may $action only when the table grants it", ({ role, action }) => {
    // Prepare
    const actor = actorWith(role);
    const granted = PERMISSIONS.some((g) => g.role === role && g.action === action);
    // Act
    const result = authorize(actor, action, inScopeResource(actor));
    // Assess
    expect(result.allowed).toBe(granted);
    if (!result.allowed) expect(result.code).toBe("no-role");
  });

  it("every action of the catalogue is granted to at least one role", () => {
    const ungranted = ACTIONS.filter((a) => !PERMISSIONS.some((g) => g.action === a));
    expect(ungranted).toEqual([]);
  });
});

describe("deny by default", () => {
  it("an actor without roles may do nothing", () => {
    const nobody: Actor = { userId: "x", roles: [], countyId: COUNTY, townshipId: TOWNSHIP, name: "x" };
    for (const action of ACTIONS) {
      expect(authorize(nobody, action, inScopeResource(nobody)).allowed).toBe(false);
    }
  });

  it("an unknown action is refused with both messages", () => {
    const result = authorize(actorWith("county-civil-affairs"), "case.delete" as Action, {
      countyId: COUNTY,
    });
    expect(result).toMatchObject({ allowed: false, code: "unknown-action" });
    if (!result.allowed) expect(result.reasonZh).toMatch(/未知操作/);
  });

  it("an unrecognised role string in a token grants nothing", () => {
    const forged = { ...actorWith("applicant"), roles: ["superuser" as Role] };
    expect(authorize(forged, "case.read", inScopeResource(forged)).allowed).toBe(false);
  });
});

describe("scope: own township, own county, own case", () => {
  it("a township officer cannot record an investigation for another township", () => {
    const officer = actorWith("township-officer");
    const result = authorize(officer, "investigation.record", { countyId: COUNTY, townshipId: "230123-102" });
    expect(result).toMatchObject({ allowed: false, code: "out-of-scope" });
  });

  it("a township officer without a township in the token is out of scope everywhere", () => {
    const { townshipId: _dropped, ...officer } = actorWith("township-officer");
    const result = authorize(officer, "case.read", { countyId: COUNTY, townshipId: TOWNSHIP });
    expect(result.allowed).toBe(false);
  });

  it("a township approver of the same township id in another county is out of scope", () => {
    const approver = actorWith("township-approver");
    const result = authorize(approver, "advance.decide", {
      countyId: "230124",
      townshipId: TOWNSHIP,
      handledBy: [],
    });
    expect(result).toMatchObject({ allowed: false, code: "out-of-scope" });
  });

  it("county civil affairs reads every township of its county but not another county", () => {
    const county = actorWith("county-civil-affairs");
    expect(authorize(county, "case.read", { countyId: COUNTY, townshipId: "230123-199" }).allowed).toBe(true);
    expect(authorize(county, "case.read", { countyId: "110101", townshipId: "x" }).allowed).toBe(false);
  });

  it("an applicant sees their own case and not somebody else's", () => {
    const applicant = actorWith("applicant");
    const own = { countyId: COUNTY, townshipId: TOWNSHIP, ownerUserId: applicant.userId };
    expect(authorize(applicant, "case.readOwn", own).allowed).toBe(true);
    expect(authorize(applicant, "case.readOwn", { ...own, ownerUserId: "u-other" })).toMatchObject({
      allowed: false,
      code: "out-of-scope",
    });
    expect(authorize(applicant, "case.read", own).allowed).toBe(false);
  });

  it("county finance allocates funds of its county only", () => {
    const finance = actorWith("county-finance");
    expect(authorize(finance, "fund.allocate", { countyId: COUNTY, townshipId: TOWNSHIP }).allowed).toBe(
      true,
    );
    expect(authorize(finance, "fund.allocate", { countyId: "230124", townshipId: TOWNSHIP }).allowed).toBe(
      false,
    );
  });
});

describe("maker-checker", () => {
  it("an approver never decides a case they handled (Noncompliance)", () => {
    const approver = actorWith("township-approver");
    const resource = { countyId: COUNTY, townshipId: TOWNSHIP, handledBy: ["u-officer", approver.userId] };
    const result = authorize(approver, "advance.decide", resource);
    expect(result).toMatchObject({ allowed: false, code: "maker-checker" });
    if (!result.allowed) expect(result.reasonZh).toMatch(/经办与审批分离/);
  });

  it("an approver decides a case handled by others (Compliance)", () => {
    const approver = actorWith("township-approver");
    const resource = { countyId: COUNTY, townshipId: TOWNSHIP, handledBy: ["u-officer"] };
    expect(authorize(approver, "advance.decide", resource).allowed).toBe(true);
  });

  it("a person holding both officer and approver roles still cannot approve what they handled", () => {
    const both: Actor = {
      ...actorWith("township-officer", "u-both"),
      roles: ["township-officer", "township-approver"],
    };
    const resource = { countyId: COUNTY, townshipId: TOWNSHIP, handledBy: ["u-both"] };
    expect(authorize(both, "investigation.record", resource).allowed).toBe(true);
    expect(authorize(both, "plan.approve", resource)).toMatchObject({
      allowed: false,
      code: "maker-checker",
    });
  });

  it("county civil affairs cannot decide an escalation on a case it handled", () => {
    const county = actorWith("county-civil-affairs");
    const resource = { countyId: COUNTY, townshipId: TOWNSHIP, handledBy: [county.userId] };
    expect(authorize(county, "case.escalation.decide", resource).allowed).toBe(false);
  });

  it("a replenishment is executed by a second finance user, never by its proposer", () => {
    const finance = actorWith("county-finance", "u-fin-1");
    const resource = { countyId: COUNTY, townshipId: TOWNSHIP };
    expect(
      authorize(finance, "fund.replenish.execute", { ...resource, proposedBy: "u-fin-1" }),
    ).toMatchObject({
      allowed: false,
      code: "maker-checker",
    });
    expect(authorize(finance, "fund.replenish.execute", { ...resource, proposedBy: "u-fin-2" }).allowed).toBe(
      true,
    );
    expect(authorize(finance, "fund.replenish.execute", resource).allowed).toBe(false);
  });

  it("requireAuthorized throws a 403 with the Chinese reason", () => {
    const approver = actorWith("township-approver");
    const attempt = () =>
      requireAuthorized(approver, "plan.approve", {
        countyId: COUNTY,
        townshipId: TOWNSHIP,
        handledBy: [approver.userId],
      });
    expect(attempt).toThrow(ForbiddenError);
    try {
      attempt();
    } catch (error) {
      expect((error as ForbiddenError).statusCode).toBe(403);
      expect((error as ForbiddenError).messageZh).toMatch(/审批人/);
    }
  });
});

describe("which personal fields each role sees unmasked", () => {
  it("county finance sees money, not case narratives", () => {
    expect(visibleFields("county-finance")).toContain("amounts");
    expect(visibleFields("county-finance")).not.toContain("narrative");
    expect(FIELD_VISIBILITY["county-finance"].narrative).toBe("hidden");
    expect(FIELD_VISIBILITY["county-finance"].idNumber).toBe("masked");
  });

  it("the auditor reads everything with personal data masked", () => {
    for (const field of ["name", "idNumber", "phone", "bankAccount", "address"] as const) {
      expect(FIELD_VISIBILITY.auditor[field]).toBe("masked");
    }
    expect(FIELD_VISIBILITY.auditor.narrative).toBe("clear");
  });

  it("a person with several roles gets the most permissive visibility of them", () => {
    expect(fieldVisibility(["auditor", "county-finance"], "narrative")).toBe("clear");
    expect(fieldVisibility(["county-finance"], "address")).toBe("hidden");
    expect(fieldVisibility([], "amounts")).toBe("hidden");
  });
});
