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
 */
import { type DynamoDBClient, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { isTransientDependencyError } from "#adapters/transient-errors.ts";
import { ConflictError, NotFoundError } from "#core/errors.ts";
import { Yuan } from "#core/money/index.ts";
import { nowMs as runtimeNowMs } from "#functions/runtime/clock.ts";
import type { FailureReason } from "./contract.ts";
import { PaymentStateError } from "./errors.ts";
import { instructionIdFor, obligationIdFor } from "./gateway.ts";
import { defaultPaymentLogger, type PaymentLogger } from "./log.ts";
import type { PayeeRecord } from "./payee.ts";

export type ObligationStatus = "open" | "instructed" | "paid" | "awaiting-reroute";
export type AttemptStatus = "instructed" | "confirmed" | "failed" | "cancelled";
export type PaymentMethod = "bank" | "cash";

export interface Obligation {
  obligationId: string;
  caseId: string;
  purpose: string;
  countyCode: string;
  township: string;
  fund: string;
  amountYuan: string;
  status: ObligationStatus;
  /** 0 before the first attempt. */
  currentAttempt: number;
  paidAttempt?: number;
  createdAt: string;
  updatedAt: string;
}

export interface CashRecord {
  receiverName: string;
  receiverSignatureRef: string;
  officerSignatureRef: string;
  officerId: string;
  paidAt: string;
}

/** An attempt as shown to anyone: the task token stays server-side (see `recordOutcome`). */
export interface PaymentAttempt {
  obligationId: string;
  attempt: number;
  /** Copied from the obligation so an outcome is recorded without reading it (callbacks are hot). */
  caseId: string;
  township: string;
  fund: string;
  instructionId: string;
  method: PaymentMethod;
  amountYuan: string;
  status: AttemptStatus;
  payee?: PayeeRecord;
  cash?: CashRecord;
  bankReference?: string;
  reason?: FailureReason | "cancelled";
  /** The ledger entry id of the draw that funded this attempt, when the flow gives it. */
  drawEntryId?: string;
  instructedAt: string;
  settledAt?: string;
  outcomeSource?: "callback" | "poll" | "cash" | "cancel";
  /** When the waiting flow step was resumed with this attempt's outcome. */
  flowResumedAt?: string;
}

export interface Confirmation {
  obligationId: string;
  caseId: string;
  instructionId: string;
  attempt: number;
  method: PaymentMethod;
  township: string;
  fund: string;
  amountYuan: string;
  bankReference: string;
  confirmedAt: string;
  drawEntryId?: string;
}

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

export interface PaymentStoreOptions {
  client: DynamoDBClient | DynamoDBDocumentClient;
  tableName: string;
  logger?: PaymentLogger;
  nowMs?: () => number;
}

const OBLIGATION_SK = "OBLIGATION";
const attemptSk = (attempt: number) => `ATTEMPT#${String(attempt).padStart(3, "0")}`;
const paymentPk = (obligationId: string) => `PAYMENT#${obligationId}`;
const instructionPk = (instructionId: string) => `INSTRUCTION#${instructionId}`;
/** Items carry these besides the record's own fields. */
const KEY_FIELDS = ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "entity", "taskToken"] as const;

export class PaymentStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly log: PaymentLogger;
  private readonly clock: () => number;

  constructor(options: PaymentStoreOptions) {
    this.doc =
      options.client instanceof DynamoDBDocumentClient
        ? options.client
        : DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.table = options.tableName;
    this.log = options.logger ?? defaultPaymentLogger();
    this.clock = options.nowMs ?? runtimeNowMs;
  }

  private nowIso(): string {
    return new Date(this.clock()).toISOString();
  }

  /** Opens the obligation of (case, purpose), or returns the same one again (idempotent). */
  async openObligation(input: OpenObligationInput): Promise<Obligation> {
    const obligationId = obligationIdFor(input.caseId, input.purpose);
    const amount = typeof input.amountYuan === "string" ? Yuan.parse(input.amountYuan) : input.amountYuan;
    if (!amount.isPositive()) throw new PaymentStateError("A payment must be positive", "支付金额须大于零");
    const at = this.nowIso();
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
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
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
      if (!isConditionFailure(error)) throw error;
      const existing = await this.getObligation(obligationId);
      if (
        existing &&
        existing.amountYuan === obligation.amountYuan &&
        existing.township === obligation.township &&
        existing.fund === obligation.fund
      ) {
        return existing;
      }
      throw new ConflictError(
        `Payment obligation ${obligationId} exists with another amount or fund`,
        `支付义务 ${obligationId} 已存在，金额或资金账户不同`,
      );
    }
  }

  async getObligation(obligationId: string): Promise<Obligation | undefined> {
    const got = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: paymentPk(obligationId), sk: OBLIGATION_SK },
        ConsistentRead: true,
      }),
    );
    return got.Item ? (strip(got.Item) as unknown as Obligation) : undefined;
  }

  /** The obligation with all its attempts (oldest first), task tokens removed. */
  async getPayment(
    obligationId: string,
  ): Promise<{ obligation: Obligation; attempts: PaymentAttempt[] } | undefined> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": paymentPk(obligationId) },
      ConsistentRead: true,
    });
    const obligation = items.find((i) => i.sk === OBLIGATION_SK);
    if (!obligation) return undefined;
    return {
      obligation: strip(obligation) as unknown as Obligation,
      attempts: items
        .filter((i) => String(i.sk).startsWith("ATTEMPT#"))
        .map((i) => strip(i) as unknown as PaymentAttempt),
    };
  }

  async getAttemptByInstruction(instructionId: string): Promise<PaymentAttempt | undefined> {
    const found = await this.readAttempt(instructionId);
    return found ? (strip(found) as unknown as PaymentAttempt) : undefined;
  }

  /**
   * Records a bank attempt before the instruction is sent (so a callback can never arrive for an
   * instruction AidFlow does not know). Repeating the same attempt returns it (a retried task) and
   * refreshes the task token while it is still waiting.
   */
  async startBankAttempt(input: StartBankAttemptInput): Promise<PaymentAttempt> {
    const obligation = await this.requireObligation(input.obligationId);
    const instructionId = instructionIdFor(input.obligationId, input.attempt);
    const existing = await this.readAttempt(instructionId);
    if (existing) {
      if (existing.payee && (existing.payee as PayeeRecord).accountHash !== input.payee.accountHash) {
        throw new PaymentStateError(
          `Attempt ${input.attempt} of ${input.obligationId} was made to another account`,
          `第 ${input.attempt} 次支付已发往其他账户`,
        );
      }
      if (input.taskToken && existing.status === "instructed") {
        return this.attachTaskToken(instructionId, input.taskToken);
      }
      return strip(existing) as unknown as PaymentAttempt;
    }
    this.assertCanStartAttempt(obligation, input.attempt);
    const at = this.nowIso();
    const attempt: PaymentAttempt = {
      obligationId: input.obligationId,
      attempt: input.attempt,
      instructionId,
      caseId: obligation.caseId,
      township: obligation.township,
      fund: obligation.fund,
      method: "bank",
      amountYuan: obligation.amountYuan,
      status: "instructed",
      payee: input.payee,
      instructedAt: at,
      ...(input.drawEntryId ? { drawEntryId: input.drawEntryId } : {}),
    };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            this.advanceObligation(obligation, input.attempt, "instructed", at),
            {
              Put: {
                TableName: this.table,
                Item: {
                  pk: paymentPk(input.obligationId),
                  sk: attemptSk(input.attempt),
                  entity: "payment-attempt",
                  ...attempt,
                  ...(input.taskToken ? { taskToken: input.taskToken } : {}),
                },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            this.lookupPut(instructionId, input.obligationId, input.attempt),
          ],
        }),
      );
      return attempt;
    } catch (error) {
      // Cancelled only because another transaction was on an item: nothing was written; try again.
      if (!(error instanceof TransactionCanceledException) || isTransientDependencyError(error)) throw error;
      // A concurrent twin of this call won: answer like a retry.
      const raced = await this.readAttempt(instructionId);
      if (raced) return strip(raced) as unknown as PaymentAttempt;
      throw this.stateError(obligation, input.attempt);
    }
  }

  /**
   * Hands the waiting flow step's token to an attempt. If the outcome is already recorded (the
   * callback beat the token), the attempt comes back settled and the caller resumes the flow itself.
   */
  async attachTaskToken(instructionId: string, taskToken: string): Promise<PaymentAttempt> {
    const lookup = await this.readLookup(instructionId);
    if (!lookup)
      throw new NotFoundError(`No payment instruction ${instructionId}`, `支付指令 ${instructionId} 不存在`);
    try {
      const updated = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: paymentPk(lookup.obligationId), sk: attemptSk(lookup.attempt) },
          UpdateExpression: "SET taskToken = :t",
          ConditionExpression: "#s = :instructed",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":t": taskToken, ":instructed": "instructed" },
          ReturnValues: "ALL_NEW",
        }),
      );
      return strip(updated.Attributes ?? {}) as unknown as PaymentAttempt;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const settled = await this.readAttempt(instructionId);
      return strip(settled ?? {}) as unknown as PaymentAttempt;
    }
  }

  /** Records a bank outcome once: callbacks, polls and cancellations all come here. */
  async recordOutcome(input: OutcomeInput): Promise<OutcomeResult> {
    const context = { instructionId: input.instructionId, outcome: input.outcome, source: input.source };
    const current = await this.readAttempt(input.instructionId);
    if (!current) {
      this.log.warn("payment outcome for an unknown instruction ignored", context);
      return { kind: "unknown" };
    }
    const attempt = strip(current) as unknown as PaymentAttempt;
    const settled = this.classifySettled(current, input);
    if (settled) return settled;
    const problem = outcomeContradiction(attempt, input);
    if (problem) return this.conflict(attempt, problem, context);
    const at = this.nowIso();
    const reason = input.outcome === "cancelled" ? "cancelled" : input.reason;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            this.settleAttempt(attempt, input, reason, at),
            this.settleObligation(attempt, input.outcome, at),
            ...(input.outcome === "confirmed" && input.bankReference
              ? [this.confirmationPut(attempt, "bank", input.bankReference, at)]
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
    this.log.info("payment outcome recorded", { ...context, obligationId: attempt.obligationId, reason });
    return recorded;
  }

  /** Lost a race with another delivery of the same outcome (or a contradicting one): what is recorded now decides. */
  private async afterLostOutcomeRace(
    input: OutcomeInput,
    context: Record<string, unknown>,
  ): Promise<OutcomeResult> {
    const after = (await this.readAttempt(input.instructionId)) ?? {};
    return (
      this.classifySettled(after, input) ??
      this.conflict(
        strip(after) as unknown as PaymentAttempt,
        "the obligation moved on while this outcome was recorded",
        context,
      )
    );
  }

  /** Read back after the write: a token attached until the very moment of recording is in the item. */
  private async readBackRecorded(
    attempt: PaymentAttempt,
    outcome: OutcomeInput["outcome"],
  ): Promise<OutcomeResult> {
    const stored = await this.readAttemptItem(attempt.obligationId, attempt.attempt);
    const taskToken = typeof stored?.taskToken === "string" ? stored.taskToken : undefined;
    return {
      kind: "recorded",
      attempt: strip(stored ?? {}) as unknown as PaymentAttempt,
      obligationStatus: outcome === "confirmed" ? "paid" : "awaiting-reroute",
      ...(taskToken ? { taskToken } : {}),
    };
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
        TableName: this.table,
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
        TableName: this.table,
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

  /** Notes that the flow step waiting on this attempt was resumed (so a re-delivery will not resume it again). */
  async markFlowResumed(attempt: Pick<PaymentAttempt, "obligationId" | "attempt">): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: paymentPk(attempt.obligationId), sk: attemptSk(attempt.attempt) },
        UpdateExpression: "SET flowResumedAt = :at",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":at": this.nowIso() },
      }),
    );
  }

  /**
   * Records a cash hand-over (DOMAIN §3.3) already judged by core, as a confirmed attempt with a
   * `CASH-…` reference so reconciliation matches it to its draw like a bank confirmation.
   */
  async recordCashPayment(input: RecordCashInput): Promise<PaymentAttempt> {
    const obligation = await this.requireObligation(input.obligationId);
    const instructionId = instructionIdFor(input.obligationId, input.attempt);
    const existing = await this.readAttempt(instructionId);
    if (existing?.method === "cash") return strip(existing) as unknown as PaymentAttempt;
    this.assertCanStartAttempt(obligation, input.attempt);
    const at = this.nowIso();
    const bankReference = `CASH-${instructionId}`;
    const attempt: PaymentAttempt = {
      obligationId: input.obligationId,
      attempt: input.attempt,
      instructionId,
      caseId: obligation.caseId,
      township: obligation.township,
      fund: obligation.fund,
      method: "cash",
      amountYuan: obligation.amountYuan,
      status: "confirmed",
      cash: {
        receiverName: input.receiverName.trim(),
        receiverSignatureRef: input.receiverSignatureRef,
        officerSignatureRef: input.officerSignatureRef,
        officerId: input.officerId,
        paidAt: at,
      },
      bankReference,
      instructedAt: at,
      settledAt: at,
      outcomeSource: "cash",
      ...(input.drawEntryId ? { drawEntryId: input.drawEntryId } : {}),
    };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            this.advanceObligation(obligation, input.attempt, "paid", at),
            {
              Put: {
                TableName: this.table,
                Item: {
                  pk: paymentPk(input.obligationId),
                  sk: attemptSk(input.attempt),
                  entity: "payment-attempt",
                  ...attempt,
                },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            this.lookupPut(instructionId, input.obligationId, input.attempt),
            this.confirmationPut(attempt, "cash", bankReference, at),
          ],
        }),
      );
    } catch (error) {
      // Cancelled only because another transaction was on an item: nothing was written; try again.
      if (!(error instanceof TransactionCanceledException) || isTransientDependencyError(error)) throw error;
      throw this.stateError(obligation, input.attempt);
    }
    this.log.info("cash payment recorded", { obligationId: input.obligationId, attempt: input.attempt });
    return attempt;
  }

  /** Confirmations of a township in [fromIso, toIso) — bank and cash — for reconciliation (DOMAIN §6). */
  async listConfirmations(township: string, fromIso: string, toIso: string): Promise<Confirmation[]> {
    const items = await this.queryAll({
      TableName: this.table,
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to",
      ExpressionAttributeValues: { ":pk": `CONFIRMATIONS#${township}`, ":from": fromIso, ":to": `${toIso}` },
    });
    return items.filter((i) => String(i.gsi2sk) < toIso).map((i) => strip(i) as unknown as Confirmation);
  }

  async findConfirmationByBankReference(bankReference: string): Promise<Confirmation | undefined> {
    const items = await this.queryAll({
      TableName: this.table,
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": `BANKREF#${bankReference}` },
    });
    const first = items[0];
    return first ? (strip(first) as unknown as Confirmation) : undefined;
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────────

  private classifySettled(raw: Record<string, unknown>, input: OutcomeInput): OutcomeResult | undefined {
    const attempt = strip(raw) as unknown as PaymentAttempt;
    if (attempt.status === "instructed") return undefined;
    const sameOutcome =
      attempt.status === input.outcome &&
      (input.outcome !== "confirmed" || attempt.bankReference === input.bankReference);
    if (sameOutcome) {
      this.log.info("duplicate payment outcome ignored", {
        instructionId: input.instructionId,
        outcome: input.outcome,
        source: input.source,
      });
      const token = typeof raw.taskToken === "string" && !attempt.flowResumedAt ? raw.taskToken : undefined;
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
    this.log.error("contradicting payment outcome ignored", {
      ...context,
      obligationId: attempt.obligationId,
      problem,
    });
    return { kind: "conflict", attempt, problem };
  }

  private assertCanStartAttempt(obligation: Obligation, attempt: number): void {
    const allowed =
      (obligation.status === "open" || obligation.status === "awaiting-reroute") &&
      attempt === obligation.currentAttempt + 1;
    if (!allowed) throw this.stateError(obligation, attempt);
  }

  private stateError(obligation: Obligation, attempt: number): PaymentStateError {
    return new PaymentStateError(
      `Payment ${obligation.obligationId} is ${obligation.status} at attempt ${obligation.currentAttempt}; attempt ${attempt} is not allowed`,
      `支付 ${obligation.obligationId} 当前状态为 ${obligation.status}（第 ${obligation.currentAttempt} 次），不能发起第 ${attempt} 次支付`,
      { details: { status: obligation.status, currentAttempt: obligation.currentAttempt } },
    );
  }

  /** Moves the obligation to the next attempt, only from the state it was read in (no double start). */
  private advanceObligation(obligation: Obligation, attempt: number, status: ObligationStatus, at: string) {
    return {
      Update: {
        TableName: this.table,
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

  private lookupPut(instructionId: string, obligationId: string, attempt: number) {
    return {
      Put: {
        TableName: this.table,
        Item: {
          pk: instructionPk(instructionId),
          sk: "INSTRUCTION",
          entity: "payment-instruction",
          obligationId,
          attempt,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    };
  }

  private confirmationPut(attempt: PaymentAttempt, method: PaymentMethod, bankReference: string, at: string) {
    const confirmation: Confirmation = {
      obligationId: attempt.obligationId,
      caseId: attempt.caseId,
      instructionId: attempt.instructionId,
      attempt: attempt.attempt,
      method,
      township: attempt.township,
      fund: attempt.fund,
      amountYuan: attempt.amountYuan,
      bankReference,
      confirmedAt: at,
      ...(attempt.drawEntryId ? { drawEntryId: attempt.drawEntryId } : {}),
    };
    return {
      Put: {
        TableName: this.table,
        Item: {
          pk: paymentPk(attempt.obligationId),
          sk: `CONFIRMATION#${bankReference}`,
          entity: "payment-confirmation",
          gsi1pk: `BANKREF#${bankReference}`,
          gsi1sk: "CONFIRMATION",
          gsi2pk: `CONFIRMATIONS#${attempt.township}`,
          gsi2sk: `${at}#${attempt.instructionId}`,
          ...confirmation,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    };
  }

  private async requireObligation(obligationId: string): Promise<Obligation> {
    const obligation = await this.getObligation(obligationId);
    if (!obligation) {
      throw new NotFoundError(`No payment obligation ${obligationId}`, `支付义务 ${obligationId} 不存在`);
    }
    return obligation;
  }

  private async readLookup(
    instructionId: string,
  ): Promise<{ obligationId: string; attempt: number } | undefined> {
    const got = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: instructionPk(instructionId), sk: "INSTRUCTION" },
        ConsistentRead: true,
      }),
    );
    if (!got.Item) return undefined;
    return { obligationId: String(got.Item.obligationId), attempt: Number(got.Item.attempt) };
  }

  /** The raw attempt item (with its task token) of an instruction. Cash attempts have no lookup item. */
  private async readAttempt(instructionId: string): Promise<Record<string, unknown> | undefined> {
    const lookup = await this.readLookup(instructionId);
    return lookup ? this.readAttemptItem(lookup.obligationId, lookup.attempt) : undefined;
  }

  private async readAttemptItem(
    obligationId: string,
    attempt: number,
  ): Promise<Record<string, unknown> | undefined> {
    const got = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: paymentPk(obligationId), sk: attemptSk(attempt) },
        ConsistentRead: true,
      }),
    );
    return got.Item;
  }

  private async queryAll(
    input: ConstructorParameters<typeof QueryCommand>[0],
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...item };
  for (const key of KEY_FIELDS) delete copy[key];
  return copy;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

/** Why an outcome contradicts the instructed attempt (never recorded), or undefined when it does not. */
function outcomeContradiction(attempt: PaymentAttempt, input: OutcomeInput): string | undefined {
  if (input.amountYuan !== undefined && input.amountYuan !== attempt.amountYuan) {
    return `bank reports ${input.amountYuan}, instructed ${attempt.amountYuan}`;
  }
  if (input.outcome === "confirmed" && !input.bankReference) return "a confirmation without a bank reference";
  return undefined;
}
