/**
 * The human steps of Flow A, one route each. Every route: parse (zod) → authorize in the service
 * (role, township scope, maker ≠ checker) → record the decision + audit → resume the execution.
 * A repeated or late decision is a 409 that changed nothing.
 */
import { accepted, CaseParams, httpHandler, httpRouter } from "#functions/http/index.ts";
import { flowDeps, forInvocation } from "#functions/services/deps.ts";
import { PendingPaperworkSchema } from "#functions/services/flow-a/co-signature.ts";
import {
  AdditionalAidDecisionSchema,
  decideAdditionalAid,
} from "#functions/services/flow-a/decisions/additional-aid.ts";
import { AdvanceDecisionSchema, decideAdvance } from "#functions/services/flow-a/decisions/advance.ts";
import { CashPaymentSchema, routeToCash } from "#functions/services/flow-a/decisions/cash.ts";
import { FollowUpSchema, recordFollowUp } from "#functions/services/flow-a/decisions/follow-up.ts";
import { resumeFundWait } from "#functions/services/flow-a/decisions/fund-wait.ts";
import { PaperworkSchema, recordPaperwork } from "#functions/services/flow-a/decisions/paperwork.ts";
import {
  RecoveryReceiptSchema,
  recordRecoveryReceipt,
} from "#functions/services/flow-a/decisions/recovery.ts";
import { RerouteSchema, reroutePayment } from "#functions/services/flow-a/decisions/reroute.ts";
import { DecisionResponseSchema } from "#functions/services/steps/decision.ts";

export const tags = ["flow-a"];
/** What every decision route answers: the decision as recorded. */
const response = { status: 200, schema: DecisionResponseSchema };

const advanceDecision = httpHandler({
  route: "POST /cases/{caseId}/advance-decision",
  params: CaseParams,
  body: AdvanceDecisionSchema,
  actions: ["advance.decide", "case.escalation.decide"],
  summary: "Approve (amount ≤ the advance ceiling) or reject the advance aid",
  description:
    "Township approver; after escalation also county civil affairs. Never an approver who handled the case.",
  tags,
  response,
  handler: ({ params, body, actor, correlationId }) =>
    decideAdvance(forInvocation(flowDeps()), actor, params.caseId, body, correlationId),
});

const escalationDecision = httpHandler({
  route: "POST /cases/{caseId}/escalation-decision",
  params: CaseParams,
  body: AdvanceDecisionSchema,
  summary: "County decision on an escalated advance (same body as advance-decision)",
  tags,
  response,
  action: "case.escalation.decide",
  handler: ({ params, body, actor, correlationId }) =>
    decideAdvance(forInvocation(flowDeps()), actor, params.caseId, body, correlationId),
});

const reroute = httpHandler({
  route: "POST /cases/{caseId}/reroute",
  params: CaseParams,
  body: RerouteSchema,
  summary: "Route the payment to another own account (guardian/agent only as an explained exception)",
  tags,
  response,
  action: "payment.reroute",
  handler: ({ params, body, actor, correlationId }) =>
    reroutePayment(forInvocation(flowDeps()), actor, params.caseId, body, correlationId),
});

const cashPayment = httpHandler({
  route: "POST /cases/{caseId}/cash-payment",
  params: CaseParams,
  body: CashPaymentSchema,
  summary: "Pay in cash: urgent cases only, within the cash ceiling, with both signatures",
  tags,
  response,
  action: "payment.cash",
  handler: ({ params, body, actor, correlationId }) =>
    routeToCash(forInvocation(flowDeps()), actor, params.caseId, body, correlationId),
});

const paperwork = httpHandler({
  route: "POST /cases/{caseId}/paperwork",
  params: CaseParams,
  body: PaperworkSchema,
  summary:
    "Record the paperwork (补齐手续): investigators, economic check, facts, good-faith basis — 202 until co-signed",
  description:
    "Investigators: active officers of the case's township, distinct, never the applicant or the approver " +
    "who decided the advance; visits between the filing and today. The other investigators confirm with " +
    "POST /cases/{caseId}/paperwork/co-sign; only then is the paperwork decided.",
  tags,
  response: { status: 202, schema: PendingPaperworkSchema },
  action: "paperwork.record",
  handler: async ({ params, body, actor, correlationId }) =>
    accepted(await recordPaperwork(forInvocation(flowDeps()), actor, params.caseId, body, correlationId)),
});

const followUp = httpHandler({
  route: "POST /cases/{caseId}/follow-up",
  params: CaseParams,
  body: FollowUpSchema,
  summary: "Follow-up (跟进救助): additional aid, staged assistance, referral, recovery and/or close",
  tags,
  response,
  action: "followUp.propose",
  handler: ({ params, body, actor, correlationId }) =>
    recordFollowUp(forInvocation(flowDeps()), actor, params.caseId, body, correlationId),
});

const additionalAidDecision = httpHandler({
  route: "POST /cases/{caseId}/additional-aid-decision",
  params: CaseParams,
  body: AdditionalAidDecisionSchema,
  actions: ["amount.approveWithinCeiling", "amount.approveAboveCeiling", "case.coordination.decide"],
  summary: "Approve or reject additional aid at the level it needs (township, county, 一事一议)",
  tags,
  response,
  handler: ({ params, body, actor, correlationId }) =>
    decideAdditionalAid(forInvocation(flowDeps()), actor, params.caseId, body, correlationId),
});

const recovery = httpHandler({
  route: "POST /cases/{caseId}/recovery",
  params: CaseParams,
  body: RecoveryReceiptSchema,
  summary: "Record money recovered (追回); it returns to the township fund",
  tags,
  response,
  action: "recovery.record",
  handler: ({ params, body, actor, correlationId }) =>
    recordRecoveryReceipt(forInvocation(flowDeps()), actor, params.caseId, body, correlationId),
});

const fundReplenished = httpHandler({
  route: "POST /cases/{caseId}/fund-replenished",
  params: CaseParams,
  summary: "County finance: the fund was replenished — retry the payment waiting for money now",
  tags,
  response,
  action: "fund.allocate",
  handler: ({ params, actor, correlationId }) =>
    resumeFundWait(forInvocation(flowDeps()), actor, params.caseId, correlationId),
});

export const handler = httpRouter(
  advanceDecision,
  escalationDecision,
  reroute,
  cashPayment,
  paperwork,
  followUp,
  additionalAidDecision,
  recovery,
  fundReplenished,
);
