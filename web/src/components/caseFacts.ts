/**
 * The facts an approver decides with (DOMAIN §2.1, §3.2, §3.5), read from the case as the API sent
 * it (already masked for the reader's role at the response boundary): amounts, contact, household
 * registration (外地 only as a flag: it never changes the decision), household, the payee's account
 * and the officer's follow-up proposal.
 */
import type { CaseView } from "../api/types.ts";

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v && typeof v === "object" && !Array.isArray(v) ? (v as Raw) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

export interface HouseholdMemberFact {
  name: string;
  relation?: string;
  documentType?: string;
  numberMasked?: string;
}

export interface FollowUpProposal {
  amountYuan?: string;
  reason?: string;
  totalAfterYuan?: string;
  approvalLevel?: string;
}

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
  const raw = obj(view.raw);
  const applicant = obj(raw.applicant);
  const registration = obj(applicant.registration);
  const payout = obj(raw.payout);
  const bank = obj(payout.bank);
  const followUp = obj(raw.followUp);
  const additional = obj(followUp.additionalAid);
  const registrationText = [str(registration.province), str(registration.description)]
    .filter(Boolean)
    .join(" · ");
  return {
    requestedAmountYuan: str(raw.requestedAmountYuan),
    suggestedAdvanceYuan: str(obj(raw.assessment).amountYuan),
    phone: str(applicant.phoneMasked) ?? str(applicant.phone),
    registration: registrationText || undefined,
    local: typeof applicant.local === "boolean" ? applicant.local : undefined,
    address: str(obj(applicant.residence).address),
    household: (Array.isArray(raw.household) ? raw.household : []).map((m) => {
      const member = obj(m);
      const document = obj(member.document);
      return {
        name: String(member.name ?? ""),
        relation: str(member.relation),
        documentType: str(document.type),
        numberMasked: str(document.numberMasked),
      };
    }),
    payoutMethod: str(payout.method),
    bank: Object.keys(bank).length
      ? {
          holderName: str(bank.holderName),
          bankName: str(bank.bankName),
          accountMasked: str(bank.accountMasked),
        }
      : undefined,
    noDocument: obj(raw.flags).noDocument === true,
    duplicateFilings: typeof raw.duplicateFilingCount === "number" ? raw.duplicateFilingCount : 0,
    proposal: str(additional.amountYuan)
      ? {
          amountYuan: str(additional.amountYuan),
          reason: str(additional.reason),
          totalAfterYuan: str(followUp.totalAfterYuan),
          approvalLevel: str(followUp.approvalLevel),
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
