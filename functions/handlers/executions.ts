/**
 * `AdoptExecution`: the first task of a continued or redriven execution (functions/services/executions.ts).
 * Flow B passes its settings and takes back the ones it goes on with (`settingsCarriedOver`).
 */
import * as z from "zod";
import { adoptExecution } from "#functions/services/executions.ts";
import { settingsCarriedOver } from "#functions/services/flow-b/settings.ts";
import { CaseTaskSchema, taskHandler } from "#functions/services/steps/task-handler.ts";

const AdoptSchema = CaseTaskSchema.extend({
  executionArn: z.string().min(1),
  executionName: z.string().min(1),
  settings: z.record(z.string(), z.unknown()).optional(),
});

export const adopt = taskHandler(AdoptSchema, async (event, deps) => {
  const adopted = await adoptExecution(deps, { caseId: event.caseId, executionName: event.executionName });
  return event.settings ? settingsCarriedOver(event.settings) : adopted;
});
