/**
 * DOMAIN §3.3: aid is paid by bank transfer to the applicant's own account (社会化发放); cash only
 * for urgent cases under the cash ceiling, recorded with the receiver's and the officer's signature.
 */
import type { Yuan } from "../../money/yuan.ts";
import type { ResolvedPolicy } from "../../policy/resolve.ts";
import type { HardshipType } from "../hardship.ts";
import { compliant, noncompliant, notApplicable, type RuleOutcome } from "./outcome.ts";

export type PaymentMethod = "bank-transfer" | "cash";

export function cashPayment(
  input: { method: PaymentMethod; hardshipType: HardshipType; amountYuan: Yuan },
  policy: ResolvedPolicy,
): RuleOutcome {
  const v = policy.policyVersionId;
  if (input.method === "bank-transfer") return notApplicable("cash-payment", v, "paid by bank transfer");
  if (input.hardshipType !== "urgent") {
    return noncompliant(
      "cash-payment",
      v,
      "method",
      "cash is only for urgent (急难型) cases",
      "仅急难型救助可发放现金",
    );
  }
  if (input.amountYuan.greaterThan(policy.cashCeilingYuan)) {
    return noncompliant(
      "cash-payment",
      v,
      "amountYuan",
      `cash ${input.amountYuan} exceeds the cash ceiling ${policy.cashCeilingYuan}`,
      `现金发放 ${input.amountYuan} 元超过现金上限 ${policy.cashCeilingYuan} 元`,
    );
  }
  return compliant("cash-payment", v);
}

/** A cash hand-over is complete only with both signatures (references to the stored images). */
export function cashReceipt(
  input: { receiverSignatureRef?: string; officerSignatureRef?: string },
  policy: ResolvedPolicy,
): RuleOutcome {
  const v = policy.policyVersionId;
  if (!input.receiverSignatureRef) {
    return noncompliant(
      "cash-receipt",
      v,
      "receiverSignatureRef",
      "the receiver's signature is missing",
      "缺少领款人签字",
    );
  }
  if (!input.officerSignatureRef) {
    return noncompliant(
      "cash-receipt",
      v,
      "officerSignatureRef",
      "the officer's signature is missing",
      "缺少经办人签字",
    );
  }
  return compliant("cash-receipt", v);
}
