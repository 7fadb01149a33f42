/**
 * Outcomes and confirmations (DOMAIN §3.3, §6): the bank's answer to an attempt — from a callback, a
 * poll or a cancellation — is recorded once, in one conditional transaction with the obligation's
 * move and, when confirmed, the confirmation item reconciliation matches to its draw. A repeat
 * changes nothing; a contradiction changes nothing and is logged.
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { isTransientDependencyError } from "#adapters/transient-errors.ts";
import type { FailureReason } from "./contract.ts";
import {
  attemptOf,
  attemptSk,
  type Confirmation,
  confirmationOf,
  OBLIGATION_SK,
  type ObligationStatus,
  type PaymentAttempt,
  type PaymentTable,
  paymentPk,
  taskTokenOf,
} from "./payment-items.ts";

export interface OutcomeInput {
  instructionId: string;
  outcome: "confirmed" | "failed" | "cancelled";
  bankReference?: string;
  reason?: FailureReason;
  /** The amount the bank reports; a different amount than instructed is a conflict, never recorded. */
  amountYuan?: string;
  source: "callback" | "poll" | "cancel";
}

export type OutcomeResult =
  /** This call recorded the outcome; `taskToken` is the waiting flow step's, if one is attached. */
  | { kind: "recorded"; attempt: PaymentAttempt; obligationStatus: ObligationStatus; taskToken?: string }
  /**
   * The same outcome was recorded before: nothing changed. `unresumedTaskToken` is set only when the
   * earlier call recorded the outcome but could not resume the flow (so a re-delivery may retry that).
   */
  | { kind: "duplicate"; attempt: PaymentAttempt; unresumedTaskToken?: string }
  /** No such instruction: nothing changed. */
  | { kind: "unknown" }
  /** Contradicts what is recorded (other outcome, other amount, other reference): nothing changed. */
  | { kind: "conflict"; attempt: PaymentAttempt; problem: string };

export class PaymentConfirmations {
  constructor(private readonly t: PaymentTable) {}

  /** Records a bank outcome once: callbacks, polls and cancellations all come here. */
  async recordOutcome(input: OutcomeInput): Promise<OutcomeResult> {
    const context = { instructionId: input.instructionId, outcome: input.outcome, source: input.source };
    const current = await this.t.readAttempt(input.instructionId);
    if (!current) {
      this.t.log.warn("payment outcome for an unknown instruction ignored", context);
      return { kind: "unknown" };
    }
    const attempt = attemptOf(current);
    const settled = this.classifySettled(current, input);
    if (settled) return settled;
    const problem = outcomeContradiction(attempt, input);
    if (problem) return this.conflict(attempt, problem, context);
    const at = this.t.nowIso();
    const reason = input.outcome === "cancelled" ? "cancelled" : input.reason;
    try {
      await this.t.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            this.settleAttempt(attempt, input, reason, at),
            this.settleObligation(attempt, input.outcome, at),
            ...(input.outcome === "confirmed" && input.bankReference
              ? [this.t.confirmationPut(attempt, "bank", input.bankReference, at)]
              : []),
          ],
        }),
      );
    } catch (error) {
      // Cancelled only because another transaction was on an item: nothing was written; try again.
      if (!(error instanceof TransactionCanceledException) || isTransientDependencyError(error)) throw error;
      return this.afterLostOutcomeRace(input, context);
    }
    const recorded = await this.readBackRecorded(attempt, input.outcome);
    this.t.log.info("payment outcome recorded", { ...context, obligationId: attempt.obligationId, reason });
    return recorded;
  }

  /** Confirmations of a township in [fromIso, toIso) — bank and cash — for reconciliation (DOMAIN §6). */
  async listConfirmations(township: string, fromIso: string, toIso: string): Promise<Confirmation[]> {
    const items = await this.t.queryAll({
      TableName: this.t.table,
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to",
      ExpressionAttributeValues: { ":pk": `CONFIRMATIONS#${township}`, ":from": fromIso, ":to": `${toIso}` },
    });
    return items.filter((i) => String(i.gsi2sk) < toIso).map(confirmationOf);
  }

  async findConfirmationByBankReference(bankReference: string): Promise<Confirmation | undefined> {
    const items = await this.t.queryAll({
      TableName: this.t.table,
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": `BANKREF#${bankReference}` },
    });
    const first = items[0];
    return first ? confirmationOf(first) : undefined;
  }

  /** Lost a race with another delivery of the same outcome (or a contradicting one): what is recorded now decides. */
  private async afterLostOutcomeRace(
    input: OutcomeInput,
    context: Record<string, unknown>,
  ): Promise<OutcomeResult> {
    const after = (await this.t.readAttempt(input.instructionId)) ?? {};
    return (
      this.classifySettled(after, input) ??
      this.conflict(attemptOf(after), "the obligation moved on while this outcome was recorded", context)
    );
  }

  /** Read back after the write: a token attached until the very moment of recording is in the item. */
  private async readBackRecorded(
    attempt: PaymentAttempt,
    outcome: OutcomeInput["outcome"],
  ): Promise<OutcomeResult> {
    const stored = (await this.t.readAttemptItem(attempt.obligationId, attempt.attempt)) ?? {};
    const taskToken = taskTokenOf(stored);
    return {
      kind: "recorded",
      attempt: attemptOf(stored),
      obligationStatus: outcome === "confirmed" ? "paid" : "awaiting-reroute",
      ...(taskToken ? { taskToken } : {}),
    };
  }

  private classifySettled(raw: Record<string, unknown>, input: OutcomeInput): OutcomeResult | undefined {
    const attempt = attemptOf(raw);
    if (attempt.status === "instructed") return undefined;
    const sameOutcome =
      attempt.status === input.outcome &&
      (input.outcome !== "confirmed" || attempt.bankReference === input.bankReference);
    if (sameOutcome) {
      this.t.log.info("duplicate payment outcome ignored", {
        instructionId: input.instructionId,
        outcome: input.outcome,
        source: input.source,
      });
      const token = attempt.flowResumedAt ? undefined : taskTokenOf(raw);
      return { kind: "duplicate", attempt, ...(token ? { unresumedTaskToken: token } : {}) };
    }
    return this.conflict(attempt, `already ${attempt.status}`, {
      instructionId: input.instructionId,
      outcome: input.outcome,
      source: input.source,
    });
  }

  private conflict(
    attempt: PaymentAttempt,
    problem: string,
    context: Record<string, unknown>,
  ): OutcomeResult {
    this.t.log.error("contradicting payment outcome ignored", {
      ...context,
      obligationId: attempt.obligationId,
      problem,
    });
    return { kind: "conflict", attempt, problem };
  }

  /** Settles the attempt with the bank's outcome, only while it is still instructed (an outcome is recorded once). */
  private settleAttempt(
    attempt: PaymentAttempt,
    input: OutcomeInput,
    reason: string | undefined,
    at: string,
  ) {
    return {
      Update: {
        TableName: this.t.table,
        Key: { pk: paymentPk(attempt.obligationId), sk: attemptSk(attempt.attempt) },
        UpdateExpression: `SET #s = :s, settledAt = :at, outcomeSource = :src${
          input.bankReference ? ", bankReference = :ref" : ""
        }${reason ? ", reason = :reason" : ""}`,
        ConditionExpression: "#s = :instructed",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: {
          ":s": input.outcome,
          ":at": at,
          ":src": input.source,
          ":instructed": "instructed",
          ...(input.bankReference ? { ":ref": input.bankReference } : {}),
          ...(reason ? { ":reason": reason } : {}),
        },
      },
    };
  }

  /** Moves the obligation to paid or awaiting-reroute, only while this attempt is its current, instructed one. */
  private settleObligation(attempt: PaymentAttempt, outcome: OutcomeInput["outcome"], at: string) {
    return {
      Update: {
        TableName: this.t.table,
        Key: { pk: paymentPk(attempt.obligationId), sk: OBLIGATION_SK },
        UpdateExpression:
          outcome === "confirmed"
            ? "SET #s = :s, paidAttempt = :a, updatedAt = :at"
            : "SET #s = :s, updatedAt = :at",
        ConditionExpression: "currentAttempt = :a AND #s = :instructed",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: {
          ":s": outcome === "confirmed" ? "paid" : "awaiting-reroute",
          ":a": attempt.attempt,
          ":at": at,
          ":instructed": "instructed",
        },
      },
    };
  }
}

/** Why an outcome contradicts the instructed attempt (never recorded), or undefined when it does not. */
function outcomeContradiction(attempt: PaymentAttempt, input: OutcomeInput): string | undefined {
  if (input.amountYuan !== undefined && input.amountYuan !== attempt.amountYuan) {
    return `bank reports ${input.amountYuan}, instructed ${attempt.amountYuan}`;
  }
  if (input.outcome === "confirmed" && !input.bankReference) return "a confirmation without a bank reference";
  return undefined;
}
