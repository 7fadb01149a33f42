/**
 * A decision posted while an execution is stopped and before the redriven one opens its wait is not
 * lost (DynamoDB Local, the real Flow B ASL): the stopped execution's re-check stays listed until the
 * redriven execution opens its own, and a decision recorded on it meets a dead token (the route answers
 * 200 `stale`, never a 500, and writes it once); the redriven execution's re-check takes it over as
 * soon as it opens — the plan is not left waiting for a second re-check the officer believes they gave.
 * Its twin: the decision comes after the redriven execution opened its re-check and answers that one.
 * And a stop decided in the gap (the case ends as plan-stopped) is still restarted and carried to
 * ClosePlan, which releases what is left of the commitment.
 */
import { StopExecutionCommand } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditStore } from "#adapters/audit-store.ts";
import { executionReader } from "#adapters/execution-reader.ts";
import type { HumanTask } from "#adapters/human-task-store.ts";
import { stepFunctions } from "#adapters/step-functions.ts";
import { localDateOf } from "#core/calendar/localDate.ts";
import { executionArnOf, executionNameOf } from "#functions/services/executions.ts";
import { caseNotifications } from "#functions/services/messages/case-notifications.ts";
import { redriveCase } from "#functions/services/redrive.ts";
import { type FlowBWorld, type PlanStage, planFor, startFlowBWorld } from "./world.ts";

let world: FlowBWorld;
let audit: AuditStore;
const XINHUA = "230123300";

beforeAll(async () => {
  world = await startFlowBWorld({ label: "fb-redrive-decision" });
  audit = new AuditStore({
    client: DynamoDBDocumentClient.from(world.runtime.dynamo),
    tableName: world.runtime.tables.main,
  });
});

afterAll(async () => {
  await world?.close();
});

type Client = Awaited<ReturnType<FlowBWorld["signIn"]>>;

interface DecisionBody {
  repeated: boolean;
  delivery: string;
}

function flowB(): string {
  return world.runtime.stateMachines["flow-b"] as string;
}

async function statusOf(caseId: string, generation: number): Promise<string | undefined> {
  return (
    await executionReader(world.sfn).describe(executionArnOf(flowB(), executionNameOf(caseId, generation)))
  )?.status;
}

/** A 3-stage plan for `applicant`, stage 1 paid; stage 2 falls due and its re-check opens. */
async function planWaitingAtStage2(
  officer: Client,
  approver: Client,
  applicant: { name: string; id: string; account: string },
): Promise<{ caseId: string; stages: PlanStage[]; waiting: HumanTask }> {
  const { caseId, stages } = await planFor(world, officer, approver, 3, applicant);
  await world.clock.advanceTo(Date.parse((stages[0] as PlanStage).dueAt));
  await world.openTask(caseId, "stage-recheck");
  expect((await recheck(officer, caseId, 1, "still-in-hardship")).status).toBe(200);
  await world.payOut(`${caseId}.stage-1`);
  await world.clock.advanceTo(Date.parse((stages[1] as PlanStage).dueAt));
  const waiting = await world.openTask(caseId, "stage-recheck");
  expect(waiting.details?.stage).toBe(2);
  return { caseId, stages, waiting };
}

function recheck(officer: Client, caseId: string, stage: number, outcome: string) {
  return officer.post<DecisionBody>(`/plans/${caseId}/recheck`, {
    stage,
    checkedOn: localDateOf(world.clock.nowMs()),
    outcome,
    findings: outcome === "still-in-hardship" ? `第${stage}期复核：困难仍在` : `第${stage}期复核：已纳入低保`,
  });
}

/** The execution is stopped (an operator's mistake, a failed deployment) while its re-check waits. */
async function stopFirstExecution(caseId: string): Promise<void> {
  await world.sfn.send(
    new StopExecutionCommand({ executionArn: executionArnOf(flowB(), executionNameOf(caseId, 1)) }),
  );
  await world.eventually(async () => (await statusOf(caseId, 1)) === "ABORTED", "stopped");
}

function redrive(caseId: string) {
  return redriveCase(
    {
      cases: world.deps.cases,
      tasks: world.deps.tasks,
      audit: world.deps.audit,
      workflow: stepFunctions(world.sfn),
      executions: executionReader(world.sfn),
      stateMachines: { flowB: flowB() },
    },
    { caseId, reason: "执行被误停止，从停止处重新开始", operator: { userId: "ops-1" } },
  );
}

async function recheckTasks(caseId: string): Promise<HumanTask[]> {
  return (await world.deps.tasks.forCase(caseId))
    .filter((t) => t.taskType === "stage-recheck")
    .sort((a, b) => a.openedAt.localeCompare(b.openedAt));
}

async function auditActions(caseId: string, action: string): Promise<number> {
  return (await audit.listForResource("case", caseId, 200)).filter((e) => e.action === action).length;
}

async function stageEntries(caseId: string): Promise<string[]> {
  return (await world.entries(XINHUA))
    .filter((e) => e.reference.caseId === caseId)
    .map((e) => `${e.kind}${e.drawKind ? `:${e.drawKind}` : ""} ${e.amountYuan.toString()}`);
}

describe("Flow B: a re-check decided while the execution is stopped reaches the redriven execution", () => {
  it("decided BEFORE the redriven execution opens its re-check: 200 stale, once; the new re-check takes it over and stage 2 is paid once", async () => {
    // Prepare
    const officer = await world.signIn("officer-xinhua-1");
    const approver = await world.signIn("approver-xinhua");
    const { caseId, waiting } = await planWaitingAtStage2(officer, approver, {
      name: "孔德明",
      id: "230123196503121235",
      account: "6217000099990101",
    });
    await stopFirstExecution(caseId);

    // Act: the officer re-checks stage 2 (the stopped execution's wait is still listed), twice; then another outcome
    const first = await recheck(officer, caseId, 2, "still-in-hardship");
    const again = await recheck(officer, caseId, 2, "still-in-hardship");
    const other = await recheck(officer, caseId, 2, "covered-by-dibao");

    // Assess: recorded once on the stopped execution's wait, delivered nowhere yet, nothing else written
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ repeated: false, delivery: "stale" });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ repeated: true, delivery: "stale" });
    expect(other.status).toBe(409);
    expect(await auditActions(caseId, "stage.recheck")).toBe(2); // stage 1's and stage 2's
    const recorded = await world.deps.tasks.findById(caseId, waiting.taskId);
    expect(recorded?.status).toBe("decided");
    expect(recorded?.decided).toMatchObject({ undelivered: true, decidedBy: "officer-xinhua-1" });

    // Act: the operator restarts the case; its redriven execution opens the stage-2 re-check
    expect(await redrive(caseId)).toMatchObject({ outcome: "started", resumeAt: "AwaitRecheck" });
    await world.payOut(`${caseId}.stage-2`);
    await world.eventually(
      async () => (await statusOf(caseId, 2)) === "SUCCEEDED",
      "stage 2 paid, handed over",
    );

    // Assess: the new wait was answered by the decision at once — nobody was asked again
    const tasks = await recheckTasks(caseId);
    const stopped = tasks.find((t) => t.taskId === waiting.taskId);
    const redriven = tasks.filter((t) => t.details?.stage === 2 && t.taskId !== waiting.taskId);
    expect(tasks).toHaveLength(3);
    expect(stopped?.status).toBe("superseded");
    expect(redriven.map((t) => t.status)).toEqual(["completed"]);
    expect(redriven[0]?.decided).toMatchObject({
      decidedBy: "officer-xinhua-1",
      decision: { outcome: "still-in-hardship" },
    });
    expect(await auditActions(caseId, "stage.recheck")).toBe(2);
    // The stage-2 re-check's role was told of the stopped execution's wait; the redriven one asked nobody.
    const told = await caseNotifications(world.deps, await world.deps.cases.get(caseId));
    const about = (taskId: string) =>
      told.filter(
        (m) => m.kind === "task.stage-recheck" && m.messageId.includes(taskId.split("#")[1] ?? taskId),
      );
    expect(about(waiting.taskId)).toHaveLength(1);
    expect(about(redriven[0]?.taskId ?? "")).toEqual([]);
    await world.eventually(
      async () => (await stageEntries(caseId)).filter((e) => e.startsWith("draw:stage")).length === 2,
      "stage 2 drawn",
    );
    expect(await stageEntries(caseId)).toEqual(["commit 1200.00", "draw:stage 400.00", "draw:stage 400.00"]);
  });

  it("decided AFTER the redriven execution opened its re-check: delivered to it, the stopped one's wait is superseded undecided", async () => {
    // Prepare
    const officer = await world.signIn("officer-xinhua-1");
    const approver = await world.signIn("approver-xinhua");
    const { caseId, waiting } = await planWaitingAtStage2(officer, approver, {
      name: "吕春燕",
      id: "230123197011204565",
      account: "6217000099990102",
    });
    await stopFirstExecution(caseId);
    expect(await redrive(caseId)).toMatchObject({ outcome: "started", resumeAt: "AwaitRecheck" });
    const reopened = await world.eventually(async () => {
      const task = await world.deps.tasks.current(caseId, "stage-recheck");
      return task?.status === "open" && task.taskId !== waiting.taskId ? task : undefined;
    }, "the redriven execution's re-check");

    // Act
    const decided = await recheck(officer, caseId, 2, "still-in-hardship");
    await world.payOut(`${caseId}.stage-2`);
    await world.eventually(
      async () => (await statusOf(caseId, 2)) === "SUCCEEDED",
      "stage 2 paid, handed over",
    );

    // Assess
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ repeated: false, delivery: "delivered" });
    const stopped = await world.deps.tasks.findById(caseId, waiting.taskId);
    expect(stopped?.status).toBe("superseded");
    expect(stopped?.decided).toBeUndefined();
    expect((await world.deps.tasks.findById(caseId, reopened.taskId))?.status).toBe("completed");
    expect(await auditActions(caseId, "stage.recheck")).toBe(2);
    await world.eventually(
      async () => (await stageEntries(caseId)).filter((e) => e.startsWith("draw:stage")).length === 2,
      "stage 2 drawn",
    );
    expect(await stageEntries(caseId)).toEqual(["commit 1200.00", "draw:stage 400.00", "draw:stage 400.00"]);
  });

  it("a stop decided while the execution is stopped (the case ends plan-stopped) is still restarted and closes the plan, releasing stages 2–3", async () => {
    // Prepare
    const officer = await world.signIn("officer-xinhua-1");
    const approver = await world.signIn("approver-xinhua");
    const { caseId } = await planWaitingAtStage2(officer, approver, {
      name: "施玉兰",
      id: "230123198807077893",
      account: "6217000099990103",
    });
    await stopFirstExecution(caseId);
    const stop = await recheck(officer, caseId, 2, "covered-by-dibao");
    expect(stop.body).toMatchObject({ delivery: "stale" });
    expect((await world.deps.cases.get(caseId)).status).toBe("plan-stopped");

    // Act
    const redriven = await redrive(caseId);
    await world.eventually(async () => (await statusOf(caseId, 2)) === "SUCCEEDED", "the plan closed");

    // Assess: the redriven execution was answered with the stop (RecheckStopped → ClosePlan)
    expect(redriven).toMatchObject({ outcome: "started", resumeAt: "AwaitRecheck" });
    expect((await world.deps.cases.get(caseId)).status).toBe("closed");
    expect(await stageEntries(caseId)).toEqual(["commit 1200.00", "draw:stage 400.00", "release 800.00"]);
    expect(await auditActions(caseId, "stage.recheck")).toBe(2);
  });
});
