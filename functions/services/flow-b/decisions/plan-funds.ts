/** The fund was replenished (DOMAIN §4.4): the commitment of the approved plan is retried now. */
import type { Actor } from "#core/access/index.ts";
import { authorizeOnCase } from "../../case-access.ts";
import type { FlowDeps } from "../../ports.ts";
import { type DecisionResponse, fundIdOf, recordDecision, waitingTask } from "../../steps/decision.ts";

export async function resumePlanFunds(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  correlationId: string,
): Promise<DecisionResponse> {
  const record = await deps.cases.get(caseId);
  authorizeOnCase(actor, "fund.allocate", record);
  await waitingTask(deps, caseId, "plan-funds");
  const fund = await deps.ledger.fund(fundIdOf(record.townshipId));
  return recordDecision(deps, {
    actor,
    action: "fund.allocate",
    record,
    taskType: "plan-funds",
    decision: { resumed: true, availableYuan: fund?.availableYuan ?? null },
    output: { resumed: true },
    change: () => ({}),
    why: "fund replenished; commitment retried",
    correlationId,
  });
}
