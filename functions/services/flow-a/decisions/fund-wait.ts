/**
 * The fund was replenished (DOMAIN §4.4, §6): the payment waiting for money is retried. County
 * finance's top-up answers the wait; two top-ups are two decisions, the first one wins.
 */
import type { Actor } from "#core/access/index.ts";
import { authorizeOnCase } from "../../case-access.ts";
import type { FlowDeps } from "../../ports.ts";
import { type DecisionResponse, recordDecision, waitingTask } from "../../steps/decision.ts";

export async function resumeFundWait(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  correlationId: string,
  /** The top-up (its ledger entry id) that resumes the case: two top-ups are two decisions, one wins. */
  topUpEntryId?: string,
): Promise<DecisionResponse> {
  const record = await deps.cases.get(caseId);
  authorizeOnCase(actor, "fund.allocate", record);
  await waitingTask(deps, caseId, "fund-replenishment");
  return recordDecision(deps, {
    actor,
    action: "fund.allocate",
    record,
    taskType: "fund-replenishment",
    decision: { resumed: true, ...(topUpEntryId ? { topUp: topUpEntryId } : {}) },
    output: { resumed: true },
    change: () => ({
      set: {},
      event: { type: "payment.started" },
      expectStatus: ["awaiting-fund-replenishment"],
    }),
    why: "fund replenished; payment retried",
    correlationId,
  });
}
