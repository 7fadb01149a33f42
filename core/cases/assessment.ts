/**
 * Flow B assessment (DOMAIN §4.2): from the household, its monthly income and its rigid expenditure
 * (medical, education, other) to a total and a stage plan, within the policy:
 *
 * - monthly need = 低保 standard of the township's area × household members + rigid expenditure;
 *   monthly shortfall = need − income (nothing to assess when income covers the need);
 * - stages = the expected duration, at most `stagedPlanMaxStages`, and (when the policy says so) no
 *   later than December of the first stage's year;
 * - the case's total aid (aid already approved on the case, e.g. Flow A's advance, + this plan) stays
 *   within the per-case cap: the computed total is capped there; an officer's adjustment above it
 *   is refused (above the cap is 一事一议 at the county coordination mechanism, not a staged plan);
 * - the level that approves the plan follows from the case's total (DOMAIN §4.4).
 *
 * The officer may adjust the monthly amounts (they may differ) with a reason; the plan then sums
 * exactly to the adjusted amounts. Pure: no clock, no I/O.
 */
import { isLocalDate, type LocalDate } from "../calendar/localDate.ts";
import { Yuan } from "../money/yuan.ts";
import type { ResolvedPolicy } from "../policy/resolve.ts";
import { PolicyRuleViolationError } from "./errors.ts";
import { type ApprovalLevel, requiredApprovalLevel } from "./rules/approvalLevel.ts";
import { buildStagePlan, type StagePlan } from "./stagePlan.ts";

export interface RigidExpenditure {
  medicalMonthlyYuan: Yuan;
  educationMonthlyYuan: Yuan;
  otherMonthlyYuan: Yuan;
}

export interface AssessmentInput {
  /** People in the household (共同生活的家庭成员), at least the applicant. */
  householdMembers: number;
  monthlyIncomeYuan: Yuan;
  rigidExpenditure: RigidExpenditure;
  /** How long the hardship is expected to last. */
  expectedDurationMonths: number;
  firstStageDate: LocalDate;
  /** The officer's own monthly amounts, with the reason (audited by the caller). */
  adjustment?: { monthlyAmountsYuan: readonly Yuan[]; reason: string };
  /** Aid already approved on this case (Flow A advance, follow-up aid): counts against the cap. */
  approvedSoFarYuan?: readonly Yuan[];
}

export interface Assessment {
  monthlyNeedYuan: Yuan;
  rigidExpenditureMonthlyYuan: Yuan;
  monthlyShortfallYuan: Yuan;
  stageCount: number;
  /** Shortfall × stages, before the cap. */
  computedTotalYuan: Yuan;
  /** The computed total was cut to the room left under the per-case cap. */
  cappedAtPerCaseCap: boolean;
  adjusted: boolean;
  plan: StagePlan;
  /** Aid approved before + this plan: what the cap and the approval level are judged on. */
  caseTotalYuan: Yuan;
  approvalLevel: Exclude<ApprovalLevel, "county-coordination">;
  policyVersionId: string;
}

const MONTHS_PER_YEAR = 12; // not-policy: the calendar

function refuse(field: string, message: string, messageZh: string, policy: ResolvedPolicy): never {
  throw new PolicyRuleViolationError(message, messageZh, {
    fields: [{ path: field, message, messageZh }],
    details: { policyVersionId: policy.policyVersionId },
  });
}

/** Months from the first stage's month through December of its year (the plan's calendar-year bound). */
function monthsLeftInYear(firstStageDate: LocalDate): number {
  const month = Number(firstStageDate.slice(5, 7)); // not-policy: the MM of YYYY-MM-DD
  return MONTHS_PER_YEAR - month + 1;
}

export function stageCountFor(
  input: { expectedDurationMonths: number; firstStageDate: LocalDate },
  policy: ResolvedPolicy,
): number {
  let count = Math.min(input.expectedDurationMonths, policy.stagedPlanMaxStages);
  if (policy.stagedPlanWithinCalendarYear) count = Math.min(count, monthsLeftInYear(input.firstStageDate));
  return count;
}

export function assessStagedAssistance(input: AssessmentInput, policy: ResolvedPolicy): Assessment {
  if (!Number.isSafeInteger(input.householdMembers) || input.householdMembers < 1) {
    refuse("householdMembers", "a household has at least one member", "家庭成员至少一人", policy);
  }
  if (!Number.isSafeInteger(input.expectedDurationMonths) || input.expectedDurationMonths < 1) {
    refuse(
      "expectedDurationMonths",
      "the expected duration is at least one month",
      "预计困难持续时间至少一个月",
      policy,
    );
  }
  if (!isLocalDate(input.firstStageDate)) {
    refuse("firstStageDate", "first stage date must be YYYY-MM-DD", "首期日期格式须为 YYYY-MM-DD", policy);
  }
  const amounts = [
    input.monthlyIncomeYuan,
    input.rigidExpenditure.medicalMonthlyYuan,
    input.rigidExpenditure.educationMonthlyYuan,
    input.rigidExpenditure.otherMonthlyYuan,
  ];
  if (amounts.some((a) => a.isNegative())) {
    refuse("monthlyIncomeYuan", "amounts cannot be negative", "金额不得为负", policy);
  }

  const rigid = Yuan.sum([
    input.rigidExpenditure.medicalMonthlyYuan,
    input.rigidExpenditure.educationMonthlyYuan,
    input.rigidExpenditure.otherMonthlyYuan,
  ]);
  const need = policy.dibaoMonthlyStandardYuan.times(input.householdMembers).plus(rigid);
  const shortfall = Yuan.max(Yuan.zero, need.minus(input.monthlyIncomeYuan));
  const soFar = Yuan.sum(input.approvedSoFarYuan ?? []);
  const room = policy.perCaseCapYuan.minus(soFar);
  if (!room.isPositive()) {
    refuse(
      "approvedSoFarYuan",
      `the case already reached the per-case cap ${policy.perCaseCapYuan}; more aid is 一事一议 at the county`,
      `本案救助已达单次救助上限 ${policy.perCaseCapYuan} 元，再行救助须提请县级一事一议`,
      policy,
    );
  }

  const stageCount = stageCountFor(input, policy);
  const computed = shortfall.times(stageCount);
  let plan: StagePlan;
  let capped = false;
  if (input.adjustment) {
    if (input.adjustment.reason.trim().length === 0) {
      refuse("adjustment.reason", "an adjustment needs a reason", "调整金额须说明理由", policy);
    }
    plan = buildStagePlan(
      { monthlyAmountsYuan: input.adjustment.monthlyAmountsYuan, firstStageDate: input.firstStageDate },
      policy,
    );
    if (plan.totalYuan.greaterThan(room)) {
      refuse(
        "adjustment.monthlyAmountsYuan",
        `the plan total ${plan.totalYuan} exceeds the ${room} left under the per-case cap ${policy.perCaseCapYuan}`,
        `分期合计 ${plan.totalYuan} 元超出单次救助上限 ${policy.perCaseCapYuan} 元下的剩余额度 ${room} 元`,
        policy,
      );
    }
  } else {
    if (!shortfall.isPositive()) {
      refuse(
        "monthlyIncomeYuan",
        "the household's income covers its basic living and rigid expenditure: no shortfall to assist",
        "家庭收入足以覆盖基本生活和刚性支出，无救助缺口",
        policy,
      );
    }
    capped = computed.greaterThan(room);
    const total = capped ? room : computed;
    plan = buildStagePlan({ totalYuan: total, stageCount, firstStageDate: input.firstStageDate }, policy);
  }
  const caseTotal = soFar.plus(plan.totalYuan);
  const level = requiredApprovalLevel(caseTotal, policy);
  // Within the cap by construction; the guard keeps the type honest.
  if (level === "county-coordination") {
    refuse("adjustment", "above the per-case cap", "超出单次救助上限", policy);
  }
  return {
    monthlyNeedYuan: need,
    rigidExpenditureMonthlyYuan: rigid,
    monthlyShortfallYuan: shortfall,
    stageCount: plan.stages.length,
    computedTotalYuan: computed,
    cappedAtPerCaseCap: capped,
    adjusted: input.adjustment !== undefined,
    plan,
    caseTotalYuan: caseTotal,
    approvalLevel: level,
    policyVersionId: policy.policyVersionId,
  };
}
