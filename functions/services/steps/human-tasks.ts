/**
 * The human-step mechanism, reusable by every flow (ARCHITECTURE §3.4):
 *
 * - `openHumanTask` — called by the `waitForTaskToken` task handler: stores the token server-side,
 *   supersedes a task of the same type that timed out (carrying over a decision that was recorded on
 *   it but never delivered), moves the case to its waiting status and notifies the role(s) that must
 *   act. The token is never returned to any client.
 * - `decideHumanTask` — called by a decision endpoint after it authorized and validated: records the
 *   decision on the open task (conditional write: one decision per task), applies its effects on the
 *   case and the audit trail, THEN resumes the execution (SendTaskSuccess, or SendTaskFailure for a
 *   decision that ends the wait with a named error: `deliverDecision`). A repeated request
 *   answers the recorded decision; another decision on a decided task or a task that is gone is a
 *   409; a crash between the write and the delivery is healed by calling the endpoint again.
 */

import { createHash, randomUUID } from "node:crypto";
import * as z from "zod";
import { type CasePatch, type CaseRecord, hasApplied } from "#adapters/case-store.ts";
import type { DecisionTrail, HumanTask, HumanTaskDecision } from "#adapters/human-task-store.ts";
import type { OutboxMessage, Recipient } from "#adapters/outbox.ts";
import type { TaskResponseOutcome } from "#adapters/step-functions.ts";
import { isRole } from "#core/access/index.ts";
import type { CaseEvent } from "#core/cases/index.ts";
import { ConflictError } from "#core/errors.ts";
import { SOMEONE_ELSE_ZH, taskTypeZh, zhDateTime } from "#core/labels/index.ts";
import { notifyDecision, notifyStaffOfTask } from "../messages/notify.ts";
import type { FlowDeps } from "../ports.ts";

/**
 * The input every flow's `OpenHumanTask` state sends (the ASL passes `$$.Task.Token` as `taskToken`);
 * each flow extends it with its own `taskType` enum and extra fields.
 */
export const OpenTaskEventBaseSchema = z.object({
  taskToken: z.string().min(1),
  caseId: z.string().min(1),
  correlationId: z.string().min(1),
  escalated: z.boolean().optional(),
  overdue: z.boolean().optional(),
  timeoutSeconds: z.number().int().positive().optional(),
  purpose: z.string().optional(),
});

/** A wait of a flow opening: the case event `openHumanTask` writes. */
export type WaitOpened = Extract<CaseEvent, { type: "wait.opened" }>;

export interface OpenHumanTaskInput {
  token: string;
  caseId: string;
  taskType: string;
  assigneeRoles: string[];
  /** Seconds until the wait times out (the ASL's `TimeoutSecondsPath`); none = waits without deadline. */
  timeoutSeconds?: number;
  escalated?: boolean;
  overdue?: boolean;
  /** Which wait opens: core's transition gives the case's status while the task waits. */
  caseEvent: WaitOpened;
  /** Case fields set when the task opens (e.g. `flags`). */
  caseSet?: CasePatch;
  notify: Recipient[];
  subject: string;
  subjectZh: string;
  details?: Record<string, unknown>;
  correlationId?: string;
}

export interface OpenHumanTaskResult {
  task: HumanTask;
  /** A decision recorded on the timed-out predecessor was delivered to this task's token at once. */
  carriedOver: boolean;
}

export async function openHumanTask(deps: FlowDeps, input: OpenHumanTaskInput): Promise<OpenHumanTaskResult> {
  const now = deps.now();
  const current = await deps.cases.get(input.caseId);
  const dueAt =
    input.timeoutSeconds !== undefined
      ? new Date(now.getTime() + input.timeoutSeconds * 1000).toISOString()
      : undefined;
  const task = await deps.tasks.open(
    {
      caseId: input.caseId,
      taskType: input.taskType,
      countyId: current.countyId,
      townshipId: current.townshipId,
      assigneeRoles: input.assigneeRoles,
      escalated: input.escalated ?? false,
      overdue: input.overdue ?? false,
      openedAt: now.toISOString(),
      ...(dueAt ? { dueAt } : {}),
      ...(input.correlationId ? { correlationId: input.correlationId } : {}),
      ...(input.details ? { details: input.details } : {}),
    },
    input.token,
  );

  const { carried, inFlight } = await supersedeOlderWaits(deps, input, task, current, now);
  // A repeat of this opening after its wait was answered: the case stays as the answer left it.
  if (task.status !== "open") return { task, carriedOver: false };
  // The decision already reached the case: the wait is answered at once, and the case is not put
  // back to waiting (a rejected case accepts no wait; an approved one is on its way to payment).
  if (carried && (await carryOver(deps, input, task, carried, now))) return { task, carriedOver: true };
  // The task is listed from its put on: its own decision may land on the case before this write (a
  // slow opening under a surge) — the case is then on its way (an approval to payment) and stays so.
  const landed = [decisionWriteId(task), ...inFlight];
  const waiting = await deps.cases
    .update(input.caseId, {
      event: input.caseEvent,
      set: { dueAt: dueAt ?? null, ...(input.caseSet ?? {}) },
      guard: (latest) => decisionLanded(latest, landed),
    })
    .then(
      () => true,
      (error: unknown) => {
        if (error instanceof DecisionLandedError) return false;
        throw error;
      },
    );
  // This wait's own decision, or one on the superseded wait, changed the case since it was read: the
  // former was delivered by its request, the latter is handed to this wait when its delivery meets the
  // dead token (`handOverToSuccessor`); nobody is asked.
  if (!waiting) return { task, carriedOver: false };
  await notifyTaskOpened(deps, input, task, dueAt, now);
  return { task, carriedOver: false };
}

/** A decision recorded on this wait or on a superseded one changed the case after this opening read it. */
class DecisionLandedError extends Error {}

function decisionLanded(latest: CaseRecord, writeIds: readonly string[]): Error | undefined {
  return writeIds.some((id) => hasApplied(latest, id)) ? new DecisionLandedError() : undefined;
}

/**
 * A wait of this type that is still listed belongs to a predecessor that nobody can answer any more:
 * it is superseded. Its recorded decision is carried over only when it provably never resumed an
 * execution: this task exists BECAUSE that wait timed out (an escalation); or its first delivery met a
 * dead token with no other delivery started (`undelivered`: the execution had been stopped, failed, or
 * handed over — a redrive or a continuation resumes at this very wait); or no delivery ever started
 * (a delivery starts only once the effects are done: `audited`). A new wait of a type opens only once
 * the old one is over, so such a decision answers the wait the flow stands at now. And only once its
 * effects reached the case: `audited`, or its case change landed (`decisionWriteId` on the case) and its
 * trail is recorded, so the rest of its effects (audit event, applicant's message) are carried out
 * here — its decider's request failed after changing the case and was not repeated. A decision whose
 * case change never landed (its request answered 503) would move the flow past a case that never learnt
 * of it (an advance drawn with no approval on the case): its decider's retry of the same request
 * records it again on this task, effects and all. A decision recorded while this runs, or delivered
 * after it, is handed over by its own request (`settle` → `handOverToSuccessor`): whichever comes first,
 * the wait that is open gets it once.
 */
async function supersedeOlderWaits(
  deps: FlowDeps,
  input: OpenHumanTaskInput,
  task: HumanTask,
  current: CaseRecord,
  now: Date,
): Promise<{ carried?: HumanTaskDecision; inFlight: string[] }> {
  let carried: HumanTaskDecision | undefined;
  // Decisions superseded here whose case change had not landed: their requests may still land it.
  const inFlight: string[] = [];
  for (const older of await deps.tasks.forCase(input.caseId, input.taskType)) {
    if (older.taskType !== input.taskType || older.taskId === task.taskId) continue;
    const decided = older.status === "decided" ? older.decided : undefined;
    const neverResumed = input.escalated || decided?.undelivered === true || decided?.audited !== true;
    const before = carried;
    if (neverResumed && decided && !carried) {
      if (decided.audited) carried = decided;
      else if (decided.trail && hasApplied(current, decisionWriteId(older))) {
        await completeDecisionTrail(deps, older, decided, decided.trail);
        await deps.tasks.markAudited(input.caseId, older.taskId);
        carried = { ...decided, audited: true };
      }
    }
    if (decided && !decided.audited && carried === before) inFlight.push(decisionWriteId(older));
    if (older.status === "open" || older.status === "decided") {
      await deps.tasks.finish(input.caseId, older.taskId, "superseded", now.toISOString());
    }
  }
  return { ...(carried ? { carried } : {}), inFlight };
}

/**
 * The effects of a decision after its case change: its audit event (once per task) and the applicant's
 * message (once per message id). Run by the decision's request, or by the escalated wait that carries
 * over a decision whose request failed after changing the case.
 */
export async function completeDecisionTrail(
  deps: FlowDeps,
  task: Pick<HumanTask, "caseId" | "taskId" | "taskType">,
  recorded: HumanTaskDecision,
  trail: DecisionTrail,
): Promise<void> {
  await deps.audit.append({
    actorUserId: recorded.decidedBy,
    actorName: trail.actorName,
    actorRoles: trail.actorRoles,
    action: trail.action,
    caseId: task.caseId,
    countyId: trail.countyId,
    townshipId: trail.townshipId,
    ...(trail.why ? { why: trail.why } : {}),
    ...(trail.before !== undefined ? { before: trail.before } : {}),
    after: recorded.decision,
    correlationId: trail.correlationId,
    dedupKey: decisionAuditKey(task.caseId, task.taskId),
  });
  await notifyDecision(deps, task.caseId, task.taskType, recorded);
}

/**
 * Each recipient of the opened task is told once: a role through its staff message when one is sent
 * (the consoles' inbox and SMS read it; the notification is then only published to the outbox's topic,
 * not stored twice), otherwise through an outbox message (functions/adapters/outbox.ts). Both are
 * stored under a deterministic id with a conditional put: a retried opening writes nothing new.
 */
async function notifyTaskOpened(
  deps: FlowDeps,
  input: OpenHumanTaskInput,
  task: HumanTask,
  dueAt: string | undefined,
  now: Date,
): Promise<void> {
  for (const recipient of input.notify) {
    const message: OutboxMessage = {
      messageId: `${input.caseId}:${task.taskId}:${recipient.kind}:${recipient.role ?? recipient.id}`,
      caseId: input.caseId,
      kind: `task.${input.taskType}${input.escalated ? ".escalated" : ""}`,
      recipient,
      subject: input.subject,
      subjectZh: input.subjectZh,
      details: {
        taskType: input.taskType,
        dueAt,
        escalated: input.escalated ?? false,
        ...(input.details ?? {}),
      },
      ...(input.correlationId ? { correlationId: input.correlationId } : {}),
    };
    const staff =
      isRole(recipient.role) && (recipient.kind === "township" || recipient.kind === "county")
        ? await notifyStaffOfTask(deps, task, {
            role: recipient.role,
            ...(recipient.kind === "township" ? { townshipId: recipient.id } : {}),
          })
        : undefined;
    if (staff) await deps.outbox.publish(message, now);
    else await deps.outbox.put(message, now);
  }
}

/**
 * The decision beat the timeout (or the stop, or the hand-over) but reached a token that was dead: it
 * is not lost. It is recorded on the new task and delivered to its token; true when this task holds a
 * decision now (recorded here, or handed over by the decider's own request a moment before).
 */
async function carryOver(
  deps: FlowDeps,
  input: OpenHumanTaskInput,
  task: HumanTask,
  carried: HumanTaskDecision,
  now: Date,
): Promise<boolean> {
  const outcome = await takeOver(deps, task, input.token, carried, now);
  if (outcome === "taken") return (await deps.tasks.findById(input.caseId, task.taskId))?.status !== "open";
  deps.log.info("decision carried over to the wait that replaced its own", {
    caseId: input.caseId,
    taskType: input.taskType,
    outcome,
  });
  return true;
}

/**
 * Records a decision that never resumed an execution on the wait that replaced its own, and delivers
 * it to that wait's token. The record is conditional on the task being open, so of the opening wait
 * and the decider's request — whichever comes first — one records it (a fresh attempt id each, so the
 * loser is told it lost), and the task holds one decision. `taken`: the task held one already.
 */
async function takeOver(
  deps: FlowDeps,
  task: Pick<HumanTask, "caseId" | "taskId">,
  token: string,
  carried: HumanTaskDecision,
  now: Date,
): Promise<TaskResponseOutcome | "taken"> {
  const {
    effectsClaim: _claim,
    undelivered: _undelivered,
    deliveryAttempts: _attempts,
    ...decision
  } = carried;
  // Counted as its first delivery: a dead token here is proof again, for the wait after this one.
  const copy: HumanTaskDecision = {
    ...decision,
    audited: true,
    attemptId: randomUUID(),
    deliveryAttempts: 1,
  };
  if (!(await deps.tasks.recordDecision(task.caseId, task.taskId, copy))) return "taken";
  const outcome = await deliverDecision(deps, token, copy.output);
  if (outcome === "delivered")
    await deps.tasks.finish(task.caseId, task.taskId, "completed", now.toISOString());
  else await deps.tasks.markUndelivered(task.caseId, task.taskId);
  return outcome;
}

/**
 * A decision whose first delivery met a dead token while the wait that replaced its own was already
 * open (the escalated, continued or redriven execution opened it between the decision's record and its
 * delivery): that wait takes it over now. Without an open successor the decision stays recorded, and
 * the next wait of its type carries it over when it opens (`supersedeOlderWaits`).
 */
async function handOverToSuccessor(
  deps: FlowDeps,
  task: HumanTask,
  recorded: HumanTaskDecision,
): Promise<TaskResponseOutcome> {
  const successor = await deps.tasks.current(task.caseId, task.taskType);
  if (!successor || successor.taskId === task.taskId || successor.status !== "open") return "stale";
  if (successor.openedAt < task.openedAt) return "stale";
  const token = await deps.tasks.tokenOf(task.caseId, successor.taskId);
  if (!token) return "stale";
  const now = deps.now();
  const outcome = await takeOver(deps, successor, token, recorded, now);
  if (outcome === "taken") return "stale";
  await deps.tasks.finish(task.caseId, task.taskId, "superseded", now.toISOString());
  deps.log.info("decision handed over to the wait that replaced its own", {
    caseId: task.caseId,
    taskType: task.taskType,
    outcome,
  });
  return outcome;
}

export interface DecideHumanTaskInput {
  caseId: string;
  taskType: string;
  actorUserId: string;
  /** What is recorded (the validated request, amounts as strings). */
  decision: Record<string, unknown>;
  /** What the waiting execution receives. */
  output: Record<string, unknown>;
  /**
   * Effects of a recorded decision on the case and the audit trail. Must be idempotent: a healing
   * retry runs it again when the first run may not have finished.
   */
  effects: (recorded: HumanTaskDecision, task: HumanTask) => Promise<void>;
  /** What the decision's audit event says, recorded with it (`HumanTaskDecision.trail`). */
  trail?: DecisionTrail;
}

export interface DecideHumanTaskResult {
  task: HumanTask;
  recorded: HumanTaskDecision;
  /** True when this request repeated the recorded one (the response is the first one's). */
  repeated: boolean;
  /** `in-progress`: a twin of this request is carrying the decision out right now. */
  delivery: TaskResponseOutcome | "in-progress";
}

/**
 * Ends the tasks of a type still waiting on a case when what they waited for came about another way
 * (e.g. the fund was found able to pay when its re-check timed out): they leave every work list
 * instead of asking someone for what is done. Idempotent.
 */
export async function supersedeWaiting(deps: FlowDeps, caseId: string, taskType: string): Promise<void> {
  const at = deps.now().toISOString();
  for (const task of await deps.tasks.forCase(caseId, taskType)) {
    if (task.taskType !== taskType || (task.status !== "open" && task.status !== "decided")) continue;
    await deps.tasks.finish(caseId, task.taskId, "superseded", at);
  }
}

/** The audit event of a task's decision is recorded once, however often its effects are carried out. */
export function decisionAuditKey(caseId: string, taskId: string): string {
  return `decision#${caseId}#${taskId}`;
}

/**
 * The case change of a task's decision is made once, however often its effects are carried out
 * (`CaseUpdate.writeId`): a healing retry after a run that changed the case and then failed finds the
 * change made, rather than applying the decision's event to the status it already produced (a 422
 * that left the execution waiting on a case that had moved on).
 */
export function decisionWriteId(task: Pick<HumanTask, "caseId" | "taskId">): string {
  return `decision#${task.caseId}#${task.taskId}`;
}

export function requestDigest(actorUserId: string, decision: Record<string, unknown>): string {
  return createHash("sha256")
    .update(`${actorUserId}\n${canonicalJson(decision)}`)
    .digest("hex");
}

export async function decideHumanTask(
  deps: FlowDeps,
  input: DecideHumanTaskInput,
): Promise<DecideHumanTaskResult> {
  const digest = requestDigest(input.actorUserId, input.decision);
  const attemptId = randomUUID();
  for (let round = 0; round < 3; round += 1) {
    const task = await deps.tasks.current(input.caseId, input.taskType);
    if (!task) throw await nothingWaiting(deps, input.caseId, input.taskType);
    if (task.status === "decided" && task.decided) {
      // Only the decider's own repeat may carry out the recorded decision's effects: another
      // request's would apply its own status and reason to someone else's decision. Resuming the
      // execution needs only what was recorded, so any request may heal that part.
      if (task.decided.requestDigest !== digest) {
        if (task.decided.audited) await settle(deps, input, task, task.decided, attemptId);
        throw await alreadyDecided(deps, input.caseId, input.taskType, task.decided);
      }
      const delivery = await settle(deps, input, task, task.decided, attemptId);
      return { task, recorded: task.decided, repeated: true, delivery };
    }
    const recorded: HumanTaskDecision = {
      decision: input.decision,
      output: input.output,
      decidedBy: input.actorUserId,
      decidedAt: deps.now().toISOString(),
      requestDigest: digest,
      attemptId,
      ...(input.trail ? { trail: input.trail } : {}),
      // The claim on its effects is taken with the decision (one write, not two): nobody can claim
      // them between the two, which a separate claim allowed — the same guarantee, tighter.
      effectsClaim: { by: attemptId, atMs: Date.now() },
    };
    if (await recordWithClaim(deps, input.caseId, task.taskId, recorded, attemptId)) {
      const delivery = await settle(deps, input, task, recorded, attemptId);
      return { task, recorded, repeated: false, delivery };
    }
    // Someone decided between the read and the write: look again.
  }
  throw new ConflictError("The task changed while deciding; try again", "待办事项正在变化，请重试");
}

/**
 * Records the decision with its recorder's claim on the effects. When the write fails in a way that
 * may have landed (a timeout after commit, the SDK's retries spent), the claim is given up before the
 * request fails, so the decider's retry carries the effects out at once rather than after the lease.
 */
async function recordWithClaim(
  deps: FlowDeps,
  caseId: string,
  taskId: string,
  recorded: HumanTaskDecision,
  attemptId: string,
): Promise<boolean> {
  try {
    return await deps.tasks.recordDecision(caseId, taskId, recorded);
  } catch (error) {
    await deps.tasks.releaseEffects(caseId, taskId, attemptId).catch(() => undefined);
    throw error;
  }
}

/**
 * How long a claim on a decision's effects holds before another request of the decider may take
 * them over (wall-clock: the holder's process died mid-way). Longer than any one run of the effects.
 */
export const EFFECTS_CLAIM_LEASE_MS = 30_000;

/**
 * Effects (once: one claimant at a time), then resume the execution; a stale token leaves the
 * decision for the successor task. While another request carries the effects out, this one
 * answers the recorded decision as `in-progress`.
 */
async function settle(
  deps: FlowDeps,
  input: DecideHumanTaskInput,
  task: HumanTask,
  recorded: HumanTaskDecision,
  attemptId: string,
): Promise<TaskResponseOutcome | "in-progress"> {
  let justAudited = false;
  if (!recorded.audited) {
    // This request recorded the decision, and its claim with it; a repeat claims them now.
    const claimed =
      recorded.effectsClaim?.by === attemptId ||
      (await deps.tasks.claimEffects(
        input.caseId,
        task.taskId,
        attemptId,
        Date.now(),
        EFFECTS_CLAIM_LEASE_MS,
      ));
    if (!claimed) {
      const latest = await deps.tasks.findById(input.caseId, task.taskId);
      if (!latest?.decided?.audited) return "in-progress";
    } else {
      try {
        await input.effects(recorded, task);
      } catch (error) {
        // Let the decider's retry carry them out at once rather than after the lease.
        await deps.tasks.releaseEffects(input.caseId, task.taskId, attemptId).catch(() => undefined);
        throw error;
      }
      justAudited = true;
    }
  }
  // Counted before it is sent (with `audited` when the effects were just done): only a first delivery
  // that meets a dead token proves the decision never reached an execution.
  const { attempt, token } = await deps.tasks.startDelivery(input.caseId, task.taskId, justAudited);
  if (!token) return "stale";
  const delivery = await deliverDecision(deps, token, recorded.output);
  if (delivery === "delivered") {
    await deps.tasks.finish(input.caseId, task.taskId, "completed", deps.now().toISOString());
    return delivery;
  }
  const neverResumed =
    attempt === 1
      ? await deps.tasks.markUndelivered(input.caseId, task.taskId)
      : (await deps.tasks.findById(input.caseId, task.taskId))?.decided?.undelivered === true;
  deps.log.warn(
    "decision recorded on a wait whose execution no longer waits; the wait that replaces it takes it over",
    {
      caseId: input.caseId,
      taskType: input.taskType,
      neverResumed,
    },
  );
  return neverResumed ? handOverToSuccessor(deps, task, { ...recorded, audited: true }) : delivery;
}

/**
 * A decision's output names `taskFailure` when it ends the wait with a named error the ASL catches
 * (Flow B's stopped re-check: `RecheckStopped` → `ClosePlan`, no Choice state after the wait): it is
 * delivered with SendTaskFailure, the rest of the output as the cause. Recorded, carried over and
 * healed like any other decision.
 */
export interface TaskFailureOutput {
  taskFailure: { error: string };
}

async function deliverDecision(
  deps: FlowDeps,
  token: string,
  output: Record<string, unknown>,
): Promise<TaskResponseOutcome> {
  const { taskFailure, ...rest } = output as Partial<TaskFailureOutput> & Record<string, unknown>;
  if (taskFailure) return deps.workflow.sendTaskFailure(token, taskFailure.error, JSON.stringify(rest));
  return deps.workflow.sendTaskSuccess(token, output);
}

async function nothingWaiting(deps: FlowDeps, caseId: string, taskType: string): Promise<ConflictError> {
  const latest = await deps.tasks.latest(caseId, taskType);
  if (latest?.decided) return alreadyDecided(deps, caseId, taskType, latest.decided);
  return notWaitingError(caseId, taskType);
}

/** 409: the case does not wait for this step now. */
export function notWaitingError(caseId: string, taskType: string): ConflictError {
  return new ConflictError(
    `Case ${caseId} is not waiting for ${taskType} now`,
    `案件 ${caseId} 当前不在等待「${taskTypeZh(taskType)}」`,
    { details: { taskType } },
  );
}

/**
 * 409: the step was decided already; nothing of this request was written. The Chinese message names
 * the decider (`deciderNameZh`, else 其他人员) and the time in Asia/Shanghai, never an id or ISO time.
 */
export function alreadyDecidedError(
  taskType: string,
  decided: HumanTaskDecision,
  details: Record<string, unknown> = { taskType, decidedBy: decided.decidedBy, decidedAt: decided.decidedAt },
  deciderNameZh: string = SOMEONE_ELSE_ZH,
): ConflictError {
  return new ConflictError(
    `This step (${taskType}) was already decided by ${decided.decidedBy} at ${decided.decidedAt}; nothing was changed`,
    `「${taskTypeZh(taskType)}」已由${deciderNameZh}于 ${zhDateTime(decided.decidedAt)} 办理，本次提交未作任何更改`,
    { details },
  );
}

/** `alreadyDecidedError` with the decider's name from the case's county directory. */
export async function alreadyDecided(
  deps: Pick<FlowDeps, "cases" | "users">,
  caseId: string,
  taskType: string,
  decided: HumanTaskDecision,
  details?: Record<string, unknown>,
): Promise<ConflictError> {
  const record = await deps.cases.find(caseId);
  const decider = record ? await deps.users.user(record.countyId, decided.decidedBy) : undefined;
  return alreadyDecidedError(taskType, decided, details, decider?.name ?? SOMEONE_ELSE_ZH);
}

/** JSON with sorted keys, so the same request always has the same digest. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
