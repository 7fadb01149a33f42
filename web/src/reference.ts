/**
 * Codes the forms offer, in the domain's words (DOMAIN §2.2 hardship types and causes; §3.5
 * follow-up kinds and referral targets). Every list is typed from the API's generated schema
 * (labels.ts): a code the API would refuse does not compile, and test/unit/web/options.test.ts
 * posts each one through the real route. Labels come from labels.ts.
 */

import { EXPENDITURE_CAUSES, URGENT_CAUSES } from "../../core/cases/hardship.ts";
import {
  codesOf,
  type DocumentKind,
  type HardshipCause,
  type HardshipType,
  type IdDocumentType,
  type Relation,
} from "./labels.ts";

export const HARDSHIP_TYPES: readonly HardshipType[] = codesOf("hardshipType");

// Which cause belongs to which hardship type is core's (core/cases/hardship.ts); CAUSES below holds
// each to the API's causes, and every cause the API knows sits under one hardship type (DOMAIN §2.2).
type Unplaced = Exclude<HardshipCause, (typeof URGENT_CAUSES)[number] | (typeof EXPENDITURE_CAUSES)[number]>;
const everyCausePlaced: [Unplaced] extends [never] ? true : Unplaced = true;
void everyCausePlaced;

export const CAUSES: Readonly<Record<HardshipType, readonly HardshipCause[]>> = {
  urgent: URGENT_CAUSES,
  expenditure: EXPENDITURE_CAUSES,
};

/** An applicant's own documents; "no document" is attested by an officer filing for them (DOMAIN §7). */
export const ID_TYPES: readonly IdDocumentType[] = codesOf("idType").filter(
  (type) => type !== "none-officer-attests",
);

export const RELATIONS: readonly Relation[] = codesOf("relation");

/** What the applicant photographs (a signature belongs to a cash hand-over); the first is a new photo's kind. */
export const DOCUMENT_KINDS: readonly DocumentKind[] = [
  "incident-proof",
  "medical-record",
  "expense-receipt",
  "identity-document",
  "bank-account-proof",
  "other",
] as const satisfies readonly DocumentKind[];

export const FOLLOW_UP_KINDS = [
  "additional-aid",
  "staged-assistance",
  "referral",
  "recovery",
  "close",
] as const;

export const REFERRAL_TARGETS = codesOf("referral");
