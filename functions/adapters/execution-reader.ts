/**
 * What an operator's tools read about one execution, through the real `@aws-sdk/client-sfn` (in AWS
 * and against the local runtime's endpoint `AWS_ENDPOINT_URL_SFN` alike): its status and input, the
 * definition it ran (DescribeStateMachineForExecution: the version it started on, not the one live
 * now) and its history newest first. An execution that does not exist is `undefined`, not an error.
 */
import {
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type SFNClient,
} from "@aws-sdk/client-sfn";

export type ExecutionStatus =
  | "RUNNING"
  | "SUCCEEDED"
  | "FAILED"
  | "TIMED_OUT"
  | "ABORTED"
  | "PENDING_REDRIVE";

export interface ExecutionFacts {
  executionArn: string;
  status: ExecutionStatus;
  /** The execution's input (JSON text). */
  input: string;
  error?: string;
  stopDate?: Date;
}

/** A state the execution entered: its name and the input it entered with (JSON text). */
export interface StateEntered {
  name: string;
  input: string;
  /** AWS cuts inputs above 256 KiB in the history: such an input cannot be resumed from. */
  truncated: boolean;
}

export interface ExecutionReader {
  describe(executionArn: string): Promise<ExecutionFacts | undefined>;
  /** The ASL (JSON text) the execution ran. */
  definition(executionArn: string): Promise<string>;
  /** The states entered, newest first, at most `eventsMax` history events read. */
  statesEnteredNewestFirst(executionArn: string, eventsMax: number): AsyncGenerator<StateEntered>;
}

/** History events read per request (the service's maximum). */
const HISTORY_PAGE_SIZE = 1000;

function isMissing(error: unknown): boolean {
  return error instanceof ExecutionDoesNotExist || (error as Error)?.name === "ExecutionDoesNotExist";
}

export function executionReader(sfn: SFNClient): ExecutionReader {
  return {
    async describe(executionArn) {
      try {
        const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        return {
          executionArn,
          status: (out.status ?? "RUNNING") as ExecutionStatus,
          input: out.input ?? "{}",
          ...(out.error ? { error: out.error } : {}),
          ...(out.stopDate ? { stopDate: out.stopDate } : {}),
        };
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async definition(executionArn) {
      const out = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
      return out.definition ?? "{}";
    },
    async *statesEnteredNewestFirst(executionArn, eventsMax) {
      let read = 0;
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(
          new GetExecutionHistoryCommand({
            executionArn,
            reverseOrder: true,
            maxResults: Math.min(HISTORY_PAGE_SIZE, eventsMax - read),
            ...(nextToken ? { nextToken } : {}),
          }),
        );
        for (const event of page.events ?? []) {
          read += 1;
          const entered = event.stateEnteredEventDetails;
          if (event.type?.endsWith("StateEntered") && entered?.name) {
            yield {
              name: entered.name,
              input: entered.input ?? "{}",
              truncated: entered.inputDetails?.truncated === true,
            };
          }
        }
        nextToken = page.nextToken;
      } while (nextToken && read < eventsMax);
    },
  };
}
