/**
 * The layer raises `States.Timeout` itself (on its clock), but aws-local-stepfunctions decides whether
 * `States.TaskFailed` matches an error with `instanceof` its own, unexported `StatesTimeoutError`
 * (per the ASL spec, TaskFailed matches every task error except States.Timeout). To keep that rule the
 * layer obtains the class from the library once — by letting a probe machine's Task time out after
 * 1 ms — and throws instances of it.
 */
import "./polyfill.ts";
import { StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import { StatesError } from "./errors.ts";

type ErrorConstructor0 = new () => Error;

let statesTimeoutClass: Promise<ErrorConstructor0> | undefined;

function probeTimeoutClass(): Promise<ErrorConstructor0> {
  const probe = {
    StartAt: "Probe",
    States: {
      Probe: {
        Type: "Task",
        Resource: "arn:aws:lambda:cn-north-1:000000000000:function:probe",
        TimeoutSeconds: 0.001,
        End: true,
      },
    },
  } as unknown as StateMachineDefinition;
  const run = new StateMachine(probe, { validationOptions: { noValidate: true } }).run(null, {
    overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => undefined) } },
  });
  return run.result.then(
    () => {
      throw new Error("the timeout probe machine did not time out");
    },
    (error: unknown) => {
      const cause = error instanceof Error ? error.cause : undefined;
      if (!(cause instanceof Error) || cause.name !== "States.Timeout") {
        throw new Error(`the timeout probe failed unexpectedly: ${String(error)}`);
      }
      return cause.constructor as ErrorConstructor0;
    },
  );
}

/** A `States.Timeout` error the library treats exactly like its own task timeout. */
export async function statesTimeoutError(): Promise<Error> {
  statesTimeoutClass ??= probeTimeoutClass();
  return new (await statesTimeoutClass)();
}

export function heartbeatTimeoutError(): Error {
  return new StatesError("States.HeartbeatTimeout", "The task did not send a heartbeat in time");
}
