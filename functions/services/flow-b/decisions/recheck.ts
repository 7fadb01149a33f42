/**
 * The re-check before a stage is paid (DOMAIN §4.5, §2.5): dated between the stage's due date and
 * today, answering every open suspicion; still in hardship pays the stage, anything else stops the
 * plan (the wait fails with `RecheckStopped`, caught to `ClosePlan`).
 */
import * as z from "zod";
import type { HumanTask, HumanTaskDecision } from "#adapters/human-task-store.ts";
import type { Actor } from "#core/access/index.ts";
import { localDateOf } from "#core/calendar/localDate.ts";
import { ConflictError, ValidationError } from "#core/errors.ts";
import { zhDate } from "#core/labels/index.ts";
import { authorizeOnCase } from "../../case-access.ts";
import type { FlowDeps } from "../../ports.ts";
import {
  type DecisionChange,
  type DecisionResponse,
  openPaymentObligation,
  recordDecision,
  waitingTask,
} from "../../steps/decision.ts";
import {
  type FlowBCase,
  type PlanRecord,
  type PlanStage,
  planOf,
  type Recheck,
  stagePurpose,
} from "../plan-record.ts";
import { LocalDateText, onCurrentPlan, Text } from "./common.ts";

export const RECHECK_OUTCOMES = [
  "still-in-hardship",
  "covered-by-dibao",
  "covered-by-tekun",
  "moved",
  "died",
  "recovered",
] as const;

/** The error a stopped plan's re-check ends its wait with (workflows/flow-b.asl.json catches it to ClosePlan). */
export const RECHECK_STOPPED = "RecheckStopped";

export const RecheckSchema = z
  .object({
    stage: z.number().int().positive(),
    /** The date the officer checked (a dated re-check; never in the future, never before the stage fell due). */
    checkedOn: LocalDateText,
    outcome: z.enum(RECHECK_OUTCOMES),
    findings: Text,
    /** Every open suspicion must be answered by the re-check that follows it (DOMAIN §2.5). */
    suspicionsReviewed: z
      .array(z.object({ suspicionId: z.string().min(1), finding: Text }).strict())
      .max(50)
      .default([]),
  })
  .strict();
export type RecheckRequest = z.output<typeof RecheckSchema>;

export async function recordRecheck(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: RecheckRequest,
  correlationId: string,
): Promise<DecisionResponse> {
  const record = (await deps.cases.get(caseId)) as FlowBCase;
  authorizeOnCase(actor, "stage.recheck", record);
  const task = await waitingTask(deps, caseId, "stage-recheck");
  const plan = planOf(record);
  const stages = plan.stages ?? [];
  const stage = checkRecheck(deps, task, plan, request);
  const proceed = request.outcome === "still-in-hardship";
  const next = stages.find((s) => s.index === stage.index + 1);
  const current = {
    index: stage.index,
    purpose: stagePurpose(stage.index),
    amountYuan: stage.amountYuan,
    last: stage.index === stages.length,
  };
  return recordDecision(deps, {
    actor,
    action: "stage.recheck",
    record,
    taskType: "stage-recheck",
    decision: { ...request, escalated: task.escalated },
    // The stage cursor of the ASL: pay this stage, then wait for the next one (or close). A stop
    // ends the wait with SendTaskFailure RecheckStopped, which the ASL catches to ClosePlan.
    output: proceed
      ? { decision: "continue", current, ...(next ? { next: { index: next.index, dueAt: next.dueAt } } : {}) }
      : { decision: "stop", current, reason: request.outcome, taskFailure: { error: RECHECK_STOPPED } },
    also: async () => {
      if (!proceed) return;
      await openPaymentObligation(deps, record, stagePurpose(stage.index), stage.amountYuan);
    },
    change: onCurrentPlan(deps, caseId, (recorded, currentPlan) =>
      recheckedPlan(recorded, currentPlan, request, stage, task.escalated),
    ),
    handledBy: true,
    why: proceed
      ? `stage ${stage.index} re-checked: still in hardship`
      : `plan stopped at stage ${stage.index}: ${request.outcome}`,
    correlationId,
  });
}

/** The stage the wait is for, checked on a date it may carry, with every open suspicion answered. */
function checkRecheck(deps: FlowDeps, task: HumanTask, plan: PlanRecord, request: RecheckRequest): PlanStage {
  const stage = (plan.stages ?? []).find((s) => s.index === request.stage);
  if (!stage || task.details?.stage !== request.stage) {
    throw new ConflictError(
      `Stage ${request.stage} is not the stage waiting for its re-check (${String(task.details?.stage)})`,
      `第 ${request.stage} 期不是当前待复核的期次（当前为第 ${String(task.details?.stage)} 期）`,
      { details: { waitingStage: task.details?.stage } },
    );
  }
  const today = localDateOf(deps.now());
  if (request.checkedOn > today || request.checkedOn < stage.dueDate) {
    throw new ValidationError(
      `The re-check must be dated between the stage's due date ${stage.dueDate} and today ${today}`,
      `复核日期须在本期到期日 ${zhDate(stage.dueDate)} 与今天 ${zhDate(today)} 之间`,
      {
        fields: [
          {
            path: "checkedOn",
            message: `between ${stage.dueDate} and ${today}`,
            messageZh: `须在 ${zhDate(stage.dueDate)} 至 ${zhDate(today)} 之间`,
          },
        ],
      },
    );
  }
  const reviewed = new Set(request.suspicionsReviewed.map((r) => r.suspicionId));
  const missing = plan.suspicions.filter((s) => s.status === "open" && !reviewed.has(s.suspicionId));
  if (missing.length > 0) {
    throw new ValidationError(
      `Open suspicions must be checked in this re-check: ${missing.map((s) => s.suspicionId).join(", ")}`,
      `本次复核须逐条核实尚未处理的疑点（${missing.length} 条）`,
      {
        fields: [
          { path: "suspicionsReviewed", message: "answer every open suspicion", messageZh: "须逐条核实疑点" },
        ],
      },
    );
  }
  return stage;
}

/** The plan with this stage's re-check recorded and the suspicions it answered marked reviewed. */
function recheckedPlan(
  recorded: HumanTaskDecision,
  currentPlan: PlanRecord,
  request: RecheckRequest,
  stage: PlanStage,
  escalated: boolean,
): DecisionChange {
  const recheck: Recheck = {
    stage: stage.index,
    checkedOn: request.checkedOn,
    outcome: request.outcome,
    findings: request.findings,
    checkedBy: recorded.decidedBy,
    recordedAt: recorded.decidedAt,
    escalated,
  };
  return {
    event: { type: request.outcome === "still-in-hardship" ? "recheck.passed" : "recheck.failed" },
    set: {
      dueAt: null,
      plan: {
        ...currentPlan,
        rechecks: [...currentPlan.rechecks.filter((r) => r.stage !== stage.index), recheck],
        suspicions: currentPlan.suspicions.map((s) => {
          const review = request.suspicionsReviewed.find((r) => r.suspicionId === s.suspicionId);
          return review && s.status === "open"
            ? {
                ...s,
                status: "reviewed" as const,
                review: {
                  finding: review.finding,
                  by: recorded.decidedBy,
                  at: recorded.decidedAt,
                  stage: stage.index,
                },
              }
            : s;
        }),
      } satisfies PlanRecord,
    },
  };
}
