/**
 * A re-check that stops the plan ends its wait with SendTaskFailure `RecheckStopped` (the ASL catches
 * it to ClosePlan: no Choice after the wait, issue 23), on DynamoDB Local with a scripted Step
 * Functions port: the decision is recorded as any other (the output kept as decided), and every
 * delivery of it — the decider's call, the healing repeat after a crash, the carry-over to the
 * escalated wait when it met an expired token — is a failure with that name and the rest of the
 * output as the cause, never a success.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaseRecord } from "#adapters/case-store.ts";
import type { WorkflowPort } from "#adapters/step-functions.ts";
import { RECHECK_STOPPED } from "#functions/services/flow-b/decisions/recheck.ts";
import type { FlowDeps } from "#functions/services/ports.ts";
import { decideHumanTask, openHumanTask } from "#functions/services/steps/human-tasks.ts";
import { scriptedFlowDeps, storedCaseRecord } from "#test/support/case-record.ts";
import { createTestTables, type TestTables } from "#test/support/dynamo.ts";

type Sent = { token: string; success: unknown } | { token: string; error: string; cause: string };

/** A Step Functions port whose answers the test scripts: `delivered`, `stale`, or a thrown error. */
function scriptedWorkflow(): WorkflowPort & { sent: Sent[]; next: Array<"delivered" | "stale" | "crash"> } {
  const sent: Sent[] = [];
  const next: Array<"delivered" | "stale" | "crash"> = [];
  const answer = () => {
    const scripted = next.shift() ?? "delivered";
    if (scripted === "crash") throw new Error("connection reset before the task response was answered");
    return scripted;
  };
  return {
    sent,
    next,
    startExecution: async () => ({ started: true }),
    sendTaskSuccess: async (token, output) => {
      const outcome = answer();
      sent.push({ token, success: output });
      return outcome;
    },
    sendTaskFailure: async (token, error, cause) => {
      const outcome = answer();
      sent.push({ token, error, cause });
      return outcome;
    },
  };
}

let tables: TestTables;
let deps: FlowDeps;
let workflow: ReturnType<typeof scriptedWorkflow>;
let effects: string[];
let nowMs = Date.parse("2026-05-20T01:00:00Z");

function caseRecord(caseId: string): CaseRecord {
  return storedCaseRecord(caseId, nowMs, {
    townshipId: "230123300",
    status: "stage-waiting",
    flow: "B",
    hardship: { kind: "expenditure", cause: "illness" },
    description: "长期透析，医疗支出大",
    applicant: {
      name: "赵桂兰",
      document: { type: "resident-id", numberMasked: "2301**********2348" },
      personKey: `pk-${caseId}`,
      registration: {},
      local: true,
    },
    filedBy: { userId: "officer-xinhua-1", onBehalf: true },
    handledBy: ["officer-xinhua-1"],
  });
}

async function open(caseId: string, token: string, escalated = false) {
  return openHumanTask(deps, {
    token,
    caseId,
    taskType: "stage-recheck",
    assigneeRoles: escalated ? ["township-officer", "county-civil-affairs"] : ["township-officer"],
    timeoutSeconds: 3 * 86_400,
    escalated,
    overdue: escalated,
    caseEvent: { type: "wait.opened", flow: "B", wait: "stage-recheck" },
    notify: [{ kind: "township", id: "230123300", role: "township-officer" }],
    subject: "Stage 3 is due: re-check the household before it is paid",
    subjectZh: "第 3 期到期，请复核家庭情况后发放",
    details: { stage: 3 },
    correlationId: `corr-${caseId}`,
  });
}

/** What recordRecheck sends for a stop (functions/services/flow-b/decisions/recheck.ts). */
const STOP = {
  decision: "stop",
  current: { index: 3, purpose: "stage-3", amountYuan: "400.00", last: false },
  reason: "covered-by-dibao",
};

function stop(caseId: string) {
  return decideHumanTask(deps, {
    caseId,
    taskType: "stage-recheck",
    actorUserId: "officer-xinhua-1",
    decision: { stage: 3, outcome: "covered-by-dibao", checkedOn: "2026-05-20", findings: "已纳入低保" },
    output: { ...STOP, taskFailure: { error: RECHECK_STOPPED } },
    effects: async (recorded) => {
      effects.push(`${caseId}:${recorded.decidedBy}:${String(recorded.decision.outcome)}`);
    },
  });
}

/** What a token was sent: a failure's cause parsed (the output's keys come back from DynamoDB in any order). */
function sentTo(token: string): unknown[] {
  return workflow.sent
    .filter((s) => s.token === token)
    .map((s) => ("error" in s ? { error: s.error, cause: JSON.parse(s.cause) } : { success: s.success }));
}

beforeAll(async () => {
  tables = await createTestTables("fb-stop");
  workflow = scriptedWorkflow();
  deps = scriptedFlowDeps(tables, workflow, () => new Date(nowMs));
});

afterAll(() => {
  tables?.client.destroy();
});

describe("a stopped re-check is delivered as the wait's named failure", () => {
  it("the decider's call: SendTaskFailure RecheckStopped with the stop as the cause; recorded as decided", async () => {
    // Prepare
    effects = [];
    await deps.cases.create(caseRecord("S1"));
    await open("S1", "token-S1-a");

    // Act
    const decided = await stop("S1");

    // Assess
    expect(decided).toMatchObject({ repeated: false, delivery: "delivered" });
    expect(sentTo("token-S1-a")).toEqual([{ error: "RecheckStopped", cause: STOP }]);
    const task = await deps.tasks.latest("S1", "stage-recheck");
    expect(task?.status).toBe("completed");
    expect(task?.decided?.output).toEqual({ ...STOP, taskFailure: { error: "RecheckStopped" } });
    expect(effects).toEqual(["S1:officer-xinhua-1:covered-by-dibao"]);
  });

  it("a crash before the failure was answered is healed by the same request again: one failure, effects once", async () => {
    // Prepare
    effects = [];
    await deps.cases.create(caseRecord("S2"));
    await open("S2", "token-S2-a");
    workflow.next.push("crash");

    // Act
    await expect(stop("S2")).rejects.toThrow(/connection reset/);
    const again = await stop("S2");

    // Assess
    expect(again).toMatchObject({ repeated: true, delivery: "delivered" });
    expect(sentTo("token-S2-a")).toEqual([{ error: "RecheckStopped", cause: STOP }]);
    expect(effects).toEqual(["S2:officer-xinhua-1:covered-by-dibao"]);
  });

  it("a stop that met the expired token is carried over to the overdue, escalated wait as the same failure", async () => {
    // Prepare: the officer stops the plan at the very moment the re-check's deadline passes
    effects = [];
    await deps.cases.create(caseRecord("S3"));
    await open("S3", "token-S3-a");
    workflow.next.push("stale");
    const late = await stop("S3");

    // Act: the timeout's Catch opens the overdue re-check with a new token
    nowMs += 3 * 86_400_000;
    const escalated = await open("S3", "token-S3-b", true);

    // Assess: the new token gets the failure (never a success), the plan is not put back to waiting
    expect(late.delivery).toBe("stale");
    expect(escalated.carriedOver).toBe(true);
    expect(sentTo("token-S3-b")).toEqual([{ error: "RecheckStopped", cause: STOP }]);
    expect(workflow.sent.some((s) => "success" in s)).toBe(false);
    expect(effects).toEqual(["S3:officer-xinhua-1:covered-by-dibao"]);
  });
});
