/**
 * Codes the forms offer, in the domain's words (DOMAIN §2.2 hardship types and causes; §3.5
 * follow-up kinds and referral targets). Labels live in i18n; the API validates every code.
 */
export const HARDSHIP_TYPES = ["urgent", "expenditure"] as const;

export const CAUSES: Record<(typeof HARDSHIP_TYPES)[number], readonly string[]> = {
  urgent: [
    "fire",
    "flood",
    "natural-disaster",
    "traffic-accident",
    "sudden-illness",
    "crime",
    "other-sudden",
  ],
  expenditure: ["medical", "education", "other-rigid-expense"],
};

export const ID_TYPES = [
  "resident-id",
  "passport",
  "hk-macao-pass",
  "taiwan-pass",
  "foreign-permit",
  "other",
] as const;

export const RELATIONS = [
  "self",
  "spouse",
  "child",
  "parent",
  "sibling",
  "grandparent",
  "grandchild",
  "other",
] as const;

export const DOCUMENT_KINDS = [
  "scene-photo",
  "hospital-record",
  "police-report",
  "id-document",
  "other",
] as const;

export const FOLLOW_UP_KINDS = [
  "additional-aid",
  "staged-assistance",
  "referral",
  "recovery",
  "close",
] as const;

export const REFERRAL_TARGETS = [
  "dibao",
  "tekun",
  "medical",
  "education",
  "housing",
  "employment",
  "charity",
  "social-work",
] as const;
