/**
 * What the local Step Functions layer writes to DynamoDB Local, request by request (issue 23 §4): a
 * run keeps its history, checkpoints and task records in a buffer and sends them only when they are
 * needed — at the barrier before a Task or Wait state (the checkpoint, with a token wait's task
 * record), when the execution parks, and at the end with the close. Every request of the runtime's
 * own client passes a counting request handler; the layer's are those on `SFN…` keys.
 */
import { randomUUID } from "node:crypto";
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { type LocalRuntime, startLocalRuntime } from "../../../local/runtime.ts";
import { FIXTURE_FUNCTIONS, FIXTURE_WORKFLOWS } from "../../fixtures/handlers/functions.ts";
import { awaitReviewToken } from "./support/review.ts";

let runtime: LocalRuntime | undefined;

afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

type Key = { pk?: { S?: string }; sk?: { S?: string } };

/** `Operation item item …` of a request on the layer's items (`SFN…` keys), else undefined. */
function layerRequest(target: string, body: string): string | undefined {
  const input = JSON.parse(body) as {
    Item?: Key;
    Key?: Key;
    TransactItems?: { Put?: { Item: Key }; Update?: { Key: Key } }[];
  };
  const keys: { key: Key; update: boolean }[] = input.TransactItems
    ? input.TransactItems.map((t) => ({ key: (t.Put?.Item ?? t.Update?.Key) as Key, update: !!t.Update }))
    : [{ key: (input.Item ?? input.Key ?? {}) as Key, update: false }];
  if (!keys.every(({ key }) => key.pk?.S?.startsWith("SFN"))) return undefined;
  const kinds = keys.map(({ key, update }) => {
    const sk = key.sk?.S ?? "";
    return `${update ? "close:" : ""}${sk.startsWith("EVENT#") ? "EVENT" : sk}`;
  });
  // Consecutive events as one `EVENT×n`.
  const compact: string[] = [];
  for (const kind of kinds) {
    const last = compact.at(-1);
    const count = last?.match(/^EVENT×(\d+)$/);
    if (kind === "EVENT" && count) compact[compact.length - 1] = `EVENT×${Number(count[1]) + 1}`;
    else compact.push(kind === "EVENT" ? "EVENT×1" : kind);
  }
  return [target.replace("DynamoDB_20120810.", ""), ...compact].join(" ");
}

function countingHandler(): { requests: string[]; handler: NodeHttpHandler } {
  const requests: string[] = [];
  const handler = new NodeHttpHandler();
  const handle = handler.handle.bind(handler);
  handler.handle = (request, options) => {
    const shape = layerRequest(request.headers["x-amz-target"] ?? "", String(request.body ?? "{}"));
    if (shape) requests.push(shape);
    return handle(request, options);
  };
  return { requests, handler };
}

describe("the local Step Functions layer's writes", () => {
  it("a review costs one write a state, the task record rides with its state's checkpoint, the last events with the close", async () => {
    // Prepare
    const counting = countingHandler();
    runtime = await startLocalRuntime({
      dynamoEndpoint: inject("dynamoEndpoint"),
      dynamoRequestHandler: counting.handler,
      tablePrefix: `sfnw-${randomUUID().slice(0, 8)}-`,
      clock: { mode: "manual" },
      workflows: Object.values(FIXTURE_WORKFLOWS),
      functions: FIXTURE_FUNCTIONS,
    });
    const rt = runtime;
    const sfn = new SFNClient({});
    const caseId = `case-${randomUUID().slice(0, 8)}`;
    const input = { caseId, level: 1, reviewTimeoutSeconds: 2 * 86_400, coolingOffSeconds: 0 };

    // Act: start, wait until the reviewer is asked (the execution parks), answer
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: rt.stateMachines.review,
        name: caseId,
        input: JSON.stringify(input),
      }),
    );
    const token = await awaitReviewToken(rt.dynamo, rt.tables.main, caseId, 1);
    const whileParked = await vi.waitFor(
      async () => {
        const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
        const types = events?.map((e) => e.type) ?? [];
        expect(types.at(-1)).toBe("TaskSubmitted");
        return { types, requests: [...counting.requests] };
      },
      { timeout: 10_000, interval: 25 },
    );
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approvedBy: "r1" }) }),
    );
    await rt.stepFunctions.settled(executionArn as string);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));

    // Assess: every event so far is answered while the execution waits (sent when it parked)
    expect(whileParked.types).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "LambdaFunctionScheduled",
      "LambdaFunctionStarted",
      "LambdaFunctionSucceeded",
      "TaskStateExited",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSubmitted",
    ]);
    expect(counting.requests).toEqual([
      // StartExecution: the execution, conditional on its name being new
      "PutItem EXECUTION",
      // PrepareReview's barrier: ExecutionStarted, its checkpoint and its TaskStateEntered
      "TransactWriteItems EVENT×1 CHECKPOINT EVENT×1",
      // AwaitReview's barrier: PrepareReview's function events and exit, the checkpoint, the entry
      // and the task record, durable before the token is handed out
      "TransactWriteItems EVENT×4 CHECKPOINT EVENT×1 TASK",
      // parked on the token: TaskScheduled, TaskStarted, TaskSubmitted and the handler's marker
      "TransactWriteItems EVENT×3 HANDLER_DONE",
      // SendTaskSuccess: the task closed, conditional on its being open
      "UpdateItem TASK",
      // CoolingOff's barrier: TaskSucceeded, exit, entry and its checkpoint, which took the Wait's
      // deadline meanwhile (one item of a key a request: moved after the events before it)
      "TransactWriteItems EVENT×3 CHECKPOINT",
      // the end: the close and the last four events in one transaction (Approved's checkpoint, inert
      // once the execution is closed, left out)
      "TransactWriteItems close:EXECUTION EVENT×4",
    ]);
    expect(whileParked.requests).toEqual(counting.requests.slice(0, 4));
    expect(described.status).toBe("SUCCEEDED");
    expect(events?.map((e) => e.type)).toEqual([
      ...whileParked.types,
      "TaskSucceeded",
      "TaskStateExited",
      "WaitStateEntered",
      "WaitStateExited",
      "PassStateEntered",
      "PassStateExited",
      "ExecutionSucceeded",
    ]);
    expect(events?.map((e) => e.id)).toEqual(events?.map((_, i) => i + 1));
  });
});
