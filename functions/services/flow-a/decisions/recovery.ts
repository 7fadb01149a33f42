/** The money recovered (追回, DOMAIN §3.5): at most the receivable the follow-up opened. */
import * as z from "zod";
import type { Actor } from "#core/access/index.ts";
import { BusinessRuleError } from "#core/errors.ts";
import { Yuan, YuanText } from "#core/money/index.ts";
import { authorizeOnCase } from "../../case-access.ts";
import type { FlowDeps } from "../../ports.ts";
import { type DecisionResponse, recordDecision, waitingTask } from "../../steps/decision.ts";

export const RecoveryReceiptSchema = z
  .object({
    amountYuan: YuanText,
    reference: z.string().trim().min(1).max(200),
    note: z.string().max(500).optional(),
  })
  .strict();
export type RecoveryReceiptRequest = z.output<typeof RecoveryReceiptSchema>;

export async function recordRecoveryReceipt(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: RecoveryReceiptRequest,
  correlationId: string,
): Promise<DecisionResponse> {
  const record = await deps.cases.get(caseId);
  authorizeOnCase(actor, "recovery.record", record);
  await waitingTask(deps, caseId, "recovery");
  const amount = Yuan.parse(request.amountYuan);
  const receivable = Yuan.parse(String(record.recovery?.receivableYuan ?? "0"));
  if (!amount.isPositive() || amount.greaterThan(receivable)) {
    throw new BusinessRuleError(
      `The recovered amount must be more than zero and at most the receivable ${receivable.format()}`,
      `追回金额须大于零且不超过应追回金额 ${receivable.format()}`,
      {
        fields: [
          {
            path: "amountYuan",
            message: `at most ${receivable.format()}`,
            messageZh: `不超过 ${receivable.format()}`,
          },
        ],
      },
    );
  }
  return recordDecision(deps, {
    actor,
    action: "recovery.record",
    record,
    taskType: "recovery",
    decision: {
      amountYuan: amount.toString(),
      reference: request.reference,
      ...(request.note ? { note: request.note } : {}),
    },
    output: { amountYuan: amount.toString() },
    change: (recorded) => ({
      set: {
        recovery: {
          ...record.recovery,
          recoveredYuan: amount.toString(),
          reference: request.reference,
          recordedBy: recorded.decidedBy,
          status: "recovered",
        },
      },
    }),
    handledBy: true,
    why: "money recovered",
    correlationId,
  });
}
