/**
 * The roles the users API gives (its `NewStaffUser.role`, generated from core/access), each with
 * where it is held: a township (its user names the township), a county, or the province (created
 * under the province code). Keyed by the API's own role type, so a role added there does not
 * compile here until it is placed.
 */
import type { NewStaffUser } from "../../api/admin.ts";

export type StaffRole = NewStaffUser["role"];
export type RolePlace = "township" | "county" | "province";

const PLACE: Record<StaffRole, RolePlace> = {
  "township-officer": "township",
  "township-approver": "township",
  "county-civil-affairs": "county",
  "county-finance": "county",
  auditor: "county",
  "county-admin": "county",
  "province-admin": "province",
  "province-viewer": "province",
};

const rolesAt = (...places: RolePlace[]) =>
  (Object.keys(PLACE) as StaffRole[]).filter((role) => places.includes(PLACE[role]));

/** Roles created in a county (by its administrator, or by the province administrator). */
export const COUNTY_STAFF_ROLES: readonly StaffRole[] = rolesAt("township", "county");
/** Roles created under the province code (by the province administrator only). */
export const PROVINCE_STAFF_ROLES: readonly StaffRole[] = rolesAt("province");

export function isTownshipBound(role: string): boolean {
  return PLACE[role as StaffRole] === "township";
}
