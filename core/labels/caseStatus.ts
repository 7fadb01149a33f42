/**
 * What each case status is called, in Chinese and English: the one catalogue of status names. The
 * server's messages to a zh-CN reader name a status with it, and the consoles' label catalogue
 * (web/src/labels.ts) takes its `status` group from here.
 */
import type { CaseState } from "../cases/lifecycle.ts";

export interface Label {
  zh: string;
  en: string;
}

export const CASE_STATUS_LABELS = {
  "awaiting-advance-decision": { zh: "待先行救助审批", en: "Awaiting advance decision" },
  "advance-rejected": { zh: "先行救助未获批准", en: "Advance rejected" },
  paying: { zh: "发放中", en: "Paying" },
  "awaiting-payment-route": { zh: "发放失败，待重新发放", en: "Payment failed — re-route" },
  "awaiting-fund-replenishment": { zh: "等待备用金补足", en: "Awaiting fund top-up" },
  "awaiting-paperwork": { zh: "待补齐手续", en: "Awaiting paperwork" },
  "awaiting-follow-up": { zh: "待跟进救助", en: "Awaiting follow-up" },
  "awaiting-additional-aid-approval": { zh: "追加救助待审批", en: "Additional aid awaiting approval" },
  "awaiting-recovery": { zh: "待追回", en: "Awaiting recovery" },
  "handed-over-to-flow-b": { zh: "已转分阶段救助", en: "Handed over to staged assistance" },
  closed: { zh: "已办结", en: "Closed" },
  withdrawn: { zh: "已撤回", en: "Withdrawn" },
  incident: { zh: "异常待处理", en: "Incident" },
  assessing: { zh: "入户调查评估中", en: "Being assessed" },
  "in-notice": { zh: "公示中", en: "In public notice" },
  "awaiting-plan-approval": { zh: "救助计划待审批", en: "Plan awaiting approval" },
  "awaiting-plan-funds": { zh: "等待备用金承诺计划资金", en: "Plan waiting for funds" },
  "stage-waiting": { zh: "分阶段发放中（等待下一期）", en: "Waiting for the next stage" },
  "stage-recheck": { zh: "阶段复核中", en: "Stage re-check" },
  "stage-paying": { zh: "本期发放中", en: "Paying this stage" },
  "plan-rejected": { zh: "救助计划未获批准", en: "Plan rejected" },
  "plan-stopped": { zh: "分阶段救助已停止", en: "Staged assistance stopped" },
} as const satisfies Record<CaseState, Label>;

/** A case status as a zh-CN reader reads it; a status the catalogue does not know is "当前状态". */
export function caseStatusZh(status: string): string {
  return Object.hasOwn(CASE_STATUS_LABELS, status) ? CASE_STATUS_LABELS[status as CaseState].zh : "当前状态";
}
