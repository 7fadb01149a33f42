/**
 * Where a disaster-mode household stands (core/incidents HouseholdStage), in Chinese and English: the
 * one catalogue, read by the households export and by the incident pages (web/src/i18n/incidents.ts).
 */
import type { HouseholdStage } from "../incidents/figures.ts";
import type { Label } from "./caseStatus.ts";

export const HOUSEHOLD_STAGE_LABELS = {
  "awaiting-decision": { zh: "待审批", en: "To decide" },
  rejected: { zh: "不予救助", en: "Refused" },
  approved: { zh: "已批准待发放", en: "Approved, paying" },
  "waiting-for-funds": { zh: "等待资金", en: "Waiting for money" },
  paid: { zh: "已发放", en: "Paid" },
  other: { zh: "其他", en: "Other" },
} as const satisfies Record<HouseholdStage, Label>;

/** The stages' names in one language, keyed by stage (the pages' `incident.stages`). */
export function householdStageNames(language: keyof Label): Record<HouseholdStage, string> {
  return Object.fromEntries(
    Object.entries(HOUSEHOLD_STAGE_LABELS).map(([stage, label]) => [stage, label[language]]),
  ) as Record<HouseholdStage, string>;
}
