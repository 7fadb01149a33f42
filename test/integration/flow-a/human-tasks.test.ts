/**
 * The human-step mechanism on DynamoDB Local with a scripted Step Functions port (ARCHITECTURE §3.4):
 * the token stays server-side; a crash between recording a decision and SendTaskSuccess is healed by
 * the same request again (effects once); a decision that reached a token which had just timed out is
 * carried over to the escalated task; a different second decision is a 409 that changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaseRecord } from "#adapters/case-store.ts";
import type { WorkflowPort } from "#adapters/step-functions.ts";
import type { FlowDeps } from "#functions/services/ports.ts";
import { recordDecision } from "#functions/services/steps/decision.ts";
import { decideHumanTask, openHumanTask } from "#functions/services/steps/human-tasks.ts";
import { scriptedFlowDeps, storedCaseRecord } from "#test/support/case-record.ts";
import { createTestTables, type TestTables } from "#test/support/dynamo.ts";

interface Sent {
  token: string;
  output: unknown;
}

/** A Step Functions port whose answers the test scripts: `delivered`, `stale`, or a thrown error. */
function scriptedWorkflow(): WorkflowPort & { sent: Sent[]; next: Array<"delivered" | "stale" | "crash"> } {
  const sent: Sent[] = [];
  const next: Array<"delivered" | "stale" | "crash"> = [];
  return {
    sent,
    next,
    startExecution: async () => ({ started: true }),
    sendTaskSuccess: async (token, output) => {
      const answer = next.shift() ?? "delivered";
      if (answer === "crash") throw new Error("connection reset before SendTaskSuccess was answered");
      sent.push({ token, output });
      return answer;
    },
    sendTaskFailure: async () => "delivered",
  };
}

let tables: TestTables;
let deps: FlowDeps;
let workflow: ReturnType<typeof scriptedWorkflow>;
let effects: string[];
let nowMs = Date.parse("2026-03-02T01:00:00Z");

function caseRecord(caseId: string): CaseRecord {
  return storedCaseRecord(caseId, nowMs, { description: "房屋失火", payout: { method: "none" } });
}

async function open(caseId: string, token: string, escalated = false) {
  return openHumanTask(deps, {
    token,
    caseId,
    taskType: "advance-decision",
    assigneeRoles: escalated ? ["county-civil-affairs"] : ["township-approver"],
    timeoutSeconds: 86_400,
    escalated,
    caseEvent: { type: "wait.opened", flow: "A", wait: "advance-decision" },
    notify: [{ kind: "township", id: "230123100", role: "township-approver" }],
    subject: "Advance aid decision needed",
    subjectZh: "请审批先行救助",
    correlationId: `corr-${caseId}`,
  });
}

function decide(caseId: string, actorUserId: string, decision: Record<string, unknown>) {
  return decideHumanTask(deps, {
    caseId,
    taskType: "advance-decision",
    actorUserId,
    decision,
    output: { outcome: decision.decision === "approve" ? "approved" : "rejected", purpose: "advance" },
    effects: async (recorded) => {
      effects.push(`${caseId}:${recorded.decidedBy}:${String(recorded.decision.decision)}`);
    },
  });
}

beforeAll(async () => {
  tables = await createTestTables("fa-tasks");
  workflow = scriptedWorkflow();
  deps = scriptedFlowDeps(tables, workflow, () => new Date(nowMs));
});

afterAll(() => {
  tables?.client.destroy();
});

describe("human tasks", () => {
  it("stores the token server-side only and notifies the role that must act", async () => {
    // Prepare
    effects = [];
    await deps.cases.create(caseRecord("T1"));

    // Act
    const { task } = await open("T1", "token-T1-a");

    // Assess
    expect(JSON.stringify(task)).not.toContain("token-T1-a");
    expect(JSON.stringify(await deps.tasks.forCase("T1"))).not.toContain("token-T1-a");
    expect(await deps.tasks.tokenOf("T1", task.taskId)).toBe("token-T1-a");
    expect(task.dueAt).toBe("2026-03-03T01:00:00.000Z");
    const notes = await deps.outbox.forCase("T1");
    expect(notes.map((n) => [n.kind, n.recipient.role])).toEqual([
      ["task.advance-decision", "township-approver"],
    ]);
    expect(JSON.stringify(notes)).not.toContain("token-T1-a");
  });

  it("a crash between the recorded decision and SendTaskSuccess is healed by sending the same request again", async () => {
    // Prepare
    effects = [];
    await deps.cases.create(caseRecord("T2"));
    await open("T2", "token-T2-a");
    workflow.next.push("crash");

    // Act
    const first = decide("T2", "approver-chengguan", { decision: "approve", amountYuan: "800.00" });
    await expect(first).rejects.toThrow(/connection reset/);
    const again = await decide("T2", "approver-chengguan", { decision: "approve", amountYuan: "800.00" });

    // Assess: effects (case + audit) ran once, the execution resumed once, the task is done
    expect(again).toMatchObject({ repeated: true, delivery: "delivered" });
    expect(effects).toEqual(["T2:approver-chengguan:approve"]);
    expect(workflow.sent.filter((s) => s.token === "token-T2-a")).toHaveLength(1);
    expect((await deps.tasks.latest("T2", "advance-decision"))?.status).toBe("completed");
  });

  it("a different decision on a decided task is a 409 that changes nothing", async () => {
    // Prepare
    effects = [];
    await deps.cases.create(caseRecord("T3"));
    await open("T3", "token-T3-a");
    workflow.next.push("crash");
    await expect(
      decide("T3", "approver-chengguan", { decision: "approve", amountYuan: "500.00" }),
    ).rejects.toThrow();

    // Act
    const other = decide("T3", "county-civil-1", { decision: "reject", reason: "不符合条件" });

    // Assess: refused, yet the recorded decision was still delivered (healing), nothing else changed
    await expect(other).rejects.toMatchObject({ statusCode: 409 });
    expect(effects).toEqual(["T3:approver-chengguan:approve"]);
    expect(workflow.sent.filter((s) => s.token === "token-T3-a").map((s) => s.output)).toEqual([
      { outcome: "approved", purpose: "advance" },
    ]);
  });

  it("a decision that reached a token which had just timed out is carried over to the escalated task", async () => {
    // Prepare: the approver decides at the very moment the wait times out
    effects = [];
    await deps.cases.create(caseRecord("T4"));
    await open("T4", "token-T4-a");
    workflow.next.push("stale");
    const late = await decide("T4", "approver-chengguan", { decision: "approve", amountYuan: "700.00" });

    // Act: the timeout's Catch opens the escalated task with a new token
    nowMs += 86_400_000;
    const escalated = await open("T4", "token-T4-b", true);

    // Assess
    expect(late.delivery).toBe("stale");
    expect(escalated.carriedOver).toBe(true);
    expect(workflow.sent.filter((s) => s.token === "token-T4-b").map((s) => s.output)).toEqual([
      { outcome: "approved", purpose: "advance" },
    ]);
    const statuses = (await deps.tasks.forCase("T4")).map((t) => t.status).sort();
    expect(statuses).toEqual(["completed", "superseded"]);
    expect(effects).toEqual(["T4:approver-chengguan:approve"]);
  });
});

describe("a decision whose first run changed the case and then failed", () => {
  function rejectAdvance(caseId: string) {
    return recordDecision(deps, {
      actor: {
        userId: "approver-chengguan",
        name: "李审批",
        roles: ["township-approver"],
        countyId: "230123",
        townshipId: "230123100",
      },
      action: "case.advance.decide",
      record: { caseId, countyId: "230123", townshipId: "230123100" },
      taskType: "advance-decision",
      decision: { decision: "reject", reason: "不符合条件" },
      output: { outcome: "rejected", purpose: "advance" },
      change: () => ({ event: { type: "advance.rejected" } }),
      correlationId: `corr-${caseId}`,
    });
  }

  it("is carried out by the decider's retry: the case moves once, the execution resumes, no 422", async () => {
    // Prepare: the case change lands, then the audit write fails (the request answers 5xx)
    await deps.cases.create(caseRecord("T5"));
    await open("T5", "token-T5-a");
    const append = deps.audit.append.bind(deps.audit);
    let failures = 1;
    const appended: string[] = [];
    deps.audit.append = async (event) => {
      if (failures-- > 0) throw new Error("audit table unavailable");
      appended.push(event.action);
      return append(event);
    };
    try {
      await expect(rejectAdvance("T5")).rejects.toThrow(/audit table unavailable/);
      const halfway = await deps.cases.get("T5");

      // Act: the same request again
      const again = await rejectAdvance("T5");

      // Assess
      expect(halfway.status).toBe("advance-rejected");
      expect(again).toMatchObject({ repeated: true, delivery: "delivered" });
      const after = await deps.cases.get("T5");
      expect(after.status).toBe("advance-rejected");
      expect(after.version).toBe(halfway.version);
      expect(workflow.sent.filter((s) => s.token === "token-T5-a").map((s) => s.output)).toEqual([
        { outcome: "rejected", purpose: "advance" },
      ]);
      expect(appended).toEqual(["case.advance.decide"]);
    } finally {
      deps.audit.append = append;
    }
  });
  it("is carried over by the escalated wait when nobody repeats the request: the case is not put back to waiting", async () => {
    // Prepare: the case change lands, the audit write fails, the approver closes the page
    await deps.cases.create(caseRecord("T6"));
    await open("T6", "token-T6-a");
    const append = deps.audit.append.bind(deps.audit);
    let failures = 1;
    const appended: string[] = [];
    deps.audit.append = async (event) => {
      if (failures-- > 0) throw new Error("audit table unavailable");
      appended.push(event.action);
      return append(event);
    };
    try {
      await expect(rejectAdvance("T6")).rejects.toThrow(/audit table unavailable/);

      // Act: the wait times out and the flow opens the escalated wait
      nowMs += 86_400_000;
      const escalated = await open("T6", "token-T6-b", true);

      // Assess: the recorded rejection resumes the flow; its audit event is written once
      expect(escalated.carriedOver).toBe(true);
      expect((await deps.cases.get("T6")).status).toBe("advance-rejected");
      expect(workflow.sent.filter((s) => s.token === "token-T6-b").map((s) => s.output)).toEqual([
        { outcome: "rejected", purpose: "advance" },
      ]);
      expect(appended).toEqual(["case.advance.decide"]);
      const statuses = (await deps.tasks.forCase("T6")).map((t) => t.status).sort();
      expect(statuses).toEqual(["completed", "superseded"]);
    } finally {
      deps.audit.append = append;
    }
  });
});

describe("filing without a workflow", () => {
  it("answers 503 and writes nothing when the deployment has no Flow A state machine", async () => {
    // Prepare
    const { fileCase } = await import("#functions/services/flow-a/filing.ts");
    const { FileCaseSchema } = await import("#functions/services/steps/filing.ts");
    const request = FileCaseSchema.parse({
      townshipId: "230123100",
      hardship: { cause: "fire" },
      description: "房屋失火",
      applicant: {
        name: "IVANOV PETR",
        document: { type: "passport", number: "753112233", nationality: "RUS" },
      },
    });
    const casesBefore = (await deps.cases.byTownshipAndStatus("230123100", "awaiting-advance-decision"))
      .length;
    const actor = {
      userId: "officer-chengguan-1",
      name: "经办人",
      roles: ["township-officer" as const],
      countyId: "230123",
      townshipId: "230123100",
    };

    // Act
    const filing = fileCase(deps, actor, request, "corr-no-workflow");

    // Assess
    await expect(filing).rejects.toMatchObject({ statusCode: 503, code: "WORKFLOW_UNAVAILABLE" });
    expect(await deps.cases.byTownshipAndStatus("230123100", "awaiting-advance-decision")).toHaveLength(
      casesBefore,
    );
  });
});
