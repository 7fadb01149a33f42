/**
 * `GET /townships`: the townships of the signed-in user's county (code, name, urban/rural, registered
 * population), from the county directory — what the consoles offer in township pickers and what
 * county finance sizes quotas by. Staff of the county and of its townships may read it (fund.read:
 * every staff role has it, county-wide or for their own township), and so may whoever may file
 * (case.file): the applicant picks the township where the emergency happened (DOMAIN §2.1) — in any
 * county of the deployment, so an applicant may name the county (`countyId`); staff read their own
 * county only. The list holds no personal data.
 */

import { DirectoryStore, type TownshipProfile } from "#adapters/directory-store.ts";
import { type Actor, authorize } from "#core/access/index.ts";
import { ForbiddenError, NotFoundError } from "#core/errors.ts";
import type { DirectoryDeps } from "./directory.ts";

export interface CountyTownships {
  countyId: string;
  townships: Omit<TownshipProfile, "countyId">[];
}

/** Whether the actor files as an applicant (a grant of case.file on their own case). */
export function filesAsApplicant(actor: Actor): boolean {
  return authorize(actor, "case.file", { countyId: actor.countyId, ownerUserId: actor.userId }).allowed;
}

export async function listTownships(
  deps: DirectoryDeps,
  actor: Actor,
  requestedCountyId?: string,
): Promise<CountyTownships> {
  const countyId = requestedCountyId ?? actor.countyId;
  // Another county's townships: the place of the emergency, chosen by an applicant only.
  if (countyId !== actor.countyId && !filesAsApplicant(actor))
    throw new ForbiddenError(
      "Staff read the townships of their own county only",
      "工作人员只能查看本县的乡镇目录",
      { details: { action: "fund.read", code: "scope" } },
    );
  // A county-wide grant, or a grant on the actor's own township of this county.
  const allowed =
    authorize(actor, "fund.read", { countyId }).allowed ||
    (actor.townshipId !== undefined &&
      authorize(actor, "fund.read", { countyId, townshipId: actor.townshipId }).allowed) ||
    authorize(actor, "case.file", { countyId, ownerUserId: actor.userId }).allowed;
  if (!allowed) {
    throw new ForbiddenError(
      "Only staff of the county and its townships, and applicants, read the township directory",
      "仅本县及所属乡镇工作人员和申请人可查看乡镇目录",
      { details: { action: "fund.read", code: "no-role" } },
    );
  }
  const townships = await new DirectoryStore(deps.db, deps.table).townshipsOf(countyId);
  // A county exists only once an administrator created it (never a fallback to demo data).
  if (townships.length === 0)
    throw new NotFoundError(
      `County ${countyId} has not been created`,
      requestedCountyId === undefined ? "本县尚未在本系统开通" : "该县尚未在本系统开通",
      {
        details: { countyId },
      },
    );
  return {
    countyId,
    townships: townships.map((t) => ({
      townshipId: t.townshipId,
      name: t.name,
      area: t.area,
      registeredPopulation: t.registeredPopulation,
    })),
  };
}
