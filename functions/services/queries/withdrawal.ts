/**
 * Withdrawal (撤回申请, DOMAIN §1: the applicant may withdraw; an officer may do it on their behalf,
 * as they may file on their behalf). Allowed while the case has not been paid: the core lifecycle
 * (core/cases `canTransition`, event `case.withdrawn`) decides from the case's status, and a drawn
 * payment refuses it whatever the state (422). Order of effects, each safe to repeat:
 *   1. the case item moves to `withdrawn`, conditional on the version the refusal rules were judged
 *      on (a decision whose effects land first wins, and the withdrawal is refused); a decision
 *      recorded on its task but not yet carried into the case refuses it too (409). From then on the
 *      case store refuses every other change (case-store.ts): a decision or flow step that comes
 *      later fails with 409 and moves no money;
 *   2. its open human tasks are closed, so nobody can decide it any more;
 *   3. the execution is stopped (StopExecution through @aws-sdk/client-sfn, ABORTED);
 *   4. the open-case guard is released (the person may file again) and the audit trail appended.
 * A repeated withdrawal is a 409 — after finishing 2–4 in case a first attempt stopped half-way.
 */
import { StopExecutionCommand } from "@aws-sdk/client-sfn";
import * as z from "zod";
import type { CaseRecord } from "#adapters/case-store.ts";
import { obligationIdFor } from "#adapters/payments/gateway.ts";
import { sfnClient } from "#adapters/step-functions.ts";
import type { Actor } from "#core/access/index.ts";
import { canTransition } from "#core/cases/index.ts";
import { BusinessRuleError, ConflictError } from "#core/errors.ts";
import { caseStatusZh, taskTypeZh, zhDateTime } from "#core/labels/index.ts";
import { bilingual } from "#functions/http/index.ts";
import { authorizeAnyOnCase } from "#functions/services/case-access.ts";
import { executionArnOf } from "#functions/services/executions.ts";
import { planOf, stagePurpose } from "#functions/services/flow-b/plan-record.ts";
import { notifyWithdrawn } from "#functions/services/messages/notify.ts";
import type { FlowDeps } from "#functions/services/ports.ts";
import { WITHDRAWN_STATUS } from "./case-list.ts";

/** A reason is a sentence, not a tick box; long enough to say why, short enough for the audit trail. */
const REASON_CHARS_MIN = 2;
const REASON_CHARS_MAX = 500;

export const WithdrawSchema = z
  .object({
    reason: z
      .string()
      .trim()
      .min(REASON_CHARS_MIN, bilingual("Say why the application is withdrawn", "请填写撤回原因"))
      .max(
        REASON_CHARS_MAX,
        bilingual(`At most ${REASON_CHARS_MAX} characters`, `不能超过 ${REASON_CHARS_MAX} 个字`),
      ),
  })
  .strict();
export type WithdrawRequest = z.output<typeof WithdrawSchema>;

/**
 * Aid approved (Flow A's advance, a Flow B plan, or handed over after it) means money is on its way:
 * no withdrawal from then on — even while the flow has not moved the case's status yet.
 */
function aidApproved(record: CaseRecord): boolean {
  const advance = record.advance as { decision?: string } | undefined;
  const planApproval = planOf(record).approval as { decision?: string } | undefined;
  return (
    advance?.decision === "approve" || planApproval?.decision === "approve" || record.handOver !== undefined
  );
}

/**
 * A decision recorded on a task but not yet carried into the case (human-tasks.ts: recorded, then
 * its effects, then the flow resumed): the case is about to move, so it is not withdrawn under it.
 */
function decisionInFlight(caseId: string, taskType: string): ConflictError {
  return new ConflictError(
    `A decision on case ${caseId} (${taskType}) was just recorded and is being carried out; look at the case again before withdrawing`,
    `案件 ${caseId} 刚有「${taskTypeZh(taskType)}」的决定正在办理，请刷新后再决定是否撤回`,
    { details: { reason: "decision-in-flight", taskType } },
  );
}

/** Why the case cannot be withdrawn now, from the case alone; undefined when it can. */
export function withdrawalRefusal(record: CaseRecord): BusinessRuleError | ConflictError | undefined {
  if (record.status === WITHDRAWN_STATUS) {
    const withdrawal = (record as CaseRecord & { withdrawal?: { at?: string } }).withdrawal;
    return new ConflictError(
      `Case ${record.caseId} was already withdrawn${withdrawal?.at ? ` at ${withdrawal.at}` : ""}; nothing was changed`,
      `案件 ${record.caseId} 已撤回${withdrawal?.at ? `（${zhDateTime(withdrawal.at)}）` : ""}，本次未作任何更改`,
      { details: { status: WITHDRAWN_STATUS } },
    );
  }
  if (!canTransition(record.status, { type: "case.withdrawn" }) || aidApproved(record)) {
    return new BusinessRuleError(
      `Case ${record.caseId} can no longer be withdrawn: aid has been approved or paid, or the case has ended (status ${record.status})`,
      `案件 ${record.caseId} 已不能撤回：救助已批准或已发放，或案件已办结（当前状态：${caseStatusZh(record.status)}）`,
      { details: { status: record.status } },
    );
  }
  return undefined;
}

/** Payment purposes a case may have (Flow A advance and follow-up, Flow B stages). */
export function paymentPurposesOf(record: CaseRecord): string[] {
  return ["advance", "follow-up", ...(planOf(record).stages ?? []).map((s) => stagePurpose(s.index))];
}

/** True when any payment of the case was drawn from the fund (an attempt was made) or paid. */
async function paymentDrawn(deps: FlowDeps, record: CaseRecord): Promise<boolean> {
  for (const purpose of paymentPurposesOf(record)) {
    const obligation = await deps.payments.getObligation(obligationIdFor(record.caseId, purpose));
    if (obligation && (obligation.currentAttempt > 0 || obligation.status === "paid")) return true;
  }
  return false;
}

function paymentDrawnError(caseId: string): BusinessRuleError {
  return new BusinessRuleError(
    `Case ${caseId} can no longer be withdrawn: a payment has been drawn from the township fund`,
    `案件 ${caseId} 已不能撤回：救助金已从乡镇备用金中支付`,
    { details: { reason: "payment-drawn" } },
  );
}

/** What a withdrawal answers (the route's response schema). */
export const WithdrawResultSchema = z
  .object({
    caseId: z.string(),
    status: z.string(),
    withdrawnAt: z.string(),
    withdrawnBy: z.string(),
    onBehalf: z.boolean().meta({ description: "An officer withdrew it for the applicant" }),
    reason: z.string(),
    tasksClosed: z.number().int(),
    execution: z.enum(["stopped", "none"]),
  })
  .meta({ id: "WithdrawResult" });
export type WithdrawResult = z.output<typeof WithdrawResultSchema>;

export async function withdrawCase(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: WithdrawRequest,
  correlationId: string,
): Promise<WithdrawResult> {
  const record = await deps.cases.get(caseId);
  const action = authorizeAnyOnCase(actor, ["case.withdraw", "case.fileOnBehalf"], record);
  await assertWithdrawable(deps, record);
  const at = deps.now().toISOString();
  const onBehalf = action !== "case.withdraw";
  const withdrawal = { at, by: actor.userId, onBehalf, reason: request.reason };
  const updated = await writeWithdrawn(deps, actor, record, withdrawal);
  const effects = await finishWithdrawal(deps, updated);
  await deps.audit.append({
    actorUserId: actor.userId,
    actorName: actor.name,
    actorRoles: actor.roles,
    action: "case.withdraw",
    caseId,
    countyId: record.countyId,
    townshipId: record.townshipId,
    why: onBehalf ? `on behalf of the applicant: ${request.reason}` : request.reason,
    before: { status: record.status },
    after: { status: WITHDRAWN_STATUS, execution: effects.execution, tasksClosed: effects.tasksClosed },
    correlationId,
  });
  deps.log.info("case withdrawn", {
    caseId,
    onBehalf,
    tasksClosed: effects.tasksClosed,
    execution: effects.execution,
  });
  return {
    caseId,
    status: WITHDRAWN_STATUS,
    withdrawnAt: at,
    withdrawnBy: actor.userId,
    onBehalf,
    reason: request.reason,
    ...effects,
  };
}

/**
 * Refuses a case that cannot be withdrawn: already withdrawn (its withdrawal's remaining steps are
 * finished again first), approved or ended, drawn from the fund, or with a decision in flight.
 */
async function assertWithdrawable(deps: FlowDeps, record: CaseRecord): Promise<void> {
  const refusal = withdrawalRefusal(record);
  if (refusal instanceof ConflictError) {
    await finishWithdrawal(deps, record);
    throw refusal;
  }
  if (refusal) throw refusal;
  if (await paymentDrawn(deps, record)) throw paymentDrawnError(record.caseId);
  const decided = (await deps.tasks.forCase(record.caseId)).find((task) => task.status === "decided");
  if (decided) throw decisionInFlight(record.caseId, decided.taskType);
}

/** Step 1: the case is written withdrawn, only from the status it was read in. */
async function writeWithdrawn(
  deps: FlowDeps,
  actor: Actor,
  record: CaseRecord,
  withdrawal: { at: string; by: string; onBehalf: boolean; reason: string },
): Promise<CaseRecord> {
  try {
    return await deps.cases.update(record.caseId, {
      event: { type: "case.withdrawn" },
      expectStatus: [record.status],
      // Judged again on the case as written: a decision whose effects landed since the read wins.
      guard: withdrawalRefusal,
      set: { withdrawal, dueAt: null, closedAt: withdrawal.at },
      ...(withdrawal.onBehalf ? { handledBy: [actor.userId] } : {}),
    });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // The case moved on between the read and the write (a decision landed first): judge it again.
    const now = await deps.cases.get(record.caseId);
    throw withdrawalRefusal(now) ?? error;
  }
}

/** Steps 2–4: close the tasks, stop the execution, release the open-case guard. Idempotent. */
async function finishWithdrawal(
  deps: FlowDeps,
  record: CaseRecord,
): Promise<{ tasksClosed: number; execution: "stopped" | "none" }> {
  const at = deps.now().toISOString();
  let tasksClosed = 0;
  for (const task of await deps.tasks.forCase(record.caseId)) {
    if (task.status !== "open" && task.status !== "decided") continue;
    await deps.tasks.finish(record.caseId, task.taskId, "superseded", at);
    tasksClosed += 1;
  }
  const execution = await stopExecution(deps, record);
  const closedAt = (record as CaseRecord & { withdrawal?: { at: string } }).withdrawal?.at ?? at;
  await deps.cases.settlePersonHistory(record, {
    status: WITHDRAWN_STATUS,
    aided: false,
    fraud: false,
    closedAt,
    releaseGuard: true,
  });
  await notifyWithdrawn(deps, record);
  return { tasksClosed, execution };
}

async function stopExecution(deps: FlowDeps, record: CaseRecord): Promise<"stopped" | "none"> {
  const machine = record.flow === "B" ? deps.stateMachines.flowB : deps.stateMachines.flowA;
  if (!machine || !record.executionName) return "none";
  const executionArn = executionArnOf(machine, record.executionName);
  try {
    await sfnClient().send(
      new StopExecutionCommand({
        executionArn,
        error: "CaseWithdrawn",
        cause: "The application was withdrawn (DOMAIN §1)",
      }),
    );
    return "stopped";
  } catch (error) {
    if ((error as Error).name === "ExecutionDoesNotExist") return "none";
    throw error;
  }
}
