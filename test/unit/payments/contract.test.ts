import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  bankContractJsonSchema,
  CallbackSchema,
  InstructionRequestSchema,
} from "#adapters/payments/contract.ts";
import { instructionIdFor, obligationIdFor } from "#adapters/payments/gateway.ts";

describe("the bank contract", () => {
  it("the committed JSON schema is the one generated from the zod schemas", () => {
    const committed = JSON.parse(readFileSync("docs/bank-contract.schema.json", "utf8")) as unknown;

    expect(committed).toEqual(bankContractJsonSchema());
  });

  it("an amount must be positive yuan with exactly two decimals", () => {
    const base = {
      instructionId: instructionIdFor("C1.advance", 1),
      currency: "CNY",
      payee: { name: "王小明", bankAccount: "6222020200112233445", bankName: "工行" },
      payer: { township: "T", fund: "F" },
      callbackUrl: "http://127.0.0.1:1/bank/callback",
      reference: "C1",
    };

    const verdicts = ["800.00", "0.01", "800", "800.5", "0.00", "-1.00", "1e3"].map(
      (amountYuan) => InstructionRequestSchema.safeParse({ ...base, amountYuan }).success,
    );

    expect(verdicts).toEqual([true, true, false, false, false, false, false]);
  });

  it("a callback with an unknown outcome is outside the contract", () => {
    const parsed = CallbackSchema.safeParse({
      eventId: "E1",
      instructionId: instructionIdFor("C1.advance", 1),
      outcome: "maybe",
      amountYuan: "1.00",
      bankReference: "R1",
      occurredAt: "2026-01-05T08:00:00.000Z",
    });

    expect(parsed.success).toBe(false);
  });
});

describe("instruction ids", () => {
  it("a retried instruction of the same attempt has the same id; a re-route gets a new one", () => {
    const obligationId = obligationIdFor("C20260001", "advance");

    const first = instructionIdFor(obligationId, 1);
    const retried = instructionIdFor(obligationId, 1);
    const rerouted = instructionIdFor(obligationId, 2);

    expect(retried).toBe(first);
    expect(rerouted).not.toBe(first);
    expect(first).toMatch(/^AF[0-9a-f]{30}$/);
    expect(instructionIdFor(obligationIdFor("C20260002", "advance"), 1)).not.toBe(first);
  });

  it("a malformed case id or purpose is refused with field-level messages", () => {
    expect(() => obligationIdFor("C 1", "Advance!")).toThrow(
      expect.objectContaining({
        fields: [expect.objectContaining({ path: "caseId" }), expect.objectContaining({ path: "purpose" })],
      }),
    );
    expect(() => instructionIdFor("C1.advance", 0)).toThrow(RangeError);
  });
});
