/**
 * A failed payment re-routed to another own account (DOMAIN §3.3): the payee is checked (the
 * applicant, or a guardian or agent with the reason), the account stored sealed, never in clear.
 */
import * as z from "zod";
import { checkPayee, type PayeeRecord } from "#adapters/payments/payee.ts";
import type { Actor } from "#core/access/index.ts";
import { authorizeOnCase } from "../../case-access.ts";
import type { FlowDeps } from "../../ports.ts";
import { type DecisionResponse, recordDecision, waitingTask } from "../../steps/decision.ts";
import { Reason } from "./common.ts";

export const RerouteSchema = z
  .object({
    payee: z.object({
      kind: z.enum(["applicant", "guardian", "agent"]).default("applicant"),
      name: z.string().trim().min(1).max(100),
      bankName: z.string().trim().min(1).max(100),
      bankAccount: z.string().trim().min(8).max(40),
      exceptionReason: z.string().trim().max(500).optional(),
    }),
    reason: Reason.optional(),
  })
  .strict();
export type RerouteRequest = z.output<typeof RerouteSchema>;

export async function reroutePayment(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: RerouteRequest,
  correlationId: string,
): Promise<DecisionResponse> {
  const record = await deps.cases.get(caseId);
  authorizeOnCase(actor, "payment.reroute", record);
  await waitingTask(deps, caseId, "payment-route");
  const payee: PayeeRecord = checkPayee(
    record.applicant.name,
    {
      kind: request.payee.kind,
      name: request.payee.name,
      bankName: request.payee.bankName,
      bankAccount: request.payee.bankAccount,
      ...(request.payee.exceptionReason ? { exceptionReason: request.payee.exceptionReason } : {}),
    },
    deps.payeeHashSecret(),
  );
  const sealed = await deps.accounts.seal(request.payee.bankAccount);
  return recordDecision(deps, {
    actor,
    action: "payment.reroute",
    record,
    taskType: "payment-route",
    // Recorded without the account number: its keyed hash and masked form only.
    decision: { method: "bank", payee, ...(request.reason ? { reason: request.reason } : {}) },
    output: { method: "bank" },
    change: () => ({
      set: {
        payout: {
          method: "bank",
          bank: { holderName: payee.name, bankName: payee.bankName, ...sealed },
          ...(payee.kind !== "applicant"
            ? { payeeKind: payee.kind, exceptionReason: payee.exceptionReason }
            : {}),
        },
      },
      event: { type: "payment.started" },
    }),
    handledBy: true,
    before: { method: record.payout.method, accountMasked: record.payout.bank?.accountMasked },
    why: request.reason ?? "payment re-routed",
    correlationId,
  });
}
