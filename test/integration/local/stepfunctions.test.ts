/**
 * The local Step Functions layer against real DynamoDB Local and the real ASL interpreter
 * (aws-local-stepfunctions), driven through the real `@aws-sdk/client-sfn` — the client finds the
 * layer through `AWS_ENDPOINT_URL_SFN`, exactly as handler code does.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  InvalidToken,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { nowMs } from "#functions/runtime/clock.ts";
import { isManualClock, type ManualClock } from "../../../local/clock.ts";
import { type LocalRuntime, type RuntimeClockOptions, startLocalRuntime } from "../../../local/runtime.ts";
import { FIXTURE_FUNCTIONS, FIXTURE_WORKFLOWS } from "../../fixtures/handlers/functions.ts";
import { awaitReviewToken } from "./support/review.ts";

const DAY_MS = 86_400_000;
let runtime: LocalRuntime | undefined;

afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

async function start(clock: RuntimeClockOptions): Promise<{ runtime: LocalRuntime; sfn: SFNClient }> {
  runtime = await startLocalRuntime({
    dynamoEndpoint: inject("dynamoEndpoint"),
    tablePrefix: `sfn-${randomUUID().slice(0, 8)}-`,
    clock,
    workflows: Object.values(FIXTURE_WORKFLOWS),
    functions: FIXTURE_FUNCTIONS,
  });
  // No endpoint here: the SDK reads AWS_ENDPOINT_URL_SFN, set by the runtime for its handlers.
  return { runtime, sfn: new SFNClient({}) };
}

function manual(rt: LocalRuntime): ManualClock {
  if (!isManualClock(rt.clock)) throw new Error("the test needs the manual clock");
  return rt.clock;
}

function reviewCase(overrides: Record<string, unknown> = {}) {
  return {
    caseId: `case-${randomUUID().slice(0, 8)}`,
    level: 1,
    reviewTimeoutSeconds: 2 * 86_400,
    coolingOffSeconds: 0,
    ...overrides,
  };
}

async function startReview(rt: LocalRuntime, sfn: SFNClient, input: ReturnType<typeof reviewCase>) {
  const started = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: rt.stateMachines.review,
      name: input.caseId,
      input: JSON.stringify(input),
    }),
  );
  return started.executionArn as string;
}

async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 50 }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

async function finished(rt: LocalRuntime, sfn: SFNClient, executionArn: string) {
  await rt.stepFunctions.settled(executionArn);
  return sfn.send(new DescribeExecutionCommand({ executionArn }));
}

describe("task-token waits (human review steps)", () => {
  it("a reviewer's approval sent with SendTaskSuccess through client-sfn completes the wait", async () => {
    // Prepare
    const { runtime: rt, sfn } = await start({ mode: "manual" });
    const input = reviewCase();
    const executionArn = await startReview(rt, sfn, input);
    const token = await awaitReviewToken(rt.dynamo, rt.tables.main, input.caseId, 1);

    // Act
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approvedBy: "reviewer-1" }) }),
    );
    const described = await finished(rt, sfn, executionArn);

    // Assess
    expect(described.status).toBe("SUCCEEDED");
    expect(JSON.parse(described.output ?? "null")).toMatchObject({
      decision: { approvedBy: "reviewer-1" },
      outcome: "approved",
    });
    expect((await history(sfn, executionArn)).map((e) => e.type)).toEqual([
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
      "TaskSucceeded",
      "TaskStateExited",
      "WaitStateEntered",
      "WaitStateExited",
      "PassStateEntered",
      "PassStateExited",
      "ExecutionSucceeded",
    ]);
  });

  it("a rejection sent with SendTaskFailure is caught by the state's Catch", async () => {
    const { runtime: rt, sfn } = await start({ mode: "manual" });
    const input = reviewCase();
    const executionArn = await startReview(rt, sfn, input);
    const token = await awaitReviewToken(rt.dynamo, rt.tables.main, input.caseId, 1);

    await sfn.send(
      new SendTaskFailureCommand({
        taskToken: token,
        error: "ReviewRejected",
        cause: "income above the line",
      }),
    );
    const described = await finished(rt, sfn, executionArn);

    expect(described.status).toBe("SUCCEEDED");
    expect(JSON.parse(described.output ?? "null")).toMatchObject({
      outcome: "rejected",
      rejection: { Error: "ReviewRejected", Cause: "income above the line" },
    });
    expect((await history(sfn, executionArn)).some((e) => e.type === "TaskFailed")).toBe(true);
  });

  it("an unanswered review times out after TimeoutSecondsPath, escalates and waits again with a new token", async () => {
    const { runtime: rt, sfn } = await start({ mode: "manual" });
    const clock = manual(rt);
    const input = reviewCase({ reviewTimeoutSeconds: 86_400 });
    const executionArn = await startReview(rt, sfn, input);
    const firstToken = await awaitReviewToken(rt.dynamo, rt.tables.main, input.caseId, 1);
    await vi.waitFor(() => expect(clock.pendingTimerCount()).toBe(1));

    await clock.advanceBy(DAY_MS);
    const secondToken = await awaitReviewToken(rt.dynamo, rt.tables.main, input.caseId, 2);

    expect(secondToken).not.toBe(firstToken);
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: firstToken, output: "{}" })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
    await sfn.send(
      new SendTaskSuccessCommand({
        taskToken: secondToken,
        output: JSON.stringify({ approvedBy: "county" }),
      }),
    );
    const described = await finished(rt, sfn, executionArn);
    expect(described.status).toBe("SUCCEEDED");
    expect(JSON.parse(described.output ?? "null")).toMatchObject({
      level: 2,
      decision: { approvedBy: "county" },
    });
    const types = (await history(sfn, executionArn)).map((e) => e.type);
    expect(types.filter((t) => t === "TaskTimedOut")).toHaveLength(1);
    expect(types.filter((t) => t === "TaskSubmitted")).toHaveLength(2);
  });

  it("heartbeats keep a long task alive; a missed heartbeat raises States.HeartbeatTimeout for the Catch", async () => {
    const { runtime: rt, sfn } = await start({ mode: "manual" });
    const clock = manual(rt);
    const caseId = `case-${randomUUID().slice(0, 8)}`;
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: rt.stateMachines.heartbeat,
        input: JSON.stringify({ caseId }),
      }),
    );
    const token = await awaitReviewToken(rt.dynamo, rt.tables.main, caseId, 1);
    await vi.waitFor(() => expect(clock.pendingTimerCount()).toBe(1));

    await clock.advanceBy(30 * 60_000);
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await vi.waitFor(() => expect(clock.pendingTimerCount()).toBe(1));
    await clock.advanceBy(45 * 60_000);
    const midway = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    await clock.advanceBy(30 * 60_000);
    const described = await finished(rt, sfn, executionArn as string);

    expect(midway.status).toBe("RUNNING");
    expect(described.status).toBe("SUCCEEDED");
    expect(JSON.parse(described.output ?? "null")).toMatchObject({
      outcome: "lost",
      lost: { Error: "States.HeartbeatTimeout" },
    });
  });

  it("a handler that throws a named error is caught by that name", async () => {
    const { runtime: rt, sfn } = await start({ mode: "manual" });
    const input = reviewCase({ incomplete: true });
    const executionArn = await startReview(rt, sfn, input);

    const described = await finished(rt, sfn, executionArn);

    expect(described.status).toBe("SUCCEEDED");
    const output = JSON.parse(described.output ?? "null");
    expect(output.outcome).toBe("returned");
    expect(output.incomplete.Error).toBe("CaseIncompleteError");
    expect(JSON.parse(output.incomplete.Cause)).toMatchObject({ errorType: "CaseIncompleteError" });
  });
});

describe("the layer's clock", () => {
  it("a Wait of 3 days passes in seconds, not days, with the accelerated clock", async () => {
    const { runtime: rt, sfn } = await start({ mode: "accelerated", speed: 1_000_000 });
    const virtualStartMs = nowMs();
    const realStart = performance.now();

    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: rt.stateMachines["cooling-off"] }),
    );
    const described = await finished(rt, sfn, executionArn as string);

    // 3 days at a million virtual seconds a second are 0.26 s: the bound is loose so that a loaded
    // machine does not fail it (timings belong in `npm run bench`), yet four orders below 3 days.
    expect(performance.now() - realStart).toBeLessThan(30_000);
    expect(described.status).toBe("SUCCEEDED");
    expect(JSON.parse(described.output ?? "null").stampedAtMs).toBeGreaterThanOrEqual(
      virtualStartMs + 3 * DAY_MS,
    );
  });

  it("a Wait of 3 days fires exactly when the manual clock reaches it, and handlers read the same clock", async () => {
    const { runtime: rt, sfn } = await start({ mode: "manual", startMs: Date.UTC(2026, 0, 5) });
    const clock = manual(rt);
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: rt.stateMachines["cooling-off"] }),
    );
    await vi.waitFor(() => expect(clock.pendingTimerCount()).toBe(1));

    await clock.advanceBy(3 * DAY_MS - 1);
    const beforeDue = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    await clock.advanceBy(1);
    const described = await finished(rt, sfn, executionArn as string);

    expect(beforeDue.status).toBe("RUNNING");
    expect(JSON.parse(described.output ?? "null")).toEqual({ stampedAtMs: Date.UTC(2026, 0, 8) });
  });
});

describe("the execution registry", () => {
  it("starting the same name with the same input returns the running execution; other input is refused", async () => {
    const { runtime: rt, sfn } = await start({ mode: "manual" });
    const input = reviewCase();
    const first = await startReview(rt, sfn, input);

    const again = await startReview(rt, sfn, input);

    expect(again).toBe(first);
    await expect(startReview(rt, sfn, { ...input, level: 3 })).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: rt.stateMachines.review }));
    expect(listed.executions?.map((e) => e.executionArn)).toEqual([first]);
  });

  it("a stopped execution is ABORTED and its task token no longer completes anything", async () => {
    const { runtime: rt, sfn } = await start({ mode: "manual" });
    const input = reviewCase();
    const executionArn = await startReview(rt, sfn, input);
    const token = await awaitReviewToken(rt.dynamo, rt.tables.main, input.caseId, 1);
    const runningBefore = rt.stepFunctions.runningExecutions();

    await sfn.send(
      new StopExecutionCommand({ executionArn, error: "Withdrawn", cause: "applicant withdrew" }),
    );

    expect(runningBefore).toEqual([executionArn]);
    expect(rt.stepFunctions.runningExecutions()).toEqual([]);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({ status: "ABORTED", error: "Withdrawn", cause: "applicant withdrew" });
    expect(described.stopDate).toBeInstanceOf(Date);
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: "{}" })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
    expect((await history(sfn, executionArn)).at(-1)?.type).toBe("ExecutionAborted");
  });

  it("answers unknown tokens and executions with the service's error types", async () => {
    const { sfn } = await start({ mode: "manual" });
    const unknownButWellFormed = `AQCAidflow${Buffer.from(JSON.stringify(["arn:aws:states:cn-north-1:000000000000:execution:review:x", "A#1#0"])).toString("base64url")}`;

    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: "not-a-token", output: "{}" })),
    ).rejects.toBeInstanceOf(InvalidToken);
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: unknownButWellFormed, output: "{}" })),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);
    await expect(
      sfn.send(
        new DescribeExecutionCommand({
          executionArn: "arn:aws:states:cn-north-1:000000000000:execution:review:none",
        }),
      ),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });
});
