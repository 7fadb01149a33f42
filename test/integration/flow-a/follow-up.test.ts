/**
 * Follow-up (跟进救助, DOMAIN §3.5) over HTTP on the local runtime: additional aid at the level it
 * needs — township approver within the township ceiling (never one who handled the case), county
 * above it, 一事一议 above the per-case cap; referral with the receiving body; recovery back into the
 * fund after fraud (and the fraud bar after); staged assistance handed over to Flow B.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "#test/e2e/support/api.ts";
import {
  approveAndPay,
  caseEntries,
  type FlowAWorld,
  fileAndWait,
  filing,
  key,
  recordPaperwork,
  startFlowAWorld,
} from "./world.ts";

let world: FlowAWorld;
let officer: ApiClient;
let approver: ApiClient;
let county: ApiClient;

beforeAll(async () => {
  world = await startFlowAWorld({ label: "fa-follow" });
  officer = await world.signIn("officer-chengguan-1");
  approver = await world.signIn("approver-chengguan");
  county = await world.signIn("county-civil-1");
});

afterAll(async () => {
  await world?.close();
});

const PEOPLE = [
  { name: "张伟", id: "230123198001011238", account: "6217000012345678" },
  { name: "李娜", id: "110105198502024563", account: "6217000002024563" },
  { name: "王芳", id: "230123199003036660", account: "6217000099990001" },
  { name: "赵强", id: "230123197512120001", account: "6217000011112222" },
  { name: "孙丽", id: "230123197505051239", account: "6217000055556666" },
] as const;

/** A case paid its 800.00 advance, paperwork done (with `paperwork` overrides), waiting for the follow-up. */
async function caseAtFollowUp(
  person: (typeof PEOPLE)[number],
  cause: string,
  paperwork: Record<string, unknown> = {},
) {
  const caseId = await fileAndWait(
    world,
    officer,
    filing({
      hardship: { cause },
      applicant: {
        name: person.name,
        document: { type: "resident-id", number: person.id },
        registration: { countyCode: "230123" },
      },
      bankAccount: { holderName: person.name, bankName: "农村信用社", account: person.account },
    }),
  );
  await approveAndPay(world, approver, caseId, "800.00");
  const { confirmed } = await recordPaperwork(world, officer, caseId, paperwork);
  expect(confirmed?.status, confirmed?.text).toBe(200);
  await world.openTask(caseId, "follow-up");
  return caseId;
}

async function finished(caseId: string) {
  await world.eventually(
    async () => (await world.executionStatus(caseId)) === "SUCCEEDED",
    `${caseId} to finish`,
  );
  return world.deps.cases.get(caseId);
}

describe("additional aid", () => {
  it("within the township ceiling needs a township approver who did not handle the case; referral goes to its body", async () => {
    // Prepare: the township approver handled the case (an approver never investigates — DOMAIN §7 —
    // so the handling is recorded on the case directly)
    const caseId = await caseAtFollowUp(PEOPLE[0], "fire");
    await world.deps.cases.update(caseId, { handledBy: ["approver-chengguan"] });

    // Act
    const proposed = await officer.post(
      `/cases/${caseId}/follow-up`,
      {
        additionalAid: { amountYuan: "1500.00", reason: "医疗费用缺口" },
        referrals: [{ to: "dibao", receivingBody: "示例县民政局低保股" }],
        close: { summary: "跟进救助并转介低保后结案" },
      },
      key("follow-up"),
    );
    const task = await world.openTask(caseId, "additional-aid-approval");
    const makerChecker = await approver.post<{ messageZh: string }>(
      `/cases/${caseId}/additional-aid-decision`,
      { decision: "approve", amountYuan: "1500.00" },
      key("own"),
    );
    const byCounty = await county.post(
      `/cases/${caseId}/additional-aid-decision`,
      { decision: "approve", amountYuan: "1500.00" },
      key("county"),
    );
    await world.settleBank(caseId);
    const record = await finished(caseId);

    // Assess
    expect(proposed.status, proposed.text).toBe(200);
    expect(task.details).toMatchObject({ approvalLevel: "township" });
    expect(makerChecker.status).toBe(403);
    expect(makerChecker.body.messageZh).toContain("经办与审批分离");
    expect(byCounty.status, byCounty.text).toBe(200);
    expect(record.outcome).toMatchObject({
      totalPaidYuan: "2300.00",
      paid: { advance: "800.00", "follow-up": "1500.00" },
    });
    expect(
      (await caseEntries(world, "230123100", caseId)).map(
        (e) => `${e.kind}:${e.drawKind}:${e.amountYuan.toString()}`,
      ),
    ).toEqual(["draw:advance:800.00", "draw:follow-up:1500.00"]);
    const referral = (await world.deps.outbox.forCase(caseId)).find((n) => n.kind === "case.referral");
    expect(referral?.recipient).toEqual({ kind: "body", id: "示例县民政局低保股" });
    expect(record.referrals?.[0]).toMatchObject({ to: "dibao", status: "referred" });
  });

  it("above the township ceiling needs the county; above the per-case cap it is 一事一议", async () => {
    // Prepare: two cases with 800.00 paid (per-case cap here 10 × rural 低保 = 5,200)
    const countyCase = await caseAtFollowUp(PEOPLE[1], "traffic-accident");
    const coordinationCase = await caseAtFollowUp(PEOPLE[2], "sudden-illness");

    // Act
    await officer.post(
      `/cases/${countyCase}/follow-up`,
      { additionalAid: { amountYuan: "3000.00", reason: "伤残康复" }, close: { summary: "结案" } },
      key("fu1"),
    );
    await officer.post(
      `/cases/${coordinationCase}/follow-up`,
      { additionalAid: { amountYuan: "5000.00", reason: "重病救治" }, close: { summary: "结案" } },
      key("fu2"),
    );
    const countyTask = await world.openTask(countyCase, "additional-aid-approval");
    const coordinationTask = await world.openTask(coordinationCase, "additional-aid-approval");
    const township = await approver.post(
      `/cases/${countyCase}/additional-aid-decision`,
      { decision: "approve", amountYuan: "3000.00" },
      key("t"),
    );
    const countyDecision = await county.post(
      `/cases/${countyCase}/additional-aid-decision`,
      { decision: "approve", amountYuan: "3000.00" },
      key("c"),
    );
    const coordinated = await county.post(
      `/cases/${coordinationCase}/additional-aid-decision`,
      { decision: "approve", amountYuan: "4000.00", reason: "一事一议：县协调机制议定" },
      key("x"),
    );
    await world.settleBank(countyCase, coordinationCase);
    const [first, second] = [await finished(countyCase), await finished(coordinationCase)];

    // Assess
    expect(countyTask.details).toMatchObject({ approvalLevel: "county" });
    expect(countyTask.assigneeRoles).toEqual(["county-civil-affairs"]);
    expect(coordinationTask.details).toMatchObject({ approvalLevel: "coordination" });
    expect(township.status).toBe(403);
    expect(countyDecision.status, countyDecision.text).toBe(200);
    expect(coordinated.status, coordinated.text).toBe(200);
    expect(first.outcome?.totalPaidYuan).toBe("3800.00");
    expect(second.outcome?.totalPaidYuan).toBe("4800.00");
  });
});

describe("recovery and staged assistance", () => {
  it("recovers aid obtained by fraud back into the fund, and bars the person afterwards", async () => {
    // Prepare
    const caseId = await caseAtFollowUp(PEOPLE[3], "crime", {
      fraudFound: true,
      facts: "入户核查发现虚报案情",
    });
    const before = await world.balance("230123100");

    // Act
    await officer.post(
      `/cases/${caseId}/follow-up`,
      { recovery: { amountYuan: "800.00", reason: "虚报骗取" }, close: { summary: "追回后结案" } },
      key("fu"),
    );
    await world.openTask(caseId, "recovery");
    const received = await officer.post(
      `/cases/${caseId}/recovery`,
      { amountYuan: "800.00", reference: "追缴收据 2026-018" },
      key("rec"),
    );
    const record = await finished(caseId);
    const again = await officer.post<{ fields: Array<{ path: string }> }>(
      "/cases",
      filing({
        hardship: { cause: "flood" },
        applicant: {
          name: PEOPLE[3].name,
          document: { type: "resident-id", number: PEOPLE[3].id },
          registration: { countyCode: "230123" },
        },
        bankAccount: { holderName: PEOPLE[3].name, bankName: "农村信用社", account: PEOPLE[3].account },
      }),
      key("again"),
    );

    // Assess: the money came back; the fraud bar holds
    expect(received.status, received.text).toBe(200);
    expect(
      (await caseEntries(world, "230123100", caseId)).map((e) => `${e.kind}:${e.amountYuan.toString()}`),
    ).toEqual(["draw:800.00", "recovery:800.00"]);
    expect(Number(await world.balance("230123100")) - Number(before)).toBe(800);
    expect(record.recovery).toMatchObject({ status: "returned-to-fund", recoveredYuan: "800.00" });
    expect(record.outcome).toMatchObject({ fraudFound: true });
    expect(again.status).toBe(422);
  });

  it("recovery is refused when the paperwork found no fraud; staged assistance hands the case to Flow B", async () => {
    // Prepare
    const caseId = await caseAtFollowUp(PEOPLE[0], "flood");

    // Act
    const refused = await officer.post<{ fields: Array<{ path: string }> }>(
      `/cases/${caseId}/follow-up`,
      { recovery: { amountYuan: "100.00", reason: "无依据" } },
      key("no-fraud"),
    );
    const staged = await officer.post(
      `/cases/${caseId}/follow-up`,
      {
        staged: { reason: "病情需持续治疗，转分阶段救助" },
        referrals: [{ to: "medical-aid", receivingBody: "示例县医保局" }],
      },
      key("staged"),
    );
    const record = await finished(caseId);

    // Assess: staged assistance hands the case over to Flow B under the same case id
    expect(refused.status).toBe(422);
    expect(refused.body.fields.map((f) => f.path)).toContain("recovery");
    expect(staged.status, staged.text).toBe(200);
    expect(record.status).toBe("handed-over-to-flow-b");
    expect(record.flow).toBe("B");
    expect(record.handOver).toMatchObject({ from: "A" });
    const states = (await world.history(caseId)).map((e) => e.stateEnteredEventDetails?.name).filter(Boolean);
    // The referrals are recorded, then the plan's loop counts a round before the plan is read again.
    expect(states.slice(-7)).toEqual([
      "FollowUpPlan",
      "RecordReferrals",
      "RepeatFollowUpPlan",
      "NextRound",
      "FollowUpPlan",
      "HandOverToFlowB",
      "HandedOverToFlowB",
    ]);
  });

  it("a recovery still open past its deadline is flagged overdue, escalated to the county and can still be recorded", async () => {
    // Prepare: fraud found, the recovery ordered
    const caseId = await caseAtFollowUp(PEOPLE[4], "fire", { fraudFound: true, facts: "冒名申请" });
    await officer.post(
      `/cases/${caseId}/follow-up`,
      { recovery: { amountYuan: "800.00", reason: "冒名骗取" }, close: { summary: "追回后结案" } },
      key("fu-late"),
    );
    const open = await world.openTask(caseId, "recovery");

    // Act: the recovery deadline (90 days by default) passes with nothing recorded
    await world.clock.advanceBy(90 * 24 * 3600 * 1000 + 1000);
    const late = await world.eventually(async () => {
      const task = await world.deps.tasks.current(caseId, "recovery");
      return task?.status === "open" && task.taskId !== open.taskId ? task : undefined;
    }, "the overdue recovery task");
    const received = await officer.post(
      `/cases/${caseId}/recovery`,
      { amountYuan: "800.00", reference: "追缴收据 2027-003" },
      key("rec-late"),
    );

    // Assess
    expect(late).toMatchObject({ escalated: true, overdue: true });
    expect(late.assigneeRoles).toEqual(["township-officer", "county-civil-affairs"]);
    expect(open.assigneeRoles).toEqual(["township-officer"]);
    expect(received.status, received.text).toBe(200);
    expect((await finished(caseId)).recovery).toMatchObject({ status: "returned-to-fund" });
  });
});
