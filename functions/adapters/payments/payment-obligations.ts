/**
 * Obligations and their attempts (DOMAIN §3.3): an obligation per (case, purpose), then one attempt
 * per bank instruction or cash hand-over, each started by one conditional transaction that moves the
 * obligation on only from the state it was read in (no double start, whatever the retries).
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { PutCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isTransientDependencyError } from "#adapters/transient-errors.ts";
import { ConflictError, NotFoundError } from "#core/errors.ts";
import { Yuan } from "#core/money/index.ts";
import { conditionFailed } from "../conditional-write.ts";
import { PaymentStateError } from "./errors.ts";
import { instructionIdFor, obligationIdFor } from "./gateway.ts";
import type { PayeeRecord } from "./payee.ts";
import {
  attemptOf,
  attemptSk,
  OBLIGATION_SK,
  type Obligation,
  type ObligationStatus,
  obligationOf,
  type PaymentAttempt,
  type PaymentTable,
  paymentPk,
} from "./payment-items.ts";

export interface OpenObligationInput {
  caseId: string;
  purpose: string;
  countyCode: string;
  township: string;
  fund: string;
  amountYuan: Yuan | string;
}

export interface StartBankAttemptInput {
  obligationId: string;
  /** 1 for the first instruction, n + 1 after attempt n failed and the payment was re-routed. */
  attempt: number;
  payee: PayeeRecord;
  taskToken?: string;
  drawEntryId?: string;
}

/**
 * A cash hand-over to record. Whether cash is allowed (urgent case, within the cash ceiling, both
 * signatures) is judged by core's `requireCashHandOver` before anything is drawn; this only stores it.
 */
export interface RecordCashInput {
  obligationId: string;
  attempt: number;
  receiverName: string;
  receiverSignatureRef: string;
  officerSignatureRef: string;
  officerId: string;
  drawEntryId?: string;
}

export class PaymentObligations {
  constructor(private readonly t: PaymentTable) {}

  /** Opens the obligation of (case, purpose), or returns the same one again (idempotent). */
  async openObligation(input: OpenObligationInput): Promise<Obligation> {
    const obligationId = obligationIdFor(input.caseId, input.purpose);
    const amount = typeof input.amountYuan === "string" ? Yuan.parse(input.amountYuan) : input.amountYuan;
    if (!amount.isPositive()) throw new PaymentStateError("A payment must be positive", "支付金额须大于零");
    const at = this.t.nowIso();
    const obligation: Obligation = {
      obligationId,
      caseId: input.caseId,
      purpose: input.purpose,
      countyCode: input.countyCode,
      township: input.township,
      fund: input.fund,
      amountYuan: amount.toString(),
      status: "open",
      currentAttempt: 0,
      createdAt: at,
      updatedAt: at,
    };
    try {
      await this.t.doc.send(
        new PutCommand({
          TableName: this.t.table,
          Item: {
            pk: paymentPk(obligationId),
            sk: OBLIGATION_SK,
            entity: "payment-obligation",
            ...obligation,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return obligation;
    } catch (error) {
      if (!conditionFailed(error)) throw error;
      return this.sameObligation(obligation);
    }
  }

  /** The obligation already stored under the id, when it is the same one (amount, township, fund). */
  private async sameObligation(obligation: Obligation): Promise<Obligation> {
    const existing = await this.t.getObligation(obligation.obligationId);
    if (
      existing &&
      existing.amountYuan === obligation.amountYuan &&
      existing.township === obligation.township &&
      existing.fund === obligation.fund
    ) {
      return existing;
    }
    throw new ConflictError(
      `Payment obligation ${obligation.obligationId} exists with another amount or fund`,
      "该笔支付义务已存在，金额或资金账户不同",
    );
  }

  /** The obligation with all its attempts (oldest first), task tokens removed. */
  async getPayment(
    obligationId: string,
  ): Promise<{ obligation: Obligation; attempts: PaymentAttempt[] } | undefined> {
    const items = await this.t.queryAll({
      TableName: this.t.table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": paymentPk(obligationId) },
      ConsistentRead: true,
    });
    const obligation = items.find((i) => i.sk === OBLIGATION_SK);
    if (!obligation) return undefined;
    return {
      obligation: obligationOf(obligation),
      attempts: items.filter((i) => String(i.sk).startsWith("ATTEMPT#")).map(attemptOf),
    };
  }

  async getAttemptByInstruction(instructionId: string): Promise<PaymentAttempt | undefined> {
    const found = await this.t.readAttempt(instructionId);
    return found ? attemptOf(found) : undefined;
  }

  /**
   * Records a bank attempt before the instruction is sent (so a callback can never arrive for an
   * instruction AidFlow does not know). Repeating the same attempt returns it (a retried task) and
   * refreshes the task token while it is still waiting.
   */
  async startBankAttempt(input: StartBankAttemptInput): Promise<PaymentAttempt> {
    const obligation = await this.t.requireObligation(input.obligationId);
    const instructionId = instructionIdFor(input.obligationId, input.attempt);
    const existing = await this.t.readAttempt(instructionId);
    if (existing) return this.repeatedBankAttempt(attemptOf(existing), input);
    assertCanStartAttempt(obligation, input.attempt);
    const attempt: PaymentAttempt = {
      ...attemptAt(obligation, input, instructionId),
      method: "bank",
      status: "instructed",
      payee: input.payee,
      instructedAt: this.t.nowIso(),
    };
    try {
      await this.t.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            this.advanceObligation(obligation, input.attempt, "instructed", attempt.instructedAt),
            this.attemptPut(attempt, input.taskToken),
            this.t.lookupPut(instructionId, input.obligationId, input.attempt),
          ],
        }),
      );
      return attempt;
    } catch (error) {
      // Cancelled only because another transaction was on an item: nothing was written; try again.
      if (!(error instanceof TransactionCanceledException) || isTransientDependencyError(error)) throw error;
      // A concurrent twin of this call won: answer like a retry.
      const raced = await this.t.readAttempt(instructionId);
      if (raced) return attemptOf(raced);
      throw stateError(obligation, input.attempt);
    }
  }

  /** A retried start of an attempt already recorded: the same payee, and the task token refreshed while it waits. */
  private async repeatedBankAttempt(
    existing: PaymentAttempt,
    input: StartBankAttemptInput,
  ): Promise<PaymentAttempt> {
    if (existing.payee && existing.payee.accountHash !== input.payee.accountHash) {
      throw new PaymentStateError(
        `Attempt ${input.attempt} of ${input.obligationId} was made to another account`,
        `第 ${input.attempt} 次支付已发往其他账户`,
      );
    }
    if (input.taskToken && existing.status === "instructed") {
      return this.attachTaskToken(existing.instructionId, input.taskToken);
    }
    return existing;
  }

  /**
   * Hands the waiting flow step's token to an attempt. If the outcome is already recorded (the
   * callback beat the token), the attempt comes back settled and the caller resumes the flow itself.
   */
  async attachTaskToken(instructionId: string, taskToken: string): Promise<PaymentAttempt> {
    const lookup = await this.t.readLookup(instructionId);
    if (!lookup) throw new NotFoundError(`No payment instruction ${instructionId}`, "该支付指令不存在");
    try {
      const updated = await this.t.doc.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: { pk: paymentPk(lookup.obligationId), sk: attemptSk(lookup.attempt) },
          UpdateExpression: "SET taskToken = :t",
          ConditionExpression: "#s = :instructed",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":t": taskToken, ":instructed": "instructed" },
          ReturnValues: "ALL_NEW",
        }),
      );
      return attemptOf(updated.Attributes ?? {});
    } catch (error) {
      if (!conditionFailed(error)) throw error;
      return attemptOf((await this.t.readAttempt(instructionId)) ?? {});
    }
  }

  /** Notes that the flow step waiting on this attempt was resumed (so a re-delivery will not resume it again). */
  async markFlowResumed(attempt: Pick<PaymentAttempt, "obligationId" | "attempt">): Promise<void> {
    await this.t.doc.send(
      new UpdateCommand({
        TableName: this.t.table,
        Key: { pk: paymentPk(attempt.obligationId), sk: attemptSk(attempt.attempt) },
        UpdateExpression: "SET flowResumedAt = :at",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":at": this.t.nowIso() },
      }),
    );
  }

  /**
   * Records a cash hand-over (DOMAIN §3.3) already judged by core, as a confirmed attempt with a
   * `CASH-…` reference so reconciliation matches it to its draw like a bank confirmation.
   */
  async recordCashPayment(input: RecordCashInput): Promise<PaymentAttempt> {
    const obligation = await this.t.requireObligation(input.obligationId);
    const instructionId = instructionIdFor(input.obligationId, input.attempt);
    const existing = await this.t.readAttempt(instructionId);
    if (existing?.method === "cash") return attemptOf(existing);
    assertCanStartAttempt(obligation, input.attempt);
    const attempt = cashAttempt(obligation, input, instructionId, this.t.nowIso());
    const bankReference = attempt.bankReference as string;
    try {
      await this.t.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            this.advanceObligation(obligation, input.attempt, "paid", attempt.instructedAt),
            this.attemptPut(attempt),
            this.t.lookupPut(instructionId, input.obligationId, input.attempt),
            this.t.confirmationPut(attempt, "cash", bankReference, attempt.instructedAt),
          ],
        }),
      );
    } catch (error) {
      // Cancelled only because another transaction was on an item: nothing was written; try again.
      if (!(error instanceof TransactionCanceledException) || isTransientDependencyError(error)) throw error;
      throw stateError(obligation, input.attempt);
    }
    this.t.log.info("cash payment recorded", { obligationId: input.obligationId, attempt: input.attempt });
    return attempt;
  }

  private attemptPut(attempt: PaymentAttempt, taskToken?: string) {
    return {
      Put: {
        TableName: this.t.table,
        Item: {
          pk: paymentPk(attempt.obligationId),
          sk: attemptSk(attempt.attempt),
          entity: "payment-attempt",
          ...attempt,
          ...(taskToken ? { taskToken } : {}),
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    };
  }

  /** Moves the obligation to the next attempt, only from the state it was read in (no double start). */
  private advanceObligation(obligation: Obligation, attempt: number, status: ObligationStatus, at: string) {
    return {
      Update: {
        TableName: this.t.table,
        Key: { pk: paymentPk(obligation.obligationId), sk: OBLIGATION_SK },
        UpdateExpression:
          status === "paid"
            ? "SET #s = :s, currentAttempt = :a, paidAttempt = :a, updatedAt = :at"
            : "SET #s = :s, currentAttempt = :a, updatedAt = :at",
        ConditionExpression: "currentAttempt = :prev AND (#s = :open OR #s = :reroute)",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: {
          ":s": status,
          ":a": attempt,
          ":prev": attempt - 1,
          ":at": at,
          ":open": "open",
          ":reroute": "awaiting-reroute",
        },
      },
    };
  }
}

/** The confirmed attempt a cash hand-over is stored as. */
function cashAttempt(
  obligation: Obligation,
  input: RecordCashInput,
  instructionId: string,
  at: string,
): PaymentAttempt {
  return {
    ...attemptAt(obligation, input, instructionId),
    method: "cash",
    status: "confirmed",
    cash: {
      receiverName: input.receiverName.trim(),
      receiverSignatureRef: input.receiverSignatureRef,
      officerSignatureRef: input.officerSignatureRef,
      officerId: input.officerId,
      paidAt: at,
    },
    bankReference: `CASH-${instructionId}`,
    instructedAt: at,
    settledAt: at,
    outcomeSource: "cash",
  };
}

/** What every attempt at an obligation carries: which try it is, the case, fund and amount, the draw. */
function attemptAt(
  obligation: Obligation,
  input: { obligationId: string; attempt: number; drawEntryId?: string },
  instructionId: string,
) {
  return {
    obligationId: input.obligationId,
    attempt: input.attempt,
    instructionId,
    caseId: obligation.caseId,
    township: obligation.township,
    fund: obligation.fund,
    amountYuan: obligation.amountYuan,
    ...(input.drawEntryId ? { drawEntryId: input.drawEntryId } : {}),
  };
}

function assertCanStartAttempt(obligation: Obligation, attempt: number): void {
  const allowed =
    (obligation.status === "open" || obligation.status === "awaiting-reroute") &&
    attempt === obligation.currentAttempt + 1;
  if (!allowed) throw stateError(obligation, attempt);
}

function stateError(obligation: Obligation, attempt: number): PaymentStateError {
  return new PaymentStateError(
    `Payment ${obligation.obligationId} is ${obligation.status} at attempt ${obligation.currentAttempt}; attempt ${attempt} is not allowed`,
    `该笔支付已发起 ${obligation.currentAttempt} 次，当前不能发起第 ${attempt} 次支付`,
    { details: { status: obligation.status, currentAttempt: obligation.currentAttempt } },
  );
}
