/**
 * Errors of the Step Functions API, shaped like the service's (`__type` + message, HTTP 400), so the
 * real `@aws-sdk/client-sfn` raises its own typed exceptions (`TaskDoesNotExist`, …) against the
 * local endpoint.
 */
export type SfnErrorType =
  | "ExecutionAlreadyExists"
  | "ExecutionDoesNotExist"
  | "StateMachineDoesNotExist"
  | "InvalidArn"
  | "InvalidName"
  | "InvalidExecutionInput"
  | "InvalidOutput"
  | "InvalidToken"
  | "TaskDoesNotExist"
  | "TaskTimedOut"
  | "ValidationException"
  | "UnknownOperationException";

export class SfnApiError extends Error {
  constructor(
    readonly type: SfnErrorType,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = type;
  }
}

/** An error raised inside a running state machine: `name` is what Retry/Catch `ErrorEquals` match. */
export class StatesError extends Error {
  constructor(errorName: string, cause: string) {
    super(cause);
    this.name = errorName;
  }
}
