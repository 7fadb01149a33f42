/**
 * DOMAIN §7: an 18-digit ID number carries the holder's birth date; one after today (Asia/Shanghai)
 * or before 1900 is a typing error or a forgery, even when the check digit matches.
 */
import { endOfLocalDay, type LocalDate } from "../../calendar/localDate.ts";
import type { IdentityDocument } from "../../identity/documents.ts";
import { checkResidentId } from "../../identity/residentId.ts";
import type { ResolvedPolicy } from "../../policy/resolve.ts";
import { compliant, noncompliant, notApplicable, type RuleOutcome } from "./outcome.ts";

/** `field`: where the number sits in the request, e.g. `applicant.document.number`. */
export function residentIdBirthDate(
  input: { document: IdentityDocument; field: string; today: LocalDate },
  policy: ResolvedPolicy,
): RuleOutcome {
  const v = policy.policyVersionId;
  const { document } = input;
  if (document.type !== "resident-id" && document.type !== "residence-permit") {
    return notApplicable("resident-id-birth-date", v, "the document carries no birth date");
  }
  const check = checkResidentId(document.number, endOfLocalDay(input.today));
  if (check.valid || check.problem !== "birth-date") return compliant("resident-id-birth-date", v);
  return noncompliant("resident-id-birth-date", v, input.field, check.message, check.messageZh);
}
