/**
 * Filing into Flow A (DOMAIN §3.1): an applicant — or a township officer on their behalf (代为申请/
 * 主动发现) — files at the township where the emergency happened. Household registration and
 * residence are recorded, never used to decide (DOMAIN §2.1). The case is created with the policy
 * version in force and the advance the rules propose; the request, the intake and the start of the
 * execution are shared with Flow B's filing (steps/filing.ts).
 */
import * as z from "zod";
import type { CaseRecord, PayoutRoute } from "#adapters/case-store.ts";
import type { Actor } from "#core/access/index.ts";
import { advanceDecisionDueAt, assessAdvance, filedState, registrationOf } from "#core/cases/index.ts";
import { AidFlowError } from "#core/errors.ts";
import { Yuan } from "#core/money/index.ts";
import type { ResolvedPolicy } from "#core/policy/index.ts";
import { config } from "#functions/runtime/config.ts";
import type { FlowSettings } from "#functions/runtime/flow-settings.ts";
import { notifyApplicationReceived } from "../messages/notify.ts";
import type { FlowDeps } from "../ports.ts";
import {
  authorizeFiling,
  type FileCaseRequest,
  FiledCaseSchema,
  filedCase,
  fileInto,
  startFirstExecution,
} from "../steps/filing.ts";

/** What filing into Flow A answers (the route's response schema). */
export const FileCaseResultSchema = FiledCaseSchema.extend({
  assessment: z
    .object({
      eligible: z.boolean(),
      amountYuan: z.string(),
      approvalLevel: z.string(),
      paymentMethods: z.array(z.string()),
      reasons: z.array(z.string()),
    })
    .optional()
    .meta({ description: "The advance the rules propose (same for any registration or document)" }),
}).meta({ id: "FileCaseResult" });
export type FileCaseResult = z.output<typeof FileCaseResultSchema>;

export interface FlowAExecutionInput {
  caseId: string;
  countyId: string;
  townshipId: string;
  correlationId: string;
  policyVersionId: string;
  advanceDecisionTimeoutSeconds: number;
  payout: { method: PayoutRoute["method"] };
  settings: FlowSettings;
  done: Record<string, never>;
  /** The round counter (workflows/flow-a.asl.json): written here so the execution starts with no state of its own for it. */
  loop: { rounds: 0; generation: 1 };
}

/** The deployment has no Flow A state machine configured: a server problem, reported as such (503). */
export class WorkflowUnavailableError extends AidFlowError {
  readonly statusCode = 503;
  readonly code = "WORKFLOW_UNAVAILABLE";
  constructor() {
    super(
      "Applications cannot be accepted right now: the Flow A workflow is not configured",
      "暂时无法受理申请：先行救助流程未配置",
    );
  }
}

export function flowAInput(
  record: CaseRecord,
  policy: ResolvedPolicy,
  settings: FlowSettings = config().flow,
): FlowAExecutionInput {
  const filedAt = Date.parse(record.filedAt);
  const dueAt = advanceDecisionDueAt(filedAt, policy);
  return {
    caseId: record.caseId,
    countyId: record.countyId,
    townshipId: record.townshipId,
    correlationId: record.correlationId,
    policyVersionId: record.policyVersionId,
    // DOMAIN §3.2: the approver's response time (core's deadline after the filing) is the wait's
    // timeout (TimeoutSecondsPath), counted from when the wait opens.
    advanceDecisionTimeoutSeconds: Math.round((dueAt.getTime() - filedAt) / 1000),
    payout: { method: record.payout.method },
    settings,
    done: {},
    loop: { rounds: 0, generation: 1 },
  };
}

export async function fileCase(
  deps: FlowDeps,
  actor: Actor,
  request: FileCaseRequest,
  correlationId: string,
): Promise<FileCaseResult> {
  authorizeFiling(actor, request);
  // Fail before anything is written when the deployment has no Flow A to start (a rejected request writes nothing).
  if (!deps.stateMachines.flowA) throw new WorkflowUnavailableError();
  const policy = await deps.policy.resolve(actor.countyId, request.townshipId, deps.now());
  const { record, existing } = await fileInto(deps, actor, request, policy, correlationId, {
    fields: () => ({
      status: filedState("A"),
      flow: "A",
      ...(request.requestedAmountYuan
        ? { requestedAmountYuan: Yuan.parse(request.requestedAmountYuan).toString() }
        : {}),
      assessment: proposedAdvance(actor, request, policy),
    }),
    why: request.onBehalf ? `on behalf: ${request.onBehalf.reason}` : "application",
    whyOnRestart: (found) => (found.filedBy.onBehalf ? "on behalf" : "application"),
    unstarted: (found) =>
      found.flow === "A" && found.status === "awaiting-advance-decision" && !found.executionName,
    start: (found) => startFlowA(deps, found, policy),
  });
  await notifyApplicationReceived(deps, record, policy.advanceResponseTimeHours);
  return {
    ...filedCase(record, existing),
    ...(record.assessment ? { assessment: record.assessment } : {}),
  };
}

/**
 * The advance the rules propose to the approver: cause, amount and policy only — the core never
 * reads the registration or the document kind it is given (DOMAIN §2.1, core/cases eligibility).
 */
function proposedAdvance(
  actor: Actor,
  request: FileCaseRequest,
  policy: ResolvedPolicy,
): NonNullable<CaseRecord["assessment"]> {
  const assessment = assessAdvance(
    {
      countyId: actor.countyId,
      townshipId: request.townshipId,
      cause: request.hardship.cause,
      requestedAmountYuan: request.requestedAmountYuan ? Yuan.parse(request.requestedAmountYuan) : Yuan.zero,
      irreversibleHarmIfDelayed: request.irreversibleHarmIfDelayed,
      identityDocument: request.applicant.document,
      householdRegistration: registrationOf(request.applicant.registration),
    },
    policy,
  );
  return {
    eligible: assessment.eligible,
    amountYuan: assessment.amountYuan.toString(),
    approvalLevel: assessment.approvalLevel,
    paymentMethods: assessment.paymentMethods,
    reasons: assessment.reasons,
  };
}

async function startFlowA(deps: FlowDeps, record: CaseRecord, policy: ResolvedPolicy): Promise<void> {
  const arn = deps.stateMachines.flowA;
  if (!arn) throw new WorkflowUnavailableError();
  await startFirstExecution(deps, arn, record.caseId, flowAInput(record, policy));
}
