/**
 * DOMAIN §3.3: aid is paid by bank transfer to the applicant's own account (社会化发放); cash only
 * for urgent cases under the cash ceiling, recorded with the receiver's and the officer's signature.
 */
import type { Yuan } from "../../money/yuan.ts";
import type { ResolvedPolicy } from "../../policy/resolve.ts";
import { PolicyRuleViolationError } from "../errors.ts";
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

const signed = (ref: string | undefined): boolean => (ref ?? "").trim() !== "";

/** A cash hand-over is complete only with both signatures (references to the stored images). */
export function cashReceipt(
  input: { receiverSignatureRef?: string; officerSignatureRef?: string },
  policy: ResolvedPolicy,
): RuleOutcome {
  const v = policy.policyVersionId;
  if (!signed(input.receiverSignatureRef)) {
    return noncompliant(
      "cash-receipt",
      v,
      "receiverSignatureRef",
      "the receiver's signature is missing",
      "缺少领款人签字",
    );
  }
  if (!signed(input.officerSignatureRef)) {
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

export interface CashHandOver {
  hardshipType: HardshipType;
  amountYuan: Yuan;
  receiverSignatureRef?: string;
  officerSignatureRef?: string;
}

/**
 * The one check of a cash hand-over (both rules above), made before anything is drawn from the fund:
 * every refusal at once, as a 422 with a field message per rule (zh + en).
 */
export function requireCashHandOver(input: CashHandOver, policy: ResolvedPolicy): void {
  const outcomes = [
    cashPayment({ method: "cash", hardshipType: input.hardshipType, amountYuan: input.amountYuan }, policy),
    cashReceipt(input, policy),
  ];
  const refusals = outcomes.filter((o) => o.outcome === "noncompliant");
  const first = refusals[0];
  if (!first) return;
  throw new PolicyRuleViolationError(first.message, first.messageZh, {
    fields: refusals.map((r) => ({ path: r.field, message: r.message, messageZh: r.messageZh })),
    details: { rule: first.rule, policyVersionId: first.policyVersionId },
  });
}
