/**
 * Flow A's human steps as data: for each task type, who acts and whom to notify (the case's status
 * while it waits is core's, core/cases/lifecycle.ts `WAIT_STATES`) (DOMAIN §1, §3). The `OpenHumanTask` state-machine handler turns one of these plus
 * the task token into a stored, notified task (functions/services/steps/open-task.ts). Flow B adds its
 * own table and opens its waits the same way.
 */
import * as z from "zod";
import type { FlowDeps } from "../ports.ts";
import { OpenTaskEventBaseSchema } from "../steps/human-tasks.ts";
import { openTask, type TaskSpec } from "../steps/open-task.ts";

export const FLOW_A_TASK_TYPES = [
  "advance-decision",
  "payment-route",
  "fund-replenishment",
  "paperwork",
  "follow-up",
  "additional-aid-approval",
  "recovery",
] as const;
export type FlowATaskType = (typeof FLOW_A_TASK_TYPES)[number];

export const OpenTaskEventSchema = OpenTaskEventBaseSchema.extend({
  taskType: z.enum(FLOW_A_TASK_TYPES),
  approvalLevel: z.enum(["township", "county", "coordination"]).optional(),
});
export type OpenTaskEvent = z.output<typeof OpenTaskEventSchema>;

function specFor(event: OpenTaskEvent): TaskSpec {
  switch (event.taskType) {
    case "follow-up":
    case "additional-aid-approval":
    case "recovery":
      return followUpSpec(event, event.taskType);
    default:
      return advanceSpec(event, event.taskType);
  }
}

/** The waits of the advance: its decision, its payment's route, the fund's replenishment, the paperwork. */
function advanceSpec(
  event: OpenTaskEvent,
  taskType: "advance-decision" | "payment-route" | "fund-replenishment" | "paperwork",
): TaskSpec {
  const escalated = event.escalated === true;
  switch (taskType) {
    case "advance-decision":
      return {
        // Once escalated, the county decides (DOMAIN §3.2); a township decision is refused (409).
        roles: escalated ? ["county-civil-affairs"] : ["township-approver"],
        subject: escalated
          ? "Advance aid decision overdue — escalated to the county"
          : "Advance aid decision needed",
        subjectZh: escalated ? "先行救助审批超时，已上报县民政" : "请审批先行救助",
      };
    case "payment-route":
      return {
        // Not re-routed within the reminder interval: the county sees it too, as with the advance.
        roles: escalated ? ["township-officer", "county-civil-affairs"] : ["township-officer"],
        subject: escalated
          ? "Failed payment still not re-routed — escalated to the county"
          : "Payment needs a route (another own account, or cash)",
        subjectZh: escalated
          ? "救助金发放失败后仍未重新指定方式，已上报县民政"
          : "救助金发放需重新指定方式（本人其他账户或现金）",
      };
    case "fund-replenishment":
      return {
        roles: ["county-finance"],
        subject: "Township fund cannot cover an approved payment — please replenish",
        subjectZh: "乡镇备用金不足以支付已批准的救助金，请补足",
      };
    case "paperwork":
      return {
        roles: escalated ? ["township-officer", "county-civil-affairs"] : ["township-officer"],
        subject: event.overdue ? "Paperwork overdue — escalated" : "Complete the paperwork (补齐手续)",
        subjectZh: event.overdue ? "补齐手续已逾期，已上报县民政" : "请在期限内补齐手续",
      };
  }
}

/** The waits after the advance: the follow-up decision, its approval, and the recovery of aid obtained by fraud. */
function followUpSpec(
  event: OpenTaskEvent,
  taskType: "follow-up" | "additional-aid-approval" | "recovery",
): TaskSpec {
  const escalated = event.escalated === true;
  switch (taskType) {
    case "follow-up":
      return {
        roles: escalated ? ["township-officer", "county-civil-affairs"] : ["township-officer"],
        subject: escalated
          ? "Follow-up still not decided — escalated to the county"
          : "Decide the follow-up (跟进救助)",
        subjectZh: escalated ? "跟进救助措施仍未确定，已上报县民政" : "请确定跟进救助措施",
      };
    case "additional-aid-approval":
      return {
        roles: event.approvalLevel === "township" ? ["township-approver"] : ["county-civil-affairs"],
        subject:
          event.approvalLevel === "coordination"
            ? "Additional aid above the per-case cap — 一事一议"
            : "Additional aid needs approval",
        subjectZh:
          event.approvalLevel === "coordination"
            ? "跟进救助超过单次上限，提请一事一议"
            : "请审批跟进救助金额",
      };
    case "recovery":
      return {
        // Past the recovery deadline the county sees the open receivable too, reminded every interval.
        roles: escalated ? ["township-officer", "county-civil-affairs"] : ["township-officer"],
        subject: escalated
          ? "Aid obtained by fraud still not recovered — escalated to the county"
          : "Recover the aid obtained by fraud (追回)",
        subjectZh: escalated ? "骗取的救助金逾期仍未追回，已上报县民政" : "请追回骗取的救助金",
      };
  }
}

export async function openFlowATask(deps: FlowDeps, event: OpenTaskEvent) {
  const record = await deps.cases.get(event.caseId);
  return openTask(deps, event, record, specFor(event), {
    wait: { type: "wait.opened", flow: "A", wait: event.taskType },
    fundWait: event.taskType === "fund-replenishment",
    details: {
      ...(event.purpose ? { purpose: event.purpose } : {}),
      ...(event.approvalLevel ? { approvalLevel: event.approvalLevel } : {}),
    },
  });
}
