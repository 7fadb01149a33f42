/**
 * Sizing and topping up a township reserve fund (DOMAIN §2.3, §6): the quota hint from the county's
 * policy, and the replenishment proposal = quota − closing balance of the reconciled period.
 */
import { Yuan } from "../money/yuan.ts";
import { fundQuotaYuan, type ResolvedPolicy } from "../policy/resolve.ts";

export interface QuotaHint {
  /** The larger of the two bases: what the policy suggests as the quota. */
  suggestedQuotaYuan: Yuan;
  /** Per-capita amount × registered population (DOMAIN §2.3). */
  byPopulationYuan: Yuan;
  /** Last year's spending, when known. */
  byLastYearSpendingYuan?: Yuan;
  basis: "population" | "last-year-spending";
}

export function quotaHint(
  policy: ResolvedPolicy,
  registeredPopulation: number,
  lastYearSpendingYuan?: Yuan,
): QuotaHint {
  const byPopulationYuan = fundQuotaYuan(registeredPopulation, policy);
  const bySpending =
    lastYearSpendingYuan?.greaterThan(byPopulationYuan) === true ? lastYearSpendingYuan : undefined;
  return {
    suggestedQuotaYuan: bySpending ?? byPopulationYuan,
    byPopulationYuan,
    ...(lastYearSpendingYuan ? { byLastYearSpendingYuan: lastYearSpendingYuan } : {}),
    basis: bySpending ? "last-year-spending" : "population",
  };
}

/**
 * The allocation that raises a fund to `targetQuota` (an allocation raises quota and balance
 * together, DOMAIN §5); zero when the quota is already there — quotas are never lowered here.
 */
export function allocationToReach(currentQuota: Yuan, targetQuota: Yuan): Yuan {
  return targetQuota.greaterThan(currentQuota) ? targetQuota.minus(currentQuota) : Yuan.zero;
}

/** DOMAIN §6: the replenishment proposal is quota − closing balance (never negative). */
export function replenishmentProposal(quota: Yuan, closingBalance: Yuan): Yuan {
  return quota.greaterThan(closingBalance) ? quota.minus(closingBalance) : Yuan.zero;
}

/**
 * What can be executed now: the proposal, but never above the quota given today's balance (money
 * may have come back since the close — a reversal or recovery — and the ledger refuses to overfill).
 */
export function executableReplenishment(proposal: Yuan, quota: Yuan, currentBalance: Yuan): Yuan {
  return Yuan.min(proposal, replenishmentProposal(quota, currentBalance));
}
