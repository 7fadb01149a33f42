/**
 * Typed errors of the ledger for the flows (STYLE: errors are types). The writer answers with
 * outcomes, never throws for a business result; a flow that must stop on an outcome throws these so
 * the ASL's Retry/Catch can match them by name.
 */
import { AidFlowError, BusinessRuleError } from "../errors.ts";

/** Not enough available money for a draw or a commit: ask county finance to replenish and wait. */
export class FundInsufficientError extends BusinessRuleError {
  override readonly code = "FUND_INSUFFICIENT";
}

/** The period an entry was booked in is closed by a signed reconciliation (DOMAIN §6). */
export class PeriodClosedError extends BusinessRuleError {
  override readonly code = "PERIOD_CLOSED";
}

/**
 * The ledger could not learn or reach an outcome within its bounded retries (storage throttled or
 * unreachable). Retrying with the same entry id is always safe: it is applied at most once.
 */
export class LedgerUnavailableError extends AidFlowError {
  readonly statusCode = 503;
  readonly code = "LEDGER_UNAVAILABLE";
}
