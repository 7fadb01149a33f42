/**
 * A top-up resumes the cases waiting for money by itself (DOMAIN §8 last line), on the local runtime
 * with the real Flow A ASL: oldest first, as far as the money goes, no per-case request; the case the
 * money does not cover keeps waiting and finance's waiting list shows what it still lacks; each
 * case is paid exactly once, also when two top-ups arrive at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Yuan } from "#core/money/index.ts";
import type { ApiClient } from "#test/e2e/support/api.ts";
import { caseEntries, type FlowAWorld, fileAndWait, filing, key, startFlowAWorld } from "../flow-a/world.ts";

let world: FlowAWorld;
const FUND = "230123200";

beforeAll(async () => {
  world = await startFlowAWorld({ label: "top-up" });
});

afterAll(async () => {
  await world?.close();
});

interface WaitingRow {
  position: number;
  caseId: string;
  townshipId: string;
  amountYuan: string;
  waitingSince: string;
  fitsNow: boolean;
  shortfallYuan: string;
  cumulativeShortfallYuan: string;
}
interface WaitingLists {
  order: string;
  funds: {
    townshipId: string;
    name: string;
    availableYuan: string;
    shortYuan: string;
    cases: WaitingRow[];
  }[];
}

/** Other cases' draws spend the fund down to `leftYuan`. */
async function spendFundDownTo(leftYuan: string): Promise<void> {
  const left = Yuan.parse(await world.balance(FUND));
  await world.ledger.submit({
    entryId: "test-drain-top-up",
    fundId: FUND,
    kind: "draw",
    drawKind: "advance",
    amountYuan: left.minus(Yuan.parse(leftYuan)).toString(),
    bookedAt: new Date(world.clock.nowMs()).toISOString(),
    reference: { caseId: "other-cases" },
  });
}

/** Files a case in 河东乡, approves its advance and waits until it waits for money. */
async function waitingCase(officer: ApiClient, approver: ApiClient, n: number, amountYuan: string) {
  const caseId = await fileAndWait(
    world,
    officer,
    filing({
      townshipId: FUND,
      hardship: { cause: "fire" },
      applicant: {
        name: `WAITER NUMBER${n}`,
        document: { type: "passport", number: `75312000${n}`, nationality: "RUS" },
      },
      bankAccount: {
        holderName: `WAITER NUMBER${n}`,
        bankName: "农村信用社",
        account: `621700002000000${n}`,
      },
    }),
  );
  const approved = await approver.post(
    `/cases/${caseId}/advance-decision`,
    { decision: "approve", amountYuan },
    key("approve"),
  );
  expect(approved.status, approved.text).toBe(200);
  await world.openTask(caseId, "fund-replenishment");
  // One minute between the waits: the queue's order is the order they began waiting.
  await world.clock.advanceBy(60_000);
  return caseId;
}

async function drawsOf(caseId: string): Promise<string[]> {
  return (await caseEntries(world, FUND, caseId)).map((e) => `${e.kind}:${e.amountYuan.toString()}`);
}

describe("a top-up resumes the cases waiting for money", () => {
  it("three wait on a dry fund; an allocation covering two pays the two oldest with no per-case call, the third waits with its shortfall shown; a double top-up at once pays it once", async () => {
    // Prepare: 河东乡's fund is down to 100.00; three approved advances wait for money
    await spendFundDownTo("100.00");
    const officer = await world.signIn("officer-hedong-1");
    const approver = await world.signIn("approver-hedong");
    const finance1 = await world.signIn("finance-1");
    const finance2 = await world.signIn("finance-2");
    const first = await waitingCase(officer, approver, 1, "800.00");
    const second = await waitingCase(officer, approver, 2, "600.00");
    const third = await waitingCase(officer, approver, 3, "700.00");
    const before = await finance1.get<WaitingLists>("/fund-waits");

    // Act 1: county finance allocates 1,500.00 (100.00 + 1,500.00 covers 800 + 600, not the 700 after them)
    const allocated = await finance1.post<{ resumedCases: string[] }>(
      "/allocations",
      { townshipId: FUND, amountYuan: "1500.00", reason: "汛期前追加拨付" },
      key("allocate"),
    );
    await world.settleBank(first, second);
    await world.openTask(first, "paperwork");
    await world.openTask(second, "paperwork");
    const after = await finance1.get<WaitingLists>(`/fund-waits?townshipId=${FUND}`);

    // Assess 1: the two oldest paid, the third still waiting, 500.00 short (200.00 left of 700.00)
    expect(before.status, before.text).toBe(200);
    const queued = before.body.funds.find((f) => f.townshipId === FUND);
    expect(before.body.order).toBe("head-of-line");
    expect(
      queued?.cases.map(
        (c) => `${c.position}:${c.caseId}:${c.amountYuan}:${c.shortfallYuan}:${c.cumulativeShortfallYuan}`,
      ),
    ).toEqual([
      `1:${first}:800.00:700.00:700.00`,
      `2:${second}:600.00:600.00:1300.00`,
      `3:${third}:700.00:700.00:2000.00`,
    ]);
    expect(allocated.status, allocated.text).toBe(200);
    expect(allocated.body.resumedCases).toEqual([first, second]);
    expect(await drawsOf(first)).toEqual(["draw:800.00"]);
    expect(await drawsOf(second)).toEqual(["draw:600.00"]);
    expect(await drawsOf(third)).toEqual([]);
    expect((await world.deps.cases.get(third)).status).toBe("awaiting-fund-replenishment");
    expect(after.status, after.text).toBe(200);
    expect(after.body.funds).toEqual([
      {
        townshipId: FUND,
        name: "河东乡",
        availableYuan: "200.00",
        shortYuan: "500.00",
        cases: [
          expect.objectContaining({
            position: 1,
            caseId: third,
            amountYuan: "700.00",
            fitsNow: false,
            shortfallYuan: "500.00",
            cumulativeShortfallYuan: "500.00",
          }),
        ],
      },
    ]);
    // Money, not people: no name or account of the applicant anywhere in the list.
    expect(after.text).not.toMatch(/WAITER|6217/);

    // Act 2: two finance users top up at once — an allocation and an extra allocation (临时追加), 300.00 each
    const [a, b] = await Promise.all([
      finance1.post<{ resumedCases: string[] }>(
        "/allocations",
        { townshipId: FUND, amountYuan: "300.00", reason: "补充拨付" },
        key("allocate-2"),
      ),
      finance2.post<{ resumedCases: string[] }>(
        `/funds/${FUND}/extra-allocations`,
        { amountYuan: "300.00", reason: "临时追加" },
        key("extra"),
      ),
    ]);
    await world.settleBank(third);
    await world.openTask(third, "paperwork");

    // Assess 2: the third is resumed by one top-up, paid once; the fund's entries replay to its head
    expect(a.status, a.text).toBe(200);
    expect(b.status, b.text).toBe(200);
    expect([...a.body.resumedCases, ...b.body.resumedCases]).toEqual([third]);
    for (const [caseId, amount] of [
      [first, "800.00"],
      [second, "600.00"],
      [third, "700.00"],
    ] as const) {
      expect(await drawsOf(caseId)).toEqual([`draw:${amount}`]);
      expect((await world.deps.payments.getObligation(`${caseId}.advance`))?.status).toBe("paid");
    }
    expect(await world.balance(FUND)).toBe("100.00");
    expect((await world.ledger.store.verify(FUND)).ok).toBe(true);
    const empty = await finance1.get<WaitingLists>(`/fund-waits?townshipId=${FUND}`);
    expect(empty.body.funds).toEqual([]);
  });

  it("an extra allocation (临时追加) keeps the quota: above what the quota leaves room for it is a field error in Chinese and English, and nothing is booked", async () => {
    // Prepare: 新华街道's fund is at its quota; an officer may not top up at all
    const fund = "230123300";
    const finance = await world.signIn("finance-1");
    const officer = await world.signIn("officer-xinhua-1");
    const before = await world.ledger.store.getFund(fund);

    // Act
    const tooMuch = await finance.post(
      `/funds/${fund}/extra-allocations`,
      { amountYuan: "0.01", reason: "临时追加" },
      key("extra-over"),
    );
    const byOfficer = await officer.post(
      `/funds/${fund}/extra-allocations`,
      { amountYuan: "100.00", reason: "临时追加" },
      key("extra-officer"),
    );

    // Assess
    expect(tooMuch.status, tooMuch.text).toBe(400);
    expect(tooMuch.text).toContain("amountYuan");
    expect(tooMuch.text).toMatch(/临时追加后余额不得超过额度/);
    expect(tooMuch.text).toMatch(/within the quota/);
    expect(byOfficer.status, byOfficer.text).toBe(403);
    const after = await world.ledger.store.getFund(fund);
    expect(after.sequence).toBe(before.sequence);
    expect(after.quotaYuan.toString()).toBe(before.quotaYuan.toString());
  });
});
