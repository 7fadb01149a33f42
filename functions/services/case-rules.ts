/**
 * The case rules Flow A applies, each a small pure function over the resolved policy (DOMAIN §2–§3).
 * No literal policy numbers: every limit is read by name from `ResolvedPolicy`.
 */
import { BusinessRuleError, type FieldError } from "#core/errors.ts";
import { Yuan } from "#core/money/index.ts";
import type { ResolvedPolicy } from "#core/policy/index.ts";

function rule(message: string, messageZh: string, fields: FieldError[] = []): BusinessRuleError {
  return new BusinessRuleError(message, messageZh, { fields });
}

/** DOMAIN §3.2: the advance is at most the advance ceiling of the policy in force. */
export function checkAdvanceAmount(amount: Yuan, policy: ResolvedPolicy, path = "amountYuan"): void {
  if (!amount.isPositive()) {
    throw rule("The advance must be more than zero", "先行救助金额须大于零", [
      { path, message: "must be more than zero", messageZh: "须大于零" },
    ]);
  }
  if (amount.greaterThan(policy.advanceCeilingYuan)) {
    const ceiling = policy.advanceCeilingYuan.format();
    throw rule(
      `The advance ${amount.format()} is above the advance ceiling ${ceiling}`,
      `先行救助金额 ${amount.format()} 超过上限 ${ceiling}`,
      [{ path, message: `at most ${ceiling}`, messageZh: `不得超过 ${ceiling}` }],
    );
  }
}

export type ApprovalLevel = "township" | "county" | "coordination";

/**
 * DOMAIN §3.5: total aid of the case up to the township ceiling → township approver; up to the
 * per-case cap → county; above the cap → 一事一议 at the county coordination mechanism.
 */
export function approvalLevelFor(totalYuan: Yuan, policy: ResolvedPolicy): ApprovalLevel {
  if (!totalYuan.greaterThan(policy.townshipApprovalCeilingYuan)) return "township";
  if (!totalYuan.greaterThan(policy.perCaseCapYuan)) return "county";
  return "coordination";
}

/** Whole calendar months between two instants, counted as the policy windows are (months back from now). */
function monthsBefore(now: Date, months: number): Date {
  const d = new Date(now.getTime());
  d.setUTCMonth(d.getUTCMonth() - months);
  return d;
}

export interface PriorCase {
  caseId: string;
  cause: string;
  filedAt: string;
  aided: boolean;
  fraud: boolean;
  closedAt?: string;
}

/**
 * DOMAIN §2.4: the same person is aided at most `aidPerCausePerHousehold` times per cause within the
 * window; after proven fraud, no aid during the bar. Suspicion alone never bars (DOMAIN §2.5): only
 * a case closed with fraud recorded on its paperwork counts.
 */
export function checkRepeatAid(
  history: readonly PriorCase[],
  cause: string,
  policy: ResolvedPolicy,
  now: Date,
): void {
  const windowStart = monthsBefore(now, policy.aidPerCauseWindowMonths).toISOString();
  const aidedForCause = history.filter((c) => c.cause === cause && c.aided && c.filedAt >= windowStart);
  if (aidedForCause.length >= policy.aidPerCausePerHousehold) {
    throw rule(
      `Already aided for this cause within ${policy.aidPerCauseWindowMonths} months (case ${aidedForCause[0]?.caseId})`,
      `${policy.aidPerCauseWindowMonths} 个月内已因同一事由获得救助（案件 ${aidedForCause[0]?.caseId}）`,
      [
        {
          path: "hardship.cause",
          message: "one aid per cause within the window",
          messageZh: "同一事由在规定期限内只救助一次",
        },
      ],
    );
  }
  const barStart = monthsBefore(now, policy.fraudBarMonths).toISOString();
  const fraud = history.find((c) => c.fraud && (c.closedAt ?? c.filedAt) >= barStart);
  if (fraud) {
    throw rule(
      `Aid is barred for ${policy.fraudBarMonths} months after fraud (case ${fraud.caseId})`,
      `因骗取救助（案件 ${fraud.caseId}），${policy.fraudBarMonths} 个月内不予救助`,
      [{ path: "applicant", message: "fraud bar in force", messageZh: "处于骗取救助后的限制期内" }],
    );
  }
}

/** DOMAIN §3.3: cash only for urgent cases and at most the cash ceiling. */
export function checkCashAllowed(kind: "urgent" | "expenditure", amount: Yuan, policy: ResolvedPolicy): void {
  if (kind !== "urgent") {
    throw rule("Cash is only for urgent (急难型) cases", "现金发放仅限急难型救助", [
      { path: "method", message: "cash needs an urgent case", messageZh: "现金发放仅限急难型救助" },
    ]);
  }
  if (amount.greaterThan(policy.cashCeilingYuan)) {
    const ceiling = policy.cashCeilingYuan.format();
    throw rule(`Cash is allowed up to ${ceiling}`, `现金发放上限为 ${ceiling}`, [
      {
        path: "amountYuan",
        message: `above the cash ceiling ${ceiling}`,
        messageZh: `超过现金发放上限 ${ceiling}`,
      },
    ]);
  }
}

/** DOMAIN §3.4: investigation by at least the policy's number of DISTINCT officers. */
export function checkInvestigators(userIds: readonly string[], policy: ResolvedPolicy): void {
  const distinct = new Set(userIds).size;
  if (distinct < policy.investigatorsPerCase) {
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
}

/** DOMAIN §3.5: additional aid keeps the case total within the per-case cap unless 一事一议 decides. */
export function totalAfter(paidYuan: readonly string[], additional: Yuan): Yuan {
  return paidYuan.reduce((sum, text) => sum.plus(Yuan.parse(text)), additional);
}

/** DOMAIN §2.2: urgent (急难型) or expenditure (支出型) — core/cases decides, re-exported for callers of this module. */
export { hardshipTypeOf as hardshipKindOf } from "#core/cases/index.ts";
