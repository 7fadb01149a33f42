/**
 * The approver's side of disaster mode (DOMAIN §8): the incident's cases as one list, and many
 * approved at once — each still its own advance decision through the Flow A decision service (role,
 * scope, maker-checker, the advance ceiling, audit, the flow resumed), so one case refused (409: decided
 * already, escalated; 403: handled by the approver) leaves the others approved. The answer says what
 * happened to each case.
 */
import type { Actor } from "#core/access/index.ts";
import { CAUSE_NAMES_ZH } from "#core/cases/index.ts";
import { AidFlowError } from "#core/errors.ts";
import type { HouseholdStage } from "#core/incidents/index.ts";
import { decideAdvance } from "../flow-a/decisions/advance.ts";
import { readableIncident } from "./declare.ts";
import type { IncidentDeps } from "./deps.ts";
import { householdRows } from "./households.ts";
import type { BatchAdvanceDecisionRequest, IncidentCasesQuery } from "./schemas.ts";

export interface IncidentCaseRow {
  caseId: string;
  townshipId: string;
  townshipName: string;
  applicant: { name: string; document: { type: string; numberMasked: string } };
  registeredAt: string;
  status: string;
  stage: HouseholdStage;
  standardAdvanceYuan: string;
  approvedYuan?: string;
  paidYuan?: string;
  paidAt?: string;
  /** The reader handled the case (filed or recorded on it): as approver they may not decide it. */
  handledByReader: boolean;
}

/** The incident's cases for its readers: a township-bound reader sees their own township's only. */
export async function incidentCases(
  deps: IncidentDeps,
  actor: Actor,
  incidentId: string,
  query: IncidentCasesQuery,
): Promise<{ incidentId: string; name: string; causeZh: string; cases: IncidentCaseRow[] }> {
  const incident = await readableIncident(deps, actor, incidentId);
  const townshipId = actor.townshipId ?? query.townshipId;
  const names = new Map(
    (await deps.flow.directory.townshipsOf(incident.countyId)).map((t) => [t.townshipId, t.name]),
  );
  const rows = await householdRows(deps, incident, townshipId);
  const cases = rows
    .filter((row) => query.stage === undefined || row.stage === query.stage)
    .map((row) => ({
      caseId: row.caseId,
      townshipId: row.townshipId,
      townshipName: names.get(row.townshipId) ?? "所在乡镇",
      applicant: row.facts.applicant,
      registeredAt: row.registeredAt,
      status: row.facts.status,
      stage: row.stage,
      standardAdvanceYuan: incident.standardAdvanceYuan,
      ...(row.approvedYuan !== undefined ? { approvedYuan: row.approvedYuan } : {}),
      ...(row.paid ? { paidYuan: row.paid.amountYuan, paidAt: row.paid.paidAt } : {}),
      handledByReader: row.facts.handledBy.includes(actor.userId),
    }));
  return { incidentId, name: incident.name, causeZh: CAUSE_NAMES_ZH[incident.cause], cases };
}

export interface BatchDecisionResult {
  caseId: string;
  /** The HTTP status this case's own decision answered (200 approved; 403, 404, 409, 422 refused). */
  status: number;
  outcome: "approved" | "refused";
  code?: string;
  message?: string;
  messageZh?: string;
}

/** Approves each listed case of the incident, one decision at a time; the list of outcomes in request order. */
export async function approveBatch(
  deps: IncidentDeps,
  actor: Actor,
  incidentId: string,
  request: BatchAdvanceDecisionRequest,
  correlationId: string,
): Promise<{ incidentId: string; approved: number; refused: number; results: BatchDecisionResult[] }> {
  const incident = await readableIncident(deps, actor, incidentId);
  const amountYuan = request.amountYuan ?? incident.standardAdvanceYuan;
  const results: BatchDecisionResult[] = [];
  for (const caseId of new Set(request.caseIds)) {
    results.push(
      await decideOne(deps, actor, incident.incidentId, caseId, amountYuan, request.reason, correlationId),
    );
  }
  const approved = results.filter((r) => r.outcome === "approved").length;
  return { incidentId, approved, refused: results.length - approved, results };
}

async function decideOne(
  deps: IncidentDeps,
  actor: Actor,
  incidentId: string,
  caseId: string,
  amountYuan: string,
  reason: string | undefined,
  correlationId: string,
): Promise<BatchDecisionResult> {
  try {
    if ((await deps.incidents.incidentOfCase(caseId)) !== incidentId) {
      return {
        caseId,
        status: 404,
        outcome: "refused",
        code: "NOT_IN_INCIDENT",
        message: "The case is not one of this incident's households",
        messageZh: "该案件不是本次灾情登记的受灾户",
      };
    }
    await decideAdvance(
      deps.flow,
      actor,
      caseId,
      { decision: "approve", amountYuan, reason: reason ?? "灾情批量审批" },
      `${correlationId}-${caseId}`,
    );
    return { caseId, status: 200, outcome: "approved" };
  } catch (error) {
    if (!(error instanceof AidFlowError)) throw error;
    return {
      caseId,
      status: error.statusCode,
      outcome: "refused",
      code: error.code,
      message: error.message,
      messageZh: error.messageZh,
    };
  }
}
