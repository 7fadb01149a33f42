/**
 * What each referral target (转介) is called, in Chinese and English: the one catalogue,
 * read by the server's referral messages and by the consoles' label catalogue (web/src/labels.ts).
 */
import type { Label } from "./caseStatus.ts";

export const REFERRAL_LABELS = {
  dibao: { zh: "最低生活保障", en: "Minimum living allowance" },
  tekun: { zh: "特困供养", en: "Extreme-poverty support" },
  "medical-aid": { zh: "医疗救助", en: "Medical aid" },
  "education-aid": { zh: "教育救助", en: "Education aid" },
  "housing-aid": { zh: "住房救助", en: "Housing aid" },
  "employment-aid": { zh: "就业救助", en: "Employment aid" },
  charity: { zh: "慈善组织", en: "Charity" },
  "social-work": { zh: "社会工作服务", en: "Social work" },
} as const satisfies Record<string, Label>;

/** A referral target's Chinese name; one the catalogue does not know is "其他救助帮扶". */
export function referralZh(target: string): string {
  return Object.hasOwn(REFERRAL_LABELS, target)
    ? REFERRAL_LABELS[target as keyof typeof REFERRAL_LABELS].zh
    : "其他救助帮扶";
}
