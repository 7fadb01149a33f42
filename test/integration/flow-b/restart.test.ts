/**
 * The stage loop is top-level in the ASL (not a Map), so a restart resumes at the current stage
 * (issue 7 §6): the runtime is stopped while stage 2 waits for its re-check and started again; the
 * execution resumes at that wait with the same task token, the officer's re-check resumes it, and
 * nothing before it runs twice (one commit, one draw per stage).
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDateOf } from "#core/calendar/localDate.ts";
import { firstExecutionName } from "#functions/services/executions.ts";
import {
  assessmentBody,
  DAY_MS,
  type FlowBWorld,
  stagedFiling,
  startFlowBWorld,
  statesEntered,
} from "./world.ts";

let world: FlowBWorld;
const XINHUA = "230123300";

beforeAll(async () => {
  world = await startFlowBWorld({ label: "fb-restart" });
});

afterAll(async () => {
  await world?.close();
});

describe("Flow B across a restart", () => {
  it("resumes at the current stage's re-check after the runtime restarts, and pays each stage once", async () => {
    // Prepare: a 3-stage plan, approved, committed, stage 1 paid
    const officer = await world.signIn("officer-xinhua-1");
    const approver = await world.signIn("approver-xinhua");
    const filed = await officer.post<{ caseId: string }>(
      "/plans",
      stagedFiling({
        applicant: {
          name: "钱丽华",
          document: { type: "resident-id", number: "230123197709095671" },
          registration: { countyCode: "230123" },
        },
        bankAccount: { holderName: "钱丽华", bankName: "农村信用社", account: "6217000099990009" },
      }),
    );
    const caseId = filed.body.caseId;
    await world.openTask(caseId, "assessment");
    await officer.post(
      `/plans/${caseId}/assessment`,
      assessmentBody({
        expectedDurationMonths: 3,
        firstStageDate: localDateOf(world.clock.nowMs() + 10 * DAY_MS),
      }),
    );
    await world.openTask(caseId, "public-notice");
    await world.clock.advanceBy(7 * DAY_MS + 60_000);
    await world.openTask(caseId, "plan-approval");
    await approver.post(`/plans/${caseId}/approval`, { decision: "approve" });
    await world.eventually(async () => (await world.fund(XINHUA)).committed === "1200.00", "the commitment");
    const stages = (
      await officer.get<{ plan: { stages: Array<{ index: number; dueAt: string }> } }>(`/plans/${caseId}`)
    ).body.plan.stages;
    const recheck = async (index: number) =>
      officer.post(`/plans/${caseId}/recheck`, {
        stage: index,
        checkedOn: localDateOf(world.clock.nowMs()),
        outcome: "still-in-hardship",
        findings: `第${index}期复核：困难仍在`,
      });
    await world.clock.advanceTo(Date.parse(stages[0]?.dueAt as string));
    await world.openTask(caseId, "stage-recheck");
    expect((await recheck(1)).status).toBe(200);
    await world.payOut(`${caseId}.stage-1`);
    await world.clock.advanceTo(Date.parse(stages[1]?.dueAt as string));
    const waiting = await world.openTask(caseId, "stage-recheck");
    expect(waiting.details?.stage).toBe(2);

    // Act: the runtime stops and starts again while stage 2 waits for its re-check
    const resumed = await world.restartRuntime();

    // Assess: the execution resumed; the same wait (same task) is still the open one
    expect(resumed.some((arn) => arn.endsWith(`:${firstExecutionName(caseId)}`))).toBe(true);
    const after = await world.openTask(caseId, "stage-recheck");
    expect(after.taskId).toBe(waiting.taskId);

    // Act: the officer's re-check after the restart resumes it; the rest of the plan runs
    expect((await recheck(2)).status).toBe(200);
    await world.payOut(`${caseId}.stage-2`);
    await world.clock.advanceTo(Date.parse(stages[2]?.dueAt as string));
    await world.openTask(caseId, "stage-recheck");
    expect((await recheck(3)).status).toBe(200);
    await world.payOut(`${caseId}.stage-3`);
    await world.eventually(
      async () => (await world.executionStatus("flow-b", caseId)) === "SUCCEEDED",
      "the close",
    );

    // Assess: nothing ran twice
    const entered = statesEntered(await world.history("flow-b", caseId));
    expect(entered.filter((s) => s === "StartFlowB")).toHaveLength(1);
    expect(entered.filter((s) => s === "CommitPlan")).toHaveLength(1);
    expect(entered.filter((s) => s === "PayStage")).toHaveLength(3);
    const entries = (await world.entries(XINHUA)).filter((e) => e.reference.caseId === caseId);
    expect(entries.map((e) => `${e.kind} ${e.amountYuan.toString()}`)).toEqual([
      "commit 1200.00",
      "draw 400.00",
      "draw 400.00",
      "draw 400.00",
    ]);
    expect((await world.fund(XINHUA)).committed).toBe("0.00");
  });
});
