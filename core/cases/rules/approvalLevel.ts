/**
 * Who approves an amount (DOMAIN §3.5, §4.4): the township approver up to the township ceiling,
 * the county above it up to the per-case cap, the county coordination mechanism (一事一议) above.
 */
import type { Action } from "../../access/permissions.ts";
import { Yuan } from "../../money/yuan.ts";
import type { ResolvedPolicy } from "../../policy/resolve.ts";

export type ApprovalLevel = "township" | "county" | "county-coordination";

export function requiredApprovalLevel(amount: Yuan, policy: ResolvedPolicy): ApprovalLevel {
  if (amount.lessThanOrEqual(policy.townshipApprovalCeilingYuan)) return "township";
  if (amount.lessThanOrEqual(policy.perCaseCapYuan)) return "county";
  return "county-coordination";
}

export interface FollowUpApproval {
  /** Everything approved for the case so far plus the proposal. */
  totalYuan: Yuan;
  withinCap: boolean;
  /** Room left under the per-case cap before the proposal (never negative). */
  remainingUnderCapYuan: Yuan;
  level: ApprovalLevel;
  policyVersionId: string;
}

/**
 * Follow-up aid (DOMAIN §3.5): the case's total — advance plus every follow-up — stays within the
 * per-case cap; the level is decided by that total, so splitting a large amount into small
 * follow-ups cannot bypass the county.
 */
export function followUpApproval(
  input: { approvedSoFarYuan: readonly Yuan[]; proposedYuan: Yuan },
  policy: ResolvedPolicy,
): FollowUpApproval {
  if (!input.proposedYuan.isPositive()) throw new RangeError("the proposed follow-up must be positive");
  const soFar = Yuan.sum(input.approvedSoFarYuan);
  const totalYuan = soFar.plus(input.proposedYuan);
  return {
    totalYuan,
    withinCap: totalYuan.lessThanOrEqual(policy.perCaseCapYuan),
    remainingUnderCapYuan: Yuan.max(Yuan.zero, policy.perCaseCapYuan.minus(soFar)),
    level: requiredApprovalLevel(totalYuan, policy),
    policyVersionId: policy.policyVersionId,
  };
}

/** The access action (core/access) an approver needs for a level, so a handler checks both together. */
export const APPROVAL_ACTION: Readonly<Record<ApprovalLevel, Action>> = {
  township: "amount.approveWithinCeiling",
  county: "amount.approveAboveCeiling",
  "county-coordination": "case.coordination.decide",
};
