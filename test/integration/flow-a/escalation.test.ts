/**
 * Deadlines of Flow A on the manual clock (DOMAIN §3.2, §3.4): nobody decides the advance in time →
 * escalated to the county, which decides → paid; the paperwork misses its working-day deadline →
 * flagged overdue and escalated → completed late → closed; a failed payment nobody re-routes and a
 * follow-up nobody decides are escalated after the reminder interval. The case is never dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseNotifications } from "#functions/services/messages/case-notifications.ts";
import {
  approveAndPay,
  type FlowAWorld,
  fileAndWait,
  filing,
  key,
  recordPaperwork,
  startFlowAWorld,
} from "./world.ts";

let world: FlowAWorld;
const HOUR_MS = 3_600_000;
/** The world's AIDFLOW_ESCALATION_REMINDER_SECONDS (world.ts): 7 days. */
const REMINDER_MS = 7 * 24 * HOUR_MS;

/** What the case's people were told (the outbox's and the task roles' staff messages), as progress lists it. */
async function notificationsOf(caseId: string) {
  return caseNotifications(world.deps, await world.deps.cases.get(caseId));
}

beforeAll(async () => {
  world = await startFlowAWorld({ label: "fa-escalate" });
});

afterAll(async () => {
  await world?.close();
});

describe("deadlines escalate, never drop", () => {
  it("an advance not decided within the response time is escalated; the township's decision then is a 409; the county decides; it is paid", async () => {
    // Prepare
    const applicant = await world.signIn("applicant-zhang");
    const approver = await world.signIn("approver-chengguan");
    const county = await world.signIn("county-civil-1");
    const caseId = await fileAndWait(world, applicant, filing());
    const first = await world.deps.tasks.current(caseId, "advance-decision");
    const policy = await world.deps.policy.resolve("230123", "230123100", new Date(world.clock.nowMs()));

    // Act: the response time passes with no decision
    await world.clock.advanceBy(policy.advanceResponseTimeHours * HOUR_MS + 1_000);
    const escalated = await world.eventually(async () => {
      const task = await world.deps.tasks.current(caseId, "advance-decision");
      return task?.escalated ? task : undefined;
    }, "the escalated advance task");
    const township = await approver.post<{ messageZh: string }>(
      `/cases/${caseId}/advance-decision`,
      { decision: "reject", reason: "乡镇审批人超时后提交" },
      key("township-late"),
    );
    const decided = await county.post(
      `/cases/${caseId}/escalation-decision`,
      { decision: "approve", amountYuan: "900.00", reason: "超时上报，县民政审批" },
      key("county"),
    );
    await world.settleBank(caseId);
    await world.openTask(caseId, "paperwork");

    // Assess
    expect(first?.escalated).toBe(false);
    expect(escalated.assigneeRoles).toEqual(["county-civil-affairs"]);
    expect(township.status, township.text).toBe(409);
    expect(township.body.messageZh).toContain("已上报县级审批");
    expect(decided.status, decided.text).toBe(200);
    const record = await world.deps.cases.get(caseId);
    expect(record.flags.escalated).toBe(true);
    expect(record.advance).toMatchObject({
      decision: "approve",
      amountYuan: "900.00",
      level: "county",
      decidedBy: "county-civil-1",
    });
    const countyNotes = (await notificationsOf(caseId)).filter((n) => n.recipient.kind === "county");
    expect(countyNotes.map((n) => n.kind)).toContain("task.advance-decision.escalated");
    expect((await world.deps.payments.getObligation(`${caseId}.advance`))?.status).toBe("paid");
    const tasks = await world.deps.tasks.forCase(caseId);
    expect(
      tasks
        .filter((t) => t.taskType === "advance-decision")
        .map((t) => t.status)
        .sort(),
    ).toEqual(["completed", "superseded"]);
  });

  it("paperwork past its working-day deadline is flagged overdue and escalated, completed late, and the case closes", async () => {
    // Prepare
    const applicant = await world.signIn("applicant-li");
    const approver = await world.signIn("approver-chengguan");
    const officer = await world.signIn("officer-chengguan-1");
    await world.clock.advanceTo(Date.parse("2026-03-04T09:00:00+08:00")); // a Wednesday
    const caseId = await fileAndWait(
      world,
      applicant,
      filing({
        hardship: { cause: "crime" },
        applicant: {
          name: "王芳",
          document: { type: "resident-id", number: "230123199003036660" },
          registration: { countyCode: "230123" },
        },
        bankAccount: { holderName: "王芳", bankName: "农村信用社", account: "6217000099990001" },
      }),
    );
    await approveAndPay(world, approver, caseId, "700.00");
    const onTime = await world.deps.tasks.current(caseId, "paperwork");
    const dueMs = Date.parse(String(onTime?.dueAt));

    // Act: the deadline passes
    await world.clock.advanceTo(dueMs + 1_000);
    const overdue = await world.eventually(async () => {
      const task = await world.deps.tasks.current(caseId, "paperwork");
      return task?.overdue ? task : undefined;
    }, "the overdue paperwork task");
    const flagged = await world.eventually(async () => {
      const record = await world.deps.cases.get(caseId);
      return record.flags.overdue ? record : undefined;
    }, "the case flagged overdue");
    const late = await recordPaperwork(world, officer, caseId);
    await world.openTask(caseId, "follow-up");
    const closed = await officer.post(
      `/cases/${caseId}/follow-up`,
      { close: { summary: "补齐手续逾期完成后结案" } },
      key("close"),
    );
    await world.eventually(
      async () => (await world.executionStatus(caseId)) === "SUCCEEDED",
      "the execution to succeed",
    );

    // Assess: due at the end of the fifth working day after the payment (Wed 4 → Wed 11 March,
    // Asia/Shanghai), to the second
    expect(new Date(dueMs).toISOString()).toBe("2026-03-11T16:00:00.000Z");
    expect(overdue.escalated).toBe(true);
    expect(flagged.flags).toMatchObject({ overdue: true, escalated: true });
    expect(flagged.status).toBe("awaiting-paperwork");
    expect(late.recorded.status, late.recorded.text).toBe(202);
    expect((late.recorded.body as { coSignature: { late: boolean } }).coSignature.late).toBe(true);
    expect(late.confirmed?.status, late.confirmed?.text).toBe(200);
    expect(closed.status).toBe(200);
    const record = await world.deps.cases.get(caseId);
    expect(record.status).toBe("closed");
    expect(record.paperwork).toMatchObject({ late: true });
    const notes = await notificationsOf(caseId);
    expect(notes.some((n) => n.kind === "task.paperwork.escalated" && n.recipient.kind === "county")).toBe(
      true,
    );
  });

  it("a failed payment nobody re-routes is escalated to the county after the reminder interval, then paid once", async () => {
    // Prepare: filed without an own account, so the approved advance waits for an officer's route
    const officer = await world.signIn("officer-chengguan-2");
    const approver = await world.signIn("approver-chengguan");
    const body = filing({
      hardship: { cause: "flood" },
      applicant: {
        name: "SMIRNOV ANTON",
        document: { type: "passport", number: "753119876", nationality: "RUS" },
      },
    });
    delete body.bankAccount;
    const caseId = await fileAndWait(world, officer, body);
    const approved = await approver.post(
      `/cases/${caseId}/advance-decision`,
      { decision: "approve", amountYuan: "300.00" },
      key("approve-unrouted"),
    );
    const first = await world.openTask(caseId, "payment-route");

    // Act: the reminder interval passes with nobody routing the payment
    await world.clock.advanceBy(REMINDER_MS + 1_000);
    const escalated = await world.eventually(async () => {
      const task = await world.deps.tasks.current(caseId, "payment-route");
      return task?.escalated ? task : undefined;
    }, "the escalated payment-route task");
    const cash = await officer.post(
      `/cases/${caseId}/cash-payment`,
      {
        receiverName: "SMIRNOV ANTON",
        receiverSignatureRef: "doc-sig-receiver-9",
        officerSignatureRef: "doc-sig-officer-9",
      },
      key("cash-late"),
    );
    await world.openTask(caseId, "paperwork");

    // Assess
    expect(approved.status, approved.text).toBe(200);
    expect(first.escalated).toBe(false);
    expect(escalated.assigneeRoles).toEqual(["township-officer", "county-civil-affairs"]);
    expect(escalated.details).toMatchObject({ purpose: "advance" });
    expect(cash.status, cash.text).toBe(200);
    const notes = await notificationsOf(caseId);
    expect(
      notes.some((n) => n.kind === "task.payment-route.escalated" && n.recipient.kind === "county"),
    ).toBe(true);
    const payment = await world.deps.payments.getPayment(`${caseId}.advance`);
    expect(payment?.attempts.map((a) => `${a.method}:${a.status}`)).toEqual(["cash:confirmed"]);
    const routes = (await world.deps.tasks.forCase(caseId)).filter((t) => t.taskType === "payment-route");
    expect(routes.map((t) => t.status).sort()).toEqual(["completed", "superseded"]);
  });

  it("a follow-up nobody decides is escalated to the county after the reminder interval; deciding it then closes the case", async () => {
    // Prepare
    const applicant = await world.signIn("applicant-zhang");
    const approver = await world.signIn("approver-chengguan");
    const officer = await world.signIn("officer-chengguan-1");
    const caseId = await fileAndWait(world, applicant, filing({ hardship: { cause: "traffic-accident" } }));
    await approveAndPay(world, approver, caseId, "600.00");
    const { confirmed: paperwork } = await recordPaperwork(world, officer, caseId);
    const first = await world.openTask(caseId, "follow-up");

    // Act
    await world.clock.advanceBy(REMINDER_MS + 1_000);
    const escalated = await world.eventually(async () => {
      const task = await world.deps.tasks.current(caseId, "follow-up");
      return task?.escalated ? task : undefined;
    }, "the escalated follow-up task");
    const closed = await officer.post(
      `/cases/${caseId}/follow-up`,
      { close: { summary: "经提醒后结案" } },
      key("close-late"),
    );
    await world.eventually(
      async () => (await world.executionStatus(caseId)) === "SUCCEEDED",
      "the execution to succeed",
    );

    // Assess
    expect(paperwork?.status, paperwork?.text).toBe(200);
    expect(first.escalated).toBe(false);
    expect(escalated.assigneeRoles).toEqual(["township-officer", "county-civil-affairs"]);
    expect(closed.status, closed.text).toBe(200);
    expect((await world.deps.cases.get(caseId)).status).toBe("closed");
    // A close alone ends the escalated wait as a caught FollowUpClosed, no FollowUpPlan in between
    const states = (await world.history(caseId)).map((e) => e.stateEnteredEventDetails?.name).filter(Boolean);
    expect(states.slice(-3)).toEqual(["AwaitFollowUp", "AwaitEscalatedFollowUp", "CloseCase"]);
    const notes = await notificationsOf(caseId);
    expect(notes.some((n) => n.kind === "task.follow-up.escalated" && n.recipient.kind === "county")).toBe(
      true,
    );
  });

  it("a decision whose effects never reached the case is not carried to the escalated task: it waits for the decider again", async () => {
    // Prepare: the approver's decision is recorded on the task, but its effects (the approval on the
    // case, the audit) failed — its request was answered 503 (county simulation, seed 137)
    const applicant = await world.signIn("applicant-li");
    const caseId = await fileAndWait(world, applicant, filing({ hardship: { cause: "crime" } }));
    const first = await world.openTask(caseId, "advance-decision");
    const recorded = await world.deps.tasks.recordDecision(caseId, first.taskId, {
      decision: { decision: "approve", amountYuan: "700.00" },
      output: { decision: "approve", amountYuan: "700.00", level: "township", purpose: "advance" },
      decidedBy: "approver-chengguan",
      decidedAt: new Date(world.clock.nowMs()).toISOString(),
      requestDigest: "digest-of-a-request-answered-503",
    });
    const policy = await world.deps.policy.resolve("230123", "230123100", new Date(world.clock.nowMs()));

    // Act: the response time passes; the wait times out into the escalated task
    await world.clock.advanceBy(policy.advanceResponseTimeHours * HOUR_MS + 1_000);
    // The escalated task's opening has run to its end (a carry-over would have happened in it).
    await world.eventually(async () => {
      const history = await world.history(caseId);
      const entered = history.findIndex(
        (e) => e.stateEnteredEventDetails?.name === "AwaitEscalatedAdvanceDecision",
      );
      return entered >= 0 && history.slice(entered).some((e) => e.type === "TaskSubmitted");
    }, "the escalated advance task opened");
    const escalated = await world.deps.tasks.latest(caseId, "advance-decision");

    // Assess: nothing moved on a decision the case never learnt of
    expect(recorded).toBe(true);
    expect(escalated).toMatchObject({ escalated: true, status: "open" });
    const record = await world.deps.cases.get(caseId);
    expect(record.status).toBe("awaiting-advance-decision");
    expect(record.advance).toBeUndefined();
    expect(await world.deps.payments.getObligation(`${caseId}.advance`)).toBeUndefined();
  });
});
