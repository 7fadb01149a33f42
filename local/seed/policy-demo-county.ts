/**
 * Policy of the demo county 示例县 (countyId 230123): the typical values of DOMAIN §7. These
 * numbers live here (and in tests) only — core logic reads them by name from the policy version.
 * Parsed through the schema at import, so an invalid edit fails at startup, not deep in a handler.
 */
import { type CountyPolicySet, type PolicyParameters, parseCountyPolicySet } from "#core/policy/index.ts";

export const DEMO_COUNTY_ID = "230123";
export const DEMO_COUNTY_NAME = "示例县";
/** The national calendar series (the schedules loaded per year, ./cn-holidays-2026.json for 2026). */
export const DEMO_HOLIDAY_CALENDAR_REF = "cn-national";

export const demoCountyParameters2026: PolicyParameters = {
  dibaoMonthlyStandardUrbanYuan: "800",
  dibaoMonthlyStandardRuralYuan: "520",
  townshipApprovalCeiling: { yuan: "3000" },
  perCaseCap: { dibaoMonths: 10 },
  advanceCeilingYuan: "1000",
  advanceResponseTimeHours: 24,
  paperworkDeadlineWorkingDays: 5,
  ordinaryProcessingWorkingDays: 15,
  publicNoticeDays: 7,
  investigatorsPerCase: 2,
  stagedPlanMaxStages: 6,
  stagedPlanWithinCalendarYear: true,
  stagedAssistanceThresholdMonths: 3,
  stagedAssistanceThresholdYuan: "3000",
  cashCeilingYuan: "1000",
  cashCeilingExceedsAdvanceAllowed: false,
  aidPerCausePerHousehold: 1,
  aidPerCauseWindowMonths: 12,
  fraudBarMonths: 12,
  fundQuotaPerCapitaYuan: "1",
  lowBalanceAlertPercent: 20,
  holidayCalendarRef: DEMO_HOLIDAY_CALENDAR_REF,
  alertDedupWindowDays: 30,
  alertVerificationWorkingDays: 5,
};

export const demoCountyPolicy: CountyPolicySet = parseCountyPolicySet({
  countyId: DEMO_COUNTY_ID,
  countyName: DEMO_COUNTY_NAME,
  versions: [
    {
      versionId: "230123-2026-01",
      countyId: DEMO_COUNTY_ID,
      effectiveFrom: "2026-01-01T00:00:00+08:00",
      basis: "示例县临时救助实施细则（演示数据，取 DOMAIN §7 典型值）",
      parameters: demoCountyParameters2026,
    },
  ],
});
