/** The assessment's figures from core, what is recorded of them, and the plan they make (DOMAIN §4.2). */
import type { HumanTaskDecision } from "#adapters/human-task-store.ts";
import { startOfLocalDay } from "#core/calendar/localDate.ts";
import { assessStagedAssistance } from "#core/cases/index.ts";
import { Yuan } from "#core/money/index.ts";
import type { ResolvedPolicy } from "#core/policy/index.ts";
import type { FlowDeps } from "../../ports.ts";
import type { DecisionChange } from "../../steps/decision.ts";
import { approvedBeforePlan, type PlanRecord, type PlanStage } from "../plan-record.ts";
import type { AssessmentRequest } from "./assessment.ts";

type Assessment = ReturnType<typeof assessStagedAssistance>;

/** Core's assessment of the request, and its stages with their due instants. */
export async function assess(
  deps: FlowDeps,
  caseId: string,
  request: AssessmentRequest,
  policy: ResolvedPolicy,
): Promise<{ assessment: Assessment; stages: PlanStage[] }> {
  const assessment = assessStagedAssistance(
    {
      householdMembers: request.household.members.length,
      monthlyIncomeYuan: Yuan.parse(request.monthlyIncomeYuan),
      rigidExpenditure: {
        medicalMonthlyYuan: Yuan.parse(request.rigidExpenditure.medicalMonthlyYuan),
        educationMonthlyYuan: Yuan.parse(request.rigidExpenditure.educationMonthlyYuan),
        otherMonthlyYuan: Yuan.parse(request.rigidExpenditure.otherMonthlyYuan),
      },
      expectedDurationMonths: request.expectedDurationMonths,
      firstStageDate: request.firstStageDate,
      ...(request.adjustment
        ? {
            adjustment: {
              monthlyAmountsYuan: request.adjustment.monthlyAmountsYuan.map((a) => Yuan.parse(a)),
              reason: request.adjustment.reason,
            },
          }
        : {}),
      approvedSoFarYuan: await approvedBeforePlan(deps, caseId),
    },
    policy,
  );
  const stages: PlanStage[] = assessment.plan.stages.map((s) => ({
    index: s.index,
    dueDate: s.dueDate,
    dueAt: new Date(startOfLocalDay(s.dueDate)).toISOString(),
    amountYuan: s.amountYuan.toString(),
  }));
  return { assessment, stages };
}

type AssessmentRecord = ReturnType<typeof assessmentRecord>;

/** What is recorded of the assessment: the request's figures and core's results, amounts as strings. */
export function assessmentRecord(
  request: AssessmentRequest,
  { assessment, stages }: { assessment: Assessment; stages: PlanStage[] },
  version: number,
  noticeRequired: boolean,
) {
  return {
    version,
    householdMembers: request.household.members.length,
    members: request.household.members,
    monthlyIncomeYuan: Yuan.parse(request.monthlyIncomeYuan).toString(),
    rigidExpenditureMonthlyYuan: assessment.rigidExpenditureMonthlyYuan.toString(),
    monthlyNeedYuan: assessment.monthlyNeedYuan.toString(),
    monthlyShortfallYuan: assessment.monthlyShortfallYuan.toString(),
    computedTotalYuan: assessment.computedTotalYuan.toString(),
    cappedAtPerCaseCap: assessment.cappedAtPerCaseCap,
    adjusted: assessment.adjusted,
    ...(request.adjustment ? { adjustmentReason: request.adjustment.reason } : {}),
    totalYuan: assessment.plan.totalYuan.toString(),
    caseTotalYuan: assessment.caseTotalYuan.toString(),
    stageAmountsYuan: stages.map((s) => s.amountYuan),
    firstStageDate: request.firstStageDate,
    approvalLevel: assessment.approvalLevel,
    noticeRequired,
    facts: request.facts,
    ...(request.objectionResponse ? { objectionResponse: request.objectionResponse } : {}),
    policyVersionId: assessment.policyVersionId,
  };
}

/** The plan with this version assessed: its stages, its version history, the objections answered. */
export function assessedPlan(
  recorded: HumanTaskDecision,
  current: PlanRecord,
  computed: AssessmentRecord,
  stages: PlanStage[],
  objectionResponse: string | undefined,
): DecisionChange {
  const { version, totalYuan, approvalLevel, adjusted } = computed;
  const by = { recordedBy: recorded.decidedBy, recordedAt: recorded.decidedAt };
  return {
    event: { type: "assessment.completed", noticeRequired: computed.noticeRequired },
    set: {
      plan: {
        ...current,
        version,
        assessment: { ...recorded.decision, ...by },
        totalYuan,
        approvalLevel,
        stages,
        versions: [
          ...current.versions.filter((v) => v.version !== version),
          { version, totalYuan, stageAmountsYuan: computed.stageAmountsYuan, approvalLevel, adjusted, ...by },
        ],
        objections: current.objections.map((o) =>
          o.response === undefined && objectionResponse ? { ...o, response: objectionResponse } : o,
        ),
        ...(computed.noticeRequired ? {} : { noticeExempt: "urgent-case" }),
      } satisfies PlanRecord,
    },
  };
}

export function summary(plan: PlanRecord) {
  return plan.totalYuan
    ? {
        version: plan.version,
        totalYuan: plan.totalYuan,
        stageAmountsYuan: (plan.stages ?? []).map((s) => s.amountYuan),
      }
    : null;
}
