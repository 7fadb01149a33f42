/**
 * `POST /cases/{caseId}/withdraw` — the applicant withdraws their own open case, or a township
 * officer does it on their behalf, until a payment is drawn (422 after; 409 when already withdrawn).
 * No action is declared on the route: the handler checks `case.withdraw` (the applicant) or
 * `case.fileOnBehalf` (the officer acting for them) on the case.
 */
import { CaseParams, httpHandler } from "#functions/http/index.ts";
import { flowDeps } from "#functions/services/deps.ts";
import {
  WithdrawResultSchema,
  WithdrawSchema,
  withdrawCase,
} from "#functions/services/queries/withdrawal.ts";

export const handler = httpHandler({
  route: "POST /cases/{caseId}/withdraw",
  params: CaseParams,
  body: WithdrawSchema,
  actions: ["case.withdraw", "case.fileOnBehalf"],
  summary: "Withdraw an application that has not been paid (applicant, or an officer on their behalf)",
  description:
    "The case becomes `withdrawn`, its open tasks close, its execution is stopped (ABORTED) and the " +
    "audit trail records who and why. Refused with 422 once aid is approved or a payment is drawn; " +
    "a repeated withdrawal is a 409.",
  tags: ["queries"],
  response: { status: 200, schema: WithdrawResultSchema },
  handler: ({ params, body, actor, correlationId }) =>
    withdrawCase(flowDeps(), actor, params.caseId, body, correlationId),
});
