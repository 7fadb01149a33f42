/**
 * The stage plan of Flow B (DOMAIN §4.2): monthly stages, at most `stagedPlanMaxStages`, all within
 * the calendar year of the first stage (when the policy says so); amounts may differ between stages
 * and always sum exactly to the approved total.
 */
import { addLocalMonths, isLocalDate, type LocalDate, yearOf } from "../calendar/localDate.ts";
import { zhDate } from "../labels/zhText.ts";
import { Yuan } from "../money/yuan.ts";
import type { ResolvedPolicy } from "../policy/resolve.ts";
import { StagePlanError } from "./errors.ts";

export interface Stage {
  /** 1-based. */
  index: number;
  dueDate: LocalDate;
  amountYuan: Yuan;
}

export interface StagePlan {
  totalYuan: Yuan;
  stages: Stage[];
  policyVersionId: string;
}

export type StagePlanInput =
  /** A total spread evenly over `stageCount` months (remainder fen to the earliest stages). */
  | { totalYuan: Yuan; stageCount: number; firstStageDate: LocalDate }
  /** Explicit monthly amounts (they may differ); the total is their sum. */
  | { monthlyAmountsYuan: readonly Yuan[]; firstStageDate: LocalDate; totalYuan?: Yuan };

function refuse(field: string, message: string, messageZh: string, policy: ResolvedPolicy): never {
  throw new StagePlanError(message, messageZh, {
    fields: [{ path: field, message, messageZh }],
    details: { policyVersionId: policy.policyVersionId },
  });
}

export function buildStagePlan(input: StagePlanInput, policy: ResolvedPolicy): StagePlan {
  if (!isLocalDate(input.firstStageDate)) {
    refuse("firstStageDate", "first stage date must be YYYY-MM-DD", "首期日期格式须为 YYYY-MM-DD", policy);
  }
  let amounts: Yuan[];
  let total: Yuan;
  if ("monthlyAmountsYuan" in input) {
    amounts = [...input.monthlyAmountsYuan];
    total = Yuan.sum(amounts);
    if (input.totalYuan !== undefined && !input.totalYuan.equals(total)) {
      refuse(
        "monthlyAmountsYuan",
        `the stages sum to ${total}, not the approved total ${input.totalYuan}`,
        `各期金额合计 ${total} 元，与核定总额 ${input.totalYuan} 元不符`,
        policy,
      );
    }
  } else {
    if (!Number.isSafeInteger(input.stageCount) || input.stageCount < 1) {
      refuse("stageCount", "stage count must be a positive integer", "分期数须为正整数", policy);
    }
    checkCount(input.stageCount, policy);
    total = input.totalYuan;
    amounts = total.allocate(input.stageCount);
  }
  checkCount(amounts.length, policy);
  if (amounts.some((a) => !a.isPositive())) {
    refuse("monthlyAmountsYuan", "every stage must pay more than zero", "每期金额须大于零", policy);
  }
  const stages = amounts.map((amountYuan, i) => ({
    index: i + 1,
    dueDate: addLocalMonths(input.firstStageDate, i),
    amountYuan,
  }));
  const last = stages[stages.length - 1] as Stage;
  if (policy.stagedPlanWithinCalendarYear && yearOf(last.dueDate) !== yearOf(input.firstStageDate)) {
    refuse(
      "firstStageDate",
      `the last stage (${last.dueDate}) falls outside the calendar year ${yearOf(input.firstStageDate)}`,
      `末期（${zhDate(last.dueDate)}）超出首期所在年度（${yearOf(input.firstStageDate)} 年）`,
      policy,
    );
  }
  return { totalYuan: total, stages, policyVersionId: policy.policyVersionId };
}

function checkCount(count: number, policy: ResolvedPolicy): void {
  if (count < 1)
    refuse("monthlyAmountsYuan", "a plan needs at least one stage", "分阶段救助至少一期", policy);
  if (count > policy.stagedPlanMaxStages) {
    refuse(
      "stageCount",
      `a plan has at most ${policy.stagedPlanMaxStages} stages, got ${count}`,
      `分阶段救助最多 ${policy.stagedPlanMaxStages} 期，申请了 ${count} 期`,
      policy,
    );
  }
}
