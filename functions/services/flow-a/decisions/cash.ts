/**
 * A payment handed over in cash (DOMAIN §3.3): only for first aid, never a stage of a plan; the
 * cash ceiling and both signatures are judged by core before the hand-over is recorded.
 */
import * as z from "zod";
import { obligationIdFor } from "#adapters/payments/gateway.ts";
import type { Actor } from "#core/access/index.ts";
import { requireCashHandOver } from "#core/cases/index.ts";
import { BusinessRuleError, ConflictError } from "#core/errors.ts";
import { Yuan } from "#core/money/index.ts";
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
  const obligation = await cashObligation(deps, caseId, purpose);
  // DOMAIN §3.3: the ceiling and both signatures, judged by core before the hand-over is recorded.
  requireCashHandOver(
    {
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
      status: "paying",
    }),
    handledBy: true,
    why: request.reason ?? "paid in cash",
    correlationId,
  });
}

/** The approved payment the hand-over is for: never a stage of a plan (DOMAIN §3.3: cash is for urgent first aid). */
async function cashObligation(deps: FlowDeps, caseId: string, purpose: string) {
  if (isStagePurpose(purpose)) {
    throw new BusinessRuleError(
      "A stage of a staged plan is paid by bank transfer: give the applicant's own account (reroute), not cash",
      "分阶段救助按期转账发放，不能现金发放：请重新指定本人收款账户",
      { details: { purpose } },
    );
  }
  const obligation = await deps.payments.getObligation(obligationIdFor(caseId, purpose));
  if (!obligation)
    throw new ConflictError("There is no approved payment to hand over", "没有待发放的已批准救助金");
  return obligation;
}
