/**
 * Flow B over HTTP on the local runtime (issue 7 "must be shown"):
 * - an objection during the notice sends the case back to the officer → re-noticed → approved;
 * - a plan stopped at stage 3 (now covered by 低保) after an overdue, escalated re-check: stages 4–6
 *   are released and the ledger shows commit, two stage draws and the release;
 * - a plan above the township ceiling needs the county, maker = checker is refused, and a fund too
 *   short to commit it waits for county finance's replenishment, then commits and pays its stages.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditStore } from "#adapters/audit-store.ts";
import { localDateOf } from "#core/calendar/localDate.ts";
import { Yuan } from "#core/money/index.ts";
import { caseNotifications } from "#functions/services/messages/case-notifications.ts";
import {
  approvedPlan,
  assessmentBody,
  DAY_MS,
  type FlowBWorld,
  recheckAndPay as recheckAndPayStage,
  stagedFiling,
  startFlowBWorld,
  statesEntered,
} from "./world.ts";

let world: FlowBWorld;
const XINHUA = "230123300";
const HEDONG = "230123200";

/** What the case's people were told (the outbox's and the task roles' staff messages), as progress lists it. */
async function notificationsOf(caseId: string) {
  return caseNotifications(world.deps, await world.deps.cases.get(caseId));
}

beforeAll(async () => {
  world = await startFlowBWorld({ label: "fb-variants" });
});

afterAll(async () => {
  await world?.close();
});

interface PlanView {
  case: { status: string; outcome?: Record<string, unknown>; flags: Record<string, unknown> };
  plan: {
    version: number;
    totalYuan: string;
    stages: Array<{ index: number; dueDate: string; dueAt: string; amountYuan: string; payment: string }>;
    objections: Array<{ grounds: string; response?: string; noticeRound: number }>;
    versions: Array<{ version: number; totalYuan: string; stageAmountsYuan: string[] }>;
    notice?: { round: number; status: string };
    approval?: { decision: string; level: string; decidedBy: string };
  };
  tasks: Array<{
    taskType: string;
    status: string;
    assigneeRoles: string[];
    escalated: boolean;
    overdue: boolean;
  }>;
}

function applicant(name: string, number: string, account: string) {
  return {
    applicant: { name, document: { type: "resident-id", number }, registration: { countyCode: "230123" } },
    bankAccount: { holderName: name, bankName: "农村信用社", account },
  };
}

async function recheckAndPay(caseId: string, stage: { index: number; dueAt: string }, officerId: string) {
  await recheckAndPayStage(world, await world.signIn(officerId), caseId, stage);
}

describe("Flow B plan variants", () => {
  it("an objection during the notice sends the case back to the officer; re-assessed, re-noticed, approved", async () => {
    // Prepare
    const officer = await world.signIn("officer-xinhua-1");
    const approver = await world.signIn("approver-xinhua");
    const filed = await officer.post<{ caseId: string }>(
      "/plans",
      stagedFiling(applicant("李秀英", "230123197502031232", "6217000099990001")),
    );
    expect(filed.status).toBe(201);
    const caseId = filed.body.caseId;
    await world.openTask(caseId, "assessment");
    expect((await officer.post(`/plans/${caseId}/assessment`, assessmentBody())).status).toBe(200);
    await world.openTask(caseId, "public-notice");

    // Act: an objection arrives on day 3 of the notice
    await world.clock.advanceBy(3 * DAY_MS);
    const objection = await officer.post(`/plans/${caseId}/objections`, {
      receivedOn: localDateOf(world.clock.nowMs()),
      grounds: "群众反映其家庭有一辆营运货车，收入未如实申报",
      objector: "村民（实名）",
    });
    expect(objection.status).toBe(200);

    // Assess: back to the officer with the objection recorded; the old notice is marked objected
    await world.openTask(caseId, "assessment");
    const back = await officer.get<PlanView>(`/plans/${caseId}`);
    expect(back.body.case.status).toBe("assessing");
    expect(back.body.plan.objections).toEqual([
      expect.objectContaining({ grounds: "群众反映其家庭有一辆营运货车，收入未如实申报", noticeRound: 1 }),
    ]);
    expect(back.body.plan.notice?.status).toBe("objected");

    // Act: a re-assessment that ignores the objection is refused; with the finding it is recorded
    const ignored = await officer.post(
      `/plans/${caseId}/assessment`,
      assessmentBody({ monthlyIncomeYuan: "1900.00" }),
    );
    expect(ignored.status).toBe(400);
    const reassessed = await officer.post<{ plan: { totalYuan: string } }>(
      `/plans/${caseId}/assessment`,
      assessmentBody({
        monthlyIncomeYuan: "1900.00",
        objectionResponse: "核实：货车已于去年变卖，另有零星运输收入每月约一百元，已计入收入",
      }),
    );
    expect(reassessed.status).toBe(200);
    expect(reassessed.body.plan.totalYuan).toBe("1800.00");

    // Act: the second notice runs its full length, then approval
    await world.openTask(caseId, "public-notice");
    await world.eventually(async () => {
      const view = await officer.get<PlanView>(`/plans/${caseId}`);
      return view.body.plan.notice?.round === 2 && view.body.plan.notice.status === "running";
    }, "the second notice");
    await world.clock.advanceBy(7 * DAY_MS + 60_000);
    await world.openTask(caseId, "plan-approval");
    const approved = await approver.post(`/plans/${caseId}/approval`, { decision: "approve" });
    expect(approved.status).toBe(200);

    // Assess: committed with the re-assessed total; both versions kept; the objection answered
    await world.eventually(
      async () => (await world.deps.cases.get(caseId)).status === "stage-waiting",
      "the commitment",
    );
    const view = await officer.get<PlanView>(`/plans/${caseId}`);
    expect(view.body.plan.versions.map((v) => v.totalYuan)).toEqual(["2400.00", "1800.00"]);
    expect(view.body.plan.objections[0]?.response).toContain("货车已于去年变卖");
    expect(view.body.plan.notice).toMatchObject({ round: 2, status: "ended" });
    const entries = (await world.entries(XINHUA)).filter((e) => e.reference.caseId === caseId);
    expect(entries.map((e) => [e.kind, e.amountYuan.toString()])).toEqual([["commit", "1800.00"]]);
    // Every change audited: both assessments (the second with the version it replaced) and the objection.
    const audit = new AuditStore({
      client: DynamoDBDocumentClient.from(world.runtime.dynamo),
      tableName: world.runtime.tables.main,
    });
    const trail = await audit.listForResource("case", caseId, 100);
    const assessments = trail.filter((e) => e.action === "plan.assess");
    expect(assessments).toHaveLength(2);
    expect(assessments[1]?.before).toMatchObject({ version: 1, totalYuan: "2400.00" });
    expect(assessments[1]?.after).toMatchObject({ version: 2, totalYuan: "1800.00" });
    expect(trail.filter((e) => e.action === "notice.objection.record")).toHaveLength(1);
  });

  it("a plan stopped at stage 3 (now covered by 低保) releases stages 4–6, after an overdue re-check was escalated", async () => {
    // Prepare: a 6 × 400 plan, approved and committed
    const officer = await world.signIn("officer-xinhua-1");
    const approver = await world.signIn("approver-xinhua");
    const county = await world.signIn("county-civil-1");
    const before = await world.fund(XINHUA);
    const filed = await officer.post<{ caseId: string }>(
      "/plans",
      stagedFiling({
        ...applicant("赵桂兰", "230123198204152348", "6217000099990002"),
        hardship: { cause: "education" },
      }),
    );
    const caseId = filed.body.caseId;
    await world.openTask(caseId, "assessment");
    await officer.post(
      `/plans/${caseId}/assessment`,
      assessmentBody({
        firstStageDate: localDateOf(world.clock.nowMs() + 10 * DAY_MS),
        rigidExpenditure: {
          medicalMonthlyYuan: "0.00",
          educationMonthlyYuan: "600.00",
          otherMonthlyYuan: "0.00",
        },
      }),
    );
    await world.openTask(caseId, "public-notice");
    await world.clock.advanceBy(7 * DAY_MS + 60_000);
    await world.openTask(caseId, "plan-approval");
    expect((await approver.post(`/plans/${caseId}/approval`, { decision: "approve" })).status).toBe(200);
    await world.eventually(
      async () => (await world.deps.cases.get(caseId)).status === "stage-waiting",
      "the commitment",
    );
    const stages = (await officer.get<PlanView>(`/plans/${caseId}`)).body.plan.stages;
    const committedBefore = Yuan.parse((await world.fund(XINHUA)).committed);

    // Act: stages 1 and 2 re-checked and paid
    await recheckAndPay(caseId, stages[0] as PlanView["plan"]["stages"][number], "officer-xinhua-1");
    await recheckAndPay(caseId, stages[1] as PlanView["plan"]["stages"][number], "officer-xinhua-1");

    // Act: stage 3 falls due and nobody re-checks it within the deadline
    const third = stages[2] as PlanView["plan"]["stages"][number];
    await world.clock.advanceTo(Date.parse(third.dueAt));
    await world.openTask(caseId, "stage-recheck");
    await world.clock.advanceBy(3 * DAY_MS + 60_000);
    const overdue = await world.eventually(async () => {
      const task = await world.deps.tasks.current(caseId, "stage-recheck");
      return task?.status === "open" && task.overdue ? task : undefined;
    }, "the overdue, escalated re-check");

    // Assess: escalated to the county, the stage waits — not paid blind, not skipped
    expect(overdue.escalated).toBe(true);
    expect(overdue.assigneeRoles).toEqual(["township-officer", "county-civil-affairs"]);
    expect(await world.deps.payments.getObligation(`${caseId}.stage-3`)).toBeUndefined();
    await world.eventually(
      async () =>
        (await notificationsOf(caseId)).some(
          (n) => n.kind === "task.stage-recheck.escalated" && n.recipient.role === "county-civil-affairs",
        ),
      "the county notified of the overdue re-check",
    );
    // A re-check dated before the stage fell due is refused (a re-check is for this stage).
    const stale = await officer.post(`/plans/${caseId}/recheck`, {
      stage: 3,
      checkedOn: stages[1]?.dueDate,
      outcome: "covered-by-dibao",
      findings: "上月走访记录",
    });
    expect(stale.status).toBe(400);

    // Act: the late re-check finds the household now covered by 低保
    const stopped = await officer.post(`/plans/${caseId}/recheck`, {
      stage: 3,
      checkedOn: localDateOf(world.clock.nowMs()),
      outcome: "covered-by-dibao",
      findings: "经核实，该户已于本月纳入城市低保，临时救助分期停发",
    });
    expect(stopped.status).toBe(200);
    await world.eventually(
      async () => (await world.executionStatus("flow-b", caseId)) === "SUCCEEDED",
      "the close",
    );

    // Assess: the stop ended the escalated wait with its named error, caught to the close — no
    // Choice after the re-check, no incident — and the decision is recorded as any other
    const history = await world.history("flow-b", caseId);
    const entered = statesEntered(history);
    expect(entered.slice(-3)).toEqual(["AwaitOverdueRecheck", "ClosePlan", "PlanClosed"]);
    expect(entered).not.toContain("RecordIncident");
    const failed = history.filter((e) => e.type === "TaskFailed");
    expect(failed.map((e) => e.taskFailedEventDetails?.error)).toEqual(["RecheckStopped"]);
    expect(JSON.parse(failed[0]?.taskFailedEventDetails?.cause ?? "{}")).toMatchObject({
      decision: "stop",
      current: { index: 3, purpose: "stage-3", last: false },
      reason: "covered-by-dibao",
    });
    const recheck = await world.deps.tasks.latest(caseId, "stage-recheck");
    expect(recheck?.status).toBe("completed");
    expect(recheck?.decided?.output).toMatchObject({ decision: "stop", reason: "covered-by-dibao" });

    // Assess: stages 4–6 (and 3) released; the ledger shows it; the outcome says why
    const view = await county.get<PlanView>(`/plans/${caseId}`);
    expect(view.body.case.status).toBe("closed");
    expect(view.body.case.outcome).toMatchObject({
      result: "stopped",
      stoppedAtStage: 3,
      stopReason: "covered-by-dibao",
      stagesPaid: [1, 2],
      paidByPlanYuan: "800.00",
      releasedYuan: "1600.00",
    });
    expect(view.body.plan.stages.map((s) => s.payment)).toEqual([
      "paid",
      "paid",
      "released",
      "released",
      "released",
      "released",
    ]);
    const entries = (await world.entries(XINHUA)).filter((e) => e.reference.caseId === caseId);
    expect(
      entries.map((e) => `${e.kind}${e.drawKind ? `:${e.drawKind}` : ""} ${e.amountYuan.toString()}`),
    ).toEqual(["commit 2400.00", "draw:stage 400.00", "draw:stage 400.00", "release 1600.00"]);
    const after = await world.fund(XINHUA);
    expect(committedBefore.minus(Yuan.parse(after.committed)).toString()).toBe("2400.00");
    expect(Yuan.parse(before.balance).minus(Yuan.parse(after.balance)).toString()).toBe("800.00");
  });

  it("above the township ceiling: maker = checker refused, the township approver refused, the county approves; a short fund waits for replenishment, then commits and pays", async () => {
    // Prepare: 河东乡's fund is nearly spent by earlier aid (available 2,000 of 21,000)
    await world.ledger.submit({
      entryId: "draw:earlier-aid:2026-q1",
      fundId: HEDONG,
      kind: "draw",
      drawKind: "advance",
      amountYuan: "19000.00",
      bookedAt: new Date(world.clock.nowMs()).toISOString(),
      reference: { caseId: "C20260101-earlier", flow: "A" },
    });
    const leader = await world.signIn("leader-hedong");
    const approver = await world.signIn("approver-hedong");
    const county = await world.signIn("county-civil-1");
    const finance = await world.signIn("finance-1");
    const filed = await leader.post<{ caseId: string }>(
      "/plans",
      stagedFiling({
        townshipId: HEDONG,
        estimatedTotalYuan: "4200.00",
        ...applicant("周志强", "230123199007073450", "6217000099990003"),
      }),
    );
    expect(filed.status).toBe(201);
    const caseId = filed.body.caseId;
    await world.openTask(caseId, "assessment");

    // Act: the leader (officer and approver of a small township) assesses — rural 低保 520 × 2 + 800 − 1,140 = 700 a month,
    // adjusted to two unequal stages
    const assessed = await leader.post<{ plan: { totalYuan: string; approvalLevel: string } }>(
      `/plans/${caseId}/assessment`,
      assessmentBody({
        monthlyIncomeYuan: "1140.00",
        rigidExpenditure: {
          medicalMonthlyYuan: "800.00",
          educationMonthlyYuan: "0.00",
          otherMonthlyYuan: "0.00",
        },
        firstStageDate: localDateOf(world.clock.nowMs() + 10 * DAY_MS),
        adjustment: {
          monthlyAmountsYuan: ["2500.00", "1700.00"],
          reason: "手术费用集中在首月，次月为康复期",
        },
      }),
    );
    expect(assessed.status).toBe(200);
    expect(assessed.body.plan).toMatchObject({ totalYuan: "4200.00", approvalLevel: "county" });
    await world.openTask(caseId, "public-notice");
    await world.clock.advanceBy(7 * DAY_MS + 60_000);
    const approvalTask = await world.openTask(caseId, "plan-approval");
    expect(approvalTask.assigneeRoles).toEqual(["county-civil-affairs"]);

    // Assess: maker = checker refused; the township approver may not approve above the ceiling
    const self = await leader.post<{ code: string; details?: { code?: string } }>(
      `/plans/${caseId}/approval`,
      { decision: "approve" },
    );
    expect(self.status).toBe(403);
    expect(self.text).toMatch(/经办与审批分离|handled themselves/);
    const township = await approver.post(`/plans/${caseId}/approval`, { decision: "approve" });
    expect(township.status).toBe(403);

    // Act: the county approves; the fund cannot cover the commitment
    const approved = await county.post(`/plans/${caseId}/approval`, {
      decision: "approve",
      reason: "超乡镇审批权限，县级审批同意",
    });
    expect(approved.status).toBe(200);
    const fundTask = await world.openTask(caseId, "plan-funds");

    // Assess: county finance is asked, the case waits (not failed), nothing committed
    expect(fundTask.assigneeRoles).toEqual(["county-finance"]);
    await world.eventually(
      async () => (await world.deps.cases.get(caseId)).status === "awaiting-plan-funds",
      "the case waiting for funds",
    );
    expect(await world.executionStatus("flow-b", caseId)).toBe("RUNNING");
    expect((await world.fund(HEDONG)).committed).toBe("0.00");
    await world.eventually(
      async () =>
        (await notificationsOf(caseId)).some(
          (n) => n.kind === "task.plan-funds" && n.recipient.role === "county-finance",
        ),
      "county finance asked to replenish",
    );

    // Act: county finance replenishes the fund to its quota (the ledger's replenishment entry) and resumes the case
    await world.ledger.submit({
      entryId: "replenishment:230123200:2026-03",
      fundId: HEDONG,
      kind: "replenishment",
      amountYuan: "19000.00",
      bookedAt: new Date(world.clock.nowMs()).toISOString(),
      reference: { actor: "finance-2" },
    });
    const resumed = await finance.post(`/plans/${caseId}/fund-replenished`);
    expect(resumed.status).toBe(200);

    // Assess: committed, then both stages re-checked and paid; committed back to 0
    await world.eventually(async () => (await world.fund(HEDONG)).committed === "4200.00", "the commitment");
    const stages = (await county.get<PlanView>(`/plans/${caseId}`)).body.plan.stages;
    expect(stages.map((s) => s.amountYuan)).toEqual(["2500.00", "1700.00"]);
    for (const stage of stages) await recheckAndPay(caseId, stage, "leader-hedong");
    await world.eventually(
      async () => (await world.executionStatus("flow-b", caseId)) === "SUCCEEDED",
      "the close",
    );
    const fund = await world.fund(HEDONG);
    expect(fund).toMatchObject({ committed: "0.00", balance: "16800.00" });
    const entries = (await world.entries(HEDONG)).filter((e) => e.reference.caseId === caseId);
    expect(entries.map((e) => `${e.kind} ${e.amountYuan.toString()}`)).toEqual([
      "commit 4200.00",
      "draw 2500.00",
      "draw 1700.00",
    ]);
    const view = await county.get<PlanView>(`/plans/${caseId}`);
    expect(view.body.plan.approval).toMatchObject({
      decision: "approve",
      level: "county",
      decidedBy: "county-civil-1",
    });
  });
  it("a failed stage transfer is reversed, committed again and re-routed: the stage is paid once and the plan still closes at committed 0", async () => {
    // Prepare: the applicant's account was closed at the bank; a 2-stage plan
    world.bank.simulator.setKnobs({ closedAccounts: ["6217000099990004"] });
    const officer = await world.signIn("officer-xinhua-1");
    const approver = await world.signIn("approver-xinhua");
    const before = await world.fund(XINHUA);
    const { caseId, stages } = await approvedPlan(
      world,
      officer,
      approver,
      stagedFiling({
        ...applicant("孙红梅", "230123196811114563", "6217000099990004"),
        hardship: { cause: "other-rigid" },
      }),
      2,
    );

    // Act: stage 1 re-checked; the transfer fails at the bank
    await world.clock.advanceTo(Date.parse(stages[0]?.dueAt as string));
    await world.openTask(caseId, "stage-recheck");
    await officer.post(`/plans/${caseId}/recheck`, {
      stage: 1,
      checkedOn: localDateOf(world.clock.nowMs()),
      outcome: "still-in-hardship",
      findings: "困难仍在",
    });
    await world.eventually(async () => {
      await world.settleBank();
      return (await world.deps.tasks.current(caseId, "payment-route"))?.status === "open";
    }, "the re-route task after the failed transfer");

    // Assess: the draw was reversed and the stage committed again
    const midway = await world.fund(XINHUA);
    expect(Yuan.parse(before.balance).minus(Yuan.parse(midway.balance)).toString()).toBe("0.00");

    // Act: the officer routes the stage to another own account (Flow A's re-route endpoint, same mechanism)
    const rerouted = await officer.post(`/cases/${caseId}/reroute`, {
      payee: { name: "孙红梅", bankName: "建设银行", bankAccount: "6227000011112222" },
      reason: "原账户已销户，改为本人建设银行账户",
    });
    expect(rerouted.status).toBe(200);
    await world.payOut(`${caseId}.stage-1`);
    await recheckAndPay(caseId, stages[1] as PlanView["plan"]["stages"][number], "officer-xinhua-1");
    await world.eventually(
      async () => (await world.executionStatus("flow-b", caseId)) === "SUCCEEDED",
      "the close",
    );

    // Assess: draw, reversal, re-commit, draw for stage 1; the plan closed with nothing left committed
    const entries = (await world.entries(XINHUA)).filter((e) => e.reference.caseId === caseId);
    expect(entries.map((e) => `${e.kind} ${e.amountYuan.toString()}`)).toEqual([
      "commit 800.00",
      "draw 400.00",
      "reversal 400.00",
      "commit 400.00",
      "draw 400.00",
      "draw 400.00",
    ]);
    const after = await world.fund(XINHUA);
    expect(Yuan.parse(before.balance).minus(Yuan.parse(after.balance)).toString()).toBe("800.00");
    expect(Yuan.parse(after.committed).minus(Yuan.parse(before.committed)).toString()).toBe("0.00");
    expect((await world.deps.cases.get(caseId)).outcome).toMatchObject({
      result: "completed",
      paidByPlanYuan: "800.00",
    });
  });
  it("an assessment not recorded within the processing limit is flagged overdue and escalated to the county, and still waits", async () => {
    // Prepare
    const officer = await world.signIn("officer-xinhua-1");
    const filed = await officer.post<{ caseId: string }>(
      "/plans",
      stagedFiling(applicant("郑海燕", "230123199203037895", "6217000099990005")),
    );
    const caseId = filed.body.caseId;
    const first = await world.openTask(caseId, "assessment");
    expect(first.dueAt).toBeDefined();

    // Act: the policy's 15 working days pass (with any holiday in between) without an assessment
    await world.clock.advanceTo(Date.parse(first.dueAt as string) + DAY_MS);
    const overdue = await world.eventually(async () => {
      const task = await world.deps.tasks.current(caseId, "assessment");
      return task?.status === "open" && task.overdue ? task : undefined;
    }, "the overdue assessment");

    // Assess: escalated, the county notified, the case still waiting for the same step
    expect(overdue.assigneeRoles).toEqual(["township-officer", "county-civil-affairs"]);
    await world.eventually(
      async () =>
        (await notificationsOf(caseId)).some(
          (n) => n.kind === "task.assessment.escalated" && n.recipient.role === "county-civil-affairs",
        ),
      "the county notified",
    );
    expect(await world.executionStatus("flow-b", caseId)).toBe("RUNNING");

    // Act: the late assessment is recorded; the plan goes on to its notice
    const late = await officer.post(
      `/plans/${caseId}/assessment`,
      assessmentBody({
        expectedDurationMonths: 2,
        firstStageDate: localDateOf(world.clock.nowMs() + 5 * DAY_MS),
      }),
    );
    expect(late.status).toBe(200);
    await world.openTask(caseId, "public-notice");
    expect((await world.deps.cases.get(caseId)).flags).toMatchObject({ overdue: true, escalated: true });
  });
});
