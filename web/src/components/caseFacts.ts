/**
 * The facts an approver decides with (DOMAIN §2.1, §3.2, §3.5), read from the case as the API sent
 * it (already masked for the reader's role at the response boundary): amounts, contact, household
 * registration (外地 only as a flag: it never changes the decision), household, the payee's account
 * and the officer's follow-up proposal.
 */
import type { CaseView } from "../api/types.ts";

export interface HouseholdMemberFact {
  name: string;
  relation?: string;
  documentType?: string;
  numberMasked?: string;
}

export interface FollowUpProposal {
  amountYuan: string;
  reason: string;
  totalAfterYuan?: string;
  approvalLevel?: string;
}

/** The facts as the decision forms and the detail page show them (empty for a list row). */
export interface CaseFacts {
  requestedAmountYuan?: string;
  suggestedAdvanceYuan?: string;
  phone?: string;
  registration?: string;
  local?: boolean;
  address?: string;
  household: HouseholdMemberFact[];
  payoutMethod?: string;
  bank?: { holderName?: string; bankName?: string; accountMasked?: string };
  noDocument: boolean;
  duplicateFilings: number;
  proposal?: FollowUpProposal;
}

export function caseFacts(view: CaseView): CaseFacts {
  const record = view.detail;
  if (!record) return { household: [], noDocument: false, duplicateFilings: 0 };
  const { applicant, payout, followUp } = record;
  const registration = [applicant.registration?.province, applicant.registration?.description]
    .filter(Boolean)
    .join(" · ");
  const additional = followUp?.additionalAid;
  return {
    requestedAmountYuan: record.requestedAmountYuan,
    suggestedAdvanceYuan: record.assessment?.amountYuan,
    phone: applicant.phoneMasked,
    registration: registration || undefined,
    local: applicant.local,
    address: applicant.residence?.address,
    household: (record.household ?? []).map((member) => ({
      name: member.name ?? "",
      relation: member.relation,
      documentType: member.document?.type,
      numberMasked: member.document?.numberMasked,
    })),
    payoutMethod: payout.method,
    bank: payout.bank,
    noDocument: record.flags.noDocument === true,
    duplicateFilings: record.duplicateFilingCount ?? 0,
    proposal: additional
      ? {
          amountYuan: additional.amountYuan,
          reason: additional.reason,
          totalAfterYuan: followUp.totalAfterYuan,
          approvalLevel: followUp.approvalLevel,
        }
      : undefined,
  };
}

/** Images are shown in place (thumbnail, click to enlarge); other files open through their link. */
export function isImage(contentType: string | undefined, fileName: string | undefined): boolean {
  if (contentType?.startsWith("image/")) return true;
  return /\.(png|jpe?g|gif|webp)$/i.test(fileName ?? "");
}

/** A payment is on its way: the page reads the case again until it settles. */
export const PENDING_PAYMENT_STATUSES: readonly string[] = ["open", "instructed"];
export const PENDING_CASE_STATUSES: readonly string[] = ["paying", "stage-paying"];
