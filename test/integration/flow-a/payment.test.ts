/**
 * The payment step of Flow A on the local runtime with the bank simulator (DOMAIN §3.3, §5): a
 * transfer that fails after the draw is reversed and re-routed — to another own account or to cash —
 * and paid once (ledger: draw, reversal, draw); a lost callback is recovered by polling; a fund that
 * cannot cover the payment waits for county finance to replenish it, then pays.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Yuan } from "#core/money/index.ts";
import {
  caseEntries,
  type FlowAWorld,
  fileAndWait,
  filing,
  key,
  recordPaperwork,
  startFlowAWorld,
} from "./world.ts";

let world: FlowAWorld;
const CLOSED_ACCOUNT = "6217000012345678";

beforeAll(async () => {
  world = await startFlowAWorld({ label: "fa-pay", knobs: { closedAccounts: [CLOSED_ACCOUNT] } });
});

afterAll(async () => {
  await world?.close();
});

async function approve(caseId: string, amountYuan: string, approverId = "approver-chengguan") {
  const approver = await world.signIn(approverId);
  const approved = await approver.post(
    `/cases/${caseId}/advance-decision`,
    { decision: "approve", amountYuan },
    key("approve"),
  );
  expect(approved.status, approved.text).toBe(200);
}

/** Other cases' draws spend `fund` down to `leftYuan`: a payment above it waits for money. */
async function spendFundDownTo(fund: string, leftYuan: string, label: string): Promise<void> {
  const left = Yuan.parse(await world.balance(fund));
  await world.ledger.submit({
    entryId: `test-drain-${label}`,
    fundId: fund,
    kind: "draw",
    drawKind: "advance",
    amountYuan: left.minus(Yuan.parse(leftYuan)).toString(),
    bookedAt: new Date(world.clock.nowMs()).toISOString(),
    reference: { caseId: "other-cases" },
  });
}

/** County finance tops `fund` up in the ledger (a second finance user, maker-checker). */
async function replenishFund(fund: string, amountYuan: string, label: string): Promise<void> {
  await world.ledger.submit({
    entryId: `test-replenish-${label}`,
    fundId: fund,
    kind: "replenishment",
    amountYuan,
    bookedAt: new Date(world.clock.nowMs()).toISOString(),
    reference: { actor: "finance-2" },
  });
}

describe("bank failure after the draw", () => {
  it("reverses the draw, an officer re-routes to another own account, and it is paid once", async () => {
    // Prepare: the applicant's account turns out to be closed at the bank
    const applicant = await world.signIn("applicant-zhang");
    const officer = await world.signIn("officer-chengguan-1");
    const before = await world.balance("230123100");
    const caseId = await fileAndWait(world, applicant, filing());
    await approve(caseId, "800.00");

    // Act
    await world.settleBank(caseId);
    const reroute = await world.openTask(caseId, "payment-route");
    const rerouted = await officer.post(
      `/cases/${caseId}/reroute`,
      {
        payee: { name: "张伟", bankName: "邮储银行", bankAccount: "6221 8800 0000 1234" },
        reason: "原账户已销户，改用本人邮储账户",
      },
      key("reroute"),
    );
    await world.settleBank(caseId);
    await world.openTask(caseId, "paperwork");

    // Assess: draw, reversal, draw — and the fund is down by the amount exactly once
    expect(reroute.assigneeRoles).toEqual(["township-officer"]);
    expect(rerouted.status, rerouted.text).toBe(200);
    const entries = await caseEntries(world, "230123100", caseId);
    expect(entries.map((e) => `${e.kind}:${e.amountYuan.toString()}`)).toEqual([
      "draw:800.00",
      "reversal:800.00",
      "draw:800.00",
    ]);
    expect(Number(before) - Number(await world.balance("230123100"))).toBe(800);
    const payment = await world.deps.payments.getPayment(`${caseId}.advance`);
    expect(payment?.attempts.map((a) => `${a.attempt}:${a.status}:${a.payee?.accountMasked}`)).toEqual([
      "1:failed:****5678",
      "2:confirmed:****1234",
    ]);
    expect(payment?.obligation).toMatchObject({ status: "paid", paidAttempt: 2 });
    const record = await world.deps.cases.get(caseId);
    expect(JSON.stringify(record.payout)).not.toContain(CLOSED_ACCOUNT);
  });

  it("may be re-routed to cash for an urgent case within the cash ceiling, with both signatures", async () => {
    // Prepare
    const officer = await world.signIn("officer-chengguan-2");
    const caseId = await fileAndWait(
      world,
      officer,
      filing({
        hardship: { cause: "flood" },
        applicant: {
          name: "张伟",
          document: { type: "resident-id", number: "230123198001011238" },
          registration: { countyCode: "230123" },
        },
      }),
    );
    await approve(caseId, "500.00");
    await world.settleBank(caseId);
    await world.openTask(caseId, "payment-route");

    // Act: without the receiver's signature first, then properly
    const unsigned = await officer.post(
      `/cases/${caseId}/cash-payment`,
      { receiverName: "张伟", officerSignatureRef: "doc-sig-officer-1" },
      key("cash-unsigned"),
    );
    const cash = await officer.post(
      `/cases/${caseId}/cash-payment`,
      {
        receiverName: "张伟",
        receiverSignatureRef: "doc-sig-receiver-1",
        officerSignatureRef: "doc-sig-officer-1",
      },
      key("cash"),
    );
    await world.openTask(caseId, "paperwork");

    // Assess
    expect(unsigned.status).toBe(400);
    expect(cash.status, cash.text).toBe(200);
    const entries = await caseEntries(world, "230123100", caseId);
    expect(entries.map((e) => e.kind)).toEqual(["draw", "reversal", "draw"]);
    const payment = await world.deps.payments.getPayment(`${caseId}.advance`);
    expect(payment?.attempts.map((a) => `${a.method}:${a.status}`)).toEqual([
      "bank:failed",
      "cash:confirmed",
    ]);
    expect(payment?.attempts[1]?.cash).toMatchObject({
      receiverSignatureRef: "doc-sig-receiver-1",
      officerSignatureRef: "doc-sig-officer-1",
    });
  });
});

describe("lost callback and empty fund", () => {
  it("recovers a lost bank callback by polling the status after the confirmation wait", async () => {
    // Prepare
    world.bank.simulator.setKnobs({ lostCallbackRate: 1 });
    const officer = await world.signIn("officer-chengguan-1");
    const caseId = await fileAndWait(
      world,
      officer,
      filing({
        hardship: { cause: "other-sudden" },
        applicant: {
          name: "李娜",
          document: { type: "resident-id", number: "110105198502024563" },
          registration: { countyCode: "110105" },
        },
        bankAccount: { holderName: "李娜", bankName: "农村信用社", account: "6217000002024563" },
      }),
    );
    await approve(caseId, "650.00");

    // Act: the bank settles but its callback never arrives; the confirmation wait runs out
    await world.settleBank(caseId);
    world.bank.simulator.setKnobs({ lostCallbackRate: 0 });
    await world.clock.advanceBy(600_000 + 1_000);
    await world.openTask(caseId, "paperwork");

    // Assess
    const payment = await world.deps.payments.getPayment(`${caseId}.advance`);
    expect(payment?.attempts.map((a) => `${a.status}:${a.outcomeSource}`)).toEqual(["confirmed:poll"]);
    expect((await caseEntries(world, "230123100", caseId)).map((e) => e.kind)).toEqual(["draw"]);
    const states = (await world.history(caseId)).map((e) => e.stateEnteredEventDetails?.name).filter(Boolean);
    expect(states).toContain("PollPaymentStatus");
  });

  it("waits for county finance to replenish an empty fund, then pays — never fails the case", async () => {
    // Prepare: 河东乡's fund is nearly spent
    const fund = "230123200";
    await spendFundDownTo(fund, "300.00", "hedong");
    const officer = await world.signIn("officer-hedong-1");
    const finance = await world.signIn("finance-1");
    const caseId = await fileAndWait(
      world,
      officer,
      filing({
        townshipId: fund,
        hardship: { cause: "fire" },
        applicant: {
          name: "赵强",
          document: { type: "resident-id", number: "230123197512120001" },
          registration: { countyCode: "230123" },
        },
        bankAccount: { holderName: "赵强", bankName: "农村信用社", account: "6217000011112222" },
      }),
    );
    await approve(caseId, "800.00", "approver-hedong");

    // Act: the draw is refused; county finance replenishes and resumes the payment
    const wait = await world.openTask(caseId, "fund-replenishment");
    const waiting = await world.eventually(async () => {
      const record = await world.deps.cases.get(caseId);
      return record.status === "awaiting-fund-replenishment" ? record : undefined;
    }, "the case waiting for money");
    await replenishFund(fund, "5000.00", "hedong");
    const resumed = await finance.post(`/cases/${caseId}/fund-replenished`, undefined, key("resume"));
    await world.settleBank(caseId);
    await world.openTask(caseId, "paperwork");

    // Assess
    expect(wait.assigneeRoles).toEqual(["county-finance"]);
    expect(waiting.status).toBe("awaiting-fund-replenishment");
    expect(resumed.status, resumed.text).toBe(200);
    expect(
      (await caseEntries(world, fund, caseId)).map((e) => `${e.kind}:${e.amountYuan.toString()}`),
    ).toEqual(["draw:800.00"]);
    expect((await world.deps.payments.getObligation(`${caseId}.advance`))?.status).toBe("paid");
  });

  it("a fund topped up without a resume: the hourly re-check pays, the top-up request leaves finance's list, a late resume changes nothing", async () => {
    // Prepare: 新华街道's fund is nearly spent; the case waits for money
    const fund = "230123300";
    await spendFundDownTo(fund, "100.00", "xinhua");
    const officer = await world.signIn("officer-xinhua-1");
    const finance = await world.signIn("finance-1");
    const caseId = await fileAndWait(
      world,
      officer,
      filing({
        townshipId: fund,
        hardship: { cause: "flood" },
        applicant: {
          name: "钱进",
          document: { type: "passport", number: "753110042", nationality: "RUS" },
        },
        bankAccount: { holderName: "钱进", bankName: "农村信用社", account: "6217000011113333" },
      }),
    );
    await approve(caseId, "600.00", "approver-xinhua");
    const request = await world.openTask(caseId, "fund-replenishment");

    // Act: money arrives (county finance replenished from its own screen), nobody presses resume;
    // the wait's hourly re-check finds it and pays. Then a late resume arrives.
    await replenishFund(fund, "5000.00", "xinhua");
    await world.clock.advanceBy(3600 * 1000 + 1000);
    await world.settleBank(caseId);
    await world.openTask(caseId, "paperwork");
    const lateResume = await finance.post(`/cases/${caseId}/fund-replenished`, undefined, key("late-resume"));

    // Assess: paid once; the request is no longer waiting on anyone; the case stays where it is
    expect(request.taskType).toBe("fund-replenishment");
    expect((await world.deps.payments.getObligation(`${caseId}.advance`))?.status).toBe("paid");
    const requests = (await world.deps.tasks.forCase(caseId)).filter(
      (t) => t.taskType === "fund-replenishment",
    );
    expect(requests.map((t) => t.status)).toEqual(["superseded"]);
    expect(lateResume.status).toBe(409);
    expect((await world.deps.cases.get(caseId)).status).toBe("awaiting-paperwork");
    expect(
      (await caseEntries(world, fund, caseId)).map((e) => `${e.kind}:${e.amountYuan.toString()}`),
    ).toEqual(["draw:600.00"]);
  });

  it("a case filed without a bank account waits for an officer to route the payment, here in cash", async () => {
    // Prepare: no own account at filing (a migrant worker who lost everything in the fire)
    const officer = await world.signIn("officer-chengguan-1");
    const body = filing({
      hardship: { cause: "fire" },
      applicant: {
        name: "IVANOV PETR",
        document: { type: "passport", number: "753112233", nationality: "RUS" },
      },
    });
    delete body.bankAccount;
    const caseId = await fileAndWait(world, officer, body);

    // Act
    await approve(caseId, "400.00");
    const route = await world.openTask(caseId, "payment-route");
    const cash = await officer.post(
      `/cases/${caseId}/cash-payment`,
      {
        receiverName: "IVANOV PETR",
        receiverSignatureRef: "doc-sig-receiver-2",
        officerSignatureRef: "doc-sig-officer-2",
      },
      key("cash-first"),
    );
    await world.openTask(caseId, "paperwork");

    // Assess: one draw, one cash payment, no bank transfer at all
    expect(route.details).toMatchObject({ purpose: "advance" });
    expect(cash.status, cash.text).toBe(200);
    expect((await caseEntries(world, "230123100", caseId)).map((e) => e.kind)).toEqual(["draw"]);
    const payment = await world.deps.payments.getPayment(`${caseId}.advance`);
    expect(payment?.attempts.map((a) => `${a.method}:${a.status}`)).toEqual(["cash:confirmed"]);
    expect(world.bank.simulator.transfers().some((t) => t.request.reference === caseId)).toBe(false);
    // The approval goes to the draw queue, which answers PaymentRouteNeededError before drawing anything
    const states = (await world.history(caseId)).map((e) => e.stateEnteredEventDetails?.name).filter(Boolean);
    expect(states.slice(0, 7)).toEqual([
      "Start",
      "AwaitAdvanceDecision",
      "DrawAid",
      "AwaitPaymentRoute",
      "RepeatRoutePayment",
      "NextRound",
      "RoutePayment",
    ]);
  });

  it("a cash hand-over pays only the payment it was recorded for: the follow-up aid asks an officer for its route, nothing drawn before", async () => {
    // Prepare: no own account; the advance is handed over in cash
    const officer = await world.signIn("officer-chengguan-1");
    const county = await world.signIn("county-civil-1");
    const body = filing({
      hardship: { cause: "fire" },
      applicant: {
        name: "KOVAL OLEG",
        document: { type: "passport", number: "753110077", nationality: "UKR" },
      },
    });
    delete body.bankAccount;
    const caseId = await fileAndWait(world, officer, body);
    await approve(caseId, "500.00");
    await world.openTask(caseId, "payment-route");
    const cash = await officer.post(
      `/cases/${caseId}/cash-payment`,
      {
        receiverName: "KOVAL OLEG",
        receiverSignatureRef: "doc-sig-r-77",
        officerSignatureRef: "doc-sig-o-77",
      },
      key("cash-advance"),
    );
    await world.openTask(caseId, "paperwork");
    const { confirmed: paperwork } = await recordPaperwork(world, officer, caseId);
    await world.openTask(caseId, "follow-up");

    // Act: additional aid above the cash ceiling is proposed and approved
    const proposed = await officer.post(
      `/cases/${caseId}/follow-up`,
      {
        additionalAid: { amountYuan: "1200.00", reason: "租房过渡费用" },
        close: { summary: "跟进救助后结案" },
      },
      key("follow-up-cash"),
    );
    await world.openTask(caseId, "additional-aid-approval");
    const approved = await county.post(
      `/cases/${caseId}/additional-aid-decision`,
      { decision: "approve", amountYuan: "1200.00" },
      key("approve-follow-up"),
    );
    const route = await world.eventually(async () => {
      const task = await world.deps.tasks.current(caseId, "payment-route");
      return task?.details?.purpose === "follow-up" ? task : undefined;
    }, "a route asked for the follow-up payment");

    // Assess: no incident, no draw for the follow-up until it has a route
    expect([cash.status, paperwork?.status, proposed.status, approved.status]).toEqual([200, 200, 200, 200]);
    expect(route.status).toBe("open");
    // The task is stored before the case's status moves (same step, two writes): wait for both.
    await world.eventually(async () => {
      const status = (await world.deps.cases.get(caseId)).status;
      return status === "awaiting-payment-route" ? status : undefined;
    }, "the case waiting for its payment route");
    expect(
      (await caseEntries(world, "230123100", caseId)).map(
        (e) => `${e.kind}:${e.drawKind}:${e.amountYuan.toString()}`,
      ),
    ).toEqual(["draw:advance:500.00"]);
  });
});
