/**
 * Hand-over from Flow A's follow-up to Flow B (issue 7 "must be shown"): an urgent case gets its
 * advance in Flow A, the officer chooses staged assistance at follow-up, and Flow B continues under
 * the SAME case id with its history: the advance counts against the per-case cap, urgent cases skip
 * the public notice (DOMAIN §4.3), the plan is approved, committed, paid and closed.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditStore } from "#adapters/audit-store.ts";
import type { CaseStatus } from "#adapters/case-store.ts";
import type { WorkflowPort } from "#adapters/step-functions.ts";
import { localDateOf } from "#core/calendar/localDate.ts";
import { handOverToFlowB } from "#functions/services/flow-a/steps.ts";
import { DAY_MS, type FlowBWorld, startFlowBWorld, statesEntered } from "./world.ts";

let world: FlowBWorld;
const CHENGGUAN = "230123100";
/** The case the first test carried through both flows; the second copies it as a fresh hand-over. */
let handedOverCaseId: string | undefined;

beforeAll(async () => {
  world = await startFlowBWorld({ label: "fb-handover" });
});

afterAll(async () => {
  await world?.close();
});

describe("Flow A hands over to Flow B", () => {
  it("keeps the case id and its history: advance paid in Flow A, staged plan approved, committed, paid and closed in Flow B", async () => {
    // Prepare: Flow A up to the follow-up
    const applicant = await world.signIn("applicant-zhang");
    const approver = await world.signIn("approver-chengguan");
    const officer = await world.signIn("officer-chengguan-1");
    const filed = await applicant.post<{ caseId: string }>(
      "/cases",
      {
        townshipId: CHENGGUAN,
        hardship: { cause: "fire" },
        description: "房屋失火，家中财物烧毁，需长期租房过渡",
        applicant: {
          name: "张伟",
          document: { type: "resident-id", number: "230123196811114563" },
          registration: { countyCode: "230123" },
        },
        bankAccount: { holderName: "张伟", bankName: "农村信用社", account: "6217000012340001" },
      },
      { headers: { "x-correlation-id": "corr-handover-1" } },
    );
    expect(filed.status).toBe(201);
    const caseId = filed.body.caseId;
    handedOverCaseId = caseId;
    await world.openTask(caseId, "advance-decision");
    expect(
      (
        await approver.post(`/cases/${caseId}/advance-decision`, {
          decision: "approve",
          amountYuan: "800.00",
        })
      ).status,
    ).toBe(200);
    await world.payOut(`${caseId}.advance`);
    await world.openTask(caseId, "paperwork");
    const visitedAt = new Date(world.clock.nowMs()).toISOString();
    const paperwork = await officer.post(`/cases/${caseId}/paperwork`, {
      investigators: [
        { userId: "officer-chengguan-1", visitedAt },
        { userId: "officer-chengguan-2", visitedAt },
      ],
      economicCheck: { result: "eligible", reference: "HD-2026-0102" },
      facts: "入户核实：房屋失火属实，需租房过渡数月",
      goodFaithBasis: "火灾现场照片及村委会证明",
    });
    expect(paperwork.status, paperwork.text).toBe(202);
    // The second investigator confirms with their own sign-in (DOMAIN §3.4).
    const coSigned = await (await world.signIn("officer-chengguan-2")).post(
      `/cases/${caseId}/paperwork/co-sign`,
      { decision: "confirm" },
    );
    expect(coSigned.status, coSigned.text).toBe(200);
    await world.openTask(caseId, "follow-up");

    // Act: staged assistance at follow-up
    const followUp = await officer.post(`/cases/${caseId}/follow-up`, {
      staged: { reason: "重建期间需租房，困难预计持续数月，转分阶段救助" },
    });
    expect(followUp.status).toBe(200);

    // Assess: Flow A ended with the hand-over; Flow B waits for the assessment of the same case
    await world.eventually(
      async () => (await world.executionStatus("flow-a", caseId)) === "SUCCEEDED",
      "Flow A to end",
    );
    expect(statesEntered(await world.history("flow-a", caseId))).toContain("HandOverToFlowB");
    await world.openTask(caseId, "assessment");
    expect(await world.executionStatus("flow-b", caseId)).toBe("RUNNING");
    // The hand-over is recorded before Flow B starts, so Flow A never overwrites Flow B's status.
    // (the task becomes visible just before its status is written on the case: wait for that write)
    const handedOver = await world.eventually(async () => {
      const current = await world.deps.cases.get(caseId);
      return current.status === "assessing" ? current : undefined;
    }, "Flow B's status on the case");
    expect(handedOver.flow).toBe("B");
    expect(handedOver.handOver).toMatchObject({ from: "A", flowBStarted: true });

    // Act: assessment — rural 低保 520 × 3 + rent 400 − income 1,200 = 760 a month × 2
    const assessed = await officer.post<{ plan: { totalYuan: string; approvalLevel: string } }>(
      `/plans/${caseId}/assessment`,
      {
        household: { members: [{ relation: "本人" }, { relation: "配偶" }, { relation: "子女", age: 9 }] },
        monthlyIncomeYuan: "1200.00",
        rigidExpenditure: {
          medicalMonthlyYuan: "0.00",
          educationMonthlyYuan: "0.00",
          otherMonthlyYuan: "400.00",
        },
        expectedDurationMonths: 2,
        firstStageDate: localDateOf(world.clock.nowMs() + 5 * DAY_MS),
        facts: "房屋重建期间租房，月租四百元；家庭务工收入每月约一千二百元",
      },
    );
    expect(assessed.status).toBe(200);
    expect(assessed.body.plan).toMatchObject({ totalYuan: "1520.00", approvalLevel: "township" });

    // Assess: urgent case — no public notice; straight to approval
    const approvalTask = await world.openTask(caseId, "plan-approval");
    expect(approvalTask.assigneeRoles).toEqual(["township-approver"]);
    expect((await world.deps.tasks.forCase(caseId)).some((t) => t.taskType === "public-notice")).toBe(false);

    // Act: approve; the two stages are re-checked and paid
    expect((await approver.post(`/plans/${caseId}/approval`, { decision: "approve" })).status).toBe(200);
    await world.eventually(
      async () => (await world.fund(CHENGGUAN)).committed === "1520.00",
      "the commitment",
    );
    const view = await officer.get<{ plan: { stages: Array<{ index: number; dueAt: string }> } }>(
      `/plans/${caseId}`,
    );
    for (const stage of view.body.plan.stages) {
      await world.clock.advanceTo(Math.max(Date.parse(stage.dueAt), world.clock.nowMs()));
      await world.openTask(caseId, "stage-recheck");
      const rechecked = await officer.post(`/plans/${caseId}/recheck`, {
        stage: stage.index,
        checkedOn: localDateOf(world.clock.nowMs()),
        outcome: "still-in-hardship",
        findings: "仍在租房过渡",
      });
      expect(rechecked.status).toBe(200);
      await world.payOut(`${caseId}.stage-${stage.index}`);
    }
    await world.eventually(
      async () => (await world.executionStatus("flow-b", caseId)) === "SUCCEEDED",
      "Flow B to end",
    );

    // Assess: one case, both flows' history on it
    const record = await world.deps.cases.get(caseId);
    expect(record.caseId).toBe(caseId);
    expect(record.status).toBe("closed");
    expect(record.flow).toBe("B");
    expect(record.advance).toMatchObject({ decision: "approve", amountYuan: "800.00" });
    expect(record.paperwork).toBeDefined();
    expect(record.handOver).toMatchObject({ from: "A", flowBStarted: true });
    expect((record as unknown as { plan: { enteredFrom: string } }).plan.enteredFrom).toBe("flow-a");
    expect(record.outcome).toMatchObject({
      result: "completed",
      paidByPlanYuan: "1520.00",
      totalPaidOnCaseYuan: "2320.00",
    });
    const audit = new AuditStore({
      client: DynamoDBDocumentClient.from(world.runtime.dynamo),
      tableName: world.runtime.tables.main,
    });
    const actions = (await audit.listForResource("case", caseId, 100)).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "case.file",
        "advance.decide",
        "plan.start",
        "plan.assess",
        "plan.approve",
        "plan.commit",
        "stage.recheck",
        "case.close",
      ]),
    );
    const entries = (await world.entries(CHENGGUAN)).filter((e) => e.reference.caseId === caseId);
    expect(
      entries.map((e) => `${e.kind}${e.drawKind ? `:${e.drawKind}` : ""} ${e.amountYuan.toString()}`),
    ).toEqual(["draw:advance 800.00", "commit 1520.00", "draw:stage 760.00", "draw:stage 760.00"]);
    expect(entries.every((e) => e.reference.correlationId === "corr-handover-1")).toBe(true);
  });

  it("records the hand-over before Flow B starts, so the case ends in Flow B's status — also when the hand-over is retried", async () => {
    // Prepare: a case at follow-up (a copy of the first test's case under a new id, not yet handed over)
    const source = await world.deps.cases.get(handedOverCaseId as string);
    const {
      handOver: _handOver,
      plan: _plan,
      outcome: _outcome,
      ...atFollowUp
    } = source as typeof source & {
      plan?: unknown;
      outcome?: unknown;
    };
    const caseId = `${source.caseId}-race`;
    const created = await world.deps.cases.create({
      ...atFollowUp,
      caseId,
      // Another cause: the first case still holds the person's open-case guard for its own.
      hardship: { ...source.hardship, cause: "flood" },
      status: "awaiting-follow-up",
      flow: "A",
    });
    expect(created).toEqual({ created: true });
    // A Flow B whose first step runs at once (as a fast Lambda can): it sets its own status on the case.
    const seenAtStart: CaseStatus[] = [];
    const starts: string[] = [];
    const flowB: WorkflowPort = {
      ...world.deps.workflow,
      async startExecution({ name }) {
        starts.push(name);
        seenAtStart.push((await world.deps.cases.get(caseId)).status);
        await world.deps.cases.update(caseId, {
          event: { type: "wait.opened", flow: "B", wait: "assessment" },
        });
        return { started: true };
      },
    };
    const deps = {
      ...world.deps,
      workflow: flowB,
      stateMachines: { ...world.deps.stateMachines, flowB: "flow-b" },
    };

    // Act: the hand-over, then a retry of it (as after a crash before the task reported success)
    const first = await handOverToFlowB(deps, caseId, "corr-handover-race");
    const retried = await handOverToFlowB(deps, caseId, "corr-handover-race");

    // Assess: Flow A wrote before the start; Flow B's status stands, the retry changed nothing on the case
    expect(first).toEqual({ flowBStarted: true });
    expect(retried).toEqual({ flowBStarted: true });
    expect(starts).toEqual([`${caseId}-1`, `${caseId}-1`]);
    expect(seenAtStart[0]).toBe("handed-over-to-flow-b");
    const record = await world.deps.cases.get(caseId);
    expect(record.status).toBe("assessing");
    expect(record.flow).toBe("B");
    expect(record.handOver).toMatchObject({ from: "A", flowBStarted: true });
  });
});
