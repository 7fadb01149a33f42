/** Named errors of case rules; state-machine tasks throw them so the ASL can Catch them by name. */
import { BusinessRuleError, ConflictError } from "../errors.ts";

/** An event the case's current state does not accept (a rejected case cannot be paid, …). */
export class IllegalTransitionError extends BusinessRuleError {
  override readonly code = "ILLEGAL_TRANSITION";
}

/** A policy rule refused the request (amount above a ceiling, too few investigators, …). */
export class PolicyRuleViolationError extends BusinessRuleError {
  override readonly code: string = "POLICY_RULE_VIOLATED";
}

/** The stage plan cannot be built within the policy (too many stages, beyond the calendar year, …). */
export class StagePlanError extends PolicyRuleViolationError {
  override readonly code = "STAGE_PLAN_INVALID";
}

/** The same idempotency key was reused with a different request body. */
export class IdempotencyConflictError extends ConflictError {
  override readonly code = "IDEMPOTENCY_KEY_REUSED";
}
