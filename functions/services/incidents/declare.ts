/**
 * Declaring and ending a disaster incident (DOMAIN §8): county civil affairs names the cause, the
 * townships hit, the dates and the standard advance per household (within the advance ceiling of the
 * county's policy in force, core/incidents); the county's staff read it — township staff only an
 * incident that hit their township. Each declaration and end is audited.
 */
import { randomBytes } from "node:crypto";
import { auditStore } from "#adapters/audit-store.ts";
import { type Actor, requireAuthorized } from "#core/access/index.ts";
import { localDateOf } from "#core/calendar/localDate.ts";
import { CAUSE_NAMES_ZH } from "#core/cases/index.ts";
import { ConflictError, NotFoundError } from "#core/errors.ts";
import { checkDeclaration, checkEndDate, type Incident } from "#core/incidents/index.ts";
import { Yuan } from "#core/money/index.ts";
import type { IncidentDeps } from "./deps.ts";
import type { DeclareIncidentRequest, EndIncidentRequest } from "./schemas.ts";

/** An incident as the API answers it: township and cause names beside their codes. */
export interface IncidentView extends Incident {
  causeZh: string;
  townships: Array<{ townshipId: string; name: string }>;
}

export function newIncidentId(now: Date): string {
  return `I${localDateOf(now).replaceAll("-", "")}-${randomBytes(5).toString("hex")}`;
}

async function townshipNames(deps: IncidentDeps, countyId: string): Promise<Map<string, string>> {
  const townships = await deps.flow.directory.townshipsOf(countyId);
  return new Map(townships.map((t) => [t.townshipId, t.name]));
}

export async function viewOf(deps: IncidentDeps, incident: Incident): Promise<IncidentView> {
  const names = await townshipNames(deps, incident.countyId);
  return {
    ...incident,
    causeZh: CAUSE_NAMES_ZH[incident.cause],
    townships: incident.townshipIds.map((townshipId) => ({
      townshipId,
      name: names.get(townshipId) ?? "所在乡镇",
    })),
  };
}

/**
 * The incident for a reader: its county's staff with `incident.read`; a township-bound reader only
 * when the incident hit their township (otherwise it does not exist for them: 404).
 */
export async function readableIncident(
  deps: IncidentDeps,
  actor: Actor,
  incidentId: string,
): Promise<Incident> {
  const incident = await deps.incidents.get(actor.countyId, incidentId);
  const missing = new NotFoundError(`Incident ${incidentId} not found`, "未找到该灾情");
  if (!incident) throw missing;
  if (actor.townshipId && !incident.townshipIds.includes(actor.townshipId)) throw missing;
  requireAuthorized(actor, "incident.read", {
    countyId: incident.countyId,
    ...(actor.townshipId ? { townshipId: actor.townshipId } : {}),
  });
  return incident;
}

export async function declareIncident(
  deps: IncidentDeps,
  actor: Actor,
  request: DeclareIncidentRequest,
  correlationId: string,
): Promise<IncidentView> {
  requireAuthorized(actor, "incident.declare", { countyId: actor.countyId });
  const now = deps.flow.now();
  const names = await townshipNames(deps, actor.countyId);
  const today = localDateOf(now);
  // The townships are checked first (one of another county has no policy here), then the standard
  // advance against the policy of each township hit.
  checkDeclaration(request, new Set(names.keys()), today, undefined);
  let policyVersionId = "";
  for (const townshipId of request.townshipIds) {
    const policy = await deps.flow.policy.resolve(actor.countyId, townshipId, now);
    checkDeclaration(request, new Set(names.keys()), today, policy);
    policyVersionId ||= policy.policyVersionId;
  }
  const incident: Incident = {
    incidentId: newIncidentId(now),
    countyId: actor.countyId,
    name: request.name,
    cause: request.cause,
    townshipIds: request.townshipIds,
    startDate: request.startDate,
    ...(request.endDate ? { endDate: request.endDate } : {}),
    standardAdvanceYuan: Yuan.parse(request.standardAdvanceYuan, "standardAdvanceYuan").toString(),
    ...(request.description ? { description: request.description } : {}),
    status: "active",
    policyVersionId,
    declaredBy: { userId: actor.userId, name: actor.name },
    declaredAt: now.toISOString(),
  };
  await deps.incidents.create(incident);
  await auditStore().append({
    countyId: actor.countyId,
    actor,
    action: "incident.declare",
    resourceType: "incident",
    resourceId: incident.incidentId,
    reason: `${incident.name}（${CAUSE_NAMES_ZH[incident.cause]}）`,
    after: {
      townshipIds: incident.townshipIds,
      startDate: incident.startDate,
      standardAdvanceYuan: incident.standardAdvanceYuan,
    },
    correlationId,
  });
  return viewOf(deps, incident);
}

export async function endIncident(
  deps: IncidentDeps,
  actor: Actor,
  incidentId: string,
  request: EndIncidentRequest,
  correlationId: string,
): Promise<IncidentView> {
  requireAuthorized(actor, "incident.declare", { countyId: actor.countyId });
  const incident = await deps.incidents.get(actor.countyId, incidentId);
  if (!incident) throw new NotFoundError(`Incident ${incidentId} not found`, "未找到该灾情");
  const now = deps.flow.now();
  const endDate = request.endDate ?? localDateOf(now);
  checkEndDate(incident.startDate, endDate);
  const ended = await deps.incidents.end(actor.countyId, incidentId, {
    endDate,
    endedBy: { userId: actor.userId, name: actor.name },
    endedAt: now.toISOString(),
    endReason: request.reason,
  });
  if (!ended)
    throw new ConflictError("The incident has ended already", "该灾情已结束", { details: { incidentId } });
  await auditStore().append({
    countyId: actor.countyId,
    actor,
    action: "incident.end",
    resourceType: "incident",
    resourceId: incidentId,
    reason: request.reason,
    after: { endDate },
    correlationId,
  });
  const stored = await deps.incidents.get(actor.countyId, incidentId);
  return viewOf(deps, stored ?? incident);
}

/** The county's incidents (township staff: those that hit their township), newest first. */
export async function listIncidents(
  deps: IncidentDeps,
  actor: Actor,
): Promise<{ incidents: IncidentView[] }> {
  requireAuthorized(actor, "incident.read", {
    countyId: actor.countyId,
    ...(actor.townshipId ? { townshipId: actor.townshipId } : {}),
  });
  const all = await deps.incidents.ofCounty(actor.countyId);
  const mine = actor.townshipId ? all.filter((i) => i.townshipIds.includes(actor.townshipId as string)) : all;
  const incidents: IncidentView[] = [];
  for (const incident of mine) incidents.push(await viewOf(deps, incident));
  return { incidents };
}
