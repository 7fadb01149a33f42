/** DOMAIN §3.2: the advance (先行救助) amount is positive and within the advance-aid ceiling. */
import type { Yuan } from "../../money/yuan.ts";
import type { ResolvedPolicy } from "../../policy/resolve.ts";
import { compliant, noncompliant, type RuleOutcome } from "./outcome.ts";

export function advanceCeiling(amount: Yuan, policy: ResolvedPolicy): RuleOutcome {
  const v = policy.policyVersionId;
  if (!amount.isPositive()) {
    return noncompliant(
      "advance-ceiling",
      v,
      "amountYuan",
      "the advance must be more than zero",
      "先行救助金额须大于零",
    );
  }
  if (amount.greaterThan(policy.advanceCeilingYuan)) {
    return noncompliant(
      "advance-ceiling",
      v,
      "amountYuan",
      `the advance ${amount.format()} is above the advance ceiling ${policy.advanceCeilingYuan.format()}`,
      `先行救助金额 ${amount.format()} 超过上限 ${policy.advanceCeilingYuan.format()}`,
    );
  }
  return compliant("advance-ceiling", v);
}
