/**
 * An operator restarts a case whose execution failed, timed out or was stopped (`npx aidflow case
 * redrive`, docs/operations.md "A failed case"): the next execution of the case's chain,
 * `<caseId>-<generation + 1>`, is started through the state machine's alias with the state the
 * failed one was in, `loop.resumeAt` naming the state to run again. The ASL's `Start` sees
 * `loop.resumeAt`, the new execution adopts the case (`AdoptExecution`) and `NextRound` goes there —
 * the path continue-as-new takes. Steps run again are idempotent by design (a payment attempt in
 * flight is the same bank instruction and the same ledger entry), so nothing is paid twice.
 *
 * Why not Step Functions' own RedriveExecution: a failed step of these flows is caught and ends in
 * `RecordIncident` → `CaseIncident` (a Fail state), so the service would redrive the Fail state and
 * fail again without running the step that broke; it also works only within 14 days of the failure
 * and keeps the same execution, whose history counts toward the 25,000-event limit the chain exists
 * to stay under. A new generation has none of these limits and is what continue-as-new does already.
 *
 * Two operators at once: both compute the same next name; Step Functions starts one execution of a
 * name (the input carries a fresh redrive id, so the second start is not taken as a retry of the
 * first), the other is told it is already running. Nothing is written before the start succeeds:
 * a refused redrive writes nothing; the started one is audited (who, why) once.
 *
 * A decision posted while the case was stopped met a dead token; it is kept (`undelivered`) and the
 * wait the new execution opens at `resumeAt` takes it over (services/steps/human-tasks.ts), so nobody
 * is asked twice — also when that decision ended the case (a plan stopped, an advance refused).
 */
import { randomUUID } from "node:crypto";
import { type CaseStatus, OPEN_STATUSES } from "#adapters/case-store.ts";
import type { ExecutionFacts, ExecutionReader, StateEntered } from "#adapters/execution-reader.ts";
import type { WorkflowPort } from "#adapters/step-functions.ts";
import { ConflictError, ValidationError } from "#core/errors.ts";
import { executionArnOf, executionNameOf, generationOf } from "./executions.ts";
import type { FlowDeps } from "./ports.ts";

export interface RedriveDeps {
  cases: Pick<FlowDeps["cases"], "get">;
  /**
   * The case's human tasks: a case that a decision ended (a plan stopped at its re-check, an advance
   * refused) while its execution was stopped is restarted so that the decision reaches the flow.
   */
  tasks?: Pick<FlowDeps["tasks"], "forCase">;
  audit: FlowDeps["audit"];
  workflow: Pick<WorkflowPort, "startExecution">;
  executions: ExecutionReader;
  /** The state machines' alias ARNs (`AIDFLOW_STATE_MACHINE_FLOW_A` / `_FLOW_B`). */
  stateMachines: { flowA?: string; flowB?: string };
  newId?: () => string;
}

export interface RedriveRequest {
  caseId: string;
  /** Why the case is restarted (recorded on the audit trail). */
  reason: string;
  operator: { userId: string; name?: string };
  dryRun?: boolean;
}

export interface RedrivePlan {
  caseId: string;
  /** The execution that stopped, and how. */
  from: { name: string; status: string; error?: string };
  /** The execution that is (or would be) started. */
  to: { name: string; stateMachineArn: string };
  /** The state the new execution resumes at. */
  resumeAt: string;
}

export type RedriveResult =
  | ({ outcome: "started" | "dry-run" } & RedrivePlan)
  | ({ outcome: "already-running" } & RedrivePlan);

/** Statuses of an execution that may be restarted. */
const REDRIVABLE = new Set(["FAILED", "TIMED_OUT", "ABORTED"]);
/** The ASL's Choice that dispatches a round to `loop.resumeAt`: its choices are the resume points. */
const NEXT_ROUND = "NextRound";
/**
 * States the loop passes through on its way to `loop.resumeAt` (the ASL's `Start`, `AdoptExecution`,
 * `NextRound`, `PrepareContinuation`, `ContinueAsNew`): a failure there resumes at that `resumeAt`.
 */
export const ROUTING_STATES: ReadonlySet<string> = new Set([
  "Start",
  "AdoptExecution",
  NEXT_ROUND,
  "PrepareContinuation",
  "ContinueAsNew",
]);
/** A chain is followed this far at most (continue-as-new every few rounds: far fewer in practice). */
const CHAIN_LINKS_MAX = 1000;
/** History events read back from the end to find the state that broke (it is among the last few). */
const HISTORY_EVENTS_MAX = 5000;
const REASON_CHARS_MIN = 4;
const REASON_CHARS_MAX = 500;

export async function redriveCase(deps: RedriveDeps, request: RedriveRequest): Promise<RedriveResult> {
  const reason = checkReason(request.reason);
  const record = await deps.cases.get(request.caseId);
  // A withdrawn case's execution was stopped on purpose (ABORTED): an ended case is never restarted —
  // unless it ended by a decision that never reached its execution (recorded on a wait whose execution
  // had stopped): the restarted execution opens that wait again and is answered with it (human-tasks.ts).
  if (!OPEN_STATUSES.includes(record.status) && !(await endedByItsDecision(deps, record))) {
    throw caseEnded(record.caseId, record.status);
  }
  const current = await currentExecution(deps, record);
  if (!REDRIVABLE.has(current.facts.status)) throw notRedrivable(record.caseId, current);

  const resume = await resumePoint(deps.executions, current.facts);
  const generation = generationOf(record.caseId, current.name) + 1;
  const plan: RedrivePlan = {
    caseId: record.caseId,
    from: {
      name: current.name,
      status: current.facts.status,
      ...(current.facts.error ? { error: current.facts.error } : {}),
    },
    to: { name: executionNameOf(record.caseId, generation), stateMachineArn: current.stateMachineArn },
    resumeAt: resume.resumeAt,
  };
  if (request.dryRun) return { outcome: "dry-run", ...plan };

  const redriveId = (deps.newId ?? randomUUID)();
  const input = {
    ...resume.state,
    loop: { rounds: 0, generation, resumeAt: resume.resumeAt, redriveId },
  };
  const started = await deps.workflow.startExecution({
    stateMachineArn: current.stateMachineArn,
    name: plan.to.name,
    input,
  });
  if (!started.started) return { outcome: "already-running", ...plan };

  await deps.audit.append({
    actorUserId: request.operator.userId,
    actorName: request.operator.name ?? request.operator.userId,
    actorRoles: ["county-civil-affairs"],
    action: "case.redrive",
    caseId: record.caseId,
    countyId: record.countyId,
    townshipId: record.townshipId,
    why: reason,
    before: { execution: plan.from.name, executionStatus: plan.from.status, status: record.status },
    after: { execution: plan.to.name, resumeAt: plan.resumeAt },
    correlationId: record.correlationId,
    dedupKey: `case.redrive:${plan.to.name}`,
  });
  return { outcome: "started", ...plan };
}

/** Statuses a decision never sets: the flow closed the case, or the applicant withdrew it. */
const ENDED_OTHERWISE: readonly CaseStatus[] = ["closed", "withdrawn"];

/**
 * The case ended by a decision (refused, stopped) recorded on a wait whose execution had stopped: the
 * decision provably never resumed an execution, so the flow has not yet closed the case.
 */
async function endedByItsDecision(deps: RedriveDeps, record: CaseRecord): Promise<boolean> {
  if (ENDED_OTHERWISE.includes(record.status)) return false;
  const tasks = (await deps.tasks?.forCase(record.caseId)) ?? [];
  return tasks.some((task) => task.status === "decided" && task.decided?.undelivered === true);
}

function checkReason(reason: string): string {
  const text = reason.trim();
  if (text.length >= REASON_CHARS_MIN && text.length <= REASON_CHARS_MAX) return text;
  throw new ValidationError("A reason is required to restart a case", "重新启动案件须填写原因", {
    fields: [
      {
        path: "reason",
        message: `Say why, in ${REASON_CHARS_MIN} to ${REASON_CHARS_MAX} characters`,
        messageZh: `请说明原因（${REASON_CHARS_MIN}至${REASON_CHARS_MAX}个字）`,
      },
    ],
  });
}

interface CurrentExecution {
  name: string;
  stateMachineArn: string;
  facts: ExecutionFacts;
}

type CaseRecord = Awaited<ReturnType<RedriveDeps["cases"]["get"]>>;

/**
 * The newest execution of the case's chain: the one the case points at, or a later one it started
 * and never adopted (a continuation that failed before `AdoptExecution`). Flow A's hand-over sets the
 * case to Flow B before Flow B's execution runs, so the other machine is looked at too.
 */
async function currentExecution(deps: RedriveDeps, record: CaseRecord): Promise<CurrentExecution> {
  const name = record.executionName;
  const machines = [
    record.flow === "B" ? deps.stateMachines.flowB : deps.stateMachines.flowA,
    record.flow === "B" ? deps.stateMachines.flowA : deps.stateMachines.flowB,
  ].filter((arn): arn is string => arn !== undefined);
  if (machines.length === 0) {
    throw new Error(
      "No state machine is configured (AIDFLOW_STATE_MACHINE_FLOW_A / AIDFLOW_STATE_MACHINE_FLOW_B)",
    );
  }
  if (!name) throw neverStarted(record.caseId);
  for (const stateMachineArn of machines) {
    let facts = await deps.executions.describe(executionArnOf(stateMachineArn, name));
    if (!facts) continue;
    let current = { name, stateMachineArn, facts };
    for (let link = 0; link < CHAIN_LINKS_MAX; link++) {
      const next = executionNameOf(record.caseId, generationOf(record.caseId, current.name) + 1);
      facts = await deps.executions.describe(executionArnOf(stateMachineArn, next));
      if (!facts) return current;
      current = { name: next, stateMachineArn, facts };
    }
    return current;
  }
  throw neverStarted(record.caseId);
}

/**
 * Where the stopped execution resumes, and with what state: the newest state it entered that the ASL
 * can resume at (a failed step is caught and recorded as an incident after it, so it is the newest
 * resume point entered), or, for a failure on the way to one, the `loop.resumeAt` it was going to.
 */
async function resumePoint(
  executions: ExecutionReader,
  facts: ExecutionFacts,
): Promise<{ resumeAt: string; state: Record<string, unknown> }> {
  const points = resumePointsOf(await executions.definition(facts.executionArn));
  for await (const entered of executions.statesEnteredNewestFirst(facts.executionArn, HISTORY_EVENTS_MAX)) {
    const found = resumeAtOf(entered, points);
    if (found) return found;
  }
  // Nothing entered (stopped before its first state): its input says where it was going.
  const found = resumeAtOf({ name: "Start", input: facts.input, truncated: false }, points);
  if (found) return found;
  throw new ConflictError(
    `Execution ${facts.executionArn} stopped where it cannot be resumed; start the case again by hand`,
    "该案件的办理流程停在无法自动恢复的位置，请联系技术支持人工处理",
  );
}

function resumeAtOf(
  entered: StateEntered,
  points: ReadonlySet<string>,
): { resumeAt: string; state: Record<string, unknown> } | undefined {
  const isPoint = points.has(entered.name);
  if (!isPoint && !ROUTING_STATES.has(entered.name)) return undefined;
  if (entered.truncated) {
    throw new ConflictError(
      `The input of state ${entered.name} is truncated in the history; the case cannot be resumed from it`,
      "办理流程的历史记录不完整，无法自动恢复，请联系技术支持",
    );
  }
  const state = JSON.parse(entered.input) as Record<string, unknown>;
  if (isPoint) return { resumeAt: entered.name, state };
  const loop = state.loop as { resumeAt?: unknown } | undefined;
  return typeof loop?.resumeAt === "string" && points.has(loop.resumeAt)
    ? { resumeAt: loop.resumeAt, state }
    : undefined;
}

/** The states `NextRound` dispatches to by `$.loop.resumeAt` in this definition. */
export function resumePointsOf(definitionJson: string): ReadonlySet<string> {
  const definition = JSON.parse(definitionJson) as {
    States?: Record<string, { Choices?: { Variable?: string; StringEquals?: string; Next?: string }[] }>;
  };
  const points = new Set<string>();
  for (const choice of definition.States?.[NEXT_ROUND]?.Choices ?? []) {
    if (choice.Variable === "$.loop.resumeAt" && choice.StringEquals && choice.Next === choice.StringEquals) {
      points.add(choice.StringEquals);
    }
  }
  return points;
}

function neverStarted(caseId: string): ConflictError {
  return new ConflictError(
    `Case ${caseId} has no execution to restart (a filing retry starts its first one)`,
    "该案件尚未启动办理流程，无法重新启动；再次提交同一申请即可启动",
  );
}

function caseEnded(caseId: string, status: CaseStatus): ConflictError {
  return new ConflictError(
    `Case ${caseId} has ended (${status}); an ended case is not restarted`,
    "该案件已结束（已办结、已撤回或未予救助），不能重新启动",
    { details: { status } },
  );
}

function notRedrivable(caseId: string, current: CurrentExecution): ConflictError {
  const running = current.facts.status === "RUNNING" || current.facts.status === "PENDING_REDRIVE";
  return new ConflictError(
    running
      ? `Case ${caseId} is running (execution ${current.name}); only a failed, timed-out or stopped execution is restarted`
      : `Case ${caseId} finished (execution ${current.name} ${current.facts.status}); there is nothing to restart`,
    running ? "该案件正在办理中，无需重新启动" : "该案件的办理流程已正常结束，无需重新启动",
    { details: { execution: current.name, status: current.facts.status } },
  );
}
