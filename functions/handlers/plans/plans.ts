/**
 * Flow B's HTTP endpoints (DOMAIN §4): filing straight into staged assistance, the human steps
 * (assessment, objection, approval, fund replenished, stage re-check, suspicion) and two views.
 * Every step: parse (zod) → authorize in the service (role, scope, maker ≠ checker) → record the
 * decision + audit → resume the execution. A repeated or late decision is a 409 that changed nothing.
 */
import { CaseParams, created, httpHandler, httpRouter, ok } from "#functions/http/index.ts";
import { authorizeAnyOnCase } from "#functions/services/case-access.ts";
import { PlanViewSchema, PublicNoticeSchema } from "#functions/services/case-answers.ts";
import { flowDeps } from "#functions/services/deps.ts";
import { ApprovalSchema, decideApproval } from "#functions/services/flow-b/decisions/approval.ts";
import {
  AssessmentResultSchema,
  AssessmentSchema,
  recordAssessment,
} from "#functions/services/flow-b/decisions/assessment.ts";
import { ObjectionSchema, recordObjection } from "#functions/services/flow-b/decisions/objection.ts";
import { resumePlanFunds } from "#functions/services/flow-b/decisions/plan-funds.ts";
import { RecheckSchema, recordRecheck } from "#functions/services/flow-b/decisions/recheck.ts";
import {
  raiseSuspicion,
  SuspicionResultSchema,
  SuspicionSchema,
} from "#functions/services/flow-b/decisions/suspicion.ts";
import {
  FileStagedCaseSchema,
  FlowBFilingResultSchema,
  fileStagedCase,
} from "#functions/services/flow-b/filing.ts";
import type { FlowBCase } from "#functions/services/flow-b/plan-record.ts";
import { planView, publicNotice } from "#functions/services/flow-b/view.ts";
import { DecisionResponseSchema } from "#functions/services/steps/decision.ts";
import { filingActor } from "#functions/services/steps/filing.ts";

const tags = ["flow-b"];
/** What a decision route answers: the decision as recorded. */
const response = { status: 200, schema: DecisionResponseSchema };

const file = httpHandler({
  route: "POST /plans",
  body: FileStagedCaseSchema,
  actions: ["case.file", "case.fileOnBehalf"],
  summary: "File for staged assistance (Flow B): long hardship or an amount above the policy threshold",
  description:
    "As POST /cases, plus the expected duration and an estimated total; shorter and smaller hardship is refused with a pointer to Flow A.",
  tags,
  response: { status: 201, schema: FlowBFilingResultSchema },
  handler: async ({ body, actor, correlationId }) => {
    const result = await fileStagedCase(flowDeps(), filingActor(actor, body.townshipId), body, correlationId);
    return result.existing ? ok(result) : created(result);
  },
});

const assessment = httpHandler({
  route: "POST /plans/{caseId}/assessment",
  params: CaseParams,
  body: AssessmentSchema,
  summary:
    "Record the investigation and assessment: household, income, rigid expenditure → total and stage plan",
  description:
    "Township officer. The officer may adjust the monthly amounts within policy (with a reason); every version is audited.",
  tags,
  response: { status: 200, schema: AssessmentResultSchema },
  action: "plan.assess",
  handler: ({ params, body, actor, correlationId }) =>
    recordAssessment(flowDeps(), actor, params.caseId, body, correlationId),
});

const objection = httpHandler({
  route: "POST /plans/{caseId}/objections",
  params: CaseParams,
  body: ObjectionSchema,
  summary: "Record an objection received during the public notice: the case goes back to the officer",
  tags,
  response,
  action: "notice.objection.record",
  handler: ({ params, body, actor, correlationId }) =>
    recordObjection(flowDeps(), actor, params.caseId, body, correlationId),
});

const approval = httpHandler({
  route: "POST /plans/{caseId}/approval",
  params: CaseParams,
  body: ApprovalSchema,
  summary:
    "Approve or reject the whole plan: township approver within the ceiling, county above; never who handled it",
  tags,
  response,
  action: "plan.approve",
  handler: ({ params, body, actor, correlationId }) =>
    decideApproval(flowDeps(), actor, params.caseId, body, correlationId),
});

const fundReplenished = httpHandler({
  route: "POST /plans/{caseId}/fund-replenished",
  params: CaseParams,
  summary: "County finance: the township fund was replenished — commit the approved plan now",
  tags,
  response,
  action: "fund.allocate",
  handler: ({ params, actor, correlationId }) =>
    resumePlanFunds(flowDeps(), actor, params.caseId, correlationId),
});

const recheck = httpHandler({
  route: "POST /plans/{caseId}/recheck",
  params: CaseParams,
  body: RecheckSchema,
  summary:
    "Dated re-check of the due stage: still in hardship → pay it; covered by 低保/特困, moved, died, recovered → stop and release",
  tags,
  response,
  action: "stage.recheck",
  handler: ({ params, body, actor, correlationId }) =>
    recordRecheck(flowDeps(), actor, params.caseId, body, correlationId),
});

const suspicion = httpHandler({
  route: "POST /plans/{caseId}/suspicions",
  params: CaseParams,
  body: SuspicionSchema,
  actions: ["stage.recheck", "case.escalation.decide"],
  summary:
    "Record suspicious data: it opens a check for the next re-check and never stops the plan by itself",
  tags,
  response: { status: 200, schema: SuspicionResultSchema },
  handler: ({ params, body, actor, correlationId }) =>
    raiseSuspicion(flowDeps(), actor, params.caseId, body, correlationId),
});

const view = httpHandler({
  route: "GET /plans/{caseId}",
  params: CaseParams,
  summary:
    "The plan: stages with their re-checks and payments, notice, objections, approval, commitment, tasks",
  tags,
  response: { status: 200, schema: PlanViewSchema },
  handler: async ({ params, actor }) => {
    const deps = flowDeps();
    const record = (await deps.cases.get(params.caseId)) as FlowBCase;
    authorizeAnyOnCase(actor, ["case.read", "case.readOwn"], record);
    return planView(deps, record);
  },
});

const notice = httpHandler({
  route: "GET /plans/{caseId}/notice",
  public: true,
  params: CaseParams,
  summary: "The public notice (公示) of a plan: personal data masked",
  tags,
  response: { status: 200, schema: PublicNoticeSchema },
  handler: async ({ params }) => publicNotice((await flowDeps().cases.get(params.caseId)) as FlowBCase),
});

export const handler = httpRouter(
  file,
  assessment,
  objection,
  approval,
  fundReplenished,
  recheck,
  suspicion,
  view,
  notice,
);
