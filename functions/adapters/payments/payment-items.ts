/**
 * The payment items of the `main` table (payment-store.ts has the table of keys), their types, and
 * the zod schemas every stored item is parsed with when it is read (no casts at the edge). Also the
 * reads and transaction items both halves of the store share: obligations and attempts
 * (payment-obligations.ts), outcomes and confirmations (payment-confirmations.ts).
 */
import { type DynamoDBDocumentClient, GetCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { NotFoundError } from "#core/errors.ts";
import { queryAll } from "../query-all.ts";
import { FailureReasonSchema } from "./contract.ts";
import type { PaymentLogger } from "./log.ts";
import type { PayeeKind } from "./payee.ts";

export const OBLIGATION_STATUSES = ["open", "instructed", "paid", "awaiting-reroute"] as const;
export const ATTEMPT_STATUSES = ["instructed", "confirmed", "failed", "cancelled"] as const;
export const PAYMENT_METHODS = ["bank", "cash"] as const;
export type ObligationStatus = (typeof OBLIGATION_STATUSES)[number];
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

const PAYEE_KINDS = ["applicant", "guardian", "agent"] as const satisfies readonly PayeeKind[];

export const OBLIGATION_SK = "OBLIGATION";
export const attemptSk = (attempt: number) => `ATTEMPT#${String(attempt).padStart(3, "0")}`;
export const paymentPk = (obligationId: string) => `PAYMENT#${obligationId}`;
export const instructionPk = (instructionId: string) => `INSTRUCTION#${instructionId}`;

const ObligationSchema = z.object({
  obligationId: z.string(),
  caseId: z.string(),
  purpose: z.string(),
  countyCode: z.string(),
  township: z.string(),
  fund: z.string(),
  amountYuan: z.string(),
  status: z.enum(OBLIGATION_STATUSES),
  /** 0 before the first attempt. */
  currentAttempt: z.number().int().nonnegative(),
  paidAttempt: z.number().int().positive().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Obligation = z.infer<typeof ObligationSchema>;

const CashSchema = z.object({
  receiverName: z.string(),
  receiverSignatureRef: z.string(),
  officerSignatureRef: z.string(),
  officerId: z.string(),
  paidAt: z.string(),
});
export type CashRecord = z.infer<typeof CashSchema>;

/** The payee as stored on an attempt: masked and hashed forms only (payee.ts). */
const PayeeSchema = z.object({
  kind: z.enum(PAYEE_KINDS),
  name: z.string(),
  bankName: z.string(),
  accountMasked: z.string(),
  accountHash: z.string(),
  exceptionReason: z.string().optional(),
});

const AttemptSchema = z.object({
  obligationId: z.string(),
  attempt: z.number().int().positive(),
  /** Copied from the obligation so an outcome is recorded without reading it (callbacks are hot). */
  caseId: z.string(),
  township: z.string(),
  fund: z.string(),
  instructionId: z.string(),
  method: z.enum(PAYMENT_METHODS),
  amountYuan: z.string(),
  status: z.enum(ATTEMPT_STATUSES),
  payee: PayeeSchema.optional(),
  cash: CashSchema.optional(),
  bankReference: z.string().optional(),
  reason: z.union([FailureReasonSchema, z.literal("cancelled")]).optional(),
  /** The ledger entry id of the draw that funded this attempt, when the flow gives it. */
  drawEntryId: z.string().optional(),
  instructedAt: z.string(),
  settledAt: z.string().optional(),
  outcomeSource: z.enum(["callback", "poll", "cash", "cancel"]).optional(),
  /** When the waiting flow step was resumed with this attempt's outcome. */
  flowResumedAt: z.string().optional(),
});
/** An attempt as shown to anyone: the task token stays server-side (see `recordOutcome`). */
export type PaymentAttempt = z.infer<typeof AttemptSchema>;

const ConfirmationSchema = z.object({
  obligationId: z.string(),
  caseId: z.string(),
  instructionId: z.string(),
  attempt: z.number().int().positive(),
  method: z.enum(PAYMENT_METHODS),
  township: z.string(),
  fund: z.string(),
  amountYuan: z.string(),
  bankReference: z.string(),
  confirmedAt: z.string(),
  drawEntryId: z.string().optional(),
});
export type Confirmation = z.infer<typeof ConfirmationSchema>;

const LookupSchema = z.object({ obligationId: z.string(), attempt: z.number().int().positive() });

/** A stored item as the record it holds: keys, index keys and the task token are left out. */
export function obligationOf(item: Record<string, unknown>): Obligation {
  return ObligationSchema.parse(item);
}

export function attemptOf(item: Record<string, unknown>): PaymentAttempt {
  return AttemptSchema.parse(item);
}

export function confirmationOf(item: Record<string, unknown>): Confirmation {
  return ConfirmationSchema.parse(item);
}

/** The task token stored on an attempt item, if any (never part of `PaymentAttempt`). */
export function taskTokenOf(item: Record<string, unknown>): string | undefined {
  return typeof item.taskToken === "string" ? item.taskToken : undefined;
}

/** The table, its client, logger and clock, and the reads both halves of the store share. */
export class PaymentTable {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly table: string,
    readonly log: PaymentLogger,
    private readonly clock: () => number,
  ) {}

  nowIso(): string {
    return new Date(this.clock()).toISOString();
  }

  async getObligation(obligationId: string): Promise<Obligation | undefined> {
    const got = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: paymentPk(obligationId), sk: OBLIGATION_SK },
        ConsistentRead: true,
      }),
    );
    return got.Item ? obligationOf(got.Item) : undefined;
  }

  async requireObligation(obligationId: string): Promise<Obligation> {
    const obligation = await this.getObligation(obligationId);
    if (!obligation) {
      throw new NotFoundError(`No payment obligation ${obligationId}`, "该笔支付义务不存在");
    }
    return obligation;
  }

  async readLookup(instructionId: string): Promise<z.infer<typeof LookupSchema> | undefined> {
    const got = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: instructionPk(instructionId), sk: "INSTRUCTION" },
        ConsistentRead: true,
      }),
    );
    return got.Item ? LookupSchema.parse(got.Item) : undefined;
  }

  /** The raw attempt item (with its task token) of an instruction. */
  async readAttempt(instructionId: string): Promise<Record<string, unknown> | undefined> {
    const lookup = await this.readLookup(instructionId);
    return lookup ? this.readAttemptItem(lookup.obligationId, lookup.attempt) : undefined;
  }

  async readAttemptItem(obligationId: string, attempt: number): Promise<Record<string, unknown> | undefined> {
    const got = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: paymentPk(obligationId), sk: attemptSk(attempt) },
        ConsistentRead: true,
      }),
    );
    return got.Item;
  }

  /** Every item of the Query (every page): an obligation's attempts, a township's confirmations. */
  queryAll(
    input: Omit<QueryCommandInput, "Limit" | "ExclusiveStartKey">,
  ): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, input);
  }

  /** The instruction id → (obligation, attempt) item, written once with its attempt. */
  lookupPut(instructionId: string, obligationId: string, attempt: number) {
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

  /** The confirmation of a confirmed attempt, indexed by bank reference and by township + time (DOMAIN §6). */
  confirmationPut(attempt: PaymentAttempt, method: PaymentMethod, bankReference: string, at: string) {
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
}
