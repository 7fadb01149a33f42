/**
 * The province roll-up (issue 22, DOMAIN §8): a read-only province role reads the figures of the
 * counties of its own province and nothing else; the province administrator reads them too; county
 * staff and another province never do; the role sees no personal field.
 */
import { describe, expect, it } from "vitest";
import { ACTIONS, type Actor, authorize, ROLES, visibleFields } from "../../../../core/access/index.ts";

const viewer: Actor = { userId: "pv-1", name: "冯晓", roles: ["province-viewer"], countyId: "230000" };
const provinceAdmin: Actor = {
  userId: "pa-1",
  name: "郑国华",
  roles: ["province-admin"],
  countyId: "230000",
};

describe("province roll-up: who reads it", () => {
  it("Compliance: the province viewer reads the roll-up of its province and of each county under it", () => {
    expect(authorize(viewer, "rollup.read", { countyId: "230000" }).allowed).toBe(true);
    expect(authorize(viewer, "rollup.read", { countyId: "230123" }).allowed).toBe(true);
  });

  it("Compliance: the province administrator reads it too", () => {
    expect(authorize(provinceAdmin, "rollup.read", { countyId: "230000" }).allowed).toBe(true);
  });

  it("Noncompliance 1: another province is out of scope", () => {
    expect(authorize(viewer, "rollup.read", { countyId: "310000" })).toMatchObject({
      allowed: false,
      code: "out-of-scope",
    });
    expect(authorize(viewer, "rollup.read", { countyId: "310101" })).toMatchObject({ allowed: false });
  });

  it("Noncompliance 2: a viewer token carrying a county code is no province viewer", () => {
    const posing: Actor = { ...viewer, countyId: "230123" };
    expect(authorize(posing, "rollup.read", { countyId: "230123" })).toMatchObject({ allowed: false });
  });

  it("Noncompliance 3: no county or township role reads the roll-up, not even of its own county", () => {
    for (const role of ROLES.filter((r) => r !== "province-viewer" && r !== "province-admin")) {
      const actor: Actor = {
        userId: "u-1",
        name: "某人",
        roles: [role],
        countyId: "230123",
        townshipId: "230123100",
      };
      expect(authorize(actor, "rollup.read", { countyId: "230123" }), role).toMatchObject({
        allowed: false,
        code: "no-role",
      });
    }
  });

  it("Noncompliance 4: the viewer may do nothing else — no case, fund, audit, export or administration", () => {
    // Besides the roll-up, only its own inbox (messages addressed to the role; no case behind them).
    expect(authorize(viewer, "message.read", { countyId: "230000" }).allowed).toBe(true);
    const others = ACTIONS.filter((action) => action !== "rollup.read" && action !== "message.read");
    for (const action of others) {
      expect(
        authorize(viewer, action, { countyId: "230123", townshipId: "230123100", ownerUserId: "pv-1" })
          .allowed,
        action,
      ).toBe(false);
    }
  });

  it("the viewer sees no personal field unmasked", () => {
    expect(visibleFields("province-viewer")).toEqual([]);
  });
});
