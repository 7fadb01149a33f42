/**
 * The payment-step tasks of Flow A (functions/services/payment-step.ts): `PayAid` (waitForTaskToken),
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

export const payAid = taskHandler(
  PaymentTaskSchema.extend({ taskToken: z.string().min(1) }),
  async (event, deps) => {
    await payByBank(deps, { ...step(event), taskToken: event.taskToken });
    return { instructed: true };
  },
);

export const payCash = taskHandler(PaymentTaskSchema, (event, deps) => payInCash(deps, step(event)));

export const reverse = taskHandler(PaymentTaskSchema, (event, deps) => reversePayment(deps, step(event)));
