/**
 * The three-way answer of a policy rule (cdk-nag style): compliant, noncompliant, not applicable.
 * Every outcome names its rule and the policy version it was judged under (ARCHITECTURE §3.2).
 */
import { PolicyRuleViolationError } from "../errors.ts";

export type RuleName =
  | "advance-ceiling"
  | "cash-payment"
  | "cash-receipt"
  | "investigators-per-case"
  | "public-notice"
  | "per-case-cap"
  | "staged-assistance"
  | "stage-paid-by-transfer"
  | "resident-id-birth-date"
  | "officer-attestation"
  | "one-aid-per-cause-per-household"
  | "fraud-bar"
  | "service-rating";

export type RuleOutcome =
  | { outcome: "compliant"; rule: RuleName; policyVersionId: string }
  | { outcome: "not-applicable"; rule: RuleName; policyVersionId: string; reason: string }
  | {
      outcome: "noncompliant";
      rule: RuleName;
      policyVersionId: string;
      field: string;
      message: string;
      messageZh: string;
    };

export function compliant(rule: RuleName, policyVersionId: string): RuleOutcome {
  return { outcome: "compliant", rule, policyVersionId };
}

export function notApplicable(rule: RuleName, policyVersionId: string, reason: string): RuleOutcome {
  return { outcome: "not-applicable", rule, policyVersionId, reason };
}

export function noncompliant(
  rule: RuleName,
  policyVersionId: string,
  field: string,
  message: string,
  messageZh: string,
): RuleOutcome {
  return { outcome: "noncompliant", rule, policyVersionId, field, message, messageZh };
}

/** For handlers: a noncompliant outcome becomes a 422 with a field error. */
export function enforce(outcome: RuleOutcome): void {
  if (outcome.outcome !== "noncompliant") return;
  throw new PolicyRuleViolationError(outcome.message, outcome.messageZh, {
    fields: [{ path: outcome.field, message: outcome.message, messageZh: outcome.messageZh }],
    details: { rule: outcome.rule, policyVersionId: outcome.policyVersionId },
  });
}
