/**
 * The state-machine tasks of Flow B (workflows/flow-b.asl.json). Parsed with zod (a malformed event
 * is `TaskInputError`, never retried), errors thrown by name for the ASL's Retry/Catch.
 */
import * as z from "zod";
import {
  closePlan,
  commitPlan,
  payStage,
  reverseStagePayment,
  startFlowB,
} from "#functions/services/flow-b/steps.ts";
import { OpenFlowBTaskSchema, openFlowBTask } from "#functions/services/flow-b/tasks.ts";
import { CaseTaskSchema, taskHandler } from "#functions/services/steps/task-handler.ts";

const StagePurpose = z.string().regex(/^stage-[0-9]{1,2}$/, "stage-<n>");

export const start = taskHandler(
  CaseTaskSchema.extend({ handedOverFrom: z.string().optional() }),
  (event, deps) => startFlowB(deps, event),
);

export const openTask = taskHandler(OpenFlowBTaskSchema, async (event, deps) => {
  const { task, carriedOver } = await openFlowBTask(deps, event);
  // The Lambda result is ignored by waitForTaskToken; the token is not in it.
  return { taskId: task.taskId, carriedOver };
});

export const commit = taskHandler(CaseTaskSchema, (event, deps) =>
  commitPlan(deps, event.caseId, event.correlationId),
);

/** What `DrawStage` (the fund's draw queue, functions/services/ledger-draws.ts) answered. */
const DrawnSchema = z.object({
  outcome: z.enum(["applied", "duplicate", "already-paid"]),
  entryId: z.string().min(1).optional(),
});

export const pay = taskHandler(
  CaseTaskSchema.extend({ purpose: StagePurpose, taskToken: z.string().min(1), draw: DrawnSchema }),
  async (event, deps) => {
    await payStage(deps, event);
    return { instructed: true };
  },
);

export const reverse = taskHandler(CaseTaskSchema.extend({ purpose: StagePurpose }), (event, deps) =>
  reverseStagePayment(deps, event),
);

export const close = taskHandler(CaseTaskSchema, (event, deps) =>
  closePlan(deps, event.caseId, event.correlationId),
);
