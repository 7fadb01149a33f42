/**
 * The Step Functions calls the flows need, through the real `@aws-sdk/client-sfn` (in AWS and against
 * the local runtime's JSON-protocol endpoint `AWS_ENDPOINT_URL_SFN` alike). The few SDK errors that
 * are *expected* outcomes — an execution that already exists, a token that is no longer waited on —
 * become plain results here, so callers branch on data instead of on SDK exception classes.
 */
import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from "@aws-sdk/client-sfn";

export interface StartResult {
  executionArn?: string;
  /** False when an execution with this name already existed (a retried filing): nothing was started. */
  started: boolean;
}

/** `delivered`: the execution resumed. `stale`: the token timed out or was already used — nobody waits on it. */
export type TaskResponseOutcome = "delivered" | "stale";

export interface WorkflowPort {
  startExecution(input: { stateMachineArn: string; name: string; input: unknown }): Promise<StartResult>;
  sendTaskSuccess(token: string, output: unknown): Promise<TaskResponseOutcome>;
  sendTaskFailure(token: string, error: string, cause: string): Promise<TaskResponseOutcome>;
}

let client: SFNClient | undefined;

/** One client per process; the endpoint comes from the SDK's own `AWS_ENDPOINT_URL_SFN` when set. */
export function sfnClient(): SFNClient {
  client ??= new SFNClient({});
  return client;
}

export function resetSfnClient(): void {
  client?.destroy();
  client = undefined;
}

function isStaleTokenError(error: unknown): boolean {
  return (
    error instanceof TaskTimedOut ||
    error instanceof TaskDoesNotExist ||
    error instanceof InvalidToken ||
    (error instanceof Error && ["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"].includes(error.name))
  );
}

export function stepFunctions(sfn: SFNClient = sfnClient()): WorkflowPort {
  return {
    async startExecution({ stateMachineArn, name, input }) {
      try {
        const out = await sfn.send(
          new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
        );
        return { started: true, ...(out.executionArn ? { executionArn: out.executionArn } : {}) };
      } catch (error) {
        // The execution name is the case id: a second start is the same case, already running.
        if (error instanceof ExecutionAlreadyExists || (error as Error).name === "ExecutionAlreadyExists") {
          return { started: false };
        }
        throw error;
      }
    },
    async sendTaskSuccess(token, output) {
      try {
        await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
        return "delivered";
      } catch (error) {
        if (isStaleTokenError(error)) return "stale";
        throw error;
      }
    },
    async sendTaskFailure(token, error, cause) {
      try {
        await sfn.send(new SendTaskFailureCommand({ taskToken: token, error, cause }));
        return "delivered";
      } catch (failure) {
        if (isStaleTokenError(failure)) return "stale";
        throw failure;
      }
    },
  };
}
