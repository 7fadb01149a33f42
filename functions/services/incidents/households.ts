/**
 * The incident's households as its lists and dashboard show them: each registered household joined
 * with its Flow A case and the advance's payment, and where it stands (core/incidents HouseholdStage).
 */
import type { HouseholdCaseFacts, IncidentHousehold } from "#adapters/incident-store.ts";
import type { HouseholdStage, Incident, IncidentHouseholdRow } from "#core/incidents/index.ts";
import type { IncidentDeps } from "./deps.ts";

export interface HouseholdRow extends IncidentHouseholdRow {
  household: IncidentHousehold;
  facts: HouseholdCaseFacts;
}

export function stageOf(facts: HouseholdCaseFacts): HouseholdStage {
  if (facts.payment?.status === "paid") return "paid";
  if (facts.status === "awaiting-fund-replenishment") return "waiting-for-funds";
  if (facts.status === "awaiting-advance-decision") return "awaiting-decision";
  if (facts.advance?.decision === "reject" || facts.status === "advance-rejected") return "rejected";
  if (facts.advance?.decision === "approve") return "approved";
  return "other";
}

/** The incident's households (of one township when given) with their cases, in township then case order. */
export async function householdRows(
  deps: IncidentDeps,
  incident: Incident,
  townshipId?: string,
): Promise<HouseholdRow[]> {
  const households = await deps.incidents.households(incident.countyId, incident.incidentId, townshipId);
  const facts = await deps.incidents.caseFacts(households.map((h) => h.caseId));
  const rows: HouseholdRow[] = [];
  for (const household of households) {
    const fact = facts.get(household.caseId);
    if (!fact) continue;
    const approved = fact.advance?.decision === "approve" ? fact.advance.amountYuan : undefined;
    rows.push({
      household,
      facts: fact,
      caseId: household.caseId,
      townshipId: household.townshipId,
      registeredAt: household.registeredAt,
      stage: stageOf(fact),
      ...(approved !== undefined ? { approvedYuan: approved } : {}),
      ...(fact.payment?.status === "paid"
        ? { paid: { amountYuan: fact.payment.amountYuan, paidAt: fact.payment.updatedAt } }
        : {}),
    });
  }
  return rows;
}
