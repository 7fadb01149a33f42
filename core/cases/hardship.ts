/**
 * Two kinds of hardship (DOMAIN §2.2): 急难型 (urgent, sudden events) and 支出型 (expenditure
 * beyond the household's means). The kind decides Flow A eligibility, notice exemption and cash.
 */

export const HARDSHIP_TYPES = ["urgent", "expenditure"] as const;
export type HardshipType = (typeof HARDSHIP_TYPES)[number];

export const URGENT_CAUSES = [
  "fire",
  "flood",
  "other-disaster",
  "traffic-accident",
  "sudden-illness",
  "crime",
  "other-sudden",
] as const;
export const EXPENDITURE_CAUSES = ["medical", "education", "other-rigid"] as const;

export type UrgentCause = (typeof URGENT_CAUSES)[number];
export type ExpenditureCause = (typeof EXPENDITURE_CAUSES)[number];
export type HardshipCause = UrgentCause | ExpenditureCause;
export const HARDSHIP_CAUSES: readonly HardshipCause[] = [...URGENT_CAUSES, ...EXPENDITURE_CAUSES];

export const CAUSE_NAMES_ZH: Readonly<Record<HardshipCause, string>> = {
  fire: "火灾",
  flood: "水灾",
  "other-disaster": "其他自然灾害",
  "traffic-accident": "交通事故",
  "sudden-illness": "突发重大疾病",
  crime: "遭受犯罪侵害",
  "other-sudden": "其他突发事件",
  medical: "医疗支出",
  education: "教育支出",
  "other-rigid": "其他刚性支出",
};

export const HARDSHIP_TYPE_NAMES_ZH: Readonly<Record<HardshipType, string>> = {
  urgent: "急难型",
  expenditure: "支出型",
};

export function hardshipTypeOf(cause: HardshipCause): HardshipType {
  return (URGENT_CAUSES as readonly string[]).includes(cause) ? "urgent" : "expenditure";
}

export function isHardshipCause(value: unknown): value is HardshipCause {
  return typeof value === "string" && (HARDSHIP_CAUSES as readonly string[]).includes(value);
}
