/**
 * The early warnings of `GET /work-queue` (DOMAIN §7): beside the case tasks, a township
 * officer's queue lists the township's alerts still awaiting their verification visit, and county
 * civil affairs' the county's alerts escalated to it (their deadline passed unverified) — each with
 * its deadline, earliest first. Read from the alert store (functions/adapters/alert-store.ts).
 */
import * as z from "zod";
import { AlertStore } from "#adapters/alert-store.ts";
import { type Actor, authorize } from "#core/access/index.ts";
import {
  ALERT_STATUS_NAMES_ZH,
  ALERT_STATUSES,
  isVerificationOverdue,
  RISK_KIND_NAMES_ZH,
  RISK_KINDS,
} from "#core/alerts/index.ts";
import { countyOfTownship, townshipNames } from "./directory.ts";
import type { WorkQueueDeps, WorkQueueQuery } from "./work-queue.ts";

/** An early warning awaiting its verification, as the work queue lists it (never the person's ID). */
export const AlertWorkItemSchema = z
  .object({
    alertId: z.string(),
    townshipId: z.string(),
    townshipName: z.string().nullable(),
    personName: z.string().optional(),
    kind: z.enum(RISK_KINDS),
    kindZh: z.string(),
    status: z.enum(ALERT_STATUSES),
    statusZh: z.string(),
    dueAt: z.string().meta({ description: "The verification deadline (ISO instant)" }),
    overdue: z.boolean(),
    escalated: z.boolean().meta({ description: "County civil affairs was told the deadline passed" }),
    receivedAt: z.string(),
  })
  .meta({ id: "AlertWorkItem" });
export type AlertWorkItem = z.output<typeof AlertWorkItemSchema>;

/** Whose alerts the actor works on: their township's (officers), the county's escalated ones (county). */
function alertQueuesOf(actor: Actor): { townshipId?: string; escalatedOnly: boolean } | undefined {
  if (
    actor.roles.includes("township-officer") &&
    actor.townshipId &&
    authorize(actor, "alert.visit", {
      countyId: countyOfTownship(actor.townshipId),
      townshipId: actor.townshipId,
    }).allowed
  ) {
    return { townshipId: actor.townshipId, escalatedOnly: false };
  }
  if (
    actor.roles.includes("county-civil-affairs") &&
    authorize(actor, "alert.read", { countyId: actor.countyId }).allowed
  ) {
    return { escalatedOnly: true };
  }
  return undefined;
}

/**
 * The alerts of the actor's queue, earliest deadline first; none when the query asks for one task
 * type of the cases, or for a township outside what the actor works on.
 */
export async function alertWork(
  deps: WorkQueueDeps,
  actor: Actor,
  query: WorkQueueQuery,
): Promise<AlertWorkItem[]> {
  const queue = alertQueuesOf(actor);
  if (!queue || query.taskType) return [];
  const townshipId = queue.townshipId ?? query.township;
  if (queue.townshipId && query.township && query.township !== queue.townshipId) return [];
  const countyId = townshipId ? countyOfTownship(townshipId) : actor.countyId;
  const now = deps.now();
  const alerts = await new AlertStore(deps.db, deps.table).awaitingVerification(countyId, {
    ...(townshipId ? { townshipId } : {}),
    escalatedOnly: queue.escalatedOnly,
  });
  const names = await townshipNames(
    deps,
    alerts.map((a) => a.townshipId),
  );
  return alerts
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.alertId.localeCompare(b.alertId))
    .map((a) => ({
      alertId: a.alertId,
      townshipId: a.townshipId,
      townshipName: names.get(a.townshipId) ?? null,
      ...(a.person.name ? { personName: a.person.name } : {}),
      kind: a.kind,
      kindZh: RISK_KIND_NAMES_ZH[a.kind],
      status: a.status,
      statusZh: ALERT_STATUS_NAMES_ZH[a.status],
      dueAt: a.dueAt,
      overdue: isVerificationOverdue(a, now),
      escalated: a.escalatedAt !== undefined,
      receivedAt: a.receivedAt,
    }));
}
