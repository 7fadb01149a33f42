/**
 * Operating intervals of the flows (not DOMAIN §7 policy: how often a machine looks again, not what a
 * person is owed). Part of the configuration (config.ts reads them once, with defaults); they travel
 * in the execution input (`$.settings`), so the ASL carries no literal and a test or a demo can
 * shorten them. Flow B adds the deadline of a stage re-check.
 */
import * as z from "zod";

const Seconds = z.coerce.number().int().positive();

/** The most loop rounds one execution may run: its worst-case history stays below 25,000 events. */
export const ROUNDS_BEFORE_HAND_OVER_MAX = 36;

/**
 * The most stages Flow B's stage loop pays in one execution before it hands over (the loop has no
 * round counter: each paid stage moves the cursor's index on by one); the policy's bound on a plan's
 * stages (stagedPlanMaxStages ≤ 12), so a plan is handed over by its stages only after a redrive.
 */
export const STAGES_BEFORE_HAND_OVER_MAX = 12;

export const FlowSettingsSchema = z.object({
  /** How long the payment step waits for the bank's callback before polling the status. */
  AIDFLOW_BANK_CONFIRMATION_TIMEOUT_SECONDS: Seconds.default(60 * 60),
  /** Between two status polls of a transfer the bank has not settled yet. */
  AIDFLOW_PAYMENT_POLL_INTERVAL_SECONDS: Seconds.default(15 * 60),
  /** A payment waiting for money tries the fund again after this long, even if nobody resumed it. */
  AIDFLOW_FUND_RECHECK_SECONDS: Seconds.default(60 * 60),
  /** An escalated wait re-notifies the county this often — it never ends by itself. */
  AIDFLOW_ESCALATION_REMINDER_SECONDS: Seconds.default(24 * 60 * 60),
  /** An open receivable (追回) escalates to the county after this long, then is reminded. */
  AIDFLOW_RECOVERY_DEADLINE_SECONDS: Seconds.default(90 * 24 * 60 * 60),
  /**
   * Loop rounds (polls, re-checks, reminders) one execution runs before it hands the case over to a
   * fresh one; test/unit/workflows/loop-history.test.ts holds the default under the history limit.
   */
  /** An officer has this long after a stage falls due to record its re-check before it escalates (Flow B). */
  AIDFLOW_STAGE_RECHECK_DEADLINE_SECONDS: Seconds.default(3 * 24 * 60 * 60),
  AIDFLOW_ROUNDS_BEFORE_HAND_OVER: z.coerce
    .number()
    .int()
    .positive()
    .max(ROUNDS_BEFORE_HAND_OVER_MAX)
    .default(ROUNDS_BEFORE_HAND_OVER_MAX),
  /** Stages Flow B pays in one execution before it hands the plan over to a fresh one. */
  AIDFLOW_STAGES_BEFORE_HAND_OVER: z.coerce
    .number()
    .int()
    .positive()
    .max(STAGES_BEFORE_HAND_OVER_MAX)
    .default(STAGES_BEFORE_HAND_OVER_MAX),
});

export interface FlowSettings {
  bankConfirmationTimeoutSeconds: number;
  paymentPollIntervalSeconds: number;
  fundRecheckSeconds: number;
  escalationReminderSeconds: number;
  recoveryDeadlineSeconds: number;
  roundsBeforeHandOver: number;
}

export interface FlowBSettings extends FlowSettings {
  stageRecheckDeadlineSeconds: number;
  stagesBeforeHandOver: number;
}

/** The intervals from the environment's variables, parsed by the schema (config.ts, tests). */
export function flowSettingsFromEnv(env: Record<string, string | undefined>): FlowBSettings {
  return flowSettingsOf(FlowSettingsSchema.parse(env));
}

export function flowSettingsOf(raw: z.output<typeof FlowSettingsSchema>): FlowBSettings {
  return {
    bankConfirmationTimeoutSeconds: raw.AIDFLOW_BANK_CONFIRMATION_TIMEOUT_SECONDS,
    paymentPollIntervalSeconds: raw.AIDFLOW_PAYMENT_POLL_INTERVAL_SECONDS,
    fundRecheckSeconds: raw.AIDFLOW_FUND_RECHECK_SECONDS,
    escalationReminderSeconds: raw.AIDFLOW_ESCALATION_REMINDER_SECONDS,
    recoveryDeadlineSeconds: raw.AIDFLOW_RECOVERY_DEADLINE_SECONDS,
    roundsBeforeHandOver: raw.AIDFLOW_ROUNDS_BEFORE_HAND_OVER,
    stageRecheckDeadlineSeconds: raw.AIDFLOW_STAGE_RECHECK_DEADLINE_SECONDS,
    stagesBeforeHandOver: raw.AIDFLOW_STAGES_BEFORE_HAND_OVER,
  };
}
