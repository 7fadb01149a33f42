/**
 * Flow A's gap between a stopped execution and its redrive (DynamoDB Local, the real Flow A ASL): the
 * stopped execution's advance decision stays listed until the redriven execution opens its own. An
 * approval posted in that gap meets a dead token — the route answers 200 `stale` (never a 500) and the
 * decision is written once — and the redriven execution's wait takes it over the moment it opens: the
 * advance is paid once, nobody is asked again. Its twin: the approval comes after the redriven
 * execution opened its wait and is delivered to it. A refusal in the gap ends the case, yet the case is
 * restarted so that the flow learns of it and closes it.
 */
import { StopExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditStore } from "#adapters/audit-store.ts";
import { executionReader } from "#adapters/execution-reader.ts";
import type { HumanTask } from "#adapters/human-task-store.ts";
import { stepFunctions } from "#adapters/step-functions.ts";
import { executionArnOf } from "#functions/services/executions.ts";
import { redriveCase } from "#functions/services/redrive.ts";
import { caseEntries, type FlowAWorld, fileAndWait, filing, key, startFlowAWorld } from "./world.ts";

let world: FlowAWorld;
let audit: AuditStore;
const TOWNSHIP = "230123100";

beforeAll(async () => {
  world = await startFlowAWorld({ label: "fa-gap" });
  audit = new AuditStore({ client: world.runtime.dynamo, tableName: world.runtime.tables.main });
});

afterAll(async () => {
  await world?.close();
});

type Client = Awaited<ReturnType<FlowAWorld["signIn"]>>;

interface DecisionBody {
  repeated: boolean;
  delivery: string;
}

async function status(name: string): Promise<string | undefined> {
  return (await executionReader(world.sfn).describe(executionArnOf(world.flowAArn, name)))?.status;
}

/** Filed for `applicant` (their own account), waiting for the advance decision. */
async function waitingCase(applicant: { name: string; id: string; account: string; phone: string }) {
  const officer = await world.signIn("officer-chengguan-1");
  const caseId = await fileAndWait(
    world,
    officer,
    filing({
      applicant: {
        name: applicant.name,
        document: { type: "resident-id", number: applicant.id },
        phone: applicant.phone,
        registration: { countyCode: "230123" },
      },
      bankAccount: { holderName: applicant.name, bankName: "农村信用社", account: applicant.account },
    }),
  );
  const waiting = (await world.deps.tasks.current(caseId, "advance-decision")) as HumanTask;
  // The task is stored before the case moves to the wait: the stop comes once both are there.
  await world.eventually(
    async () => (await world.deps.cases.get(caseId)).status === "awaiting-advance-decision",
    "the case waiting for its advance decision",
  );
  return { caseId, waiting };
}

async function stopFirstExecution(caseId: string): Promise<void> {
  await world.sfn.send(
    new StopExecutionCommand({ executionArn: executionArnOf(world.flowAArn, `${caseId}-1`) }),
  );
  await world.eventually(async () => (await status(`${caseId}-1`)) === "ABORTED", "stopped");
}

function redrive(caseId: string) {
  return redriveCase(
    {
      cases: world.deps.cases,
      tasks: world.deps.tasks,
      audit: world.deps.audit,
      workflow: stepFunctions(world.sfn),
      executions: executionReader(world.sfn),
      stateMachines: { flowA: world.flowAArn },
    },
    { caseId, reason: "执行被误停止，从停止处重新开始", operator: { userId: "ops-1" } },
  );
}

function decide(approver: Client, caseId: string, body: Record<string, unknown>) {
  return approver.post<DecisionBody>(`/cases/${caseId}/advance-decision`, body, key("advance"));
}

async function advanceTasks(caseId: string): Promise<HumanTask[]> {
  return (await world.deps.tasks.forCase(caseId)).filter((t) => t.taskType === "advance-decision");
}

async function decisionsAudited(caseId: string): Promise<number> {
  return (await audit.listForResource("case", caseId, 100)).filter((e) => e.action === "advance.decide")
    .length;
}

describe("Flow A: an advance decided while the execution is stopped reaches the redriven execution", () => {
  it("approved BEFORE the redriven execution opens its wait: 200 stale, written once; the new wait takes it over and the advance is paid once", async () => {
    // Prepare
    const { caseId, waiting } = await waitingCase({
      name: "韩秀云",
      id: "23012319590101246X",
      account: "6217000059010101",
      phone: "13812340101",
    });
    await stopFirstExecution(caseId);
    const approver = await world.signIn("approver-chengguan");

    // Act: approved (and the same approval sent again with a new key) while no execution waits
    const first = await decide(approver, caseId, { decision: "approve", amountYuan: "500.00" });
    const again = await decide(approver, caseId, { decision: "approve", amountYuan: "500.00" });

    // Assess
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ repeated: false, delivery: "stale" });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ repeated: true, delivery: "stale" });
    expect(await decisionsAudited(caseId)).toBe(1);
    expect((await world.deps.tasks.findById(caseId, waiting.taskId))?.decided?.undelivered).toBe(true);

    // Act: the operator restarts the case
    expect(await redrive(caseId)).toMatchObject({ outcome: "started", resumeAt: "AwaitAdvanceDecision" });
    await world.settleBank(caseId);
    await world.openTask(caseId, "paperwork");

    // Assess: the redriven wait was answered at once; one draw of 500
    const tasks = await advanceTasks(caseId);
    expect(tasks).toHaveLength(2);
    expect(tasks.find((t) => t.taskId === waiting.taskId)?.status).toBe("superseded");
    expect(tasks.find((t) => t.taskId !== waiting.taskId)).toMatchObject({
      status: "completed",
      decided: { decidedBy: "approver-chengguan", decision: { decision: "approve", amountYuan: "500.00" } },
    });
    expect(await decisionsAudited(caseId)).toBe(1);
    expect(
      (await caseEntries(world, TOWNSHIP, caseId)).map((e) => `${e.kind} ${e.amountYuan.toString()}`),
    ).toEqual(["draw 500.00"]);
  });

  it("approved AFTER the redriven execution opened its wait: delivered to it; the stopped one's wait is superseded undecided", async () => {
    // Prepare
    const { caseId, waiting } = await waitingCase({
      name: "葛振华",
      id: "230123197512121354",
      account: "6217000075121213",
      phone: "13812340102",
    });
    await stopFirstExecution(caseId);
    expect(await redrive(caseId)).toMatchObject({ outcome: "started", resumeAt: "AwaitAdvanceDecision" });
    await world.eventually(async () => {
      const task = await world.deps.tasks.current(caseId, "advance-decision");
      return task?.status === "open" && task.taskId !== waiting.taskId ? task : undefined;
    }, "the redriven execution's wait");
    const approver = await world.signIn("approver-chengguan");

    // Act
    const decided = await decide(approver, caseId, { decision: "approve", amountYuan: "500.00" });
    await world.settleBank(caseId);
    await world.openTask(caseId, "paperwork");

    // Assess
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ repeated: false, delivery: "delivered" });
    const stopped = await world.deps.tasks.findById(caseId, waiting.taskId);
    expect(stopped?.status).toBe("superseded");
    expect(stopped?.decided).toBeUndefined();
    expect(await decisionsAudited(caseId)).toBe(1);
    expect(
      (await caseEntries(world, TOWNSHIP, caseId)).map((e) => `${e.kind} ${e.amountYuan.toString()}`),
    ).toEqual(["draw 500.00"]);
  });

  it("refused while the execution is stopped (the case ends advance-rejected): still restarted, and the flow closes it", async () => {
    // Prepare
    const { caseId } = await waitingCase({
      name: "邵海燕",
      id: "230123196503121235",
      account: "6217000065031212",
      phone: "13812340103",
    });
    await stopFirstExecution(caseId);
    const approver = await world.signIn("approver-chengguan");
    const refused = await decide(approver, caseId, { decision: "reject", reason: "经核实不属于急难情形" });
    expect(refused.status, JSON.stringify(refused.body)).toBe(200);
    expect((await world.deps.cases.get(caseId)).status).toBe("advance-rejected");

    // Act
    const redriven = await redrive(caseId);
    await world.eventually(async () => (await status(`${caseId}-2`)) === "SUCCEEDED", "the case closed");

    // Assess
    expect(redriven).toMatchObject({ outcome: "started", resumeAt: "AwaitAdvanceDecision" });
    expect((await world.deps.cases.get(caseId)).status).toBe("closed");
    expect(await caseEntries(world, TOWNSHIP, caseId)).toEqual([]);
    expect(await decisionsAudited(caseId)).toBe(1);
  });
});
