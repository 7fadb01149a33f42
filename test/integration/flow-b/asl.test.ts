/**
 * The shape of workflows/flow-b.asl.json (issue 7 §6, STYLE §5): the stage loop is a cycle of
 * top-level states — no Map, no Parallel — of five states (the draw through the fund's draw queue
 * among them, issue 23; a stopped re-check is a caught error, not a Choice); every Task retries transient
 * errors and catches the rest by name; every function it names is in the catalog; every human wait
 * without a deadline is one a person is already notified of, and every deadline leads somewhere.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FUNCTIONS } from "#functions/catalog.ts";

interface State {
  Type: string;
  Next?: string;
  Default?: string;
  Resource?: string;
  Parameters?: { FunctionName?: string; resumeAt?: string };
  TimeoutSecondsPath?: string;
  Retry?: Array<{ ErrorEquals: string[] }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  Choices?: Array<{ Next: string }>;
  ResultPath?: string;
}

const asl = JSON.parse(
  readFileSync(new URL("../../../workflows/flow-b.asl.json", import.meta.url), "utf8"),
) as {
  StartAt: string;
  States: Record<string, State>;
};
const states = asl.States;

/** A loop's round counter (`Repeat<X>`) stands for the state it resumes at. */
function successors(state: State): string[] {
  return direct(state).map((name) => states[name]?.Parameters?.resumeAt ?? name);
}

function direct(state: State): string[] {
  return [
    ...(state.Next ? [state.Next] : []),
    ...(state.Default ? [state.Default] : []),
    ...(state.Choices ?? []).map((c) => c.Next),
    ...(state.Catch ?? []).map((c) => c.Next),
  ];
}

describe("Flow B state machine", () => {
  it("has no Map or Parallel: every state is top-level, so a restart resumes at the current one", () => {
    expect(Object.values(states).filter((s) => s.Type === "Map" || s.Type === "Parallel")).toEqual([]);
  });

  it("pays a stage in a cycle of five states on the success path", () => {
    // Wait → re-check → draw → pay → settled? → Wait: no counter on the way (direct successors)
    const cycle = ["WaitForStage", "AwaitRecheck", "DrawStage", "PayStage", "StageSettled"];
    cycle.forEach((name, i) => {
      const next = cycle[(i + 1) % cycle.length] as string;
      expect(direct(states[name] as State), `${name} → ${next}`).toContain(next);
    });
    expect((states.WaitForStage as State & { TimestampPath?: string }).TimestampPath).toBe(
      "$.cursor.next.dueAt",
    );
  });

  it("a re-check that stops the plan is the wait's named error, caught to the close (also when overdue)", () => {
    for (const name of ["AwaitRecheck", "AwaitOverdueRecheck"]) {
      const state = states[name] as State;
      expect(state.Next, name).toBe("DrawStage");
      const caught = state.Catch ?? [];
      const stopped = caught.findIndex((c) => c.ErrorEquals.includes("RecheckStopped"));
      expect(caught[stopped], name).toMatchObject({ ErrorEquals: ["RecheckStopped"], Next: "ClosePlan" });
      // Before States.ALL (which would make it an incident), and never retried.
      expect(stopped, name).toBeLessThan(caught.findIndex((c) => c.ErrorEquals.includes("States.ALL")));
      expect(state.Retry?.flatMap((r) => r.ErrorEquals) ?? [], name).not.toContain("RecheckStopped");
    }
  });

  it("the stage loop hands over to a fresh execution once the next stage reaches this execution's stage limit", () => {
    const settled = states.StageSettled as unknown as {
      Choices: Array<{ And?: Array<Record<string, unknown>>; Next: string }>;
    };
    const guard = settled.Choices.find((c) =>
      c.And?.some((r) => r.NumericGreaterThanEqualsPath === "$.loop.handOverAtStage"),
    );
    expect(guard?.And).toContainEqual({
      Variable: "$.cursor.next.index",
      NumericGreaterThanEqualsPath: "$.loop.handOverAtStage",
    });
    const handOver = states[guard?.Next as string] as State & { Parameters: Record<string, unknown> };
    expect(handOver.Parameters).toMatchObject({
      rounds: 0,
      resumeAt: "WaitForStage",
      "handOverAtStage.$": "States.MathAdd($.cursor.next.index, $.settings.stagesBeforeHandOver)",
    });
    expect(handOver.Next).toBe("ContinueAsNew");
    // The limit is fixed when the stage loop begins (after the commitment) …
    expect(states.CommitPlan?.Next).toBe("RepeatWaitForStage");
    expect(states.RepeatWaitForStage?.Parameters).toMatchObject({
      "handOverAtStage.$": "States.MathAdd($.cursor.next.index, $.settings.stagesBeforeHandOver)",
    });
    // … and an execution adopted without one (a redrive) hands over after its first paid stage.
    const start = states.Start as unknown as { Choices: Array<{ Next: string }> };
    expect(start.Choices.map((c) => c.Next)).toEqual([
      "SettingsToCome",
      "AdoptExecution",
      "HandOverAfterFirstStage",
    ]);
    // An adopted execution goes on with its settings, any setting added since filled in (an earlier
    // definition's input lacks stagesBeforeHandOver); a redrive before StartFlowB has none yet.
    expect(states.AdoptExecution).toMatchObject({
      Parameters: { "settings.$": "$.settings" },
      ResultPath: "$.settings",
    });
    expect(states.SettingsToCome).toMatchObject({
      Result: {},
      ResultPath: "$.settings",
      Next: "HandOverAfterFirstStage",
    });
    expect(states.HandOverAfterFirstStage).toMatchObject({
      Parameters: {
        "rounds.$": "$.loop.rounds",
        "generation.$": "$.loop.generation",
        "resumeAt.$": "$.loop.resumeAt",
        handOverAtStage: 0,
      },
      ResultPath: "$.loop",
      Next: "AdoptExecution",
    });
  });

  it("draws a stage through the fund's draw queue, as Flow A draws its aid, before the bank step", () => {
    const draw = states.DrawStage as State & {
      Parameters: Record<string, unknown>;
      TimeoutSeconds?: number;
      ResultPath?: string;
    };
    // One writer per fund: the message group is the township fund, the body names the stage.
    expect(draw.Resource).toBe(`arn:$\{Partition}:states:::sqs:sendMessage.waitForTaskToken`);
    expect(draw.Parameters).toEqual({
      QueueUrl: `$\{LedgerQueueUrl}`,
      "MessageGroupId.$": "$.townshipId",
      MessageBody: {
        "taskToken.$": "$$.Task.Token",
        "caseId.$": "$.caseId",
        "correlationId.$": "$.correlationId",
        "purpose.$": "$.cursor.current.purpose",
        flow: "B",
      },
    });
    expect(draw.ResultPath).toBe("$.draw");
    expect(draw.Next).toBe("PayStage");
    // The bank step is told which entry was drawn.
    const payload = (states.PayStage as State & { Parameters: { Payload: Record<string, string> } })
      .Parameters.Payload;
    expect(payload["draw.$"]).toBe("$.draw");
    // Retried on the queue's and the writer's transient errors; a dead-lettered message (no answer
    // in time) sends it again in a counted round; no bank account → an officer routes it.
    expect(draw.Retry?.[0]?.ErrorEquals).toEqual(
      expect.arrayContaining([
        "SQS.SdkClientException",
        "TransientDependencyError",
        "LedgerUnavailableError",
      ]),
    );
    expect(draw.TimeoutSeconds).toBeGreaterThan(0);
    const caught = Object.fromEntries((draw.Catch ?? []).map((c) => [c.ErrorEquals.join(","), c.Next]));
    expect(caught["States.Timeout"]).toBe("RepeatDrawStage");
    expect(caught.PaymentRouteNeededError).toBe("AwaitStageRoute");
    expect(states.RepeatDrawStage?.Parameters?.resumeAt).toBe("DrawStage");
    expect(states.NextRound?.Choices?.map((c) => c.Next)).toContain("DrawStage");
    // A re-routed stage is drawn again (its next attempt); a lost instruction is re-sent for the same entry.
    for (const name of ["AwaitStageRoute", "AwaitEscalatedStageRoute"]) {
      expect(successors(states[name] as State), name).toContain("DrawStage");
    }
    const settled = states.StageSettled as unknown as {
      Choices: Array<{ StringEquals?: string; Next: string }>;
    };
    const notReceived = settled.Choices.find((c) => c.StringEquals === "not-received");
    expect(successors({ Type: "Choice", Next: notReceived?.Next })).toEqual(["PayStage"]);
  });

  it("every Task retries transient errors and catches everything else by name", () => {
    for (const [name, state] of Object.entries(states)) {
      // The hand-over to a fresh execution calls Step Functions, not a Lambda: its own retrier.
      if (state.Type !== "Task" || name === "RecordIncident" || name === "ContinueAsNew") continue;
      expect(state.Retry?.[0]?.ErrorEquals, name).toContain("LedgerUnavailableError");
      expect(state.Catch?.at(-1)?.ErrorEquals, name).toEqual(["States.ALL"]);
    }
    expect(states.CommitPlan?.Catch?.[0]).toMatchObject({
      ErrorEquals: ["FundInsufficientError"],
      Next: "AwaitPlanFunds",
    });
  });

  it("names only functions of the catalog", () => {
    const text = readFileSync(new URL("../../../workflows/flow-b.asl.json", import.meta.url), "utf8");
    // Partition is the deployment's (aws / aws-cn), substituted by the CDK app and the local loader.
    // ContinuationStateMachineArn: where a loop hands over (the workflow's own state machine alias).
    // LedgerQueueUrl: the deployment's draw queue (DrawStage).
    const ids = new Set([
      ...FUNCTIONS.map((f) => `${f.id}FunctionArn`),
      "Partition",
      "ContinuationStateMachineArn",
      "LedgerQueueUrl",
    ]);
    const used = [...text.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1] as string);
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((u) => !ids.has(u))).toEqual([]);
  });

  it("a deadline never drops the case: every timed wait catches States.Timeout into a state that waits again or moves on", () => {
    for (const [name, state] of Object.entries(states)) {
      if (!state.TimeoutSecondsPath && !(state as { TimeoutSeconds?: number }).TimeoutSeconds) continue;
      const timeout = state.Catch?.find((c) => c.ErrorEquals.includes("States.Timeout"));
      expect(timeout, name).toBeDefined();
      expect(states[timeout?.Next as string], `${name} → ${timeout?.Next}`).toBeDefined();
    }
    // The notice's timeout is "no objection": it leads to the approval.
    expect(states.PublicNotice?.Catch?.[0]).toMatchObject({
      ErrorEquals: ["States.Timeout"],
      Next: "AwaitApproval",
    });
    // An overdue re-check escalates and keeps waiting on itself.
    expect(successors({ Type: "Catch", Next: states.AwaitOverdueRecheck?.Catch?.[0]?.Next })).toEqual([
      "AwaitOverdueRecheck",
    ]);
  });

  it("every state is reachable from the start", () => {
    const seen = new Set<string>();
    const queue = [asl.StartAt];
    while (queue.length > 0) {
      const name = queue.shift() as string;
      if (seen.has(name)) continue;
      seen.add(name);
      queue.push(...direct(states[name] as State));
    }
    expect(Object.keys(states).filter((name) => !seen.has(name))).toEqual([]);
  });
});
