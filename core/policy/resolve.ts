/**
 * A policy version resolved to exact amounts for one township area. Rules in core/cases take this,
 * never the raw parameters, and echo `policyVersionId` into every decision they make.
 *
 * Area = the township's own classification (街道 → urban, 乡镇 → rural): the place of emergency,
 * never the applicant's household registration (DOMAIN §2.1).
 */
import { Yuan } from "../money/yuan.ts";
import { type Area, type PolicyParameters, resolveLimitYuan } from "./parameters.ts";
import type { PolicyVersion } from "./versions.ts";

export interface ResolvedPolicy {
  policyVersionId: string;
  countyId: string;
  area: Area;
  dibaoMonthlyStandardYuan: Yuan;
  townshipApprovalCeilingYuan: Yuan;
  perCaseCapYuan: Yuan;
  advanceCeilingYuan: Yuan;
  cashCeilingYuan: Yuan;
  cashCeilingExceedsAdvanceAllowed: boolean;
  stagedAssistanceThresholdYuan: Yuan;
  fundQuotaPerCapitaYuan: Yuan;
  advanceResponseTimeHours: number;
  paperworkDeadlineWorkingDays: number;
  ordinaryProcessingWorkingDays: number;
  publicNoticeDays: number;
  investigatorsPerCase: number;
  stagedPlanMaxStages: number;
  stagedPlanWithinCalendarYear: boolean;
  stagedAssistanceThresholdMonths: number;
  aidPerCausePerHousehold: number;
  aidPerCauseWindowMonths: number;
  fraudBarMonths: number;
  lowBalanceAlertPercent: number;
  holidayCalendarRef: string;
  alertDedupWindowDays: number;
  alertVerificationWorkingDays: number;
}

export function resolvePolicy(version: PolicyVersion, area: Area): ResolvedPolicy {
  const p: PolicyParameters = version.parameters;
  return {
    policyVersionId: version.versionId,
    countyId: version.countyId,
    area,
    dibaoMonthlyStandardYuan: Yuan.parse(
      area === "urban" ? p.dibaoMonthlyStandardUrbanYuan : p.dibaoMonthlyStandardRuralYuan,
    ),
    townshipApprovalCeilingYuan: resolveLimitYuan(p.townshipApprovalCeiling, p, area),
    perCaseCapYuan: resolveLimitYuan(p.perCaseCap, p, area),
    advanceCeilingYuan: Yuan.parse(p.advanceCeilingYuan),
    cashCeilingYuan: Yuan.parse(p.cashCeilingYuan),
    cashCeilingExceedsAdvanceAllowed: p.cashCeilingExceedsAdvanceAllowed,
    stagedAssistanceThresholdYuan: Yuan.parse(p.stagedAssistanceThresholdYuan),
    fundQuotaPerCapitaYuan: Yuan.parse(p.fundQuotaPerCapitaYuan),
    advanceResponseTimeHours: p.advanceResponseTimeHours,
    paperworkDeadlineWorkingDays: p.paperworkDeadlineWorkingDays,
    ordinaryProcessingWorkingDays: p.ordinaryProcessingWorkingDays,
    publicNoticeDays: p.publicNoticeDays,
    investigatorsPerCase: p.investigatorsPerCase,
    stagedPlanMaxStages: p.stagedPlanMaxStages,
    stagedPlanWithinCalendarYear: p.stagedPlanWithinCalendarYear,
    stagedAssistanceThresholdMonths: p.stagedAssistanceThresholdMonths,
    aidPerCausePerHousehold: p.aidPerCausePerHousehold,
    aidPerCauseWindowMonths: p.aidPerCauseWindowMonths,
    fraudBarMonths: p.fraudBarMonths,
    lowBalanceAlertPercent: p.lowBalanceAlertPercent,
    holidayCalendarRef: p.holidayCalendarRef,
    alertDedupWindowDays: p.alertDedupWindowDays,
    alertVerificationWorkingDays: p.alertVerificationWorkingDays,
  };
}

/** Township fund quota (DOMAIN §2.3): per-capita amount × registered population. */
export function fundQuotaYuan(registeredPopulation: number, policy: ResolvedPolicy): Yuan {
  if (!Number.isSafeInteger(registeredPopulation) || registeredPopulation < 0) {
    throw new RangeError("registered population must be a non-negative integer");
  }
  return policy.fundQuotaPerCapitaYuan.times(registeredPopulation);
}
