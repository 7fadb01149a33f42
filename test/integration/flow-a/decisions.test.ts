/**
 * Flow A filing and decisions over HTTP on the local runtime: household registration never changes
 * the decision or the amount (DOMAIN §2.1), duplicates return the existing case (DOMAIN §3.1), a
 * repeated or late decision is a 409 that changes nothing, and no step is taken out of turn.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  approveAndPay,
  caseEntries,
  type FlowAWorld,
  fileAndWait,
  filing,
  key,
  paperworkThenFollowUp,
  startFlowAWorld,
} from "./world.ts";

let world: FlowAWorld;

beforeAll(async () => {
  world = await startFlowAWorld({ label: "fa-decide" });
});

afterAll(async () => {
  await world?.close();
});

const REGISTRATIONS = {
  local: {
    name: "张伟",
    document: { type: "resident-id", number: "230123198001011238" },
    registration: { countyCode: "230123" },
  },
  otherProvince: {
    name: "李娜",
    document: { type: "resident-id", number: "110105198502024563" },
    registration: { countyCode: "110105", province: "北京市" },
  },
  noChineseId: {
    name: "IVANOV PETR",
    document: { type: "passport", number: "753112233", nationality: "RUS" },
    registration: {},
  },
} as const;

function application(who: (typeof REGISTRATIONS)[keyof typeof REGISTRATIONS]) {
  return filing({
    requestedAmountYuan: "1200.00",
    applicant: { ...who },
    bankAccount: {
      holderName: who.name,
      bankName: "农村信用社",
      account: `62170000${who.document.number.slice(-8)}`,
    },
  });
}

describe("same application, different household registrations", () => {
  it("gets the same proposed advance, the same decision path and the same amount paid", async () => {
    // Prepare
    const officer = await world.signIn("officer-chengguan-1");
    const approver = await world.signIn("approver-chengguan");
    const results: Record<string, { assessment: unknown; paid: string; notified: boolean }> = {};

    for (const [label, who] of Object.entries(REGISTRATIONS)) {
      // Act: an officer files on their behalf at the township of the emergency
      const filed = await officer.post<{ caseId: string; assessment: { amountYuan: string } }>(
        "/cases",
        application(who),
        key(label),
      );
      expect(filed.status, filed.text).toBe(201);
      const caseId = filed.body.caseId;
      await world.openTask(caseId, "advance-decision");
      await approveAndPay(world, approver, caseId, filed.body.assessment.amountYuan);
      await paperworkThenFollowUp(world, officer, caseId, { close: { summary: "结案" } });
      await world.eventually(
        async () => (await world.executionStatus(caseId)) === "SUCCEEDED",
        `${label} closed`,
      );
      const record = await world.deps.cases.get(caseId);
      const notes = await world.deps.outbox.forCase(caseId);
      results[label] = {
        assessment: filed.body.assessment,
        paid: String(record.outcome?.totalPaidYuan),
        notified: notes.some((n) => n.recipient.kind === "registration-county"),
      };
    }

    // Assess: identical assessment and payment; only the non-local registration county is told
    expect(results.local?.assessment).toEqual({
      eligible: true,
      amountYuan: "1000.00",
      approvalLevel: "township",
      paymentMethods: ["bank-transfer", "cash"],
      reasons: ["capped-at-advance-ceiling"],
    });
    expect(results.otherProvince?.assessment).toEqual(results.local?.assessment);
    expect(results.noChineseId?.assessment).toEqual(results.local?.assessment);
    expect([results.local?.paid, results.otherProvince?.paid, results.noChineseId?.paid]).toEqual([
      "1000.00",
      "1000.00",
      "1000.00",
    ]);
    expect([results.local?.notified, results.otherProvince?.notified, results.noChineseId?.notified]).toEqual(
      [false, true, false],
    );
  });
});

describe("duplicates and decisions out of turn", () => {
  it("a duplicate filing for the same person and cause returns the existing open case", async () => {
    // Prepare
    const applicant = await world.signIn("applicant-li");
    const body = filing({
      hardship: { cause: "flood" },
      applicant: {
        name: "王芳",
        document: { type: "resident-id", number: "230123199003036660" },
        registration: { countyCode: "230123" },
      },
      bankAccount: { holderName: "王芳", bankName: "农村信用社", account: "6217000099990001" },
    });
    const first = await applicant.post<{ caseId: string }>("/cases", body, key("dup"));
    expect(first.status, first.text).toBe(201);

    // Act: the same person files again for the same cause, with another key
    const second = await applicant.post<{ caseId: string; existing: boolean }>(
      "/cases",
      body,
      key("dup-again"),
    );
    // … and the very same request is replayed with its key
    const replayKey = key("dup-replay");
    const third = await applicant.post<{ caseId: string }>("/cases", body, replayKey);
    const replay = await applicant.post<{ caseId: string }>("/cases", body, replayKey);

    // Assess
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ caseId: first.body.caseId, existing: true });
    expect(third.body.caseId).toBe(first.body.caseId);
    expect(replay.body.caseId).toBe(first.body.caseId);
  });

  it("a repeated or late decision is a 409 with a message in both languages and changes nothing", async () => {
    // Prepare
    const applicant = await world.signIn("applicant-zhang");
    const approver = await world.signIn("approver-chengguan");
    const officer = await world.signIn("officer-chengguan-1");
    const caseId = await fileAndWait(
      world,
      applicant,
      filing({
        hardship: { cause: "traffic-accident" },
        applicant: {
          name: "张伟",
          document: { type: "resident-id", number: "230123198001011238" },
          registration: { countyCode: "230123" },
        },
      }),
    );

    // Act: paperwork before the advance is decided (out of turn)
    const early = await officer.post<{ code: string }>(
      `/cases/${caseId}/paperwork`,
      {
        investigators: [
          { userId: "officer-chengguan-1", visitedAt: "2026-03-03T10:00:00+08:00" },
          { userId: "officer-chengguan-2", visitedAt: "2026-03-03T10:00:00+08:00" },
        ],
        economicCheck: { result: "eligible" },
        facts: "事实",
        goodFaithBasis: "据实",
      },
      key("early"),
    );
    await approveAndPay(world, approver, caseId, "600.00");
    const repeated = await approver.post<{ code: string; messageZh: string }>(
      `/cases/${caseId}/advance-decision`,
      { decision: "approve", amountYuan: "600.00" },
      key("repeat"),
    );
    const late = await approver.post<{ code: string; messageZh: string }>(
      `/cases/${caseId}/advance-decision`,
      { decision: "reject", reason: "改变主意" },
      key("late"),
    );

    // Assess: nothing changed — one approval, one draw
    expect(early.status).toBe(409);
    expect(repeated.status).toBe(409);
    // The decider by name and the time in Asia/Shanghai, never the user id or an ISO timestamp
    expect(repeated.body.messageZh).toMatch(/已由陈静于 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 办理/);
    expect(late.status).toBe(409);
    const record = await world.deps.cases.get(caseId);
    expect(record.advance).toMatchObject({ decision: "approve", amountYuan: "600.00" });
    expect((await caseEntries(world, "230123100", caseId)).map((e) => e.kind)).toEqual(["draw"]);
  });

  it("an advance above the ceiling, or by the county before any escalation, is refused and the task stays open", async () => {
    // Prepare
    const officer = await world.signIn("officer-chengguan-2");
    const approver = await world.signIn("approver-chengguan");
    const caseId = await fileAndWait(
      world,
      officer,
      filing({
        hardship: { cause: "sudden-illness" },
        applicant: {
          name: "赵强",
          document: { type: "resident-id", number: "230123197512120001" },
          registration: { countyCode: "230123" },
        },
        bankAccount: { holderName: "赵强", bankName: "农村信用社", account: "6217000011112222" },
      }),
    );

    const county = await world.signIn("county-civil-1");

    // Act
    const countyTooEarly = await county.post(
      `/cases/${caseId}/escalation-decision`,
      { decision: "approve", amountYuan: "500.00" },
      key("early-county"),
    );
    const tooMuch = await approver.post<{ fields: Array<{ path: string }> }>(
      `/cases/${caseId}/advance-decision`,
      { decision: "approve", amountYuan: "1000.01" },
      key("ceiling"),
    );

    // Assess: the county may decide only after the escalation; the approver only within the ceiling
    expect(countyTooEarly.status).toBe(403);
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.fields.map((f) => f.path)).toContain("amountYuan");
    expect((await world.deps.tasks.current(caseId, "advance-decision"))?.status).toBe("open");
  });
});
