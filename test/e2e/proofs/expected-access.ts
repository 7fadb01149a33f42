/**
 * The answer the permission table gives, worked out here from `PERMISSIONS` alone (DOMAIN §1), so the
 * authorization matrix compares the server with the table rather than with the server's own code path.
 */
import { type Action, PERMISSIONS, ROLE_DESCRIPTIONS, type Role } from "#core/access/index.ts";

export interface MatrixActor {
  userId: string;
  roles: readonly Role[];
  countyId: string;
  townshipId?: string;
}

export interface MatrixResource {
  countyId: string;
  townshipId?: string;
  ownerUserId?: string;
  handledBy?: readonly string[];
  proposedBy?: string;
}

export function allowedByTable(actor: MatrixActor, action: Action, resource: MatrixResource): boolean {
  return PERMISSIONS.some((grant) => {
    if (grant.action !== action || !actor.roles.includes(grant.role)) return false;
    const inScope =
      grant.scope === "own-case"
        ? resource.ownerUserId === actor.userId
        : grant.scope === "own-township"
          ? ROLE_DESCRIPTIONS[grant.role].townshipBound &&
            resource.countyId === actor.countyId &&
            resource.townshipId !== undefined &&
            resource.townshipId === actor.townshipId
          : resource.countyId === actor.countyId;
    if (!inScope) return false;
    if (grant.makerChecker === "not-handler") return !(resource.handledBy ?? []).includes(actor.userId);
    if (grant.makerChecker === "not-proposer") {
      return resource.proposedBy !== undefined && resource.proposedBy !== actor.userId;
    }
    return true;
  });
}

/** A role holds some grant for the action (what a route without a resource checks up front). */
export function roleMayAtAll(actor: MatrixActor, action: Action): boolean {
  return PERMISSIONS.some((grant) => grant.action === action && actor.roles.includes(grant.role));
}
