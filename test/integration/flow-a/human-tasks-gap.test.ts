/**
 * The gap between a wait whose execution no longer waits (stopped, failed, handed over) and the wait
 * that replaces it, on DynamoDB Local with a Step Functions port whose answers per token the test
 * scripts — the orders a real runtime cannot be made to show on demand:
 *
 * - the replacing wait opens while the decision's effects run (after its record, before its delivery):
 *   the decision's own request hands it over when its delivery meets the dead token — once;
 * - …and its case change lands between the replacing wait's read of the case and its own write: the
 *   case is not put back to waiting (the decision stays in force), nobody is notified of that wait;
 * - a decision on a wait lands on the case before that wait's own opening writes it (a slow opening
 *   under a surge): the opening does not put the approved case back to waiting;
 * - a decision whose first delivery reached the execution (its answer lost) and whose repeat then met
 *   a used token is NOT carried to the next wait of its type: nothing proves it never resumed the flow.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaseRecord } from "#adapters/case-store.ts";
import type { HumanTask } from "#adapters/human-task-store.ts";
import type { TaskResponseOutcome, WorkflowPort } from "#adapters/step-functions.ts";
import type { FlowDeps } from "#functions/services/ports.ts";
import { decideHumanTask, decisionWriteId, openHumanTask } from "#functions/services/steps/human-tasks.ts";
import { scriptedFlowDeps, storedCaseRecord } from "#test/support/case-record.ts";
import { createTestTables, type TestTables } from "#test/support/dynamo.ts";

type Answer = TaskResponseOutcome | "lost";

/** A Step Functions port answering each token as scripted (default `delivered`); `lost`: delivered, answer lost. */
function scriptedWorkflow(): WorkflowPort & { sent: string[]; answers: Map<string, Answer[]> } {
  const sent: string[] = [];
  const answers = new Map<string, Answer[]>();
  const answer = (token: string): TaskResponseOutcome => {
    sent.push(token);
    const scripted = answers.get(token)?.shift() ?? "delivered";
    if (scripted === "lost") throw new Error("socket hang up after the task response was accepted");
    return scripted;
  };
  return {
    sent,
    answers,
    startExecution: async () => ({ started: true }),
    sendTaskSuccess: async (token) => answer(token),
    sendTaskFailure: async (token) => answer(token),
  };
}

let tables: TestTables;
let deps: FlowDeps;
let workflow: ReturnType<typeof scriptedWorkflow>;
let effects: string[];
let nowMs = Date.parse("2026-04-07T01:00:00Z");

function caseRecord(caseId: string): CaseRecord {
  return storedCaseRecord(caseId, nowMs);
}

function open(caseId: string, token: string, using: FlowDeps = deps) {
  nowMs += 1000;
  return openHumanTask(using, {
    token,
    caseId,
    taskType: "advance-decision",
    assigneeRoles: ["township-approver"],
    timeoutSeconds: 86_400,
    caseEvent: { type: "wait.opened", flow: "A", wait: "advance-decision" },
    notify: [{ kind: "township", id: "230123100", role: "township-approver" }],
    subject: "An advance waits for your decision",
    subjectZh: "有一笔先行救助待您审批",
    correlationId: `corr-${caseId}`,
  });
}

function approve(caseId: string, during?: (task: HumanTask) => Promise<unknown>) {
  return decideHumanTask(deps, {
    caseId,
    taskType: "advance-decision",
    actorUserId: "approver-chengguan",
    decision: { decision: "approve", amountYuan: "500.00" },
    output: { outcome: "approved", purpose: "advance" },
    effects: async (recorded, task) => {
      await during?.(task);
      await landApproval(caseId, task);
      effects.push(`${caseId}:${recorded.decidedBy}`);
    },
  });
}

/** The approval's case change, once per task as the decision services make it (`decisionWriteId`). */
function landApproval(caseId: string, task: HumanTask) {
  return deps.cases.update(caseId, { event: { type: "advance.approved" }, writeId: decisionWriteId(task) });
}

/** `deps` whose next `cases.get` runs `afterRead` once it has read (a write landing right after a read). */
function depsWithWriteAfterRead(afterRead: () => Promise<unknown>): FlowDeps {
  let pending: (() => Promise<unknown>) | undefined = afterRead;
  const cases = new Proxy(deps.cases, {
    get(target, property) {
      if (property === "get") {
        return async (caseId: string) => {
          const read = await target.get(caseId);
          const hook = pending;
          pending = undefined;
          await hook?.();
          return read;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { ...deps, cases };
}

beforeAll(async () => {
  tables = await createTestTables("fa-gap-order");
  workflow = scriptedWorkflow();
  deps = scriptedFlowDeps(tables, workflow, () => new Date(nowMs));
});

afterAll(() => {
  tables?.client.destroy();
});

describe("a decision in the gap between a dead wait and the wait that replaces it", () => {
  it("the redriven wait opens while the decision's effects run: its request hands the decision over when the dead token refuses it", async () => {
    // Prepare: the stopped execution's wait; the redriven execution's wait opens mid-decision
    effects = [];
    await deps.cases.create(caseRecord("G1"));
    await open("G1", "token-G1-stopped");
    workflow.answers.set("token-G1-stopped", ["stale"]);
    let reopened: Awaited<ReturnType<typeof open>> | undefined;

    // Act
    const decided = await approve("G1", async () => {
      reopened = await open("G1", "token-G1-redriven");
    });

    // Assess: delivered once, to the redriven wait; the decision's effects ran once
    expect(reopened?.carriedOver).toBe(false);
    expect(decided.delivery).toBe("delivered");
    expect(workflow.sent.filter((t) => t.startsWith("token-G1"))).toEqual([
      "token-G1-stopped",
      "token-G1-redriven",
    ]);
    const tasks = await deps.tasks.forCase("G1");
    expect(tasks.find((t) => t.taskId === decided.task.taskId)?.status).toBe("superseded");
    expect(tasks.find((t) => t.taskId === reopened?.task.taskId)).toMatchObject({
      status: "completed",
      decided: { decidedBy: "approver-chengguan", decision: { amountYuan: "500.00" } },
    });
    expect(effects).toEqual(["G1:approver-chengguan"]);
  });

  it("…and its case change lands after the redriven wait read the case: the case stays approved, the wait is answered, nobody is notified", async () => {
    // Prepare
    effects = [];
    await deps.cases.create(caseRecord("G3"));
    await open("G3", "token-G3-stopped");
    workflow.answers.set("token-G3-stopped", ["stale"]);
    let reopened: Awaited<ReturnType<typeof open>> | undefined;

    // Act: the redriven wait reads the case, then the approval's change lands, then the wait writes
    const decided = await approve("G3", async (stopped) => {
      reopened = await open(
        "G3",
        "token-G3-redriven",
        depsWithWriteAfterRead(() => landApproval("G3", stopped)),
      );
    });

    // Assess
    expect(decided.delivery).toBe("delivered");
    expect(workflow.sent.filter((t) => t.startsWith("token-G3"))).toEqual([
      "token-G3-stopped",
      "token-G3-redriven",
    ]);
    expect((await deps.cases.get("G3")).status).toBe("paying");
    const opened = reopened?.task.taskId as string;
    expect((await deps.tasks.findById("G3", opened))?.status).toBe("completed");
    const notified = (await deps.outbox.forCase("G3")).filter((m) => m.messageId.startsWith(`G3:${opened}:`));
    expect(notified).toEqual([]);
    expect(effects).toEqual(["G3:approver-chengguan"]);
  });

  it("a decision on a wait that lands before that wait's own opening moved the case: the case stays approved, nobody is asked", async () => {
    // Prepare: the filing left the case waiting for its advance decision (a surge: the opening is slow)
    effects = [];
    await deps.cases.create(caseRecord("G4"));
    let decided: Awaited<ReturnType<typeof approve>> | undefined;
    const approveOnceListed: FlowDeps = {
      ...deps,
      tasks: new Proxy(deps.tasks, {
        get(target, property) {
          if (property === "open") {
            return async (...args: Parameters<typeof target.open>) => {
              const listed = await target.open(...args);
              decided = await approve("G4");
              return listed;
            };
          }
          const value = Reflect.get(target, property, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      }),
    };

    // Act: the approver decides as soon as the task is listed, before the opening writes the case
    const opened = await open("G4", "token-G4", approveOnceListed);

    // Assess: the approval moved the case on and was delivered; the opening did not put it back
    expect(decided?.delivery).toBe("delivered");
    expect(workflow.sent.filter((t) => t.startsWith("token-G4"))).toEqual(["token-G4"]);
    expect((await deps.cases.get("G4")).status).toBe("paying");
    expect((await deps.tasks.findById("G4", opened.task.taskId))?.status).toBe("completed");
    const notified = (await deps.outbox.forCase("G4")).filter((m) =>
      m.messageId.startsWith(`G4:${opened.task.taskId}:`),
    );
    expect(notified).toEqual([]);
    expect(effects).toEqual(["G4:approver-chengguan"]);
  });

  it("a decision that may have reached its execution (answer lost, then a used token) is not carried to the next wait of its type", async () => {
    // Prepare: the first delivery is accepted but its answer lost; the repeat meets the used token
    effects = [];
    await deps.cases.create(caseRecord("G2"));
    await open("G2", "token-G2-first");
    workflow.answers.set("token-G2-first", ["lost", "stale"]);
    await expect(approve("G2")).rejects.toThrow(/socket hang up/);
    const repeated = await approve("G2");

    // Act: the flow, having moved on, opens another wait of the type
    const next = await open("G2", "token-G2-next");

    // Assess: the next wait is asked, not answered with the old decision
    expect(repeated).toMatchObject({ repeated: true, delivery: "stale" });
    expect(next.carriedOver).toBe(false);
    expect(workflow.sent.filter((t) => t === "token-G2-next")).toEqual([]);
    expect((await deps.tasks.findById("G2", next.task.taskId))?.status).toBe("open");
    expect(effects).toEqual(["G2:approver-chengguan"]);
  });
});
