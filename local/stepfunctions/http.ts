/**
 * The Step Functions JSON 1.0 protocol on a loopback port: `POST /` with
 * `X-Amz-Target: AWSStepFunctions.<Action>`, JSON bodies, timestamps as epoch seconds, errors as
 * `{ "__type": "<Error>", "message": … }` with status 400. Handlers point the real
 * `@aws-sdk/client-sfn` here with `AWS_ENDPOINT_URL_SFN` and run unchanged.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { LOCAL_ACCOUNT } from "./arn.ts";
import { SfnApiError } from "./errors.ts";
import type { ExecutionDescription, HistoryEventDescription, StepFunctionsLayer } from "./layer.ts";

const TARGET_PREFIX = "AWSStepFunctions.";
/** The service returns the machine's role; locally nothing assumes one. */
const LOCAL_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT}:role/aidflow-local-state-machine`;
const BODY_BYTES_MAX = 1_048_576;

const status = z.enum(["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]);
const page = {
  maxResults: z.number().int().min(0).max(1000).optional(),
  nextToken: z.string().min(1).optional(),
};

const actions = {
  StartExecution: z.object({
    stateMachineArn: z.string().min(1),
    name: z.string().optional(),
    input: z.string().optional(),
  }),
  DescribeExecution: z.object({ executionArn: z.string().min(1) }),
  DescribeStateMachineForExecution: z.object({ executionArn: z.string().min(1) }),
  ListExecutions: z.object({ stateMachineArn: z.string().min(1), statusFilter: status.optional(), ...page }),
  GetExecutionHistory: z.object({
    executionArn: z.string().min(1),
    reverseOrder: z.boolean().optional(),
    ...page,
  }),
  StopExecution: z.object({
    executionArn: z.string().min(1),
    error: z.string().optional(),
    cause: z.string().optional(),
  }),
  SendTaskSuccess: z.object({ taskToken: z.string().min(1), output: z.string() }),
  SendTaskFailure: z.object({
    taskToken: z.string().min(1),
    error: z.string().optional(),
    cause: z.string().optional(),
  }),
  SendTaskHeartbeat: z.object({ taskToken: z.string().min(1) }),
} as const;

type Action = keyof typeof actions;

export interface SfnServer {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export async function startSfnServer(layer: StepFunctionsLayer, port = 0): Promise<SfnServer> {
  const server: Server = createServer((request, response) => {
    handle(layer, request, response).catch((error) => {
      sendError(response, new SfnApiError("ValidationException", String(error), 500));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  layer: StepFunctionsLayer,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const target = String(request.headers["x-amz-target"] ?? "");
  if (request.method !== "POST" || !target.startsWith(TARGET_PREFIX)) {
    return sendError(response, new SfnApiError("UnknownOperationException", `Unknown operation ${target}`));
  }
  const action = target.slice(TARGET_PREFIX.length);
  if (!(action in actions)) {
    return sendError(response, new SfnApiError("UnknownOperationException", `Unknown operation ${action}`));
  }
  let body: unknown;
  try {
    const text = await readBody(request);
    body = text.length === 0 ? {} : JSON.parse(text);
  } catch {
    return sendError(response, new SfnApiError("ValidationException", "The request body is not JSON"));
  }
  try {
    const result = await dispatch(layer, action as Action, body);
    send(response, 200, result);
  } catch (error) {
    if (error instanceof SfnApiError) return sendError(response, error);
    throw error;
  }
}

async function dispatch(layer: StepFunctionsLayer, action: Action, body: unknown): Promise<unknown> {
  const parsed = actions[action].safeParse(body);
  if (!parsed.success) {
    throw new SfnApiError(
      "ValidationException",
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    );
  }
  const input = parsed.data as never;
  switch (action) {
    case "StartExecution": {
      const started = await layer.startExecution(input);
      return { executionArn: started.executionArn, startDate: epochSeconds(started.startDate) };
    }
    case "DescribeExecution":
      return executionShape(await layer.describeExecution((input as { executionArn: string }).executionArn));
    case "DescribeStateMachineForExecution": {
      const machine = await layer.describeStateMachineForExecution(
        (input as { executionArn: string }).executionArn,
      );
      return {
        stateMachineArn: machine.stateMachineArn,
        name: machine.name,
        definition: machine.definition,
        roleArn: LOCAL_ROLE_ARN,
        updateDate: epochSeconds(machine.updateDate),
      };
    }
    case "ListExecutions": {
      const listed = await layer.listExecutions(input);
      return {
        executions: listed.executions.map((e) => ({
          executionArn: e.executionArn,
          stateMachineArn: e.stateMachineArn,
          name: e.name,
          status: e.status,
          startDate: epochSeconds(e.startDate),
          ...(e.stopDate ? { stopDate: epochSeconds(e.stopDate) } : {}),
        })),
        ...(listed.nextToken ? { nextToken: listed.nextToken } : {}),
      };
    }
    case "GetExecutionHistory": {
      const history = await layer.getExecutionHistory(input);
      return {
        events: history.events.map(eventShape),
        ...(history.nextToken ? { nextToken: history.nextToken } : {}),
      };
    }
    case "StopExecution": {
      const stopped = await layer.stopExecution(input);
      return { stopDate: epochSeconds(stopped.stopDate) };
    }
    case "SendTaskSuccess":
      await layer.sendTaskSuccess(input);
      return {};
    case "SendTaskFailure":
      await layer.sendTaskFailure(input);
      return {};
    case "SendTaskHeartbeat":
      await layer.sendTaskHeartbeat(input);
      return {};
  }
}

function executionShape(e: ExecutionDescription): Record<string, unknown> {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: epochSeconds(e.startDate),
    input: e.input,
    inputDetails: { included: true },
    ...(e.stopDate ? { stopDate: epochSeconds(e.stopDate) } : {}),
    ...(e.output !== undefined ? { output: e.output, outputDetails: { included: true } } : {}),
    ...(e.error !== undefined ? { error: e.error } : {}),
    ...(e.cause !== undefined ? { cause: e.cause } : {}),
  };
}

/** `TaskStateEntered` → `stateEnteredEventDetails`, `TaskScheduled` → `taskScheduledEventDetails`. */
export function detailsKey(type: string): string {
  if (type.endsWith("StateEntered")) return "stateEnteredEventDetails";
  if (type.endsWith("StateExited")) return "stateExitedEventDetails";
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}

function eventShape(event: HistoryEventDescription): Record<string, unknown> {
  return {
    id: event.id,
    previousEventId: event.previousEventId,
    timestamp: epochSeconds(event.timestamp),
    type: event.type,
    ...(event.details ? { [detailsKey(event.type)]: event.details } : {}),
  };
}

function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

function send(response: ServerResponse, statusCode: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, {
    "content-type": "application/x-amz-json-1.0",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
  });
  response.end(text);
}

function sendError(response: ServerResponse, error: SfnApiError): void {
  send(response, error.statusCode, { __type: error.type, message: error.message });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_BYTES_MAX) {
        reject(new Error("request body too large"));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
