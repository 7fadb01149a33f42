/**
 * The one payment port (ARCHITECTURE §3.5). The flows instruct, ask the status and cancel through
 * this interface only; `HttpBankGateway` implements it against a county's bank — the real one in AWS,
 * the bank simulator locally — so the same adapter code runs in both.
 *
 * Idempotency: an instruction's id is derived from the payment obligation and the attempt number,
 * so a retried instruction (a client timeout, a Lambda retry, a resumed execution) is the *same*
 * instruction and the bank holds one transfer for it. Only a re-route (another account, after a
 * failure) starts a new attempt and so a new id.
 */
import { createHash } from "node:crypto";
import { ValidationError } from "#core/errors.ts";
import type { InstructionStatus } from "./contract.ts";

export interface PaymentInstruction {
  instructionId: string;
  /** Yuan with two decimals, e.g. "800.00" (`Yuan.toString()`). */
  amountYuan: string;
  payee: { name: string; bankAccount: string; bankName: string };
  township: string;
  fund: string;
  /** AidFlow's signed-callback endpoint for this deployment. */
  callbackUrl: string;
  /** The case id, carried on the transfer for the payee and for reconciliation. */
  reference: string;
}

/** The bank has never seen this instruction (it was lost before arrival). */
export interface UnknownInstruction {
  instructionId: string;
  status: "unknown";
}

export type GatewayStatus = InstructionStatus | UnknownInstruction;

export interface PaymentGateway {
  /** Sends the instruction; re-sending the same instruction returns the bank's current status. */
  instruct(instruction: PaymentInstruction): Promise<InstructionStatus>;
  status(instructionId: string): Promise<GatewayStatus>;
  /** Withdraws a transfer the bank has not settled yet; a settled one answers with its final status. */
  cancel(instructionId: string): Promise<InstructionStatus>;
}

const CASE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PURPOSE = /^[a-z0-9-]{1,32}$/;

/** One payment obligation per (case, purpose), e.g. purpose `advance`, `follow-up`, `stage-3`. */
export function obligationIdFor(caseId: string, purpose: string): string {
  if (!CASE_ID.test(caseId) || !PURPOSE.test(purpose)) {
    throw new ValidationError("caseId or payment purpose is malformed", "案件编号或支付用途格式不正确", {
      fields: [
        ...(CASE_ID.test(caseId)
          ? []
          : [
              { path: "caseId", message: "letters, digits, '_' or '-'", messageZh: "仅限字母、数字、_ 或 -" },
            ]),
        ...(PURPOSE.test(purpose)
          ? []
          : [
              {
                path: "purpose",
                message: "lower-case letters, digits or '-'",
                messageZh: "仅限小写字母、数字或 -",
              },
            ]),
      ],
    });
  }
  return `${caseId}.${purpose}`;
}

/**
 * The instruction id of attempt `attempt` (1, 2, … — a new attempt only after a re-route) of an
 * obligation: 32 characters, letters and digits, inside ISO 20022's 35-character EndToEndId.
 */
export function instructionIdFor(obligationId: string, attempt: number): string {
  if (!Number.isSafeInteger(attempt) || attempt < 1)
    throw new RangeError(`attempt must be ≥ 1, got ${attempt}`);
  const digest = createHash("sha256").update(`${obligationId}\n${attempt}`).digest("hex");
  return `AF${digest.slice(0, 30)}`;
}
