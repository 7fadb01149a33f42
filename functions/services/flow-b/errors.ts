/** Named errors of Flow B's tasks (the ASL's Catch matches them by name). */
import { ConflictError } from "#core/errors.ts";

/** The case is not in the state a Flow B step needs (no approved plan to commit, …). */
export class PlanStateError extends ConflictError {
  override readonly code = "PLAN_STATE";
}
