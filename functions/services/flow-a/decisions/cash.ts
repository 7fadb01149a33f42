/**
 * A payment handed over in cash (DOMAIN §3.3): core's cash rules — never a stage of a plan, urgent
 * cases only, the cash ceiling, both signatures — are judged before the hand-over is recorded.
 */
import * as z from "zod";
import { obligationIdFor } from "#adapters/payments/gateway.ts";
import type { Actor } from "#core/access/index.ts";
import { enforce, requireCashHandOver, stagePaidByTransfer } from "#core/cases/index.ts";
import { ConflictError } from "#core/errors.ts";
import { Yuan } from "#core/money/index.ts";
import type { ResolvedPolicy } from "#core/policy/index.ts";
import { authorizeOnCase } from "../../case-access.ts";
import { isStagePurpose } from "../../flow-b/plan-record.ts";
import type { FlowDeps } from "../../ports.ts";
import { type DecisionResponse, policyOf, recordDecision, waitingTask } from "../../steps/decision.ts";
import { Reason } from "./common.ts";

export const CashPaymentSchema = z
  .object({
    receiverName: z.string().trim().min(1).max(100),
    /** References of the uploaded signature images (documents) or signed references. */
    receiverSignatureRef: z.string().trim().min(1).max(200),
    officerSignatureRef: z.string().trim().min(1).max(200),
    reason: Reason.optional(),
  })
  .strict();
export type CashPaymentRequest = z.output<typeof CashPaymentSchema>;

export async function routeToCash(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: CashPaymentRequest,
  correlationId: string,
): Promise<DecisionResponse> {
  const record = await deps.cases.get(caseId);
  authorizeOnCase(actor, "payment.cash", record);
  const task = await waitingTask(deps, caseId, "payment-route");
  const policy = await policyOf(deps, record);
  const purpose = String(task.details?.purpose ?? "advance");
  const obligation = await cashObligation(deps, caseId, purpose, policy);
  // DOMAIN §3.3: judged by core before the hand-over is recorded.
  requireCashHandOver(
    {
      stageOfPlan: isStagePurpose(purpose),
      hardshipType: record.hardship.kind,
      amountYuan: Yuan.parse(obligation.amountYuan),
      receiverSignatureRef: request.receiverSignatureRef,
      officerSignatureRef: request.officerSignatureRef,
    },
    policy,
  );
  const handedOverAt = deps.now().toISOString();
  const { receiverName, receiverSignatureRef, officerSignatureRef } = request;
  return recordDecision(deps, {
    actor,
    action: "payment.cash",
    record,
    taskType: "payment-route",
    decision: {
      method: "cash",
      receiverName,
      receiverSignatureRef,
      officerSignatureRef,
      amountYuan: obligation.amountYuan,
      ...(request.reason ? { reason: request.reason } : {}),
    },
    output: { method: "cash" },
    change: (recorded) => ({
      set: {
        payout: {
          method: "cash",
          cash: {
            // The payment this hand-over is for (payment-step.ts pays no other one with it).
            purpose,
            receiverName,
            receiverSignatureRef,
            officerSignatureRef,
            officerUserId: recorded.decidedBy,
            handedOverAt,
          },
        },
      },
      event: { type: "payment.started" },
    }),
    handledBy: true,
    why: request.reason ?? "paid in cash",
    correlationId,
  });
}

/** The approved payment the hand-over is for; a stage of a plan is refused first (core), paid or not. */
async function cashObligation(deps: FlowDeps, caseId: string, purpose: string, policy: ResolvedPolicy) {
  enforce(stagePaidByTransfer({ method: "cash", stageOfPlan: isStagePurpose(purpose) }, policy));
  const obligation = await deps.payments.getObligation(obligationIdFor(caseId, purpose));
  if (!obligation)
    throw new ConflictError("There is no approved payment to hand over", "没有待发放的已批准救助金");
  return obligation;
}
