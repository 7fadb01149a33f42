/**
 * Flow A happy path over HTTP on the local runtime (issue 6 "must be shown"): file → approve → paid
 * (ledger draw + bank confirmation) → paperwork → close, and the state transitions of the execution
 * counted from GetExecutionHistory.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FlowAWorld, filing, startFlowAWorld } from "./world.ts";

let world: FlowAWorld;

beforeAll(async () => {
  world = await startFlowAWorld({ label: "fa-happy" });
});

afterAll(async () => {
  await world?.close();
});

describe("Flow A happy path", () => {
  it("files, approves, pays once through the bank, completes the paperwork and closes, in 9 state transitions", async () => {
    // Prepare
    const applicant = await world.signIn("applicant-zhang");
    const approver = await world.signIn("approver-chengguan");
    const officer = await world.signIn("officer-chengguan-1");
    const before = await world.balance("230123100");

    // Act: file
    const filed = await applicant.post<{ caseId: string; existing: boolean }>("/cases", filing(), {
      idempotencyKey: "happy-file-1",
      headers: { "x-correlation-id": "corr-happy-path-1" },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const caseId = filed.body.caseId;
    const advanceTask = await world.openTask(caseId, "advance-decision");
    expect(advanceTask.assigneeRoles).toEqual(["township-approver"]);

    // Act: approve the advance
    const approved = await approver.post(
      `/cases/${caseId}/advance-decision`,
      { decision: "approve", amountYuan: "800.00" },
      { idempotencyKey: "happy-approve-1" },
    );
    expect(approved.status).toBe(200);

    // Act: the bank confirms the transfer
    await world.eventually(
      async () => (await world.deps.payments.getObligation(`${caseId}.advance`))?.status === "instructed",
      "the bank instruction",
    );
    await world.settleBank();
    const paperworkTask = await world.openTask(caseId, "paperwork");
    expect(paperworkTask.dueAt).toBeDefined();

    // Act: paperwork by two distinct officers (the visit today), confirmed by the second, then close
    const paperwork = await officer.post(
      `/cases/${caseId}/paperwork`,
      {
        investigators: [
          { userId: "officer-chengguan-1", visitedAt: "2026-03-02T10:00:00+08:00" },
          { userId: "officer-chengguan-2", visitedAt: "2026-03-02T10:00:00+08:00" },
        ],
        economicCheck: { result: "eligible", reference: "HD-2026-0001" },
        facts: "入户核实：房屋失火属实，家庭无其他收入来源",
        goodFaithBasis: "火灾现场照片及村委会证明，经办人据实先行救助",
      },
      { idempotencyKey: "happy-paperwork-1" },
    );
    expect(paperwork.status, paperwork.text).toBe(202);
    const secondOfficer = await world.signIn("officer-chengguan-2");
    const coSigned = await secondOfficer.post(
      `/cases/${caseId}/paperwork/co-sign`,
      { decision: "confirm" },
      { idempotencyKey: "happy-co-sign-1" },
    );
    expect(coSigned.status, coSigned.text).toBe(200);
    await world.openTask(caseId, "follow-up");
    const followUp = await officer.post(
      `/cases/${caseId}/follow-up`,
      { close: { summary: "先行救助已解决临时困难，结案" } },
      { idempotencyKey: "happy-follow-up-1" },
    );
    expect(followUp.status).toBe(200);
    await world.eventually(
      async () => (await world.executionStatus(caseId)) === "SUCCEEDED",
      "the execution to succeed",
    );

    // Assess: paid once, the fund fell by the advance, the case closed
    const record = await world.deps.cases.get(caseId);
    expect(record.status).toBe("closed");
    expect(record.outcome?.totalPaidYuan).toBe("800.00");
    const payment = await world.deps.payments.getPayment(`${caseId}.advance`);
    expect(payment?.obligation.status).toBe("paid");
    expect(payment?.attempts.map((a) => a.status)).toEqual(["confirmed"]);
    const after = await world.balance("230123100");
    expect(Number(before) - Number(after)).toBe(800);
    const entries = [];
    for await (const entry of world.ledger.store.streamEntries("230123100")) entries.push(entry);
    const draws = entries.filter((e) => e.reference.caseId === caseId);
    expect(draws.map((e) => e.kind)).toEqual(["draw"]);
    expect(draws[0]?.reference.correlationId).toBe("corr-happy-path-1");

    // Assess: transitions counted from the execution history
    const history = await world.history(caseId);
    const entered = history
      .filter((e) => e.type?.endsWith("StateEntered"))
      .map((e) => e.stateEnteredEventDetails?.name);
    console.log(`Flow A happy path: ${entered.length} state transitions — ${entered.join(" → ")}`);
    // Issue 23: 14 before (Begin, AdvanceDecided, RoutePayment, FollowUpPlan and CaseClosed off the path, workflows/README.md)
    expect(entered).toEqual([
      "Start",
      "AwaitAdvanceDecision",
      "DrawAid",
      "PayAid",
      "PaymentSettled",
      "PlanPaperwork",
      "AwaitPaperwork",
      "AwaitFollowUp",
      "CloseCase",
    ]);
    const followUpTask = (await world.deps.tasks.forCase(caseId)).find((t) => t.taskType === "follow-up");
    expect(followUpTask?.status).toBe("completed");

    // Assess: the ID number, bank account and phone never reached a log line unmasked (DOMAIN §7)
    const logs = world.logs().join("\n");
    expect(logs).toContain(caseId);
    for (const personal of ["230123198001011238", "6217000012345678", "13812345678"])
      expect(logs).not.toContain(personal);
  });
});
