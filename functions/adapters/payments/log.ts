/**
 * The logger of the payment side. Anything that takes a logger takes this narrow shape, so tests
 * can pass their own; the default is the process's logger (functions/runtime/logger.ts) with
 * `component: "payments"`, so payment lines are masked like every other line and reach the same
 * sinks (stdout, CloudWatch in AWS, `captureLogs` in tests). Never pass a full bank account here:
 * use `maskAccount` (DOMAIN §7) — the logger's masking is a second line of defence, not the first.
 */
import { logger } from "#functions/runtime/logger.ts";

export interface PaymentLogger {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

const paymentsLogger: PaymentLogger = logger.child({ component: "payments" });

export function defaultPaymentLogger(): PaymentLogger {
  return paymentsLogger;
}
