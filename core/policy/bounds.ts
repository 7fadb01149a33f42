/**
 * The ranges seen in county rules (DOMAIN §7, "range seen"), used as bounds of the policy schema.
 * This is the ONE file in core/ allowed to hold policy numbers: they are limits on what a county may
 * configure, not the values it configures (those live in local/seed/, per county). Where DOMAIN §7
 * gives no range, the bound is a sanity limit and says so.
 */

export interface IntRange {
  min: number;
  max: number;
}
export interface YuanRange {
  /** Yuan text, inclusive. */
  min: string;
  max?: string;
}

export const POLICY_BOUNDS = {
  advanceCeilingYuan: { min: "800", max: "1000" } satisfies YuanRange,
  townshipApprovalCeilingYuan: { min: "500", max: "5000" } satisfies YuanRange,
  townshipApprovalCeilingDibaoMonths: { min: 2, max: 6 } satisfies IntRange,
  perCaseCapDibaoMonths: { min: 2, max: 12 } satisfies IntRange,
  /** No range in DOMAIN §7; the cross-field check keeps it ≥ the township ceiling. */
  perCaseCapYuan: { min: "0.01" } satisfies YuanRange,
  /** No range in DOMAIN §7; sanity: within three days. */
  advanceResponseTimeHours: { min: 1, max: 72 } satisfies IntRange,
  paperworkDeadlineWorkingDays: { min: 5, max: 20 } satisfies IntRange,
  ordinaryProcessingWorkingDays: { min: 3, max: 15 } satisfies IntRange,
  publicNoticeDays: { min: 3, max: 7 } satisfies IntRange,
  investigatorsPerCase: { min: 2, max: 3 } satisfies IntRange,
  /** Monthly stages within one calendar year: never more than a year's months. */
  stagedPlanMaxStages: { min: 1, max: 12 } satisfies IntRange,
  stagedAssistanceThresholdMonths: { min: 1, max: 12 } satisfies IntRange,
  stagedAssistanceThresholdYuan: { min: "0.01" } satisfies YuanRange,
  cashCeilingYuan: { min: "0.01" } satisfies YuanRange,
  aidPerCausePerHousehold: { min: 1, max: 3 } satisfies IntRange,
  /** No range in DOMAIN §7; sanity: up to three years. */
  aidPerCauseWindowMonths: { min: 1, max: 36 } satisfies IntRange,
  /** No range in DOMAIN §7; sanity: up to five years. */
  fraudBarMonths: { min: 1, max: 60 } satisfies IntRange,
  lowBalanceAlertPercent: { min: 1, max: 99 } satisfies IntRange,
  /** DOMAIN §2.3: "≥ 1 yuan × registered population per year". */
  fundQuotaPerCapitaYuan: { min: "1" } satisfies YuanRange,
  dibaoMonthlyStandardYuan: { min: "0.01" } satisfies YuanRange,
  /** No range in DOMAIN §7; sanity: up to a quarter year. */
  alertDedupWindowDays: { min: 1, max: 90 } satisfies IntRange,
  /** No range in DOMAIN §7 (typical 5); sanity: up to three working weeks. */
  alertVerificationWorkingDays: { min: 1, max: 15 } satisfies IntRange,
} as const;

/**
 * What a county's parameter set takes when it does not name a parameter added after counties were
 * onboarded (early warnings): the typical values.
 */
export const POLICY_DEFAULTS = {
  alertDedupWindowDays: 30,
  alertVerificationWorkingDays: 5,
} as const;
