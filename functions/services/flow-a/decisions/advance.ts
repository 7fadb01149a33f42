/**
 * The advance decision (DOMAIN §3.2): the township approver within the response time, the county
 * once it was escalated; the amount at most the advance ceiling of the case's policy version.
 */
import type * as z from "zod";
import type { Actor } from "#core/access/index.ts";
import { advanceCeiling, enforce } from "#core/cases/index.ts";
import { ConflictError, ForbiddenError } from "#core/errors.ts";
import { Yuan } from "#core/money/index.ts";
import { authorizeAnyOnCase } from "../../case-access.ts";
import type { FlowDeps } from "../../ports.ts";
import {
  type DecisionResponse,
  openPaymentObligation,
  policyOf,
  recordDecision,
  waitingTask,
} from "../../steps/decision.ts";
import { AmountDecisionSchema } from "./common.ts";

/**
 * The error a rejected advance ends its wait with (workflows/flow-a.asl.json: `AwaitAdvanceDecision`
 * and `AwaitEscalatedAdvanceDecision` catch it to `CloseCase`; an approval goes on to `DrawAid`).
 */
export const ADVANCE_REJECTED = "AdvanceRejected";

export const AdvanceDecisionSchema = AmountDecisionSchema;
export type AdvanceDecisionRequest = z.output<typeof AdvanceDecisionSchema>;

export async function decideAdvance(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: AdvanceDecisionRequest,
  correlationId: string,
): Promise<DecisionResponse> {
  const record = await deps.cases.get(caseId);
  // Who may decide at all (role, scope, maker-checker) before anything about the task is told.
  const action = authorizeAnyOnCase(actor, ["advance.decide", "case.escalation.decide"], record);
  const task = await waitingTask(deps, caseId, "advance-decision");
  // Past the response time the decision belongs to the county (DOMAIN §3.2): a township decision
  // then would race the county's, and one of them would be silently dropped.
  if (action === "advance.decide" && (task.escalated || isPastDue(task.dueAt, deps.now()))) {
    throw new ConflictError(
      "The response time has passed: the advance was escalated to the county, which decides it now",
      "先行救助审批已超时，已上报县级审批，请由县民政审批",
      { details: { taskType: "advance-decision", code: "escalated" } },
    );
  }
  if (action === "case.escalation.decide" && !task.escalated) {
    throw new ForbiddenError(
      "The county decides an advance only once it has been escalated (the response time passed)",
      "先行救助审批超时上报后，县民政方可审批",
      { details: { action, code: "not-escalated" } },
    );
  }
  const policy = await policyOf(deps, record);
  const amount = request.decision === "approve" ? Yuan.parse(request.amountYuan) : undefined;
  if (amount) enforce(advanceCeiling(amount, policy));
  const approved = request.decision === "approve";
  return recordDecision(deps, {
    actor,
    action,
    record,
    taskType: "advance-decision",
    decision: {
      decision: request.decision,
      ...(amount ? { amountYuan: amount.toString() } : {}),
      ...(request.reason ? { reason: request.reason } : {}),
      level: action === "case.escalation.decide" ? "county" : "township",
      escalated: task.escalated,
      policyVersionId: record.policyVersionId,
    },
    // A rejection ends the wait with SendTaskFailure AdvanceRejected, which the ASL catches to CloseCase.
    output: approved
      ? { outcome: "approved", purpose: "advance" }
      : { outcome: "rejected", purpose: "advance", taskFailure: { error: ADVANCE_REJECTED } },
    change: (recorded) => ({
      set: {
        advance: { ...recorded.decision, decidedBy: recorded.decidedBy, decidedAt: recorded.decidedAt },
      },
      event: { type: approved ? "advance.approved" : "advance.rejected" },
    }),
    why: request.reason ?? (approved ? "advance approved" : "advance rejected"),
    correlationId,
    also: async (recorded) => {
      if (recorded.decision.decision !== "approve") return;
      await openPaymentObligation(deps, record, "advance", String(recorded.decision.amountYuan));
    },
  });
}

function isPastDue(dueAt: string | undefined, now: Date): boolean {
  return dueAt !== undefined && Date.parse(dueAt) <= now.getTime();
}
