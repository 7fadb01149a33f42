/**
 * The advance-aid assessment (DOMAIN §3.2) and the place of household registration (DOMAIN §2.1).
 *
 * Place of emergency decides jurisdiction: household registration (户籍) and the kind of identity
 * document are taken as inputs — the application carries them — but `assessAdvance` never reads
 * them; they only feed `registrationFollowUp` (notify the registration county, statistics).
 * A property test proves the assessment is identical for every registration and document.
 */
import type { IdentityDocument } from "../identity/documents.ts";
import { Yuan } from "../money/yuan.ts";
import type { ResolvedPolicy } from "../policy/resolve.ts";
import { type HardshipCause, hardshipTypeOf } from "./hardship.ts";
import { advanceCeiling } from "./rules/advanceCeiling.ts";
import { type ApprovalLevel, requiredApprovalLevel } from "./rules/approvalLevel.ts";
import { cashPayment, type PaymentMethod } from "./rules/cashPayment.ts";

export type HouseholdRegistration =
  /** 户籍 in a county of mainland China (the 6-digit county code). */
  | { kind: "mainland"; countyId: string }
  /** Hong Kong, Macao, Taiwan residents and foreigners: no mainland 户籍. */
  | { kind: "none"; note?: string }
  | { kind: "unknown" };

export interface AdvanceApplication {
  countyId: string;
  townshipId: string;
  cause: HardshipCause;
  requestedAmountYuan: Yuan;
  /** The officer's judgement that waiting would cause irreversible harm (DOMAIN §3: Flow A is for that). */
  irreversibleHarmIfDelayed: boolean;
  identityDocument: IdentityDocument;
  householdRegistration: HouseholdRegistration;
}

export type AssessmentReason =
  | "not-urgent"
  | "no-irreversible-harm"
  | "nothing-requested"
  | "capped-at-advance-ceiling";

export interface AdvanceAssessment {
  eligible: boolean;
  amountYuan: Yuan;
  approvalLevel: ApprovalLevel;
  paymentMethods: PaymentMethod[];
  reasons: AssessmentReason[];
  policyVersionId: string;
}

/** Pure: depends on the cause, the amount, the urgency judgement and the policy — nothing else. */
export function assessAdvance(application: AdvanceApplication, policy: ResolvedPolicy): AdvanceAssessment {
  const { cause, requestedAmountYuan, irreversibleHarmIfDelayed } = application;
  const reasons: AssessmentReason[] = [];
  const hardshipType = hardshipTypeOf(cause);
  if (hardshipType !== "urgent") reasons.push("not-urgent");
  if (!irreversibleHarmIfDelayed) reasons.push("no-irreversible-harm");
  if (!requestedAmountYuan.isPositive()) reasons.push("nothing-requested");
  const eligible = reasons.length === 0;
  let amountYuan = Yuan.zero;
  if (eligible) {
    // A positive request the advance-ceiling rule refuses is proposed at the ceiling.
    const capped = advanceCeiling(requestedAmountYuan, policy).outcome === "noncompliant";
    amountYuan = capped ? policy.advanceCeilingYuan : requestedAmountYuan;
    if (capped) reasons.push("capped-at-advance-ceiling");
  }
  const paymentMethods: PaymentMethod[] = ["bank-transfer"];
  const cash = cashPayment({ method: "cash", hardshipType, amountYuan }, policy);
  if (eligible && cash.outcome === "compliant") paymentMethods.push("cash");
  return {
    eligible,
    amountYuan,
    approvalLevel: requiredApprovalLevel(amountYuan, policy),
    paymentMethods,
    reasons,
    policyVersionId: policy.policyVersionId,
  };
}

export interface RegistrationFollowUp {
  /** For statistics only (DOMAIN §6 local vs non-local). */
  category: "local" | "non-local" | "no-mainland-registration" | "unknown";
  /** The registration county to notify at closing (DOMAIN §3.6), when it is another county. */
  notifyCountyId?: string;
}

/** The registration as a filing records it: a mainland county code, or none. */
export function registrationOf(recorded: { countyCode?: string | undefined }): HouseholdRegistration {
  return recorded.countyCode ? { kind: "mainland", countyId: recorded.countyCode } : { kind: "none" };
}

/** The only use of household registration: statistics and notifying the registration county. */
export function registrationFollowUp(
  registration: HouseholdRegistration,
  caseCountyId: string,
): RegistrationFollowUp {
  switch (registration.kind) {
    case "mainland":
      return registration.countyId === caseCountyId
        ? { category: "local" }
        : { category: "non-local", notifyCountyId: registration.countyId };
    case "none":
      return { category: "no-mainland-registration" };
    case "unknown":
      return { category: "unknown" };
  }
}
