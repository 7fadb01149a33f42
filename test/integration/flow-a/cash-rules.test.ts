/**
 * Cash (DOMAIN §3.3) on the local runtime: the cash ceiling and both signatures are judged once, by
 * core, BEFORE anything is drawn from the fund — at the officer's hand-over and again at the payment
 * step. A refused hand-over leaves the fund's balance and ledger exactly as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PaymentRouteNeededError } from "#adapters/payments/errors.ts";
import { payInCash } from "#functions/services/payment-step.ts";
import type { ApiClient } from "#test/e2e/support/api.ts";
import {
  caseEntries,
  type FlowAWorld,
  fileAndWait,
  filing,
  key,
  recordPaperwork,
  startFlowAWorld,
} from "./world.ts";

const TOWNSHIP = "230123100";
let world: FlowAWorld;
let officer: ApiClient;
let approver: ApiClient;
let county: ApiClient;

beforeAll(async () => {
  world = await startFlowAWorld({ label: "fa-cash" });
  officer = await world.signIn("officer-chengguan-1");
  approver = await world.signIn("approver-chengguan");
  county = await world.signIn("county-civil-1");
});

afterAll(async () => {
  await world?.close();
});

/** A case filed by an officer for someone without a bank account: its advance waits for a route. */
async function caseWithoutAccount(name: string, passport: string, amountYuan: string): Promise<string> {
  const body = filing({
    hardship: { cause: "fire" },
    applicant: { name, document: { type: "passport", number: passport, nationality: "RUS" } },
  });
  delete body.bankAccount;
  const caseId = await fileAndWait(world, officer, body);
  const approved = await approver.post(
    `/cases/${caseId}/advance-decision`,
    { decision: "approve", amountYuan },
    key("approve"),
  );
  expect(approved.status, approved.text).toBe(200);
  await world.openTask(caseId, "payment-route");
  return caseId;
}

async function fundState(caseId: string) {
  return {
    balance: await world.balance(TOWNSHIP),
    entries: (await caseEntries(world, TOWNSHIP, caseId)).map((e) => `${e.kind}:${e.amountYuan.toString()}`),
    attempts: (await world.deps.payments.getPayment(`${caseId}.advance`))?.attempts.length ?? 0,
  };
}

describe("cash is judged before anything is drawn (DOMAIN §3.3)", () => {
  it("a hand-over without the officer's signature is refused with a field error; the fund is unchanged", async () => {
    // Prepare
    const caseId = await caseWithoutAccount("PETROV IVAN", "753110011", "400.00");
    const before = await fundState(caseId);

    // Act
    const unsigned = await officer.post<{ fields: { path: string; messageZh: string }[] }>(
      `/cases/${caseId}/cash-payment`,
      { receiverName: "PETROV IVAN", receiverSignatureRef: "doc-sig-r-1", officerSignatureRef: "  " },
      key("cash-unsigned"),
    );

    // Assess
    expect(unsigned.status, unsigned.text).toBe(400);
    expect(unsigned.body.fields.map((f) => f.path)).toContain("officerSignatureRef");
    expect(await fundState(caseId)).toEqual(before);
    expect((await world.deps.tasks.current(caseId, "payment-route"))?.status).toBe("open");
  });

  it("the payment step refuses a recorded hand-over that lacks a signature before drawing: balance and ledger unchanged", async () => {
    // Prepare: a hand-over on the case whose officer's signature is missing (recorded by an older
    // client, or edited since) — the payment step must not take the money first and ask after
    const caseId = await caseWithoutAccount("SIDOROV OLEG", "753110022", "500.00");
    await world.deps.cases.update(caseId, {
      set: {
        payout: {
          method: "cash",
          cash: {
            purpose: "advance",
            receiverName: "SIDOROV OLEG",
            receiverSignatureRef: "doc-sig-r-2",
            officerSignatureRef: "",
            officerUserId: "officer-chengguan-1",
            handedOverAt: new Date(world.clock.nowMs()).toISOString(),
          },
        },
      },
    });
    const before = await fundState(caseId);

    // Act
    const paid = payInCash(world.deps, {
      caseId,
      purpose: "advance",
      correlationId: `test-${caseId}`,
      drawKind: "advance",
      flow: "A",
    });

    // Assess
    await expect(paid).rejects.toBeInstanceOf(PaymentRouteNeededError);
    await expect(paid).rejects.toMatchObject({
      fields: [expect.objectContaining({ path: "officerSignatureRef", messageZh: "缺少经办人签字" })],
    });
    expect(await fundState(caseId)).toEqual(before);
  });

  it("cash above the cash ceiling is refused with a field error on the amount; the fund is unchanged", async () => {
    // Prepare: the advance handed over in cash, then additional aid above the cash ceiling approved
    const caseId = await caseWithoutAccount("KUZNETSOV PAVEL", "753110033", "500.00");
    const advance = await officer.post(
      `/cases/${caseId}/cash-payment`,
      {
        receiverName: "KUZNETSOV PAVEL",
        receiverSignatureRef: "doc-sig-r-3",
        officerSignatureRef: "doc-sig-o-3",
      },
      key("cash-advance"),
    );
    expect(advance.status, advance.text).toBe(200);
    await world.openTask(caseId, "paperwork");
    await recordPaperwork(world, officer, caseId);
    await world.openTask(caseId, "follow-up");
    const proposed = await officer.post(
      `/cases/${caseId}/follow-up`,
      {
        additionalAid: { amountYuan: "1200.00", reason: "租房过渡费用" },
        close: { summary: "跟进救助后结案" },
      },
      key("follow-up"),
    );
    expect(proposed.status, proposed.text).toBe(200);
    await world.openTask(caseId, "additional-aid-approval");
    const approved = await county.post(
      `/cases/${caseId}/additional-aid-decision`,
      { decision: "approve", amountYuan: "1200.00" },
      key("approve-follow-up"),
    );
    expect(approved.status, approved.text).toBe(200);
    await world.eventually(async () => {
      const task = await world.deps.tasks.current(caseId, "payment-route");
      return task?.details?.purpose === "follow-up" ? task : undefined;
    }, "a route asked for the follow-up payment");
    const before = {
      balance: await world.balance(TOWNSHIP),
      entries: (await caseEntries(world, TOWNSHIP, caseId)).length,
    };

    // Act
    const aboveCeiling = await officer.post<{
      messageZh: string;
      fields: { path: string; messageZh: string }[];
    }>(
      `/cases/${caseId}/cash-payment`,
      {
        receiverName: "KUZNETSOV PAVEL",
        receiverSignatureRef: "doc-sig-r-4",
        officerSignatureRef: "doc-sig-o-4",
      },
      key("cash-follow-up"),
    );

    // Assess
    expect(aboveCeiling.status, aboveCeiling.text).toBe(422);
    expect(aboveCeiling.body.fields).toContainEqual(
      expect.objectContaining({ path: "amountYuan", messageZh: expect.stringContaining("超过现金上限") }),
    );
    expect({
      balance: await world.balance(TOWNSHIP),
      entries: (await caseEntries(world, TOWNSHIP, caseId)).length,
    }).toEqual(before);
    expect((await world.deps.cases.get(caseId)).payout.cash).toMatchObject({ purpose: "advance" });
  });
});
