/**
 * DOMAIN §2.4, §7: one cause, one aid, per household. A household is the applicant plus the members
 * listed on the filing (matched by keyed ID hash); the caller passes the earlier cases of ANY of them.
 * At most `aidPerCausePerHousehold` aids for one cause within `aidPerCauseWindowMonths`, counted from
 * the date the aid was paid (`aid-per-cause window counts from`), not from the filing.
 */
import { addMonthsToInstant, type Instant, toMs } from "../../calendar/localDate.ts";
import { windowStartMonthsBefore } from "../../calendar/workingDays.ts";
import type { ResolvedPolicy } from "../../policy/resolve.ts";
import { compliant, noncompliant, notApplicable, type RuleOutcome } from "./outcome.ts";

export interface HouseholdAid {
  caseId: string;
  cause: string;
  /** When aid on the case was first paid; undefined while nothing was paid (it does not count). */
  paidAt?: Instant;
}

export type HouseholdAidOutcome = RuleOutcome & {
  /** When refused: the earliest counted aid (staff are shown its date) and when a slot frees. */
  earlier?: { caseId: string; paidAt: Date };
  until?: Date;
};

export function oneAidPerCausePerHousehold(
  input: { cause: string; aids: readonly HouseholdAid[]; at: Instant },
  policy: ResolvedPolicy,
): HouseholdAidOutcome {
  const v = policy.policyVersionId;
  const now = toMs(input.at);
  const sameCause = input.aids.filter((a) => a.cause === input.cause && a.paidAt !== undefined);
  if (sameCause.length === 0) {
    return notApplicable(
      "one-aid-per-cause-per-household",
      v,
      "the household was never aided for this cause",
    );
  }
  const windowStart = windowStartMonthsBefore(now, policy.aidPerCauseWindowMonths).getTime();
  const counted = [...new Map(sameCause.map((a) => [a.caseId, toMs(a.paidAt as Instant)])).entries()]
    .filter(([, paidAt]) => paidAt >= windowStart && paidAt <= now)
    .sort((a, b) => a[1] - b[1]);
  if (counted.length < policy.aidPerCausePerHousehold) return compliant("one-aid-per-cause-per-household", v);
  // A slot frees when the oldest counted aid leaves the window.
  const [caseId, paidAt] = counted[counted.length - policy.aidPerCausePerHousehold] as [string, number];
  const months = policy.aidPerCauseWindowMonths;
  return {
    ...noncompliant(
      "one-aid-per-cause-per-household",
      v,
      "hardship.cause",
      `the household was already aided for this cause within the last ${months} months (one cause, one aid)`,
      `该家庭近${months}个月内已因同一事由获得过临时救助（一事一救），不能再次申请`,
    ),
    earlier: { caseId, paidAt: new Date(paidAt) },
    until: addMonthsToInstant(paidAt, months),
  };
}
