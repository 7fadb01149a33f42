/**
 * One approval of the whole plan (DOMAIN §4.4): the township approver within the ceiling, the
 * county above it, never before the public notice ended; approved, the total is committed next.
 */
import * as z from "zod";
import type { Actor } from "#core/access/index.ts";
import { APPROVAL_ACTION, approvalAfterNotice, enforce } from "#core/cases/index.ts";
import { authorizeOnCase } from "../../case-access.ts";
import type { FlowDeps } from "../../ports.ts";
import { type DecisionResponse, recordDecision, waitingTask } from "../../steps/decision.ts";
import { type FlowBCase, type PlanRecord, planOf } from "../plan-record.ts";
import { onCurrentPlan, Text } from "./common.ts";

export const ApprovalSchema = z.discriminatedUnion("decision", [
  z.object({ decision: z.literal("approve"), reason: Text.optional() }).strict(),
  z.object({ decision: z.literal("reject"), reason: Text }).strict(),
]);
export type ApprovalRequest = z.output<typeof ApprovalSchema>;

export async function decideApproval(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: ApprovalRequest,
  correlationId: string,
): Promise<DecisionResponse> {
  const record = (await deps.cases.get(caseId)) as FlowBCase;
  const plan = planOf(record);
  // Maker ≠ checker and the level: township approver within the ceiling, county above (DOMAIN §1, §4.4).
  authorizeOnCase(actor, "plan.approve", record);
  const level = plan.approvalLevel ?? "township";
  authorizeOnCase(actor, APPROVAL_ACTION[level], record);
  await waitingTask(deps, caseId, "plan-approval");
  // DOMAIN §4.3: no approval while the notice runs (core).
  const notice = plan.notice && { status: plan.notice.status, endsAt: Date.parse(plan.notice.endsAt) };
  enforce(approvalAfterNotice({ ...(notice ? { notice } : {}), at: deps.now() }, record.policyVersionId));
  const approved = request.decision === "approve";
  return recordDecision(deps, {
    actor,
    action: "plan.approve",
    record,
    taskType: "plan-approval",
    decision: {
      decision: request.decision,
      ...(request.reason ? { reason: request.reason } : {}),
      level,
      planVersion: plan.version,
      totalYuan: plan.totalYuan,
      policyVersionId: record.policyVersionId,
    },
    output: { outcome: approved ? "approved" : "rejected" },
    change: onCurrentPlan(deps, caseId, (recorded, current) => ({
      // Approved: the commitment step moves the case on (to its stages, or to waiting for funds).
      ...(approved ? {} : { event: { type: "plan.rejected" } as const }),
      set: {
        plan: {
          ...current,
          approval: { ...recorded.decision, decidedBy: recorded.decidedBy, decidedAt: recorded.decidedAt },
        } satisfies PlanRecord,
      },
    })),
    why: request.reason ?? (approved ? "staged plan approved" : "staged plan rejected"),
    correlationId,
  });
}
