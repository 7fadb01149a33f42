/**
 * Payment obligations, attempts and confirmations in the `main` table (DOMAIN §3.3, §6).
 *
 *   PAYMENT#<obligationId>  OBLIGATION               one per (case, purpose): amount, status, current attempt
 *   PAYMENT#<obligationId>  ATTEMPT#<nnn>            one per attempt (bank or cash); the flow's task token
 *   INSTRUCTION#<id>        INSTRUCTION              instructionId → (obligation, attempt), for callbacks
 *   PAYMENT#<obligationId>  CONFIRMATION#<bankRef>   every confirmation with its bank reference, indexed
 *                                                    by reference (gsi1) and by township + time (gsi2) so
 *                                                    reconciliation matches each one to a draw (DOMAIN §6)
 *
 * Every state change is one conditional transaction, so an outcome is recorded once whatever the
 * number of callbacks, polls and retries; anything that arrives after changes nothing and is logged.
 * The store is one port over two halves: obligations and attempts (payment-obligations.ts), outcomes
 * and confirmations (payment-confirmations.ts); stored items are parsed in payment-items.ts.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { nowMs as runtimeNowMs } from "#functions/runtime/clock.ts";
import { defaultPaymentLogger, type PaymentLogger } from "./log.ts";
import { type OutcomeInput, type OutcomeResult, PaymentConfirmations } from "./payment-confirmations.ts";
import type { Confirmation, Obligation, PaymentAttempt } from "./payment-items.ts";
import { PaymentTable } from "./payment-items.ts";
import {
  type OpenObligationInput,
  PaymentObligations,
  type RecordCashInput,
  type StartBankAttemptInput,
} from "./payment-obligations.ts";

export type { OutcomeInput, OutcomeResult } from "./payment-confirmations.ts";
export type {
  AttemptStatus,
  CashRecord,
  Confirmation,
  Obligation,
  ObligationStatus,
  PaymentAttempt,
  PaymentMethod,
} from "./payment-items.ts";
export type { OpenObligationInput, RecordCashInput, StartBankAttemptInput } from "./payment-obligations.ts";

export interface PaymentStoreOptions {
  client: DynamoDBClient | DynamoDBDocumentClient;
  tableName: string;
  logger?: PaymentLogger;
  nowMs?: () => number;
}

export class PaymentStore {
  private readonly table: PaymentTable;
  private readonly obligations: PaymentObligations;
  private readonly confirmations: PaymentConfirmations;

  constructor(options: PaymentStoreOptions) {
    const doc =
      options.client instanceof DynamoDBDocumentClient
        ? options.client
        : DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.table = new PaymentTable(
      doc,
      options.tableName,
      options.logger ?? defaultPaymentLogger(),
      options.nowMs ?? runtimeNowMs,
    );
    this.obligations = new PaymentObligations(this.table);
    this.confirmations = new PaymentConfirmations(this.table);
  }

  /** Opens the obligation of (case, purpose), or returns the same one again (idempotent). */
  openObligation(input: OpenObligationInput): Promise<Obligation> {
    return this.obligations.openObligation(input);
  }

  getObligation(obligationId: string): Promise<Obligation | undefined> {
    return this.table.getObligation(obligationId);
  }

  /** The obligation with all its attempts (oldest first), task tokens removed. */
  getPayment(
    obligationId: string,
  ): Promise<{ obligation: Obligation; attempts: PaymentAttempt[] } | undefined> {
    return this.obligations.getPayment(obligationId);
  }

  getAttemptByInstruction(instructionId: string): Promise<PaymentAttempt | undefined> {
    return this.obligations.getAttemptByInstruction(instructionId);
  }

  /** Records a bank attempt before the instruction is sent; a repeat returns it (payment-obligations.ts). */
  startBankAttempt(input: StartBankAttemptInput): Promise<PaymentAttempt> {
    return this.obligations.startBankAttempt(input);
  }

  /** Hands the waiting flow step's token to an attempt; a settled attempt comes back settled. */
  attachTaskToken(instructionId: string, taskToken: string): Promise<PaymentAttempt> {
    return this.obligations.attachTaskToken(instructionId, taskToken);
  }

  /** Records a bank outcome once: callbacks, polls and cancellations all come here. */
  recordOutcome(input: OutcomeInput): Promise<OutcomeResult> {
    return this.confirmations.recordOutcome(input);
  }

  /** Notes that the flow step waiting on this attempt was resumed (so a re-delivery will not resume it again). */
  markFlowResumed(attempt: Pick<PaymentAttempt, "obligationId" | "attempt">): Promise<void> {
    return this.obligations.markFlowResumed(attempt);
  }

  /** Records a cash hand-over already judged by core, as a confirmed attempt with a `CASH-…` reference. */
  recordCashPayment(input: RecordCashInput): Promise<PaymentAttempt> {
    return this.obligations.recordCashPayment(input);
  }

  /** Confirmations of a township in [fromIso, toIso) — bank and cash — for reconciliation (DOMAIN §6). */
  listConfirmations(township: string, fromIso: string, toIso: string): Promise<Confirmation[]> {
    return this.confirmations.listConfirmations(township, fromIso, toIso);
  }

  findConfirmationByBankReference(bankReference: string): Promise<Confirmation | undefined> {
    return this.confirmations.findConfirmationByBankReference(bankReference);
  }
}
