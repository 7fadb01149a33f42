/**
 * The investigation and assessment of the household (DOMAIN §4.2): core's staged-assistance
 * assessment gives the monthly shortfall, the stages and the approval level; the plan goes to the
 * public notice when the policy requires one, else straight to its approval.
 */
import * as z from "zod";
import type { Actor } from "#core/access/index.ts";
import { publicNoticeRequirement } from "#core/cases/index.ts";
import { ValidationError } from "#core/errors.ts";
import { YuanText } from "#core/money/index.ts";
import { authorizeOnCase } from "../../case-access.ts";
import type { FlowDeps } from "../../ports.ts";
import { DecisionResponseSchema, policyOf, recordDecision, waitingTask } from "../../steps/decision.ts";
import { type FlowBCase, planOf } from "../plan-record.ts";
import { assess, assessedPlan, assessmentRecord, summary } from "./assessed-plan.ts";
import { LocalDateText, onCurrentPlan, Text } from "./common.ts";

export const AssessmentSchema = z
  .object({
    household: z.object({
      members: z
        .array(
          z
            .object({
              relation: z.string().trim().min(1).max(20),
              age: z.number().int().min(0).max(130).optional(),
            })
            .strict(),
        )
        .min(1)
        .max(30),
    }),
    monthlyIncomeYuan: YuanText,
    rigidExpenditure: z
      .object({ medicalMonthlyYuan: YuanText, educationMonthlyYuan: YuanText, otherMonthlyYuan: YuanText })
      .strict(),
    expectedDurationMonths: z.number().int().min(1).max(60),
    firstStageDate: LocalDateText,
    /** The officer's own monthly amounts (may differ), within policy, with a reason. */
    adjustment: z
      .object({ monthlyAmountsYuan: z.array(YuanText).min(1).max(60), reason: Text })
      .strict()
      .optional(),
    facts: Text,
    /** After an objection: what the re-investigation found about it (required then). */
    objectionResponse: Text.optional(),
  })
  .strict();
export type AssessmentRequest = z.output<typeof AssessmentSchema>;

/** The decision as recorded, with the plan it computed. */
export const AssessmentResultSchema = DecisionResponseSchema.extend({
  plan: z.record(z.string(), z.unknown()).meta({
    description: "totalYuan, approvalLevel and the assessed stages (GET /plans/{caseId} shows them)",
  }),
});

export async function recordAssessment(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: AssessmentRequest,
  correlationId: string,
): Promise<z.output<typeof AssessmentResultSchema>> {
  const record = (await deps.cases.get(caseId)) as FlowBCase;
  authorizeOnCase(actor, "plan.assess", record);
  await waitingTask(deps, caseId, "assessment");
  const plan = planOf(record);
  const unanswered = plan.objections.filter((o) => o.response === undefined);
  if (unanswered.length > 0 && !request.objectionResponse) {
    throw new ValidationError(
      "The plan came back from the public notice with an objection: say what the re-investigation found",
      "公示期间有异议，须说明复核情况",
      {
        fields: [
          { path: "objectionResponse", message: "required after an objection", messageZh: "有异议时必填" },
        ],
      },
    );
  }
  const policy = await policyOf(deps, record);
  const assessed = await assess(deps, caseId, request, policy);
  const notice = publicNoticeRequirement(record.hardship.kind, policy);
  const computed = assessmentRecord(request, assessed, plan.version + 1, notice.required);
  const response = await recordDecision(deps, {
    actor,
    action: "plan.assess",
    record,
    taskType: "assessment",
    decision: computed,
    output: {
      noticeRequired: notice.required,
      ...(notice.required ? { noticeSeconds: notice.days * 24 * 3600 } : {}),
      totalYuan: computed.totalYuan,
      approvalLevel: computed.approvalLevel,
      planVersion: computed.version,
    },
    change: onCurrentPlan(deps, caseId, (recorded, current) =>
      assessedPlan(recorded, current, computed, assessed.stages, request.objectionResponse),
    ),
    handledBy: true,
    before: summary(plan),
    why: request.adjustment ? `assessed and adjusted: ${request.adjustment.reason}` : "household assessed",
    correlationId,
  });
  return {
    ...response,
    plan: { totalYuan: computed.totalYuan, approvalLevel: computed.approvalLevel, stages: assessed.stages },
  };
}
