/** `OpenHumanTask`: every human wait of Flow A — stores the token server-side, notifies, returns nothing. */
import { OpenTaskEventSchema, openFlowATask } from "#functions/services/flow-a/tasks.ts";
import { taskHandler } from "#functions/services/steps/task-handler.ts";

export const handler = taskHandler(OpenTaskEventSchema, async (event, deps) => {
  const { task, carriedOver } = await openFlowATask(deps, event);
  // The Lambda result is ignored by waitForTaskToken; the token is not in it.
  return { taskId: task.taskId, carriedOver };
});
