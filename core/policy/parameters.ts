/**
 * Every policy parameter of DOMAIN §7 in one zod schema. Names carry their units. Values are per
 * county (local/seed/ for the demo county); bounds are the ranges of DOMAIN §7 (bounds.ts).
 */
import * as z from "zod";
import { Yuan } from "../money/yuan.ts";
import { type IntRange, POLICY_BOUNDS, POLICY_DEFAULTS, type YuanRange } from "./bounds.ts";
import { parseWith } from "./validation.ts";

function yuanText(range: YuanRange) {
  return z.string().superRefine((text, ctx) => {
    if (!Yuan.isValidText(text)) {
      ctx.addIssue({
        code: "custom",
        message: 'must be yuan with at most two decimals, e.g. "800" or "800.50"',
        params: { zh: "须为元，最多两位小数" },
      });
      return;
    }
    const value = Yuan.parse(text);
    if (value.lessThan(Yuan.parse(range.min))) {
      ctx.addIssue({
        code: "custom",
        message: `must be at least ${range.min}`,
        params: { zh: `不得低于 ${range.min} 元` },
      });
    }
    if (range.max !== undefined && value.greaterThan(Yuan.parse(range.max))) {
      ctx.addIssue({
        code: "custom",
        message: `must be at most ${range.max}`,
        params: { zh: `不得高于 ${range.max} 元` },
      });
    }
  });
}

const int = (range: IntRange) => z.number().int().min(range.min).max(range.max);

/** A monthly-低保-multiple: "4 × the monthly standard". Half months allowed. */
const dibaoMonths = (range: IntRange) => z.number().multipleOf(0.5).min(range.min).max(range.max);

/** Which 低保 standard a multiple refers to: the one of the township's area (see resolve.ts). */
export const LimitSpecSchema = (yuan: YuanRange, months: IntRange) =>
  z.union([
    z.object({ yuan: yuanText(yuan) }).strict(),
    z.object({ dibaoMonths: dibaoMonths(months) }).strict(),
  ]);

export type LimitSpec = { yuan: string } | { dibaoMonths: number };

const B = POLICY_BOUNDS;

export const PolicyParametersBaseSchema = z
  .object({
    /** 低保 monthly standards; county input (DOMAIN §7). */
    dibaoMonthlyStandardUrbanYuan: yuanText(B.dibaoMonthlyStandardYuan),
    dibaoMonthlyStandardRuralYuan: yuanText(B.dibaoMonthlyStandardYuan),
    /** Township approver decides up to this; above it the county (DOMAIN §3.5, §4.4). */
    townshipApprovalCeiling: LimitSpecSchema(
      B.townshipApprovalCeilingYuan,
      B.townshipApprovalCeilingDibaoMonths,
    ),
    /** Total aid per case; above it 一事一议 (county coordination). */
    perCaseCap: LimitSpecSchema(B.perCaseCapYuan, B.perCaseCapDibaoMonths),
    advanceCeilingYuan: yuanText(B.advanceCeilingYuan),
    advanceResponseTimeHours: int(B.advanceResponseTimeHours),
    paperworkDeadlineWorkingDays: int(B.paperworkDeadlineWorkingDays),
    ordinaryProcessingWorkingDays: int(B.ordinaryProcessingWorkingDays),
    publicNoticeDays: int(B.publicNoticeDays),
    investigatorsPerCase: int(B.investigatorsPerCase),
    stagedPlanMaxStages: int(B.stagedPlanMaxStages),
    /** DOMAIN §4.2: every stage within the calendar year of the first stage. */
    stagedPlanWithinCalendarYear: z.boolean(),
    /** Flow B when hardship is expected to last longer than this … */
    stagedAssistanceThresholdMonths: int(B.stagedAssistanceThresholdMonths),
    /** … or the total exceeds this amount (DOMAIN §4). */
    stagedAssistanceThresholdYuan: yuanText(B.stagedAssistanceThresholdYuan),
    cashCeilingYuan: yuanText(B.cashCeilingYuan),
    /** A county may explicitly allow a cash ceiling above the advance ceiling. */
    cashCeilingExceedsAdvanceAllowed: z.boolean(),
    aidPerCausePerHousehold: int(B.aidPerCausePerHousehold),
    aidPerCauseWindowMonths: int(B.aidPerCauseWindowMonths),
    fraudBarMonths: int(B.fraudBarMonths),
    fundQuotaPerCapitaYuan: yuanText(B.fundQuotaPerCapitaYuan),
    lowBalanceAlertPercent: int(B.lowBalanceAlertPercent),
    /** Id of the county holiday calendar used for working days (core/calendar). */
    holidayCalendarRef: z.string().min(1),
    /** Early warnings (core/alerts): another alert of the same person + risk within this many days is a repeat. */
    alertDedupWindowDays: int(B.alertDedupWindowDays).default(POLICY_DEFAULTS.alertDedupWindowDays),
    /** Early warnings: the township verifies an alert within this many working days, else the county is told. */
    alertVerificationWorkingDays: int(B.alertVerificationWorkingDays).default(
      POLICY_DEFAULTS.alertVerificationWorkingDays,
    ),
  })
  .strict();

export type PolicyParameters = z.output<typeof PolicyParametersBaseSchema>;
export type Area = "urban" | "rural";
export const AREAS: readonly Area[] = ["urban", "rural"];

/** A limit in yuan for the township's area: a fixed amount or a multiple of the monthly 低保 standard. */
export function resolveLimitYuan(spec: LimitSpec, params: PolicyParameters, area: Area): Yuan {
  if ("yuan" in spec) return Yuan.parse(spec.yuan);
  const standard = Yuan.parse(
    area === "urban" ? params.dibaoMonthlyStandardUrbanYuan : params.dibaoMonthlyStandardRuralYuan,
  );
  return standard.times(String(spec.dibaoMonths));
}

/** Cross-field checks (DOMAIN §7): advance ≤ township ceiling ≤ per-case cap, for both areas; cash ≤ advance. */
function crossFieldChecks(p: PolicyParameters, ctx: z.RefinementCtx): void {
  const advance = Yuan.parse(p.advanceCeilingYuan);
  for (const area of AREAS) {
    const township = resolveLimitYuan(p.townshipApprovalCeiling, p, area);
    const cap = resolveLimitYuan(p.perCaseCap, p, area);
    if (advance.greaterThan(township)) {
      ctx.addIssue({
        code: "custom",
        path: ["advanceCeilingYuan"],
        message: `advance ceiling ${advance} exceeds the ${area} township approval ceiling ${township}`,
        params: {
          zh: `先行救助上限 ${advance} 元高于乡镇审批权限（${area === "urban" ? "城市" : "农村"}）${township} 元`,
        },
      });
    }
    if (township.greaterThan(cap)) {
      ctx.addIssue({
        code: "custom",
        path: ["townshipApprovalCeiling"],
        message: `${area} township approval ceiling ${township} exceeds the per-case cap ${cap}`,
        params: {
          zh: `乡镇审批权限（${area === "urban" ? "城市" : "农村"}）${township} 元高于单次救助上限 ${cap} 元`,
        },
      });
    }
  }
  const cash = Yuan.parse(p.cashCeilingYuan);
  if (cash.greaterThan(advance) && !p.cashCeilingExceedsAdvanceAllowed) {
    ctx.addIssue({
      code: "custom",
      path: ["cashCeilingYuan"],
      message: `cash ceiling ${cash} exceeds the advance ceiling ${advance} (set cashCeilingExceedsAdvanceAllowed to allow)`,
      params: { zh: `现金发放上限 ${cash} 元高于先行救助上限 ${advance} 元，且未明确允许` },
    });
  }
}

/** The one schema: field bounds first, then (only on well-formed input) the cross-field checks. */
export const PolicyParametersSchema = PolicyParametersBaseSchema.pipe(
  z.custom<PolicyParameters>().superRefine(crossFieldChecks),
);

export function parsePolicyParameters(input: unknown, prefix = ""): PolicyParameters {
  return parseWith(PolicyParametersSchema, input, "policy parameters", "救助政策参数", prefix);
}
