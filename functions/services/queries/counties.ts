/**
 * `GET /counties`: the counties of the deployment an applicant may file in — every county created,
 * from the county directory (code and name; no personal data), whatever county (if any) their token
 * names. An applicant picks the county where the emergency happened (DOMAIN §2.1), then its township
 * (`GET /townships?countyId=`).
 * Staff, who file on someone's behalf in their own township, get their own county only.
 */
import { DirectoryStore } from "#adapters/directory-store.ts";
import { type Actor, authorize } from "#core/access/index.ts";
import { ForbiddenError } from "#core/errors.ts";
import type { DirectoryDeps } from "./directory.ts";
import { filesAsApplicant } from "./townships.ts";

export interface CountyChoice {
  countyId: string;
  name: string;
}

export async function listCountiesToFileIn(deps: DirectoryDeps, actor: Actor): Promise<CountyChoice[]> {
  const directory = new DirectoryStore(deps.db, deps.table);
  if (filesAsApplicant(actor)) return directory.countiesOfDeployment();
  const countyId = actor.countyId;
  const staff =
    authorize(actor, "fund.read", { countyId }).allowed ||
    (actor.townshipId !== undefined &&
      authorize(actor, "fund.read", { countyId, townshipId: actor.townshipId }).allowed);
  if (!staff)
    throw new ForbiddenError(
      "Only applicants and the staff of a county read the counties to file in",
      "仅申请人和县、乡镇工作人员可查看可申请的县",
      { details: { action: "case.file", code: "no-role" } },
    );
  const county = await directory.county(countyId);
  return county ? [{ countyId: county.countyId, name: county.name }] : [];
}
