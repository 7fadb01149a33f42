/**
 * The access resource of a case (core/access): county, township of the emergency, owner and everyone
 * who handled it (maker-checker, DOMAIN §1).
 */

import type { CaseRecord } from "#adapters/case-store.ts";
import { type AccessResource, type Action, type Actor, requireAuthorized } from "#core/access/index.ts";
import { ForbiddenError } from "#core/errors.ts";

/** Denial codes of core/access, least to most telling (maker-checker explains the most). */
const STAGES = ["unknown-action", "no-role", "out-of-scope", "maker-checker"];

export function caseResource(record: CaseRecord): AccessResource {
  return {
    countyId: record.countyId,
    townshipId: record.townshipId,
    ...(record.applicant.userId ? { ownerUserId: record.applicant.userId } : {}),
    handledBy: record.handledBy,
  };
}

export function authorizeOnCase(actor: Actor, action: Action, record: CaseRecord): void {
  requireAuthorized(actor, action, caseResource(record));
}

/** The first of `actions` the actor may take on the case; 403 with the most telling reason otherwise. */
export function authorizeAnyOnCase(actor: Actor, actions: readonly Action[], record: CaseRecord): Action {
  const rank = (error: unknown) => STAGES.indexOf(String((error as ForbiddenError).details?.code));
  let best: unknown;
  for (const action of actions) {
    try {
      requireAuthorized(actor, action, caseResource(record));
      return action;
    } catch (error) {
      if (!(error instanceof ForbiddenError)) throw error;
      if (best === undefined || rank(error) > rank(best)) best = error;
    }
  }
  throw best;
}
