/**
 * The structured logger of the payment side. Anything that takes a logger takes this narrow shape,
 * so tests can capture what was logged; the default is a Powertools logger (JSON, one line per event).
 * Never pass a full bank account here: use `maskAccount` (DOMAIN §7).
 */
import { Logger } from "@aws-lambda-powertools/logger";

export interface PaymentLogger {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

let shared: PaymentLogger | undefined;

export function defaultPaymentLogger(): PaymentLogger {
  if (!shared) {
    const logger = new Logger({ serviceName: "aidflow-payments" });
    shared = {
      info: (message, attributes) => logger.info(message, attributes ?? {}),
      warn: (message, attributes) => logger.warn(message, attributes ?? {}),
      error: (message, attributes) => logger.error(message, attributes ?? {}),
    };
  }
  return shared;
}
