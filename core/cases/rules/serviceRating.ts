/**
 * DOMAIN §8: the applicant rates the service once the case has ended, on the national 政务服务
 * 好差评 scale (five levels). A dissatisfied rating (差评) must say why, so the township can act on it;
 * the first three levels count as satisfied in the county's per-township figure.
 */
import { compliant, noncompliant, type RuleOutcome } from "./outcome.ts";

export const SERVICE_RATING_LEVELS = [
  "very-satisfied",
  "satisfied",
  "basically-satisfied",
  "dissatisfied",
  "very-dissatisfied",
] as const;

export type ServiceRatingLevel = (typeof SERVICE_RATING_LEVELS)[number];

export const SERVICE_RATING_NAMES_ZH: Readonly<Record<ServiceRatingLevel, string>> = {
  "very-satisfied": "非常满意",
  satisfied: "满意",
  "basically-satisfied": "基本满意",
  dissatisfied: "不满意",
  "very-dissatisfied": "非常不满意",
};

/** 差评: the levels that must give a reason. */
export const DISSATISFIED_LEVELS: readonly ServiceRatingLevel[] = ["dissatisfied", "very-dissatisfied"];

/** Case statuses where the service has ended with a decision (a withdrawn case was ended by the applicant). */
export const RATEABLE_STATUSES: readonly string[] = [
  "closed",
  "advance-rejected",
  "plan-rejected",
  "plan-stopped",
];

/** A reason shorter than this says nothing a township can act on. */
export const RATING_REASON_CHARS_MIN = 2;

export function isSatisfied(level: ServiceRatingLevel): boolean {
  return !DISSATISFIED_LEVELS.includes(level);
}

/** A 差评 without a reason (what the request schema refuses up front, and the rule again). */
export function reasonMissing(level: ServiceRatingLevel, reason: string | undefined): boolean {
  return DISSATISFIED_LEVELS.includes(level) && (reason ?? "").trim().length < RATING_REASON_CHARS_MIN;
}

export function serviceRating(
  input: { status: string; level: ServiceRatingLevel; reason?: string | undefined },
  policyVersionId: string,
): RuleOutcome {
  if (!RATEABLE_STATUSES.includes(input.status)) {
    return noncompliant(
      "service-rating",
      policyVersionId,
      "case",
      "the service can be rated once the case has ended",
      "案件办结后才能评价",
    );
  }
  if (reasonMissing(input.level, input.reason)) {
    return noncompliant(
      "service-rating",
      policyVersionId,
      "reason",
      "say why you are dissatisfied",
      "选择不满意或非常不满意时，请写明原因",
    );
  }
  return compliant("service-rating", policyVersionId);
}
