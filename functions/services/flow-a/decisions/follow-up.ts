/**
 * The follow-up (跟进救助, DOMAIN §3.5): additional aid (its approval level judged on the case's
 * total), staged assistance (the hand-over to Flow B), referrals, recovery of aid obtained by
 * fraud, or the close.
 */
import * as z from "zod";
import type { Actor } from "#core/access/index.ts";
import { followUpApproval } from "#core/cases/index.ts";
import { BusinessRuleError } from "#core/errors.ts";
import { Yuan, YuanText } from "#core/money/index.ts";
import { authorizeOnCase } from "../../case-access.ts";
import type { FlowDeps } from "../../ports.ts";
import { paidAidOf } from "../../steps/automatic.ts";
import { type DecisionResponse, policyOf, recordDecision, waitingTask } from "../../steps/decision.ts";
import { WIRE_LEVEL } from "../approval-levels.ts";
import { Reason } from "./common.ts";

export const REFERRAL_TARGETS = [
  "dibao",
  "tekun",
  "medical-aid",
  "education-aid",
  "housing-aid",
  "employment-aid",
  "charity",
  "social-work",
] as const;

/**
 * The error a follow-up that chooses nothing but the close ends its wait with
 * (workflows/flow-a.asl.json: `AwaitFollowUp` and `AwaitEscalatedFollowUp` catch it to `CloseCase`,
 * so the usual case needs no Choice state after the wait).
 */
export const FOLLOW_UP_CLOSED = "FollowUpClosed";

export const FollowUpSchema = z
  .object({
    additionalAid: z.object({ amountYuan: YuanText, reason: Reason }).optional(),
    staged: z.object({ reason: Reason }).optional(),
    referrals: z
      .array(
        z.object({
          to: z.enum(REFERRAL_TARGETS),
          receivingBody: z.string().trim().min(2).max(200),
          note: z.string().max(500).optional(),
        }),
      )
      .max(8)
      .optional(),
    recovery: z.object({ amountYuan: YuanText, reason: Reason }).optional(),
    close: z.object({ summary: z.string().trim().min(2).max(2000) }).optional(),
  })
  .strict()
  .refine(
    (v) => v.additionalAid || v.staged || (v.referrals && v.referrals.length > 0) || v.recovery || v.close,
    {
      message:
        "choose at least one follow-up (additional aid, staged assistance, referral, recovery or close)",
    },
  )
  .refine((v) => !(v.staged && v.close), {
    message: "staged assistance hands the case to Flow B; it is not closed here",
  });
export type FollowUpRequest = z.output<typeof FollowUpSchema>;

export async function recordFollowUp(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: FollowUpRequest,
  correlationId: string,
): Promise<DecisionResponse> {
  const record = await deps.cases.get(caseId);
  authorizeOnCase(actor, "followUp.propose", record);
  if (request.referrals?.length) authorizeOnCase(actor, "referral.record", record);
  if (request.recovery) authorizeOnCase(actor, "recovery.record", record);
  await waitingTask(deps, caseId, "follow-up");
  const policy = await policyOf(deps, record);
  const paid = Object.values(await paidAidOf(deps, caseId)).map((text) => Yuan.parse(text));
  const paidTotal = Yuan.sum(paid);
  const additional = request.additionalAid
    ? positiveAdditionalAid(request.additionalAid.amountYuan)
    : undefined;
  // DOMAIN §3.5: the level is judged on the case's total (core), named as Flow A names it.
  const approval = additional
    ? followUpApproval({ approvedSoFarYuan: paid, proposedYuan: additional }, policy)
    : undefined;
  const level = approval ? { totalYuan: approval.totalYuan, level: WIRE_LEVEL[approval.level] } : undefined;
  if (request.recovery) checkRecovery(record.paperwork?.fraudFound === true, request.recovery, paidTotal);
  return recordDecision(deps, {
    actor,
    action: "followUp.propose",
    record,
    taskType: "follow-up",
    decision: {
      ...request,
      ...(level
        ? {
            approvalLevel: level.level,
            totalAfterYuan: level.totalYuan.toString(),
            paidYuan: paidTotal.toString(),
          }
        : {}),
    },
    output: followUpOutput(request, level?.level),
    change: (recorded) => ({
      set: {
        followUp: { ...recorded.decision, decidedBy: recorded.decidedBy, decidedAt: recorded.decidedAt },
        ...(request.referrals?.length
          ? { referrals: request.referrals.map((r) => ({ ...r, status: "proposed" })) }
          : {}),
        ...(request.recovery
          ? {
              recovery: {
                receivableYuan: Yuan.parse(request.recovery.amountYuan).toString(),
                reason: request.recovery.reason,
                status: "open",
              },
            }
          : {}),
      },
    }),
    handledBy: true,
    why: "follow-up decided",
    correlationId,
  });
}

/**
 * What the follow-up wait resumes with: the follow-ups chosen, which `FollowUpPlan` takes in turn; a
 * close with nothing else to do ends the wait with `FollowUpClosed` instead (delivered with
 * SendTaskFailure, services/steps/human-tasks.ts), which the ASL catches to `CloseCase`.
 */
function followUpOutput(
  request: FollowUpRequest,
  approvalLevel: string | undefined,
): Record<string, unknown> {
  const chosen = {
    additionalAid: request.additionalAid !== undefined,
    ...(approvalLevel ? { approvalLevel } : {}),
    referrals: (request.referrals?.length ?? 0) > 0,
    recovery: request.recovery !== undefined,
    staged: request.staged !== undefined,
  };
  const onlyClose = !chosen.additionalAid && !chosen.referrals && !chosen.recovery && !chosen.staged;
  return onlyClose ? { ...chosen, taskFailure: { error: FOLLOW_UP_CLOSED } } : chosen;
}

/** The additional aid proposed: more than zero. */
function positiveAdditionalAid(amountYuan: string): Yuan {
  const additional = Yuan.parse(amountYuan);
  if (additional.isPositive()) return additional;
  throw new BusinessRuleError("Additional aid must be more than zero", "跟进救助金额须大于零", {
    fields: [{ path: "additionalAid.amountYuan", message: "must be more than zero", messageZh: "须大于零" }],
  });
}

/** Recovery (追回) only after the paperwork found fraud, more than zero and at most what was paid. */
function checkRecovery(fraudFound: boolean, recovery: { amountYuan: string }, paidTotal: Yuan): void {
  if (!fraudFound) {
    throw new BusinessRuleError(
      "Recovery (追回) follows only when the paperwork shows fraud",
      "仅当补齐手续查实骗取救助时方可追回",
      {
        fields: [
          {
            path: "recovery",
            message: "no fraud recorded on the paperwork",
            messageZh: "补齐手续未记录骗取情形",
          },
        ],
      },
    );
  }
  const amount = Yuan.parse(recovery.amountYuan);
  if (amount.isPositive() && !amount.greaterThan(paidTotal)) return;
  throw new BusinessRuleError(
    `Recovery must be more than zero and at most what was paid (${paidTotal.format()})`,
    `追回金额须大于零且不超过已发放金额（${paidTotal.format()}）`,
    {
      fields: [
        {
          path: "recovery.amountYuan",
          message: `at most ${paidTotal.format()}`,
          messageZh: `不超过 ${paidTotal.format()}`,
        },
      ],
    },
  );
}
