/**
 * DOMAIN §3.3: aid is paid by bank transfer to the applicant's own account (社会化发放); cash only
 * for urgent cases under the cash ceiling, recorded with the receiver's and the officer's signature.
 */
import type { Yuan } from "../../money/yuan.ts";
import type { ResolvedPolicy } from "../../policy/resolve.ts";
import { PolicyRuleViolationError } from "../errors.ts";
import type { HardshipType } from "../hardship.ts";
import { compliant, noncompliant, notApplicable, type RuleOutcome } from "./outcome.ts";
import { stagePaidByTransfer } from "./stagePaidByTransfer.ts";

export type PaymentMethod = "bank-transfer" | "cash";

export function cashPayment(
  input: {
    method: PaymentMethod;
    hardshipType: HardshipType;
    amountYuan: Yuan;
  },
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

/** A signature is on record when its reference (the stored image) is not blank. */
export function isSigned(ref: string | undefined): boolean {
  return (ref ?? "").trim() !== "";
}

export type CashSignature = "receiver" | "officer";

/** Who signs a cash hand-over, in both languages: the receiver (领款人) and the officer (经办人). */
export const CASH_SIGNERS: Readonly<Record<CashSignature, { en: string; zh: string }>> = {
  receiver: { en: "receiver", zh: "领款人" },
  officer: { en: "officer", zh: "经办人" },
};

/** The signatures a cash hand-over lacks, receiver first (the reconciliation lists them after the fact). */
export function missingCashSignatures(signed: Readonly<Record<CashSignature, boolean>>): CashSignature[] {
  return (["receiver", "officer"] as const).filter((who) => !signed[who]);
}

/** A cash hand-over is complete only with both signatures (references to the stored images). */
export function cashReceipt(
  input: { receiverSignatureRef?: string; officerSignatureRef?: string },
  policy: ResolvedPolicy,
): RuleOutcome {
  const v = policy.policyVersionId;
  const [missing] = missingCashSignatures({
    receiver: isSigned(input.receiverSignatureRef),
    officer: isSigned(input.officerSignatureRef),
  });
  if (!missing) return compliant("cash-receipt", v);
  const signer = CASH_SIGNERS[missing];
  return noncompliant(
    "cash-receipt",
    v,
    `${missing}SignatureRef`,
    `the ${signer.en}'s signature is missing`,
    `缺少${signer.zh}签字`,
  );
}

export interface CashHandOver {
  /** The payment handed over is a stage of a staged plan (Flow B). */
  stageOfPlan: boolean;
  hardshipType: HardshipType;
  amountYuan: Yuan;
  receiverSignatureRef?: string;
  officerSignatureRef?: string;
}

/**
 * The one check of a cash hand-over (a stage of a plan never in cash, then both rules above), made
 * before anything is drawn from the fund: every refusal at once, as a 422 with a field message per
 * rule (zh + en).
 */
export function requireCashHandOver(input: CashHandOver, policy: ResolvedPolicy): void {
  const outcomes = [
    stagePaidByTransfer({ method: "cash", stageOfPlan: input.stageOfPlan }, policy),
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
