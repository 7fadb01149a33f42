/**
 * The approval of additional (follow-up) aid at the level the follow-up found (DOMAIN §3.5): the
 * township approver, the county, or 一事一议; at most the amount proposed.
 */
import type * as z from "zod";
import type { Actor } from "#core/access/index.ts";
import { BusinessRuleError } from "#core/errors.ts";
import { Yuan } from "#core/money/index.ts";
import { authorizeAnyOnCase, authorizeOnCase } from "../../case-access.ts";
import type { FlowDeps } from "../../ports.ts";
import {
  type DecisionResponse,
  openPaymentObligation,
  recordDecision,
  waitingTask,
} from "../../steps/decision.ts";
import { type ApprovalLevel, LEVEL_ACTION } from "../approval-levels.ts";
import { AmountDecisionSchema } from "./common.ts";

export const AdditionalAidDecisionSchema = AmountDecisionSchema;
export type AdditionalAidDecisionRequest = z.output<typeof AdditionalAidDecisionSchema>;

export async function decideAdditionalAid(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: AdditionalAidDecisionRequest,
  correlationId: string,
): Promise<DecisionResponse> {
  const record = await deps.cases.get(caseId);
  authorizeAnyOnCase(actor, Object.values(LEVEL_ACTION), record);
  const task = await waitingTask(deps, caseId, "additional-aid-approval");
  const level = (task.details?.approvalLevel ?? "township") as ApprovalLevel;
  const action = LEVEL_ACTION[level];
  authorizeOnCase(actor, action, record);
  const proposed = Yuan.parse(
    String(
      record.followUp?.additionalAid && (record.followUp.additionalAid as { amountYuan: string }).amountYuan,
    ),
  );
  const amount = request.decision === "approve" ? approvedAmount(request.amountYuan, proposed) : undefined;
  return recordDecision(deps, {
    actor,
    action,
    record,
    taskType: "additional-aid-approval",
    decision: {
      decision: request.decision,
      level,
      ...(amount ? { amountYuan: amount.toString() } : {}),
      ...(request.reason ? { reason: request.reason } : {}),
    },
    output: { outcome: request.decision === "approve" ? "approved" : "rejected", purpose: "follow-up" },
    change: (recorded) => ({
      set: {
        additionalAid: { ...recorded.decision, decidedBy: recorded.decidedBy, decidedAt: recorded.decidedAt },
      },
      ...(request.decision === "approve" ? { event: { type: "payment.started" } as const } : {}),
    }),
    why: request.reason ?? `additional aid ${request.decision}d (${level})`,
    correlationId,
    also: async (recorded) => {
      if (recorded.decision.decision !== "approve") return;
      await openPaymentObligation(deps, record, "follow-up", String(recorded.decision.amountYuan));
    },
  });
}

/** More than zero and at most the proposed amount (the approver may lower it, never raise it). */
function approvedAmount(amountYuan: string, proposed: Yuan): Yuan {
  const amount = Yuan.parse(amountYuan);
  if (amount.isPositive() && !amount.greaterThan(proposed)) return amount;
  throw new BusinessRuleError(
    `The approved amount must be more than zero and at most the proposed ${proposed.format()}`,
    `批准金额须大于零且不超过拟议金额 ${proposed.format()}`,
    {
      fields: [
        {
          path: "amountYuan",
          message: `at most ${proposed.format()}`,
          messageZh: `不超过 ${proposed.format()}`,
        },
      ],
    },
  );
}
