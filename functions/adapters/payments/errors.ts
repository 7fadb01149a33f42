/**
 * Typed errors of the payment side. Gateway errors are operating errors a state-machine task throws
 * so the ASL's Retry/Catch can match them by name (`BankTimeoutError`, `BankUnavailableError`, …).
 */
import { AidFlowError, type AidFlowErrorOptions, BusinessRuleError, ConflictError } from "#core/errors.ts";

/** The bank did not answer within the adapter's timeout. The instruction may or may not have arrived. */
export class BankTimeoutError extends AidFlowError {
  readonly statusCode = 504;
  readonly code = "BANK_TIMEOUT";
  override readonly expose = false;
  constructor(operation: string, timeoutMs: number, options: AidFlowErrorOptions = {}) {
    super(
      `The bank did not answer ${operation} within ${timeoutMs} ms`,
      `银行未在 ${timeoutMs} 毫秒内响应（${operation}）`,
      options,
    );
  }
}

/** The bank could not be reached or answered 5xx: safe to retry with the same instructionId. */
export class BankUnavailableError extends AidFlowError {
  readonly statusCode = 502;
  readonly code = "BANK_UNAVAILABLE";
  override readonly expose = false;
}

/** The bank answered something that does not follow the contract. Not retried: a human must look. */
export class BankProtocolError extends AidFlowError {
  readonly statusCode = 502;
  readonly code = "BANK_PROTOCOL_ERROR";
  override readonly expose = false;
}

/** The bank refused the request (4xx other than a conflict): bad signature, invalid instruction. */
export class BankRejectedError extends AidFlowError {
  readonly statusCode = 502;
  readonly code = "BANK_REJECTED";
  override readonly expose = false;
}

/** The bank already holds this instructionId with different content: never silently re-pay. */
export class InstructionConflictError extends ConflictError {
  override readonly code = "INSTRUCTION_CONFLICT";
}

/** A payment step that the obligation's state does not allow (paid already, attempt in flight, …). */
export class PaymentStateError extends ConflictError {
  override readonly code = "PAYMENT_STATE_CONFLICT";
}

/**
 * No bank route to pay to (the case was paid in cash, or never had an own account): not a fault —
 * the flow asks an officer for a route (Flow A `AwaitPaymentRoute`, Flow B `AwaitStageRoute`).
 */
export class PaymentRouteNeededError extends ConflictError {
  override readonly code = "PAYMENT_ROUTE_NEEDED";
}

/** The payee does not satisfy the payee rules (name mismatch without an explicit exception). */
export class PayeeRuleError extends BusinessRuleError {
  override readonly code = "PAYEE_RULE_VIOLATED";
}
