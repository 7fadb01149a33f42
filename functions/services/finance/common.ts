/** Small shared pieces of the finance services: townships, authorization, audit, amounts. */
import * as z from "zod";
import type { AuditInput } from "#adapters/audit-store.ts";
import { type AccessResource, type Action, type Actor, requireAuthorized } from "#core/access/index.ts";
import { NotFoundError } from "#core/errors.ts";
import type { FinanceDeps, Township } from "./deps.ts";

export { YuanText } from "#core/money/index.ts";

/** Township codes are 9 digits whose first 6 are the county's (行政区划代码). */
export const TownshipId = z.string().regex(/^\d{9}$/, "a 9-digit township code");

export function countyOfTownship(townshipId: string): string {
  return townshipId.slice(0, 6);
}

/** The township in the directory, after the actor is authorized for `action` on it. */
export async function authorizeTownship(
  deps: FinanceDeps,
  actor: Actor,
  action: Action,
  townshipId: string,
  extra: Partial<AccessResource> = {},
): Promise<Township> {
  const countyId = countyOfTownship(townshipId);
  requireAuthorized(actor, action, { countyId, townshipId, ...extra });
  const township = (await deps.directory.townshipsOf(countyId)).find((t) => t.townshipId === townshipId);
  if (!township) throw new NotFoundError(`Township ${townshipId} is not known`, "该乡镇（街道）不存在");
  return township;
}

export function authorizeCounty(actor: Actor, action: Action, countyId: string): void {
  requireAuthorized(actor, action, { countyId });
}

/** An audit event of a finance action: the audit store's input, by the whole actor (narrowed when written). */
export type FinanceAudit = Omit<AuditInput, "actor" | "dedupKey"> & { actor: Actor };

/** Every finance action records who, when, what and why (DOMAIN §1). */
export async function audit(deps: FinanceDeps, event: FinanceAudit): Promise<void> {
  await deps.audit.append({
    countyId: event.countyId,
    ...(event.townshipId ? { townshipId: event.townshipId } : {}),
    actor: { userId: event.actor.userId, name: event.actor.name, roles: event.actor.roles },
    action: event.action,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    ...(event.reason ? { reason: event.reason } : {}),
    ...(event.before !== undefined ? { before: event.before } : {}),
    ...(event.after !== undefined ? { after: event.after } : {}),
    ...(event.correlationId ? { correlationId: event.correlationId } : {}),
  });
}

/** JSON-ready copy (Yuan → "12.30" through its toJSON). */
export function plain<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value));
}
