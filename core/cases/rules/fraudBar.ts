/**
 * DOMAIN §2.4, §2.5: proven fraud bars the household for `fraudBarMonths` from the finding.
 * Suspicion never bars: only a finding recorded on a closed case is passed in.
 */
import { addMonthsToInstant, type Instant, toMs } from "../../calendar/localDate.ts";
import type { ResolvedPolicy } from "../../policy/resolve.ts";
import { compliant, noncompliant, notApplicable, type RuleOutcome } from "./outcome.ts";

export interface ProvenFraud {
  caseId: string;
  /** When the fraud was established (the case closed with it recorded). */
  foundAt: Instant;
}

export type FraudBarOutcome = RuleOutcome & { barredBy?: { caseId: string; until: Date } };

export function fraudBar(
  input: { findings: readonly ProvenFraud[]; at: Instant },
  policy: ResolvedPolicy,
): FraudBarOutcome {
  const v = policy.policyVersionId;
  if (input.findings.length === 0) return notApplicable("fraud-bar", v, "no proven fraud in the household");
  const now = toMs(input.at);
  const inForce = input.findings
    .map((f) => ({ caseId: f.caseId, foundAt: toMs(f.foundAt) }))
    .map((f) => ({ ...f, until: addMonthsToInstant(f.foundAt, policy.fraudBarMonths) }))
    .filter((f) => f.foundAt <= now && now < f.until.getTime())
    .sort((a, b) => b.until.getTime() - a.until.getTime());
  const longest = inForce[0];
  if (!longest) return compliant("fraud-bar", v);
  return {
    ...noncompliant(
      "fraud-bar",
      v,
      "applicant",
      `aid is barred for ${policy.fraudBarMonths} months after proven fraud`,
      `经查实存在骗取救助行为，${policy.fraudBarMonths}个月内不予救助`,
    ),
    barredBy: { caseId: longest.caseId, until: longest.until },
  };
}
