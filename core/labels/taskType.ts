/**
 * What each human step (task type) of the two flows is called in Chinese, for the server's messages
 * to a zh-CN reader (core/cases/lifecycle.ts `WAIT_STATES` lists the steps), and for the consoles'
 * `nextStepShort` (web/src/i18n/zh-CN.ts takes them from here).
 */
import type { WaitOf } from "../cases/lifecycle.ts";

export const TASK_TYPE_NAMES_ZH = {
  "advance-decision": "先行救助审批",
  "payment-route": "重新发放",
  "fund-replenishment": "补足备用金",
  paperwork: "补齐手续",
  "follow-up": "跟进救助",
  "additional-aid-approval": "追加救助审批",
  recovery: "追回",
  assessment: "调查评估",
  "public-notice": "公示",
  "plan-approval": "计划审批",
  "plan-funds": "等待资金",
  "stage-recheck": "阶段复核",
} as const satisfies Record<WaitOf<"A"> | WaitOf<"B">, string>;

/** A step's Chinese name; a step the catalogue does not know is "此项办理". */
export function taskTypeZh(taskType: string): string {
  return Object.hasOwn(TASK_TYPE_NAMES_ZH, taskType)
    ? TASK_TYPE_NAMES_ZH[taskType as keyof typeof TASK_TYPE_NAMES_ZH]
    : "此项办理";
}
