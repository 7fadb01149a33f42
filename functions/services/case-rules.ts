/**
 * Flow A's face on the case rules of `core/cases` (DOMAIN §2–§3). The decisions are core's (tested in
 * test/unit/core); this layer only keeps Flow A's wire contract: a refusal is a 422
 * `BusinessRuleError` (code BUSINESS_RULE_VIOLATED) with Flow A's wording and field paths, and the
 * 一事一议 level is called "coordination" on tasks and in the state machine.
 */
import { addMonthsToInstant } from "#core/calendar/localDate.ts";
import {
  advanceCeiling,
  type ApprovalLevel as CoreApprovalLevel,
  type PriorCase as CorePriorCase,
  cashPayment,
  checkDuplicate,
  type FraudFinding,
  followUpApproval,
  type HardshipCause,
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

/** One entry of the person's case history (the store's `personHistory`). */
export interface PriorCase {
  caseId: string;
  cause: string;
  filedAt: string;
  aided: boolean;
  fraud: boolean;
  closedAt?: string;
}

/** The history is already this one person's, so every entry shares one household key for core. */
const THIS_PERSON = "this-person";

/**
 * DOMAIN §2.4: the same person is aided at most `aidPerCausePerHousehold` times per cause within the
 * window; after proven fraud, no aid during the bar (core `checkDuplicate`). Suspicion alone never
 * bars (DOMAIN §2.5): only a case closed with fraud recorded on its paperwork counts. The same
 * request and the open case of the same cause are answered before this (idempotency, the store's
 * open-case guard), so only core's refusals are asked for here.
 */
export function checkRepeatAid(
  history: readonly PriorCase[],
  cause: string,
  policy: ResolvedPolicy,
  now: Date,
): void {
  const priorCases: CorePriorCase[] = history.map((c) => ({
    caseId: c.caseId,
    // Never equal to the application's key below: retries are handled by the HTTP idempotency layer.
    idempotencyKey: `history:${c.caseId}`,
    requestHash: "",
    householdKey: THIS_PERSON,
    cause: c.cause as HardshipCause,
    // Not consulted: without a person key on the application core skips its open-case check.
    state: "closed",
    // The history has no payment time; the filing time is what counts toward the window.
    ...(c.aided ? { aidedAt: Date.parse(c.filedAt) } : {}),
  }));
  const findings: FraudFinding[] = history
    .filter((c) => c.fraud)
    .map((c) => ({ householdKey: THIS_PERSON, foundAt: Date.parse(c.closedAt ?? c.filedAt) }));
  const verdict = checkDuplicate(
    {
      idempotencyKey: "repeat-aid-check",
      requestHash: "",
      householdKey: THIS_PERSON,
      cause: cause as HardshipCause,
    },
    priorCases,
    findings,
    now,
    policy,
  );
  if (verdict.verdict !== "refused") return;
  if (verdict.reason === "aid-limit-per-cause") {
    const first = verdict.caseIds[0];
    throw rule(
      `Already aided for this cause within ${policy.aidPerCauseWindowMonths} months (case ${first})`,
      `${policy.aidPerCauseWindowMonths} 个月内已因同一事由获得救助（案件 ${first}）`,
      [
        {
          path: "hardship.cause",
          message: "one aid per cause within the window",
          messageZh: "同一事由在规定期限内只救助一次",
        },
      ],
    );
  }
  // The case whose bar core found in force (the one that lasts longest).
  const fraudCase = history.find(
    (c) =>
      c.fraud &&
      addMonthsToInstant(Date.parse(c.closedAt ?? c.filedAt), policy.fraudBarMonths).getTime() ===
        verdict.until.getTime(),
  );
  throw rule(
    `Aid is barred for ${policy.fraudBarMonths} months after fraud (case ${fraudCase?.caseId})`,
    `因骗取救助（案件 ${fraudCase?.caseId}），${policy.fraudBarMonths} 个月内不予救助`,
    [{ path: "applicant", message: "fraud bar in force", messageZh: "处于骗取救助后的限制期内" }],
  );
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
