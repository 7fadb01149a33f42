/**
 * Recording a human decision and carrying it into the case, for every step of both flows: find the
 * wait the decision answers (409 when there is none), then `decideHumanTask` with one set of
 * effects — the step's extra effect, the case change, the audit event once per task — and answer
 * what was recorded. Each step validates its request and computes its change; this does the rest.
 */
import * as z from "zod";
import type { CaseRecord, CaseUpdate } from "#adapters/case-store.ts";
import type { DecisionTrail, HumanTask, HumanTaskDecision } from "#adapters/human-task-store.ts";
import type { Actor } from "#core/access/index.ts";
import type { FlowDeps } from "../ports.ts";
import {
  alreadyDecided,
  completeDecisionTrail,
  decideHumanTask,
  decisionWriteId,
  notWaitingError,
} from "./human-tasks.ts";

/** What a human step answers: the decision as recorded (the route's response schema). */
export const DecisionResponseSchema = z
  .object({
    caseId: z.string(),
    taskType: z.string(),
    decision: z
      .record(z.string(), z.unknown())
      .meta({ description: "The request as recorded (amounts as strings)" }),
    decidedBy: z.string(),
    decidedAt: z.string(),
    repeated: z
      .boolean()
      .meta({ description: "This request repeated one already recorded (nothing new was written)" }),
    delivery: z.string().meta({
      description:
        "`delivered`: the case moved on; `stale`: the wait's execution no longer waits (timed out, stopped or handed over) — the decision is kept and the wait that replaces it takes it over",
    }),
  })
  .meta({ id: "DecisionResponse" });
export type DecisionResponse = z.output<typeof DecisionResponseSchema>;

/** The case change of a decision: what is set, what happened (core gives the status), the statuses it still applies in. */
export type DecisionChange = Pick<CaseUpdate, "set" | "event" | "expectStatus">;

export interface RecordDecisionArgs {
  actor: Actor;
  action: string;
  record: Pick<CaseRecord, "caseId" | "countyId" | "townshipId">;
  taskType: string;
  /** What is recorded (the validated request, amounts as strings). */
  decision: Record<string, unknown>;
  /** What the waiting execution receives. */
  output: Record<string, unknown>;
  /** The case change, computed when the effects run (idempotent: a healing retry runs it again). */
  change: (recorded: HumanTaskDecision) => DecisionChange | Promise<DecisionChange>;
  /** The decider joins the case's `handledBy`. */
  handledBy?: boolean;
  before?: unknown;
  why?: string;
  correlationId: string;
  /** More effects (open a payment obligation …), run first, idempotent. */
  also?: (recorded: HumanTaskDecision) => Promise<void>;
}

/** The open wait of this type on the case, or the 409 that says why there is none (decided, or not waiting). */
export async function waitingTask(deps: FlowDeps, caseId: string, taskType: string): Promise<HumanTask> {
  const task = await deps.tasks.current(caseId, taskType);
  if (task) return task;
  const latest = await deps.tasks.latest(caseId, taskType);
  if (latest?.decided) throw await alreadyDecided(deps, caseId, taskType, latest.decided, { taskType });
  throw notWaitingError(caseId, taskType);
}

export async function recordDecision(deps: FlowDeps, args: RecordDecisionArgs): Promise<DecisionResponse> {
  const { record } = args;
  const trail: DecisionTrail = {
    action: args.action,
    actorName: args.actor.name,
    actorRoles: args.actor.roles,
    countyId: record.countyId,
    townshipId: record.townshipId,
    ...(args.why ? { why: args.why } : {}),
    ...(args.before !== undefined ? { before: args.before } : {}),
    correlationId: args.correlationId,
  };
  const result = await decideHumanTask(deps, {
    caseId: record.caseId,
    taskType: args.taskType,
    actorUserId: args.actor.userId,
    decision: args.decision,
    output: args.output,
    trail,
    effects: async (recorded, task) => {
      await args.also?.(recorded);
      const change = await args.change(recorded);
      await deps.cases.update(record.caseId, {
        ...change,
        writeId: decisionWriteId(task),
        ...(args.handledBy ? { handledBy: [recorded.decidedBy] } : {}),
      });
      // The trail of the decision as recorded (a repeat of the request carries out the first one's).
      await completeDecisionTrail(deps, task, recorded, recorded.trail ?? trail);
    },
  });
  return {
    caseId: record.caseId,
    taskType: args.taskType,
    decision: result.recorded.decision,
    decidedBy: result.recorded.decidedBy,
    decidedAt: result.recorded.decidedAt,
    repeated: result.repeated,
    delivery: result.delivery,
  };
}

/** The policy version the case was filed under: every decision on it is judged by that version. */
export async function policyOf(
  deps: FlowDeps,
  record: Pick<CaseRecord, "countyId" | "townshipId" | "policyVersionId">,
) {
  return deps.policy.resolveVersion(record.countyId, record.townshipId, record.policyVersionId);
}

/** One reserve fund per township (DOMAIN §2.3): the fund id is the township code. */
export function fundIdOf(townshipId: string): string {
  return townshipId;
}

/** The payment an approval promises, drawn from the case's township fund when the flow pays it. */
export async function openPaymentObligation(
  deps: FlowDeps,
  record: Pick<CaseRecord, "caseId" | "countyId" | "townshipId">,
  purpose: string,
  amountYuan: string,
): Promise<void> {
  await deps.payments.openObligation({
    caseId: record.caseId,
    purpose,
    countyCode: record.countyId,
    township: record.townshipId,
    fund: fundIdOf(record.townshipId),
    amountYuan,
  });
}
