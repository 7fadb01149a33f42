/** DOMAIN §3.4: the investigation is done by at least `investigatorsPerCase` distinct officers. */
import type { ResolvedPolicy } from "../../policy/resolve.ts";
import { compliant, noncompliant, type RuleOutcome } from "./outcome.ts";

export function investigatorsPerCase(officerIds: readonly string[], policy: ResolvedPolicy): RuleOutcome {
  const distinct = new Set(officerIds.map((id) => id.trim()).filter((id) => id !== "")).size;
  if (distinct < policy.investigatorsPerCase) {
    return noncompliant(
      "investigators-per-case",
      policy.policyVersionId,
      "investigatorIds",
      `the investigation needs ${policy.investigatorsPerCase} distinct officers, got ${distinct}`,
      `入户调查须由 ${policy.investigatorsPerCase} 名不同的工作人员进行，现有 ${distinct} 名`,
    );
  }
  return compliant("investigators-per-case", policy.policyVersionId);
}
