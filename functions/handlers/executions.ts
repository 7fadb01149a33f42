/** `AdoptExecution`: the first task of a continued or redriven execution (functions/services/executions.ts). */
import * as z from "zod";
import { adoptExecution } from "#functions/services/executions.ts";
import { CaseTaskSchema, taskHandler } from "#functions/services/steps/task-handler.ts";

const AdoptSchema = CaseTaskSchema.extend({
  executionArn: z.string().min(1),
  executionName: z.string().min(1),
});

export const adopt = taskHandler(AdoptSchema, (event, deps) =>
  adoptExecution(deps, { caseId: event.caseId, executionName: event.executionName }),
);
