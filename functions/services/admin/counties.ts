/**
 * The counties an administrator or a province reader works on (DOMAIN §8): a province
 * administrator or province viewer lists the counties created under their province, a county
 * administrator their own county — names and how many townships, from the county directory alone
 * (no case, fund or roll-up figure is read).
 */
import { DirectoryStore } from "#adapters/directory-store.ts";
import { type Actor, authorize } from "#core/access/index.ts";
import { ForbiddenError } from "#core/errors.ts";
import type { AdminDeps } from "./administration.ts";

export interface CountyListItem {
  countyId: string;
  name: string;
  /** How many townships the county directory holds for it. */
  townships: number;
}

/** A province's code (`230000`): its users act on the counties under it. */
const PROVINCE_CODE = /^\d{2}0000$/;

/**
 * The counties the actor administers or reads the roll-up of, by code. A role with neither
 * `county.administer` nor `rollup.read` on its own county or province is refused (403).
 */
export async function listCounties(deps: AdminDeps, actor: Actor): Promise<CountyListItem[]> {
  const own = { countyId: actor.countyId };
  const may = (["county.administer", "rollup.read"] as const).some(
    (action) => authorize(actor, action, own).allowed,
  );
  if (!may)
    throw new ForbiddenError("None of your roles may list counties", "当前角色无权查看县列表", {
      details: { code: "no-role" },
    });
  const counties = await new DirectoryStore(deps.db, deps.table).countyList(actor.countyId);
  if (PROVINCE_CODE.test(actor.countyId)) return counties;
  return counties.filter((county) => county.countyId === actor.countyId);
}
