/**
 * Flow B's human steps as data (DOMAIN §1, §4): for each wait, who acts and what the notification
 * says (the case's status while it waits is core's, core/cases/lifecycle.ts `WAIT_STATES`). Opening a task goes through the shared mechanism
 * (functions/services/steps/open-task.ts): the token is stored server-side, never sent to a client.
 *
 * Two waits do more than wait:
 * - `public-notice` publishes the notice (公示) with personal data masked; its timeout is the notice
 *   length, so a timeout means "no objection" and an objection is the task's success;
 * - `plan-approval` closes a notice that ran out without objection.
 */
import * as z from "zod";
import { publicNoticeEndsAt } from "#core/cases/index.ts";
import { maskName } from "#core/identity/index.ts";
import { notifyPublicNotice } from "../messages/notify.ts";
import type { FlowDeps } from "../ports.ts";
import { OpenTaskEventBaseSchema } from "../steps/human-tasks.ts";
import { openTask, type TaskSpec } from "../steps/open-task.ts";
import { type PlanRecord, planOf } from "./plan-record.ts";

export const FLOW_B_TASK_TYPES = [
  "assessment",
  "public-notice",
  "plan-approval",
  "plan-funds",
  "stage-recheck",
  "payment-route",
] as const;
export type FlowBTaskType = (typeof FLOW_B_TASK_TYPES)[number];

export const OpenFlowBTaskSchema = OpenTaskEventBaseSchema.extend({
  taskType: z.enum(FLOW_B_TASK_TYPES),
  stage: z.number().int().positive().optional(),
});
export type OpenFlowBTaskEvent = z.output<typeof OpenFlowBTaskSchema>;

function specFor(event: OpenFlowBTaskEvent, plan: PlanRecord): TaskSpec {
  const escalated = event.escalated === true;
  switch (event.taskType) {
    case "assessment": {
      const objected = plan.objections.some((o) => o.response === undefined);
      return {
        // DOMAIN §7 processing limit passed: the county is told and may follow it up.
        roles: escalated ? ["township-officer", "county-civil-affairs"] : ["township-officer"],
        subject: event.overdue
          ? "Assessment past the processing limit — escalated to the county"
          : objected
            ? "An objection was raised in the public notice — review the assessment"
            : "Investigate and assess the household (staged assistance)",
        subjectZh: event.overdue
          ? "调查评估已超过办理时限，已上报县民政"
          : objected
            ? "公示期间有异议，请复核调查评估"
            : "请入户调查并评估分阶段救助方案",
      };
    }
    case "public-notice":
      return {
        roles: ["township-officer"],
        subject: "The plan is in public notice (公示); record any objection received",
        subjectZh: "救助方案公示中，收到异议请及时登记",
      };
    case "plan-approval":
      return {
        // DOMAIN §4.4: township approver within the ceiling, the county above it.
        roles: plan.approvalLevel === "county" ? ["county-civil-affairs"] : ["township-approver"],
        subject: escalated ? "Staged plan still awaits approval" : "Approve the staged assistance plan",
        subjectZh: escalated ? "分阶段救助方案仍待审批" : "请审批分阶段救助方案",
      };
    case "plan-funds":
      return {
        roles: ["county-finance"],
        subject: "Township fund cannot cover an approved staged plan — please replenish",
        subjectZh: "乡镇备用金不足以承诺已批准的分阶段救助方案，请补足",
      };
    case "stage-recheck":
      return {
        roles: escalated ? ["township-officer", "county-civil-affairs"] : ["township-officer"],
        subject: event.overdue
          ? `Re-check of stage ${event.stage} overdue — escalated; the stage waits`
          : `Stage ${event.stage} is due: re-check the household before it is paid`,
        subjectZh: event.overdue
          ? `第 ${event.stage} 期复核已逾期，已上报县民政，本期暂停发放`
          : `第 ${event.stage} 期到期，请复核家庭情况后发放`,
      };
    case "payment-route":
      return {
        // Not re-routed within the reminder interval: the county sees it too (as in Flow A).
        roles: escalated ? ["township-officer", "county-civil-affairs"] : ["township-officer"],
        subject: escalated
          ? "Failed stage payment still not re-routed — escalated to the county"
          : "A stage payment failed — route it to another own account",
        subjectZh: escalated
          ? "分期救助金发放失败后仍未重新指定账户，已上报县民政"
          : "分期救助金发放失败，请重新指定收款账户",
      };
  }
}

/** The notice text (DOMAIN §4.3, §7): what the public sees — name and document masked. */
export function noticeText(record: FlowBCaseLike, plan: PlanRecord): Record<string, unknown> {
  return {
    caseId: record.caseId,
    townshipId: record.townshipId,
    applicantNameMasked: maskName(record.applicant.name),
    documentMasked: record.applicant.document.numberMasked,
    cause: record.hardship.cause,
    totalYuan: plan.totalYuan,
    stageCount: plan.stages?.length ?? 0,
    stageAmountsYuan: (plan.stages ?? []).map((s) => s.amountYuan),
  };
}

type FlowBCaseLike = Parameters<typeof planOf>[0];

export async function openFlowBTask(deps: FlowDeps, event: OpenFlowBTaskEvent) {
  const record = await deps.cases.get(event.caseId);
  const plan = planOf(record);
  const spec = specFor(event, plan);
  // Written before the task is visible: whoever acts on the task finds the notice on the case.
  const noticed = await noticeChange(deps, event, record, plan);
  if (noticed) await deps.cases.update(event.caseId, { set: { plan: noticed } });
  // The applicant hears of the 公示 once per round (a retried open finds the round running and writes nothing new).
  const notice = (noticed ?? plan).notice;
  if (event.taskType === "public-notice" && notice?.status === "running") {
    await notifyPublicNotice(deps, record, notice);
  }
  const stage = event.stage !== undefined ? plan.stages?.find((s) => s.index === event.stage) : undefined;
  return openTask(deps, event, record, spec, {
    wait: { type: "wait.opened", flow: "B", wait: event.taskType },
    fundWait: event.taskType === "plan-funds",
    details: {
      flow: "B",
      ...(stage ? { stage: stage.index, dueDate: stage.dueDate, amountYuan: stage.amountYuan } : {}),
      ...(event.taskType === "stage-recheck"
        ? { openSuspicions: plan.suspicions.filter((s) => s.status === "open").map((s) => s.suspicionId) }
        : {}),
      ...(event.taskType === "plan-approval"
        ? { approvalLevel: plan.approvalLevel, totalYuan: plan.totalYuan }
        : {}),
      ...(event.purpose ? { purpose: event.purpose } : {}),
    },
  });
}

/**
 * The notice a wait starts or ends: `public-notice` starts a round (its end from the county's
 * policy), `plan-approval` closes a notice that ran its length without an objection (the wait timed
 * out into this state). Undefined when the plan stays as it is.
 */
async function noticeChange(
  deps: FlowDeps,
  event: OpenFlowBTaskEvent,
  record: FlowBCaseLike,
  plan: PlanRecord,
): Promise<PlanRecord | undefined> {
  if (event.taskType === "plan-approval" && plan.notice?.status === "running") {
    return { ...plan, notice: { ...plan.notice, status: "ended" } };
  }
  if (event.taskType !== "public-notice" || plan.notice?.status === "running") return undefined;
  const now = deps.now();
  const policy = await deps.policy.resolveVersion(record.countyId, record.townshipId, record.policyVersionId);
  const endsAt = publicNoticeEndsAt(now, record.hardship.kind, policy);
  if (!endsAt) return undefined;
  return {
    ...plan,
    notice: {
      round: (plan.notice?.round ?? 0) + 1,
      status: "running",
      startedAt: now.toISOString(),
      endsAt: endsAt.toISOString(),
      days: policy.publicNoticeDays,
      text: noticeText(record, plan),
    },
  };
}
