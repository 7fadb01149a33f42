/**
 * DOMAIN §4.3: public notice (公示) for expenditure cases, `publicNoticeDays` calendar days;
 * urgent cases are exempt.
 */

import type { Instant } from "../../calendar/localDate.ts";
import { addCalendarDays } from "../../calendar/workingDays.ts";
import type { ResolvedPolicy } from "../../policy/resolve.ts";
import type { HardshipType } from "../hardship.ts";

export type NoticeRequirement =
  | { required: true; days: number; policyVersionId: string }
  | { required: false; exemption: "urgent-case"; policyVersionId: string };

export function publicNoticeRequirement(
  hardshipType: HardshipType,
  policy: ResolvedPolicy,
): NoticeRequirement {
  if (hardshipType === "urgent") {
    return { required: false, exemption: "urgent-case", policyVersionId: policy.policyVersionId };
  }
  return { required: true, days: policy.publicNoticeDays, policyVersionId: policy.policyVersionId };
}

/** End of the notice period started at `startedAt`, or undefined when exempt. */
export function publicNoticeEndsAt(
  startedAt: Instant,
  hardshipType: HardshipType,
  policy: ResolvedPolicy,
): Date | undefined {
  const requirement = publicNoticeRequirement(hardshipType, policy);
  return requirement.required ? addCalendarDays(startedAt, requirement.days) : undefined;
}
