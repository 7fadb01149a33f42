/**
 * Issue 8, "what must be shown": 1,000 payments through the bank simulator, the signed callback
 * handler and the payment store, with 10 % failed transfers (re-routed and paid again under the same
 * obligation) and 5 % duplicate callbacks. Each obligation is confirmed exactly once, duplicates
 * change nothing, and the bank's confirmed total equals the obligations' total.
 */
import { SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Yuan } from "#core/money/index.ts";
import { APPLICANT, applicantPayee, createPaymentWorld, type PaymentWorld } from "./harness.ts";

const PAYMENTS = 1_000;
const CONCURRENCY = 16;
/** Re-routing stops after this many rounds; with a 10 % failure rate three are expected. */
const MAX_ROUNDS = 8;

async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/** Another own account of the applicant for attempt n (re-route after a failure). */
const accountFor = (attempt: number) => `62220202001122${String(33445 + attempt).padStart(5, "0")}`;

describe("a run of 1,000 bank payments with failures and duplicate callbacks", () => {
  let world: PaymentWorld;
  beforeAll(async () => {
    world = await createPaymentWorld({
      seed: 2026,
      knobs: { failureRate: 0.1, duplicateCallbackRate: 0.05, lostCallbackRate: 0 },
    });
  });
  afterAll(async () => {
    await world.close();
  });

  it("every obligation is confirmed exactly once and duplicate callbacks are ignored", {
    timeout: 400_000,
  }, async () => {
    // Prepare: 1,000 obligations with varied amounts (¥100.00 + i × ¥0.37).
    const obligations = await Promise.all(
      Array.from({ length: PAYMENTS }, (_, i) => i).map(async (i) => ({
        caseId: `R${String(i).padStart(5, "0")}`,
        amountYuan: Yuan.parse("100.00")
          .plus(Yuan.fromFen(37 * i))
          .toString(),
      })),
    );
    const opened: { obligationId: string; caseId: string; amountYuan: string }[] = [];
    await inParallel(obligations, CONCURRENCY, async (o) => {
      const obligation = await world.store.openObligation({
        ...o,
        purpose: "advance",
        countyCode: "230123",
        township: "T-QINGHE",
        fund: "FUND-QINGHE",
      });
      opened.push({
        obligationId: obligation.obligationId,
        caseId: o.caseId,
        amountYuan: obligation.amountYuan,
      });
    });

    // Act: instruct, let the bank settle, re-route what failed, until nothing is left to pay.
    let toPay = opened.map((o) => ({ ...o, attempt: 1 }));
    const failuresPerRound: number[] = [];
    let instructions = 0;
    for (let round = 1; toPay.length > 0 && round <= MAX_ROUNDS; round++) {
      await inParallel(toPay, CONCURRENCY, async (o) => {
        const account = accountFor(o.attempt);
        const attempt = await world.store.startBankAttempt({
          obligationId: o.obligationId,
          attempt: o.attempt,
          payee: applicantPayee(account),
          taskToken: `token-${o.obligationId}-${o.attempt}`,
        });
        await world.gateway.instruct({
          instructionId: attempt.instructionId,
          amountYuan: o.amountYuan,
          payee: { ...APPLICANT, bankAccount: account },
          township: "T-QINGHE",
          fund: "FUND-QINGHE",
          callbackUrl: world.callbackUrl,
          reference: o.caseId,
        });
      });
      instructions += toPay.length;
      await world.bank.simulator.flush();
      const next: typeof toPay = [];
      await inParallel(toPay, CONCURRENCY, async (o) => {
        const obligation = await world.store.getObligation(o.obligationId);
        if (obligation?.status === "awaiting-reroute") next.push({ ...o, attempt: o.attempt + 1 });
      });
      failuresPerRound.push(next.length);
      toPay = next;
    }

    // Assess
    const payments: Awaited<ReturnType<typeof world.store.getPayment>>[] = [];
    await inParallel(opened, CONCURRENCY, async (o) => {
      payments.push(await world.store.getPayment(o.obligationId));
    });
    const confirmedAttempts = payments.flatMap(
      (p) => p?.attempts.filter((a) => a.status === "confirmed") ?? [],
    );
    const failedAttempts = payments.flatMap((p) => p?.attempts.filter((a) => a.status === "failed") ?? []);
    const bank = world.bank.simulator.stats();
    const resumes = world.sfnMock.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input.taskToken);
    const duplicatesIgnored = world.logger.lines.filter(
      (l) => l.message === "duplicate payment outcome ignored" && l.attributes?.source === "callback",
    ).length;
    const obligationTotal = Yuan.sum(opened.map((o) => Yuan.parse(o.amountYuan)));
    const confirmedTotal = Yuan.sum(confirmedAttempts.map((a) => Yuan.parse(a.amountYuan)));

    console.log(
      [
        `payments: ${PAYMENTS} obligations, ${instructions} instructions in ${failuresPerRound.length} rounds`,
        `failed transfers per round (re-routed): ${failuresPerRound.join(" → ")}; by reason ${JSON.stringify(bank.failuresByReason)}`,
        `callbacks delivered ${bank.callbacksDelivered}, duplicates delivered ${bank.duplicatesDelivered}, duplicates ignored ${duplicatesIgnored}`,
        `flow steps resumed ${resumes.length}; confirmations ${confirmedAttempts.length}`,
        `obligations ${obligationTotal.format()} = confirmed in store ${confirmedTotal.format()} = confirmed at bank ${Yuan.parse(bank.confirmedAmountYuan).format()}`,
      ].join("\n"),
    );

    expect(toPay).toEqual([]);
    expect(payments.every((p) => p?.obligation.status === "paid")).toBe(true);
    for (const p of payments) expect(p?.attempts.filter((a) => a.status === "confirmed")).toHaveLength(1);
    expect(confirmedAttempts).toHaveLength(PAYMENTS);
    expect(new Set(confirmedAttempts.map((a) => a.bankReference)).size).toBe(PAYMENTS);
    expect(bank).toMatchObject({
      instructions,
      confirmed: PAYMENTS,
      failed: failedAttempts.length,
      accepted: 0,
    });
    expect(failuresPerRound[0]).toBeGreaterThan(PAYMENTS * 0.05);
    expect(failuresPerRound[0]).toBeLessThan(PAYMENTS * 0.15);
    expect(bank.duplicatesDelivered).toBeGreaterThan(0);
    expect(duplicatesIgnored).toBe(bank.duplicatesDelivered);
    expect(resumes).toHaveLength(instructions);
    expect(new Set(resumes).size).toBe(instructions);
    expect(confirmedTotal.equals(obligationTotal)).toBe(true);
    expect(Yuan.parse(bank.confirmedAmountYuan).equals(obligationTotal)).toBe(true);
  });
});
