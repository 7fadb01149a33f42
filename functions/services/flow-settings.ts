/**
 * Operating intervals of the flows (not DOMAIN §7 policy: how often a machine looks again, not what a
 * person is owed). Read from the environment once, with defaults; they travel in the execution input
 * (`$.settings`), so the ASL carries no literal and a test or a demo can shorten them.
 */
import * as z from "zod";

const Seconds = z.coerce.number().int().positive();

const SettingsSchema = z.object({
  /** How long the payment step waits for the bank's callback before polling the status. */
  AIDFLOW_BANK_CONFIRMATION_TIMEOUT_SECONDS: Seconds.default(60 * 60),
  /** Between two status polls of a transfer the bank has not settled yet. */
  AIDFLOW_PAYMENT_POLL_INTERVAL_SECONDS: Seconds.default(15 * 60),
  /** A payment waiting for money tries the fund again after this long, even if nobody resumed it. */
  AIDFLOW_FUND_RECHECK_SECONDS: Seconds.default(60 * 60),
  /** An escalated wait re-notifies the county this often — it never ends by itself. */
  AIDFLOW_ESCALATION_REMINDER_SECONDS: Seconds.default(24 * 60 * 60),
});

export interface FlowSettings {
  bankConfirmationTimeoutSeconds: number;
  paymentPollIntervalSeconds: number;
  fundRecheckSeconds: number;
  escalationReminderSeconds: number;
}

export function flowSettingsFromEnv(env: Record<string, string | undefined> = process.env): FlowSettings {
  const raw = SettingsSchema.parse(env);
  return {
    bankConfirmationTimeoutSeconds: raw.AIDFLOW_BANK_CONFIRMATION_TIMEOUT_SECONDS,
    paymentPollIntervalSeconds: raw.AIDFLOW_PAYMENT_POLL_INTERVAL_SECONDS,
    fundRecheckSeconds: raw.AIDFLOW_FUND_RECHECK_SECONDS,
    escalationReminderSeconds: raw.AIDFLOW_ESCALATION_REMINDER_SECONDS,
  };
}
