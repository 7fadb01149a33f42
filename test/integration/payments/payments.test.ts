import { SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Callback } from "#adapters/payments/contract.ts";
import { BankTimeoutError, InstructionConflictError, PaymentStateError } from "#adapters/payments/errors.ts";
import { HttpBankGateway } from "#adapters/payments/http-bank-gateway.ts";
import { sign } from "#adapters/payments/signature.ts";
import {
  APPLICANT,
  applicantPayee,
  CALLBACK_SECRET,
  createPaymentWorld,
  type PaymentWorld,
  payByBank,
  REQUEST_SECRET,
} from "./harness.ts";

function signedCallbackEvent(
  callback: Callback,
  secret = CALLBACK_SECRET,
  options: { nowMs?: number; body?: string } = {},
) {
  const body = options.body ?? JSON.stringify(callback);
  const signed = sign(secret, {
    method: "POST",
    path: "/bank/callback",
    body,
    nowMs: options.nowMs ?? Date.now(),
  });
  return {
    version: "2.0",
    rawPath: "/bank/callback",
    headers: { "x-aidflow-timestamp": signed.timestamp, "x-aidflow-signature": signed.signature },
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: "POST", path: "/bank/callback", sourceIp: "127.0.0.1" } },
  } as unknown as APIGatewayProxyEventV2;
}

function sentTaskSuccesses(world: PaymentWorld) {
  return world.sfnMock.commandCalls(SendTaskSuccessCommand).map((call) => ({
    taskToken: call.args[0].input.taskToken,
    output: JSON.parse(call.args[0].input.output ?? "null") as unknown,
  }));
}

describe("bank payments through the simulator, the signed callback and the payment store", () => {
  let world: PaymentWorld;
  afterEach(async () => {
    await world.close();
  });

  describe("with a bank that settles every transfer", () => {
    beforeEach(async () => {
      world = await createPaymentWorld();
    });

    it("a confirmed transfer is recorded once with its bank reference and resumes the waiting step", async () => {
      // Prepare
      const { obligation, attempt, status } = await payByBank(world, {
        caseId: "C0001",
        amountYuan: "800.00",
      });
      expect(status.status).toBe("accepted");

      // Act
      const summary = await world.bank.simulator.flush();

      // Assess
      expect(summary).toMatchObject({ settled: 1, callbacksDelivered: 1, callbacksLost: 0 });
      const bankReference = world.bank.simulator.status(attempt.instructionId)?.bankReference;
      const payment = await world.store.getPayment(obligation.obligationId);
      expect(payment?.obligation).toMatchObject({ status: "paid", paidAttempt: 1 });
      expect(payment?.attempts[0]).toMatchObject({
        status: "confirmed",
        bankReference,
        outcomeSource: "callback",
      });
      expect(payment?.attempts[0]).not.toHaveProperty("taskToken");
      expect(sentTaskSuccesses(world)).toEqual([
        { taskToken: "token-C0001-1", output: { outcome: "confirmed", bankReference } },
      ]);
      const confirmation = await world.store.findConfirmationByBankReference(bankReference as string);
      expect(confirmation).toMatchObject({
        obligationId: obligation.obligationId,
        amountYuan: "800.00",
        method: "bank",
      });
      const listed = await world.store.listConfirmations(
        "T-QINGHE",
        "2000-01-01T00:00:00.000Z",
        "2100-01-01T00:00:00.000Z",
      );
      expect(listed.map((c) => c.bankReference)).toEqual([bankReference]);
    });

    it("the payee's bank account is stored only masked and keyed-hashed", async () => {
      const { obligation } = await payByBank(world, { caseId: "C0002", amountYuan: "300.00" });

      const payment = await world.store.getPayment(obligation.obligationId);

      expect(payment?.attempts[0]?.payee).toMatchObject({ accountMasked: "****3445", name: APPLICANT.name });
      expect(JSON.stringify(payment)).not.toContain(APPLICANT.bankAccount);
    });

    it("a duplicate callback changes nothing and is answered 200 duplicate", async () => {
      // Prepare
      const { obligation, attempt } = await payByBank(world, { caseId: "C0003", amountYuan: "500.00" });
      await world.bank.simulator.flush();
      const before = await world.store.getPayment(obligation.obligationId);
      const settled = world.bank.simulator.status(attempt.instructionId);
      const callback: Callback = {
        eventId: `EV-${settled?.bankReference}`,
        instructionId: attempt.instructionId,
        outcome: "confirmed",
        amountYuan: "500.00",
        bankReference: settled?.bankReference as string,
        occurredAt: settled?.settledAt as string,
      };

      // Act
      const result = await world.callback(signedCallbackEvent(callback));

      // Assess
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body ?? "{}")).toEqual({ duplicate: true });
      expect(await world.store.getPayment(obligation.obligationId)).toEqual(before);
      expect(sentTaskSuccesses(world)).toHaveLength(1);
      expect(world.logger.lines.some((l) => l.message === "duplicate payment outcome ignored")).toBe(true);
    });

    it("a callback with a bad signature is rejected with 401 and writes nothing", async () => {
      // Prepare
      const { obligation, attempt } = await payByBank(world, { caseId: "C0004", amountYuan: "500.00" });
      const forged: Callback = {
        eventId: "EV-FORGED",
        instructionId: attempt.instructionId,
        outcome: "confirmed",
        amountYuan: "500.00",
        bankReference: "FORGED0001",
        occurredAt: new Date().toISOString(),
      };
      const before = await world.store.getPayment(obligation.obligationId);

      // Act
      const wrongSecret = await world.callback(signedCallbackEvent(forged, "not-the-bank-secret-at-all"));
      const tampered = await world.callback(
        signedCallbackEvent(forged, CALLBACK_SECRET, {
          body: JSON.stringify({ ...forged, amountYuan: "5000.00" }),
        }),
      );
      const validSignatureTamperedAfter = signedCallbackEvent(forged);
      validSignatureTamperedAfter.body = JSON.stringify({ ...forged, bankReference: "FORGED0002" });
      const bodySwapped = await world.callback(validSignatureTamperedAfter);
      const replayedLater = await world.callback(
        signedCallbackEvent(forged, CALLBACK_SECRET, { nowMs: Date.now() - 3_600_000 }),
      );
      const unsigned = await world.callback({ ...signedCallbackEvent(forged), headers: {} });

      // Assess
      for (const result of [wrongSecret, bodySwapped, replayedLater, unsigned])
        expect(result.statusCode).toBe(401);
      // Signed with the right secret but for another amount than instructed: a conflict, never recorded.
      expect(tampered.statusCode).toBe(409);
      expect(await world.store.getPayment(obligation.obligationId)).toEqual(before);
      expect(await world.store.findConfirmationByBankReference("FORGED0001")).toBeUndefined();
      expect(sentTaskSuccesses(world)).toHaveLength(0);
    });

    it("a callback for an unknown instruction is answered 404, logged and changes nothing", async () => {
      const stray: Callback = {
        eventId: "EV-STRAY",
        instructionId: "AF000000000000000000000000000000",
        outcome: "confirmed",
        amountYuan: "10.00",
        bankReference: "STRAY0001",
        occurredAt: new Date().toISOString(),
      };

      const result = await world.callback(signedCallbackEvent(stray));

      expect(result.statusCode).toBe(404);
      expect(
        world.logger.lines.some((l) => l.message === "payment outcome for an unknown instruction ignored"),
      ).toBe(true);
      expect(await world.store.findConfirmationByBankReference("STRAY0001")).toBeUndefined();
    });

    it("an instruction retried after a client timeout is the same instruction and is not paid twice", async () => {
      // Prepare: the bank records the instruction but answers after the client gave up.
      world.bank.simulator.setKnobs({ responseDelayMs: 400 });
      const impatient = new HttpBankGateway({
        baseUrl: world.bank.url,
        requestSecret: REQUEST_SECRET,
        timeoutMs: 100,
      });
      const obligation = await world.store.openObligation({
        caseId: "C0005",
        purpose: "advance",
        countyCode: "230123",
        township: "T-QINGHE",
        fund: "FUND-QINGHE",
        amountYuan: "900.00",
      });
      const attempt = await world.store.startBankAttempt({
        obligationId: obligation.obligationId,
        attempt: 1,
        payee: applicantPayee(),
      });
      const instruction = {
        instructionId: attempt.instructionId,
        amountYuan: "900.00",
        payee: APPLICANT,
        township: "T-QINGHE",
        fund: "FUND-QINGHE",
        callbackUrl: world.callbackUrl,
        reference: "C0005",
      };
      await expect(impatient.instruct(instruction)).rejects.toBeInstanceOf(BankTimeoutError);

      // Act: the task is retried — same obligation, same attempt, so the same instruction id.
      world.bank.simulator.setKnobs({ responseDelayMs: 0 });
      const retriedAttempt = await world.store.startBankAttempt({
        obligationId: obligation.obligationId,
        attempt: 1,
        payee: applicantPayee(),
      });
      const retried = await world.gateway.instruct({
        ...instruction,
        instructionId: retriedAttempt.instructionId,
      });
      await world.bank.simulator.flush();

      // Assess
      expect(retriedAttempt.instructionId).toBe(attempt.instructionId);
      expect(retried.status).toBe("accepted");
      expect(world.bank.simulator.stats()).toMatchObject({
        instructions: 1,
        confirmed: 1,
        repeatedInstructions: 1,
        confirmedAmountYuan: "900.00",
      });
      expect((await world.store.getObligation(obligation.obligationId))?.status).toBe("paid");
    });

    it("the same instruction id with another amount is refused by the bank as a conflict", async () => {
      const { attempt } = await payByBank(world, { caseId: "C0006", amountYuan: "100.00" });

      const again = world.gateway.instruct({
        instructionId: attempt.instructionId,
        amountYuan: "999.00",
        payee: APPLICANT,
        township: "T-QINGHE",
        fund: "FUND-QINGHE",
        callbackUrl: world.callbackUrl,
        reference: "C0006",
      });

      await expect(again).rejects.toBeInstanceOf(InstructionConflictError);
      expect(world.bank.simulator.stats().instructions).toBe(1);
    });
  });

  describe("with a bank that loses callbacks", () => {
    beforeEach(async () => {
      world = await createPaymentWorld({ knobs: { lostCallbackRate: 1 } });
    });

    it("a lost callback is recovered by polling the bank's status, recorded once", async () => {
      // Prepare
      const { obligation, attempt } = await payByBank(world, { caseId: "C0101", amountYuan: "650.00" });
      const beforeSettlement = await world.poll({ obligationId: obligation.obligationId });
      const summary = await world.bank.simulator.flush();
      expect(summary).toMatchObject({ settled: 1, callbacksLost: 1, callbacksDelivered: 0 });
      expect((await world.store.getAttemptByInstruction(attempt.instructionId))?.status).toBe("instructed");

      // Act
      const polled = await world.poll({ obligationId: obligation.obligationId });
      const polledAgain = await world.poll({ obligationId: obligation.obligationId });

      // Assess
      const bankReference = world.bank.simulator.status(attempt.instructionId)?.bankReference;
      expect(beforeSettlement.outcome).toBe("pending");
      expect(polled).toMatchObject({ outcome: "confirmed", bankReference, attempt: 1 });
      expect(polledAgain).toEqual(polled);
      expect(await world.store.getAttemptByInstruction(attempt.instructionId)).toMatchObject({
        status: "confirmed",
        outcomeSource: "poll",
      });
      expect((await world.store.getObligation(obligation.obligationId))?.status).toBe("paid");
      expect(sentTaskSuccesses(world)).toHaveLength(0);
    });

    it("polling an instruction the bank never received says so, so the flow re-instructs", async () => {
      const obligation = await world.store.openObligation({
        caseId: "C0102",
        purpose: "advance",
        countyCode: "230123",
        township: "T-QINGHE",
        fund: "FUND-QINGHE",
        amountYuan: "120.00",
      });
      await world.store.startBankAttempt({
        obligationId: obligation.obligationId,
        attempt: 1,
        payee: applicantPayee(),
      });

      const polled = await world.poll({ obligationId: obligation.obligationId });

      expect(polled.outcome).toBe("not-received");
    });
  });

  describe("with a bank that knows a closed account", () => {
    const CLOSED = "6222020200999988887";
    beforeEach(async () => {
      world = await createPaymentWorld({ knobs: { closedAccounts: [CLOSED] } });
    });

    it("a failed transfer is recorded with its reason; the re-routed payment is paid once", async () => {
      // Prepare
      const { obligation } = await payByBank(world, {
        caseId: "C0201",
        amountYuan: "700.00",
        bankAccount: CLOSED,
      });

      // Act
      await world.bank.simulator.flush();
      const afterFailure = await world.store.getPayment(obligation.obligationId);
      await payByBank(world, { caseId: "C0201", amountYuan: "700.00", attempt: 2 });
      await world.bank.simulator.flush();

      // Assess
      expect(afterFailure?.obligation.status).toBe("awaiting-reroute");
      expect(afterFailure?.attempts[0]).toMatchObject({ status: "failed", reason: "account-closed" });
      const payment = await world.store.getPayment(obligation.obligationId);
      expect(payment?.obligation).toMatchObject({ status: "paid", paidAttempt: 2 });
      expect(sentTaskSuccesses(world).map((s) => s.output)).toEqual([
        { outcome: "failed", reason: "account-closed", bankReference: expect.any(String) },
        { outcome: "confirmed", bankReference: expect.any(String) },
      ]);
      expect(world.bank.simulator.stats()).toMatchObject({
        confirmed: 1,
        failed: 1,
        confirmedAmountYuan: "700.00",
      });
      await expect(
        world.store.startBankAttempt({
          obligationId: obligation.obligationId,
          attempt: 3,
          payee: applicantPayee(),
        }),
      ).rejects.toBeInstanceOf(PaymentStateError);
    });
  });

  describe("cash (DOMAIN §3.3)", () => {
    beforeEach(async () => {
      world = await createPaymentWorld();
    });

    const openCashObligation = (caseId: string, amountYuan: string) =>
      world.store.openObligation({
        caseId,
        purpose: "advance",
        countyCode: "230123",
        township: "T-QINGHE",
        fund: "FUND-QINGHE",
        amountYuan,
      });
    const signatures = {
      receiverName: "王小明",
      receiverSignatureRef: "doc://signatures/receiver-1.png",
      officerSignatureRef: "doc://signatures/officer-1.png",
      officerId: "officer-li",
    };

    it("a cash hand-over is recorded with both signatures and a confirmation for reconciliation", async () => {
      const obligation = await openCashObligation("C0304", "1000.00");

      const attempt = await world.store.recordCashPayment({
        obligationId: obligation.obligationId,
        attempt: 1,
        ...signatures,
      });
      const again = await world.store.recordCashPayment({
        obligationId: obligation.obligationId,
        attempt: 1,
        ...signatures,
      });

      expect(attempt).toMatchObject({ method: "cash", status: "confirmed", cash: signatures });
      expect(again).toEqual(attempt);
      expect((await world.store.getObligation(obligation.obligationId))?.status).toBe("paid");
      expect(
        await world.store.findConfirmationByBankReference(attempt.bankReference as string),
      ).toMatchObject({
        method: "cash",
        amountYuan: "1000.00",
      });
    });
  });
});
