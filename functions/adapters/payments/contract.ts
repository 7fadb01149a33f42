/**
 * The bank contract (docs/bank-contract.md, JSON schema docs/bank-contract.schema.json): the messages
 * AidFlow and a county's bank exchange, as zod schemas. One definition for three users — the
 * `HttpBankGateway` (AWS and local), the bank simulator (local/bank-simulator) and the callback
 * handler — so the simulator can never drift from what the adapter sends and accepts.
 */
import * as z from "zod";

/** Paths of the bank API, relative to the county's configured base URL. */
export const BANK_PATHS = {
  instruct: "/v1/instructions",
  status: (instructionId: string) => `/v1/instructions/${encodeURIComponent(instructionId)}`,
  cancel: (instructionId: string) => `/v1/instructions/${encodeURIComponent(instructionId)}/cancel`,
} as const;

/** Headers that carry the HMAC signature of a request or a callback (see signature.ts). */
export const SIGNATURE_HEADER = "x-aidflow-signature";
export const TIMESTAMP_HEADER = "x-aidflow-timestamp";

/** ISO 20022 EndToEndId allows 35 characters; ours are 32 (see gateway.ts `instructionIdFor`). */
export const InstructionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{8,35}$/, "instructionId: 8–35 letters, digits or '-'");

/** A positive amount in yuan with exactly two decimals ("800.00"), the stored form of `Yuan`. */
const AmountYuanSchema = z
  .string()
  .regex(
    /^(?:[1-9]\d{0,14}\.\d{2}|0\.(?:0[1-9]|[1-9]\d))$/,
    'amountYuan: a positive amount with two decimals, e.g. "800.00"',
  );

export const FailureReasonSchema = z.enum(["account-closed", "name-mismatch", "limit-exceeded"]);
export type FailureReason = z.infer<typeof FailureReasonSchema>;

export const BankPayeeSchema = z.object({
  name: z.string().min(1).max(100),
  /** Digits only, as the bank needs it to transfer; never logged (DOMAIN §7). */
  bankAccount: z.string().regex(/^\d{8,32}$/, "bankAccount: 8–32 digits"),
  bankName: z.string().min(1).max(100),
});

/** POST /v1/instructions — one transfer from a township reserve fund to a payee. */
export const InstructionRequestSchema = z.object({
  instructionId: InstructionIdSchema,
  amountYuan: AmountYuanSchema,
  currency: z.literal("CNY"),
  payee: BankPayeeSchema,
  payer: z.object({ township: z.string().min(1).max(64), fund: z.string().min(1).max(64) }),
  /** Where the bank posts the signed outcome (a callback, see CallbackSchema). */
  callbackUrl: z.url(),
  /** AidFlow's case id, printed on the transfer's remittance information. */
  reference: z.string().min(1).max(64),
});
export type InstructionRequest = z.infer<typeof InstructionRequestSchema>;

/**
 * The bank's view of a transfer. `accepted` = received, not settled yet; `cancelled` = withdrawn by
 * AidFlow before settlement. `confirmed` and `failed` are final and carry the bank's reference.
 */
export const TransferStatusSchema = z.enum(["accepted", "confirmed", "failed", "cancelled"]);
export type TransferStatus = z.infer<typeof TransferStatusSchema>;

export const InstructionStatusSchema = z.object({
  instructionId: InstructionIdSchema,
  status: TransferStatusSchema,
  amountYuan: AmountYuanSchema,
  bankReference: z.string().min(1).max(64).optional(),
  reason: FailureReasonSchema.optional(),
  receivedAt: z.iso.datetime(),
  settledAt: z.iso.datetime().optional(),
});
export type InstructionStatus = z.infer<typeof InstructionStatusSchema>;

/** Error body of any non-2xx answer of the bank. */
export const BankErrorBodySchema = z.object({
  error: z.enum([
    "invalid-signature",
    "invalid-request",
    "not-found",
    "instruction-conflict",
    "not-cancellable",
  ]),
  message: z.string(),
});
export type BankErrorBody = z.infer<typeof BankErrorBodySchema>;

/** POST <callbackUrl> — the outcome of one transfer, signed with the callback secret. */
export const CallbackSchema = z.object({
  /** Unique per outcome event; a re-delivered callback carries the same eventId. */
  eventId: z.string().min(1).max(64),
  instructionId: InstructionIdSchema,
  outcome: z.enum(["confirmed", "failed"]),
  amountYuan: AmountYuanSchema,
  bankReference: z.string().min(1).max(64),
  reason: FailureReasonSchema.optional(),
  occurredAt: z.iso.datetime(),
});
export type Callback = z.infer<typeof CallbackSchema>;

/** The JSON schema of the contract (committed as docs/bank-contract.schema.json, checked by a test). */
export function bankContractJsonSchema(): Record<string, unknown> {
  const defs = {
    InstructionRequest: InstructionRequestSchema,
    InstructionStatus: InstructionStatusSchema,
    BankErrorBody: BankErrorBodySchema,
    Callback: CallbackSchema,
  };
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://aidflow.example/bank-contract.schema.json",
    title: "AidFlow bank contract",
    description: "Messages between AidFlow and a county's bank. See docs/bank-contract.md.",
    $defs: Object.fromEntries(
      Object.entries(defs).map(([name, schema]) => {
        const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: "input" }) as Record<
          string,
          unknown
        >;
        return [name, rest];
      }),
    ),
  };
}
