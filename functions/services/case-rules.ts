/**
 * Flow A's face on the case rules of `core/cases` (DOMAIN §2–§3). The decisions are core's (tested in
 * test/unit/core); this layer only keeps Flow A's wire contract: a refusal is a 422
 * `BusinessRuleError` (code BUSINESS_RULE_VIOLATED) with Flow A's wording and field paths, and the
 * 一事一议 level is called "coordination" on tasks and in the state machine.
 */
import {
  advanceCeiling,
  type ApprovalLevel as CoreApprovalLevel,
  cashPayment,
  followUpApproval,
  investigatorsPerCase,
  type RuleOutcome,
  requiredApprovalLevel,
} from "#core/cases/index.ts";
import { BusinessRuleError, type FieldError } from "#core/errors.ts";
import type { Yuan } from "#core/money/index.ts";
import type { ResolvedPolicy } from "#core/policy/index.ts";

function rule(message: string, messageZh: string, fields: FieldError[] = []): BusinessRuleError {
  return new BusinessRuleError(message, messageZh, { fields });
}

type Noncompliant = Extract<RuleOutcome, { outcome: "noncompliant" }>;

function refusal(outcome: RuleOutcome): Noncompliant | undefined {
  return outcome.outcome === "noncompliant" ? outcome : undefined;
}

/** DOMAIN §3.2: the advance is at most the advance ceiling of the policy in force (core `advanceCeiling`). */
export function checkAdvanceAmount(amount: Yuan, policy: ResolvedPolicy, path = "amountYuan"): void {
  if (!refusal(advanceCeiling(amount, policy))) return;
  // Core refuses for one of two reasons; Flow A words each its own way.
  if (!amount.isPositive()) {
    throw rule("The advance must be more than zero", "先行救助金额须大于零", [
      { path, message: "must be more than zero", messageZh: "须大于零" },
    ]);
  }
  const ceiling = policy.advanceCeilingYuan.format();
  throw rule(
    `The advance ${amount.format()} is above the advance ceiling ${ceiling}`,
    `先行救助金额 ${amount.format()} 超过上限 ${ceiling}`,
    [{ path, message: `at most ${ceiling}`, messageZh: `不得超过 ${ceiling}` }],
  );
}

/** Flow A's wire names of the approval levels (task details, ASL choices, the web client). */
export type ApprovalLevel = "township" | "county" | "coordination";

const WIRE_LEVEL: Readonly<Record<CoreApprovalLevel, ApprovalLevel>> = {
  township: "township",
  county: "county",
  "county-coordination": "coordination",
};

/** Core's level for a Flow A wire level (to look up core's `APPROVAL_ACTION`). */
export const CORE_LEVEL: Readonly<Record<ApprovalLevel, CoreApprovalLevel>> = {
  township: "township",
  county: "county",
  coordination: "county-coordination",
};

/**
 * DOMAIN §3.5: total aid of the case up to the township ceiling → township approver; up to the
 * per-case cap → county; above the cap → 一事一议 at the county coordination mechanism.
 */
export function approvalLevelFor(totalYuan: Yuan, policy: ResolvedPolicy): ApprovalLevel {
  return WIRE_LEVEL[requiredApprovalLevel(totalYuan, policy)];
}

/**
 * DOMAIN §3.5: follow-up aid is judged on the case total (everything paid plus the proposal), so
 * small follow-ups cannot bypass the county. Core `followUpApproval`; the proposal must be positive.
 */
export function followUpLevel(
  paidYuan: readonly Yuan[],
  proposedYuan: Yuan,
  policy: ResolvedPolicy,
): { totalYuan: Yuan; level: ApprovalLevel } {
  const approval = followUpApproval({ approvedSoFarYuan: paidYuan, proposedYuan }, policy);
  return { totalYuan: approval.totalYuan, level: WIRE_LEVEL[approval.level] };
}

/** DOMAIN §3.3: cash only for urgent cases and at most the cash ceiling (core `cashPayment`). */
export function checkCashAllowed(kind: "urgent" | "expenditure", amount: Yuan, policy: ResolvedPolicy): void {
  const refused = refusal(cashPayment({ method: "cash", hardshipType: kind, amountYuan: amount }, policy));
  if (!refused) return;
  if (refused.field === "method") {
    throw rule("Cash is only for urgent (急难型) cases", "现金发放仅限急难型救助", [
      { path: "method", message: "cash needs an urgent case", messageZh: "现金发放仅限急难型救助" },
    ]);
  }
  const ceiling = policy.cashCeilingYuan.format();
  throw rule(`Cash is allowed up to ${ceiling}`, `现金发放上限为 ${ceiling}`, [
    {
      path: "amountYuan",
      message: `above the cash ceiling ${ceiling}`,
      messageZh: `超过现金发放上限 ${ceiling}`,
    },
  ]);
}

/** DOMAIN §3.4: investigation by at least the policy's number of DISTINCT officers (core `investigatorsPerCase`). */
export function checkInvestigators(userIds: readonly string[], policy: ResolvedPolicy): void {
  if (!refusal(investigatorsPerCase(userIds, policy))) return;
  const distinct = new Set(userIds).size;
  throw rule(
    `The investigation needs ${policy.investigatorsPerCase} different officers; ${distinct} recorded`,
    `入户调查须由 ${policy.investigatorsPerCase} 名不同的工作人员进行，目前仅 ${distinct} 名`,
    [
      {
        path: "investigators",
        message: `at least ${policy.investigatorsPerCase} distinct officers`,
        messageZh: `至少 ${policy.investigatorsPerCase} 名不同的工作人员`,
      },
    ],
  );
}

/** DOMAIN §2.2: urgent (急难型) or expenditure (支出型) — core/cases decides, re-exported for callers of this module. */
export { hardshipTypeOf as hardshipKindOf } from "#core/cases/index.ts";
