/**
 * The wrapper of every automatic step of both flows (a state-machine task): the event parsed with
 * zod (a malformed event is a named `TaskInputError`, never retried), the correlation id of the case
 * on every log line, and errors thrown by name so the ASL's Retry/Catch match them — never an error
 * object returned as success. A dependency's transient failure (throttle, conflict, timeout, once
 * the SDK's own retries are spent) is thrown as `TransientDependencyError`, which every Retry lists:
 * the step runs again later, it does not end the case in an incident.
 */
import * as z from "zod";
import { asRetryable } from "#adapters/transient-errors.ts";
import { withLogContext } from "#functions/runtime/logger.ts";
import { flowDeps, forInvocation } from "../deps.ts";
import type { FlowDeps } from "../ports.ts";

export class TaskInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TaskInputError";
  }
}

export const CaseTaskSchema = z.object({ caseId: z.string().min(1), correlationId: z.string().min(1) });

export function taskHandler<S extends z.ZodType, R>(
  schema: S,
  run: (event: z.output<S>, deps: FlowDeps) => Promise<R>,
): (event: unknown) => Promise<R> {
  return async (event: unknown) => {
    const parsed = schema.safeParse(event);
    if (!parsed.success) {
      throw new TaskInputError(
        `task input is not valid: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
      );
    }
    const value = parsed.data as z.output<S> & { correlationId?: string; caseId?: string };
    try {
      return await withLogContext({ correlationId: value.correlationId, caseId: value.caseId }, () =>
        run(parsed.data, forInvocation(flowDeps())),
      );
    } catch (error) {
      throw asRetryable(error);
    }
  };
}
