/**
 * Flow B's stage loop has no round counter (five states per stage, issue 23): `StageSettled` hands
 * the plan over to a fresh execution (continue-as-new) once the next stage's index reaches the stage
 * limit of the execution (`loop.handOverAtStage`, fixed after the commitment as the first stage +
 * `stagesBeforeHandOver`, here 2). A 6-stage plan then runs in three executions, two stages each,
 * each stage re-checked, drawn and paid once. A redriven execution carries no limit: it hands over
 * after its first paid stage and the next generation counts from there.
 */
import { StopExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executionReader } from "#adapters/execution-reader.ts";
import { stepFunctions } from "#adapters/step-functions.ts";
import { executionArnOf, executionNameOf } from "#functions/services/executions.ts";
import { redriveCase } from "#functions/services/redrive.ts";
import {
  executionHistoryOf,
  executionStatusOf,
  type FlowBWorld,
  planFor,
  recheckAndPay,
  startFlowBWorld,
} from "./world.ts";

let world: FlowBWorld;
const XINHUA = "230123300";

beforeAll(async () => {
  world = await startFlowBWorld({ label: "fb-continue", env: { AIDFLOW_STAGES_BEFORE_HAND_OVER: "2" } });
});

afterAll(async () => {
  await world?.close();
});

interface PlanView {
  case: { status: string; outcome?: Record<string, unknown> };
  plan: { stages: Array<{ index: number; dueAt: string; payment: string }> };
}

describe("Flow B: the stage loop hands over to a fresh execution", () => {
  it("a 6-stage plan with a stage limit of 2 runs in three executions of two stages each, each stage paid once", async () => {
    // Prepare
    const officer = await world.signIn("officer-xinhua-1");
    const approver = await world.signIn("approver-xinhua");
    const { caseId, stages } = await planFor(world, officer, approver, 6, {
      name: "钱丽华",
      id: "230123197709095671",
      account: "6217000099990009",
    });
    expect(stages).toHaveLength(6);

    // Act: every stage falls due, is re-checked and paid
    for (const stage of stages) await recheckAndPay(world, officer, caseId, stage);
    await world.eventually(
      async () => (await executionStatusOf(world, executionNameOf(caseId, 3))) === "SUCCEEDED",
      "the close",
    );

    // Assess: three generations, each adopted the case in turn; the last one closed the plan
    const names = [1, 2, 3].map((g) => executionNameOf(caseId, g));
    expect((await world.deps.cases.get(caseId)).executionName).toBe(names[2]);
    expect(await Promise.all(names.map((name) => executionStatusOf(world, name)))).toEqual([
      "SUCCEEDED",
      "SUCCEEDED",
      "SUCCEEDED",
    ]);
    expect(await executionStatusOf(world, executionNameOf(caseId, 4))).toBeUndefined();
    const [first, second, third] = await Promise.all(names.map((name) => executionHistoryOf(world, name)));
    const stage = ["WaitForStage", "AwaitRecheck", "DrawStage", "PayStage", "StageSettled"];
    const handOver = ["PrepareStageContinuation", "ContinueAsNew", "ContinuedAsNew"];
    const adopted = ["Start", "AdoptExecution", "NextRound"];
    expect(first?.entered.slice(first.entered.indexOf("CommitPlan"))).toEqual([
      "CommitPlan",
      "RepeatWaitForStage",
      "NextRound",
      ...stage,
      ...stage,
      ...handOver,
    ]);
    expect(second?.entered).toEqual([...adopted, ...stage, ...stage, ...handOver]);
    expect(third?.entered).toEqual([...adopted, ...stage, ...stage, "ClosePlan", "PlanClosed"]);
    // Five states per stage; an execution's last stage also hands over (three states, once per execution).
    expect(first?.perStage).toEqual([5, 5 + handOver.length]);
    expect(second?.perStage).toEqual([5, 5 + handOver.length]);
    expect(third?.perStage).toEqual([5, 5]);

    // Assess: one commitment, six stage draws, committed back to 0, every stage paid
    const entries = (await world.entries(XINHUA)).filter((e) => e.reference.caseId === caseId);
    expect(entries.map((e) => `${e.kind}${e.drawKind ? `:${e.drawKind}` : ""}`)).toEqual([
      "commit",
      ...Array(6).fill("draw:stage"),
    ]);
    const closed = await officer.get<PlanView>(`/plans/${caseId}`);
    expect(closed.body.plan.stages.map((s) => s.payment)).toEqual(Array(6).fill("paid"));
    expect(closed.body.case.outcome).toMatchObject({ stagesPaid: [1, 2, 3, 4, 5, 6] });
  });

  it("a redriven execution (no stage limit in its input) hands over after its first paid stage; the next counts from there", async () => {
    // Prepare: a 4-stage plan, stage 1 paid; stage 2 waits for its re-check when the execution is stopped
    const officer = await world.signIn("officer-xinhua-1");
    const approver = await world.signIn("approver-xinhua");
    const { caseId, stages } = await planFor(world, officer, approver, 4, {
      name: "赵桂兰",
      id: "230123198204152348",
      account: "6217000099990002",
    });
    await recheckAndPay(world, officer, caseId, stages[0] as PlanView["plan"]["stages"][number]);
    await world.clock.advanceTo(Date.parse(stages[1]?.dueAt as string));
    const stopped = await world.openTask(caseId, "stage-recheck");
    const flowB = world.runtime.stateMachines["flow-b"] as string;
    await world.sfn.send(
      new StopExecutionCommand({ executionArn: executionArnOf(flowB, executionNameOf(caseId, 1)) }),
    );
    await world.eventually(
      async () => (await executionStatusOf(world, executionNameOf(caseId, 1))) === "ABORTED",
      "stopped",
    );

    // Act: an operator restarts the case where it stopped
    const redriven = await redriveCase(
      {
        cases: world.deps.cases,
        audit: world.deps.audit,
        workflow: stepFunctions(world.sfn),
        executions: executionReader(world.sfn),
        stateMachines: { flowB },
      },
      { caseId, reason: "执行被误停止，从停止处重新开始", operator: { userId: "ops-1" } },
    );
    expect(redriven).toMatchObject({ outcome: "started", resumeAt: "AwaitRecheck" });
    // The stopped execution's wait is superseded once the redriven one opens its own.
    await world.eventually(async () => {
      const task = await world.deps.tasks.current(caseId, "stage-recheck");
      return task?.status === "open" && task.taskId !== stopped.taskId ? task : undefined;
    }, "the redriven execution's re-check");
    for (const stage of stages.slice(1)) await recheckAndPay(world, officer, caseId, stage);
    await world.eventually(
      async () => (await executionStatusOf(world, executionNameOf(caseId, 3))) === "SUCCEEDED",
      "the close",
    );

    // Assess: generation 2 (no limit) paid stage 2 and handed over; generation 3 (limit 3 + 2) paid 3 and 4
    const second = await executionHistoryOf(world, executionNameOf(caseId, 2));
    expect(second.entered).toEqual([
      "Start",
      "HandOverAfterFirstStage",
      "AdoptExecution",
      "NextRound",
      "AwaitRecheck",
      "DrawStage",
      "PayStage",
      "StageSettled",
      "PrepareStageContinuation",
      "ContinueAsNew",
      "ContinuedAsNew",
    ]);
    const third = await executionHistoryOf(world, executionNameOf(caseId, 3));
    expect(third.entered.filter((s) => s === "PayStage")).toHaveLength(2);
    expect(third.entered.at(-1)).toBe("PlanClosed");
    expect(await executionStatusOf(world, executionNameOf(caseId, 4))).toBeUndefined();
    const entries = (await world.entries(XINHUA)).filter((e) => e.reference.caseId === caseId);
    expect(entries.map((e) => `${e.kind}${e.drawKind ? `:${e.drawKind}` : ""}`)).toEqual([
      "commit",
      ...Array(4).fill("draw:stage"),
    ]);
  });
});
