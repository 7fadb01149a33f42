/**
 * Flow A's face on the case rules of `core/cases` (DOMAIN §2–§3). The decisions are core's (tested in
 * test/unit/core); this layer only keeps Flow A's wire contract: a refusal is a 422
 * `BusinessRuleError` (code BUSINESS_RULE_VIOLATED) with Flow A's wording and field paths, and the
 * 一事一议 level is called "coordination" on tasks and in the state machine.
 */
import {
  advanceCeiling,
  type ApprovalLevel as CoreApprovalLevel,
  followUpApproval,
  type InvestigationInput,
  investigationTeam,
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

/**
 * DOMAIN §3.4, §7: the investigation team and its visit dates (core `investigationTeam`): active
 * officers of the case's township, distinct, enough of them, never the applicant nor the approver
 * who decided the advance, visited between the filing and today. Every refusal at once, per field.
 */
export function checkInvestigators(input: InvestigationInput, policy: ResolvedPolicy): void {
  const refusals = investigationTeam(input, policy).flatMap((o) => (refusal(o) ? [o as Noncompliant] : []));
  const first = refusals[0];
  if (!first) return;
  throw rule(
    `The investigation is not valid: ${first.message}`,
    `入户调查信息有误：${first.messageZh}`,
    refusals.map((r) => ({ path: r.field, message: r.message, messageZh: r.messageZh })),
  );
}

/** DOMAIN §2.2: urgent (急难型) or expenditure (支出型) — core/cases decides, re-exported for callers of this module. */
export { hardshipTypeOf as hardshipKindOf } from "#core/cases/index.ts";
