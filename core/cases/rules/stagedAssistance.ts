/**
 * DOMAIN §4: Flow B (one approval, staged assistance) is for hardship expected to last longer than
 * `stagedAssistanceThresholdMonths` or amounts above `stagedAssistanceThresholdYuan`.
 */
import type { Yuan } from "../../money/yuan.ts";
import type { ResolvedPolicy } from "../../policy/resolve.ts";

export type FlowChoice = {
  flow: "A" | "B";
  reason: "duration" | "amount" | "short-and-small";
  policyVersionId: string;
};

export function chooseFlow(
  input: { expectedDurationMonths: number; estimatedTotalYuan: Yuan },
  policy: ResolvedPolicy,
): FlowChoice {
  const v = policy.policyVersionId;
  if (input.expectedDurationMonths > policy.stagedAssistanceThresholdMonths) {
    return { flow: "B", reason: "duration", policyVersionId: v };
  }
  if (input.estimatedTotalYuan.greaterThan(policy.stagedAssistanceThresholdYuan)) {
    return { flow: "B", reason: "amount", policyVersionId: v };
  }
  return { flow: "A", reason: "short-and-small", policyVersionId: v };
}
