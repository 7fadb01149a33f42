/**
 * DOMAIN §3.3, §4.5: a stage of a staged plan (Flow B) is paid by bank transfer on its date, never
 * in cash — cash is for urgent first aid. A stage whose transfer failed gets the applicant's own
 * account again (reroute), not a hand-over.
 */
import type { ResolvedPolicy } from "../../policy/resolve.ts";
import type { PaymentMethod } from "./cashPayment.ts";
import { compliant, noncompliant, notApplicable, type RuleOutcome } from "./outcome.ts";

export function stagePaidByTransfer(
  input: { method: PaymentMethod; stageOfPlan: boolean },
  policy: ResolvedPolicy,
): RuleOutcome {
  const v = policy.policyVersionId;
  if (!input.stageOfPlan) return notApplicable("stage-paid-by-transfer", v, "not a stage of a staged plan");
  if (input.method === "bank-transfer") return compliant("stage-paid-by-transfer", v);
  return noncompliant(
    "stage-paid-by-transfer",
    v,
    "method",
    "a stage of a staged plan is paid by bank transfer: give the applicant's own account (reroute), not cash",
    "分阶段救助按期转账发放，不能现金发放：请重新指定本人收款账户",
  );
}
