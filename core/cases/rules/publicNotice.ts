/**
 * DOMAIN §4.3: public notice (公示) for expenditure cases, `publicNoticeDays` calendar days;
 * urgent cases are exempt. The plan is approved only once a running notice has ended, so anyone
 * can still object while it runs.
 */

import { type Instant, toMs } from "../../calendar/localDate.ts";
import { addCalendarDays } from "../../calendar/workingDays.ts";
import type { ResolvedPolicy } from "../../policy/resolve.ts";
import type { HardshipType } from "../hardship.ts";
import { compliant, noncompliant, notApplicable, type RuleOutcome } from "./outcome.ts";

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

/**
 * No approval while the notice runs: compliant once a running notice has reached its end; not
 * applicable when no notice is running (exempt, ended, or sent back by an objection).
 */
export function approvalAfterNotice(
  input: { notice?: { status: "running" | "objected" | "ended"; endsAt: Instant }; at: Instant },
  policyVersionId: string,
): RuleOutcome {
  if (input.notice?.status !== "running") {
    return notApplicable("public-notice", policyVersionId, "no public notice is running");
  }
  if (toMs(input.at) < toMs(input.notice.endsAt)) {
    return noncompliant(
      "public-notice",
      policyVersionId,
      "decision",
      "the public notice has not ended",
      "公示期未满，不能审批",
    );
  }
  return compliant("public-notice", policyVersionId);
}
