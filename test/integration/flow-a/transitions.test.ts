/**
 * Flow A's state transitions off the happy path (issue 23, the cost of a case), counted from
 * GetExecutionHistory on the local runtime: a rejected advance is a caught AdvanceRejected, a
 * follow-up with more than the close goes through FollowUpPlan, and an execution started without a
 * round counter gets one from Begin. The happy path itself: happy-path.test.ts.
 */
import {
  GetExecutionHistoryCommand,
  type HistoryEvent,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executionArnOf, executionNameOf } from "#functions/services/executions.ts";
import {
  approveAndPay,
  caseEntries,
  type FlowAWorld,
  fileAndWait,
  filing,
  key,
  paperworkThenFollowUp,
  startFlowAWorld,
} from "./world.ts";

let world: FlowAWorld;

beforeAll(async () => {
  world = await startFlowAWorld({ label: "fa-transitions" });
});

afterAll(async () => {
  await world?.close();
});

function entered(history: HistoryEvent[]): string[] {
  return history
    .filter((e) => e.type?.endsWith("StateEntered"))
    .map((e) => e.stateEnteredEventDetails?.name ?? "");
}

async function historyOf(executionArn: string): Promise<HistoryEvent[]> {
  const page = await world.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return page.events ?? [];
}

describe("Flow A transitions off the happy path", () => {
  it("a rejected advance is caught (AdvanceRejected) and closes the case: three states, nothing drawn", async () => {
    // Prepare
    const applicant = await world.signIn("applicant-zhang");
    const approver = await world.signIn("approver-chengguan");
    const caseId = await fileAndWait(world, applicant, filing({ hardship: { cause: "flood" } }));

    // Act
    const rejected = await approver.post(
      `/cases/${caseId}/advance-decision`,
      { decision: "reject", reason: "经核实不符合临时救助条件" },
      key("reject"),
    );
    await world.eventually(
      async () => (await world.executionStatus(caseId)) === "SUCCEEDED",
      "the execution to succeed",
    );

    // Assess
    expect(rejected.status, rejected.text).toBe(200);
    expect(entered(await world.history(caseId))).toEqual(["Start", "AwaitAdvanceDecision", "CloseCase"]);
    const advance = (await world.deps.tasks.forCase(caseId)).find((t) => t.taskType === "advance-decision");
    expect(advance?.status).toBe("completed");
    const record = await world.deps.cases.get(caseId);
    expect(record.status).toBe("closed");
    expect(record.outcome?.result).toBe("rejected");
    expect(await caseEntries(world, "230123100", caseId)).toEqual([]);
    expect(await world.deps.payments.getObligation(`${caseId}.advance`)).toBeUndefined();
  });

  it("a follow-up with referrals and a close takes them in FollowUpPlan, then closes; a close alone skips it", async () => {
    // Prepare
    const applicant = await world.signIn("applicant-zhang");
    const approver = await world.signIn("approver-chengguan");
    const officer = await world.signIn("officer-chengguan-1");
    const caseId = await fileAndWait(world, applicant, filing({ hardship: { cause: "sudden-illness" } }));
    await approveAndPay(world, approver, caseId, "700.00");

    // Act
    await paperworkThenFollowUp(world, officer, caseId, {
      referrals: [{ to: "medical-aid", receivingBody: "县医疗保障局" }],
      close: { summary: "转介医疗救助后结案" },
    });
    await world.eventually(
      async () => (await world.executionStatus(caseId)) === "SUCCEEDED",
      "the execution to succeed",
    );

    // Assess: the referral is recorded in its counted round, then the plan closes the case
    const states = entered(await world.history(caseId));
    expect(states.slice(states.indexOf("AwaitFollowUp"))).toEqual([
      "AwaitFollowUp",
      "FollowUpPlan",
      "RecordReferrals",
      "RepeatFollowUpPlan",
      "NextRound",
      "FollowUpPlan",
      "CloseCase",
    ]);
    const record = await world.deps.cases.get(caseId);
    expect(record.status).toBe("closed");
    expect(record.referrals?.map((r) => r.status)).toEqual(["referred"]);
    const followUp = (await world.deps.tasks.forCase(caseId)).find((t) => t.taskType === "follow-up");
    expect(followUp?.status).toBe("completed");
    expect(followUp?.decided?.output).not.toHaveProperty("taskFailure");
  });

  it("a filing writes the round counter, so a new case starts with the advance decision; an input without one passes Begin", async () => {
    // Prepare: a filed case, its execution stopped; the same input without `loop` started by hand
    const applicant = await world.signIn("applicant-li");
    const caseId = await fileAndWait(world, applicant, filing({ hardship: { cause: "other-sudden" } }));
    const firstArn = executionArnOf(world.flowAArn, executionNameOf(caseId, 1));
    const first = await historyOf(firstArn);
    const input = JSON.parse(first[0]?.executionStartedEventDetails?.input ?? "{}") as Record<
      string,
      unknown
    >;
    await world.sfn.send(new StopExecutionCommand({ executionArn: firstArn }));
    const { loop, ...withoutCounter } = input;

    // Act
    const byHand = await world.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: world.flowAArn,
        name: executionNameOf(caseId, 2),
        input: JSON.stringify(withoutCounter),
      }),
    );
    const started = await world.eventually(async () => {
      const events = await historyOf(byHand.executionArn as string);
      return entered(events).includes("AwaitAdvanceDecision") ? events : undefined;
    }, "the hand-started execution to wait for the advance decision");
    await world.sfn.send(new StopExecutionCommand({ executionArn: byHand.executionArn }));

    // Assess
    expect(loop).toEqual({ rounds: 0, generation: 1 });
    expect(entered(first)).toEqual(["Start", "AwaitAdvanceDecision"]);
    expect(entered(started)).toEqual(["Start", "Begin", "AwaitAdvanceDecision"]);
    const waiting = started.find((e) => e.stateEnteredEventDetails?.name === "AwaitAdvanceDecision");
    expect(JSON.parse(waiting?.stateEnteredEventDetails?.input ?? "{}").loop).toEqual({
      rounds: 0,
      generation: 1,
    });
  });
});
