/**
 * The payment-step tasks of Flow A (functions/services/payment-step.ts): `PayAid` (waitForTaskToken:
 * the bank instruction of the entry `DrawAid` drew through the fund's queue),
 * `PayInCash`, `ReversePayment` (`PollPaymentStatus` is the payments module's own task). Purpose `advance` draws as an advance,
 * `follow-up` as follow-up aid (DOMAIN §5 draw kinds).
 */
import * as z from "zod";
import { payByBank, payInCash, reversePayment } from "#functions/services/payment-step.ts";
import { CaseTaskSchema, taskHandler } from "#functions/services/steps/task-handler.ts";

const PaymentTaskSchema = CaseTaskSchema.extend({ purpose: z.enum(["advance", "follow-up"]) });

function step(event: z.output<typeof PaymentTaskSchema>) {
  return {
    caseId: event.caseId,
    purpose: event.purpose,
    correlationId: event.correlationId,
    drawKind: event.purpose,
    flow: "A" as const,
  };
}

/** What `DrawAid` (the fund's draw queue, functions/services/ledger-draws.ts) answered. */
const DrawnSchema = z.object({
  outcome: z.enum(["applied", "duplicate", "already-paid"]),
  entryId: z.string().min(1).optional(),
});

export const payAid = taskHandler(
  PaymentTaskSchema.extend({ taskToken: z.string().min(1), draw: DrawnSchema }),
  async (event, deps) => {
    const { entryId, outcome } = event.draw;
    await payByBank(deps, {
      ...step(event),
      taskToken: event.taskToken,
      drawn: { outcome, ...(entryId ? { entryId } : {}) },
    });
    return { instructed: true };
  },
);

export const payCash = taskHandler(PaymentTaskSchema, (event, deps) => payInCash(deps, step(event)));

export const reverse = taskHandler(PaymentTaskSchema, (event, deps) => reversePayment(deps, step(event)));
