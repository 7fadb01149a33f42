/**
 * A top-up resumes the plans waiting for money by itself (DOMAIN §4.4, §8), on DynamoDB Local with
 * the real Flow A and Flow B ASL: an approved plan the fund cannot commit waits; finance's allocation
 * or extra allocation (临时追加) commits the waiting plans oldest first, as far as the money goes, with
 * no per-case `POST /plans/{caseId}/fund-replenished`; a Flow A advance waiting on the same fund takes
 * its turn in the same queue; each plan is committed once, also when the top-up is retried.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDateOf } from "#core/calendar/localDate.ts";
import type { ChainedEntry } from "#core/ledger/index.ts";
import { Yuan } from "#core/money/index.ts";
import type { ApiClient } from "#test/e2e/support/api.ts";
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
const FUND_RECHECK_SECONDS = 2 * 24 * 3600;

beforeAll(async () => {
  // The waits re-check the fund every two days: the weeks this test runs see several re-checks.
  world = await startFlowBWorld({
    label: "fb-top-up",
    env: { AIDFLOW_FUND_RECHECK_SECONDS: String(FUND_RECHECK_SECONDS) },
  });
});

afterAll(async () => {
  await world?.close();
});

interface WaitingRow {
  position: number;
  caseId: string;
  flow: "A" | "B";
  purpose: string;
  amountYuan: string;
  waitingSince: string;
  fitsNow: boolean;
  shortfallYuan: string;
  cumulativeShortfallYuan: string;
}
interface WaitingLists {
  order: string;
  funds: { townshipId: string; availableYuan: string; shortYuan: string; cases: WaitingRow[] }[];
}
interface TopUp {
  entryId: string;
  outcome: "applied" | "duplicate";
  resumedCases: string[];
  availableYuan: string;
}
interface PlanView {
  plan: { totalYuan: string; stages: Array<{ index: number; dueAt: string; amountYuan: string }> };
}

let keySequence = 0;
function key(label: string): { idempotencyKey: string } {
  keySequence += 1;
  return { idempotencyKey: `${label}-${keySequence}-${Math.random().toString(36).slice(2, 8)}` };
}

/** A fresh sign-in: the business clock runs weeks ahead in this test. */
function as(userId: string): Promise<ApiClient> {
  return world.signIn(userId);
}

/** DOMAIN §5 invariants of a fund: balance ≥ committed ≥ 0 (so available ≥ 0). */
async function fundHolds(): Promise<{ balance: string; committed: string; available: string }> {
  const fund = await world.fund(XINHUA);
  expect(Yuan.parse(fund.committed).isNegative()).toBe(false);
  expect(Yuan.parse(fund.balance).greaterThanOrEqual(Yuan.parse(fund.committed))).toBe(true);
  expect((await world.ledger.store.verify(XINHUA)).ok).toBe(true);
  return fund;
}

/** Other cases' draws spend the fund down to `leftYuan` available. */
async function spendFundDownTo(leftYuan: string): Promise<void> {
  const fund = await world.fund(XINHUA);
  await world.ledger.submit({
    entryId: "test-drain-plan-top-up",
    fundId: XINHUA,
    kind: "draw",
    drawKind: "advance",
    amountYuan: Yuan.parse(fund.available).minus(Yuan.parse(leftYuan)).toString(),
    bookedAt: new Date(world.clock.nowMs()).toISOString(),
    reference: { caseId: "other-cases" },
  });
}

/** Files a staged plan in 新华街道 and assesses it (urban 低保: 400.00 a month); it goes into its notice. */
async function assessedPlan(
  name: string,
  idNumber: string,
  account: string,
  months: number,
  firstStageDate: string,
): Promise<string> {
  const officer = await as("officer-xinhua-1");
  const filed = await officer.post<{ caseId: string }>(
    "/plans",
    stagedFiling({
      applicant: {
        name,
        document: { type: "resident-id", number: idNumber },
        registration: { countyCode: "230123" },
      },
      bankAccount: { holderName: name, bankName: "农村信用社", account },
    }),
    key("file-plan"),
  );
  expect(filed.status, filed.text).toBe(201);
  const caseId = filed.body.caseId;
  await world.openTask(caseId, "assessment");
  const assessed = await officer.post(
    `/plans/${caseId}/assessment`,
    assessmentBody({ expectedDurationMonths: months, firstStageDate }),
    key("assess"),
  );
  expect(assessed.status, assessed.text).toBe(200);
  await world.openTask(caseId, "public-notice");
  return caseId;
}

/** The township approver approves the plan; the fund cannot commit it, so it waits for money. */
async function approvedAndWaiting(caseId: string): Promise<void> {
  await world.openTask(caseId, "plan-approval");
  const approved = await (await as("approver-xinhua")).post(
    `/plans/${caseId}/approval`,
    { decision: "approve", reason: "公示无异议，同意" },
    key("approve-plan"),
  );
  expect(approved.status, approved.text).toBe(200);
  await world.openTask(caseId, "plan-funds");
  await world.eventually(
    async () => (await world.deps.cases.get(caseId)).status === "awaiting-plan-funds",
    `${caseId} waiting for funds`,
  );
  // One minute between the waits: the queue's order is the order they began waiting.
  await world.clock.advanceBy(60_000);
}

/** A Flow A case of 新华街道 whose approved advance waits for money. */
async function advanceWaiting(
  amountYuan: string,
  applicant: { name: string; idNumber: string; account: string },
): Promise<string> {
  const filed = await (await as("officer-xinhua-1")).post<{ caseId: string }>(
    "/cases",
    {
      townshipId: XINHUA,
      hardship: { cause: "fire" },
      description: "房屋失火，家中财物烧毁，急需生活救助",
      applicant: {
        name: applicant.name,
        document: { type: "resident-id", number: applicant.idNumber },
        registration: { countyCode: "230123" },
      },
      bankAccount: { holderName: applicant.name, bankName: "农村信用社", account: applicant.account },
    },
    key("file-case"),
  );
  expect(filed.status, filed.text).toBe(201);
  const caseId = filed.body.caseId;
  await world.openTask(caseId, "advance-decision");
  const approved = await (await as("approver-xinhua")).post(
    `/cases/${caseId}/advance-decision`,
    { decision: "approve", amountYuan },
    key("approve-advance"),
  );
  expect(approved.status, approved.text).toBe(200);
  await world.openTask(caseId, "fund-replenishment");
  await world.clock.advanceBy(60_000);
  return caseId;
}

/** The stage falls due, the officer re-checks it, the bank pays it. */
async function stagePaidWhenDue(caseId: string, index: number): Promise<void> {
  const officer = await as("officer-xinhua-1");
  const stage = (await officer.get<PlanView>(`/plans/${caseId}`)).body.plan.stages[index - 1];
  if (!stage) throw new Error(`${caseId} has no stage ${index}`);
  await world.clock.advanceTo(Math.max(Date.parse(stage.dueAt), world.clock.nowMs()));
  await world.openTask(caseId, "stage-recheck");
  const rechecked = await (await as("officer-xinhua-1")).post(
    `/plans/${caseId}/recheck`,
    {
      stage: index,
      checkedOn: localDateOf(world.clock.nowMs()),
      outcome: "still-in-hardship",
      findings: `第${index}期入户复核：困难仍在`,
    },
    key("recheck"),
  );
  expect(rechecked.status, rechecked.text).toBe(200);
  await world.payOut(`${caseId}.stage-${index}`);
}

function entriesOf(entries: ChainedEntry[], caseId: string): string[] {
  return entries
    .filter((e) => e.reference.caseId === caseId)
    .map((e) => `${e.kind}${e.drawKind ? `:${e.drawKind}` : ""} ${e.amountYuan.toString()}`);
}

/** The plan's waits for money, each with who resumed it. */
async function planFundTasks(caseId: string): Promise<string[]> {
  return (await world.deps.tasks.forCase(caseId))
    .filter((t) => t.taskType === "plan-funds")
    .sort((a, b) => a.openedAt.localeCompare(b.openedAt))
    .map((t) => `${t.status}:${t.decided?.decidedBy}`);
}

function rows(list: WaitingLists): string[] {
  const fund = list.funds.find((f) => f.townshipId === XINHUA);
  return (fund?.cases ?? []).map(
    (c) =>
      `${c.position}:${c.caseId}:${c.flow}:${c.purpose}:${c.amountYuan}:${c.fitsNow}:${c.shortfallYuan}:${c.cumulativeShortfallYuan}`,
  );
}

describe("a top-up resumes the plans waiting for money", () => {
  it("two approved plans and two advances wait on a short fund in the order they began waiting; an allocation commits the older plan only (its stage paid when due, no per-case call) and the re-checks take nothing past the advance that heads the queue; a 临时追加 then pays the advance, commits the younger plan and pays the small advance; each committed once, also when a top-up is retried with its Idempotency-Key", async () => {
    // Prepare: two plans in their notice — the older 6 × 400.00, the younger 2 × 400.00
    const older = await assessedPlan("李秀英", "230123197502031232", "6217000099990101", 6, "2026-03-20");
    const younger = await assessedPlan("赵桂兰", "230123198204152348", "6217000099990102", 2, "2026-04-10");
    await world.clock.advanceBy(7 * DAY_MS + 60_000);
    // 新华街道's fund is down to 500.00; the plans are approved, an advance of 900.00 between them, one of 600.00 after
    await spendFundDownTo("500.00");
    await approvedAndWaiting(older);
    const advance = await advanceWaiting("900.00", {
      name: "周志强",
      idNumber: "230123199007073450",
      account: "6217000099990103",
    });
    await approvedAndWaiting(younger);
    const smallAdvance = await advanceWaiting("600.00", {
      name: "钱丽华",
      idNumber: "230123197709095671",
      account: "6217000099990104",
    });
    const finance = await as("finance-1");
    const before = await finance.get<WaitingLists>("/fund-waits");
    const fundBefore = await fundHolds();

    // Assess: all four wait, oldest first whatever their flow, each with what it still lacks; nothing committed
    expect(before.status, before.text).toBe(200);
    expect(before.body.order).toBe("head-of-line");
    expect(rows(before.body)).toEqual([
      `1:${older}:B:plan:2400.00:false:1900.00:1900.00`,
      `2:${advance}:A:advance:900.00:false:900.00:2800.00`,
      `3:${younger}:B:plan:800.00:false:800.00:3600.00`,
      `4:${smallAdvance}:A:advance:600.00:false:600.00:4200.00`,
    ]);
    expect(before.body.funds.find((f) => f.townshipId === XINHUA)?.shortYuan).toBe("4200.00");
    expect(fundBefore.available).toBe("500.00");
    expect(entriesOf(await world.entries(XINHUA), older)).toEqual([]);

    // Act 1: an allocation of 2,700.00 (500.00 + 2,700.00 covers the older plan's 2,400.00, not the advance's 900.00 after it)
    const allocationKey = key("allocate");
    const allocated = await finance.post<TopUp>(
      "/allocations",
      { townshipId: XINHUA, amountYuan: "2700.00", reason: "分阶段救助方案待承诺，追加拨付" },
      allocationKey,
    );
    await world.eventually(
      async () => (await world.deps.cases.get(older)).status === "stage-waiting",
      "the older plan committed and waiting for its first stage",
    );
    const afterAllocation = await finance.get<WaitingLists>(`/fund-waits?townshipId=${XINHUA}`);
    const replayed = await finance.post<TopUp>(
      "/allocations",
      { townshipId: XINHUA, amountYuan: "2700.00", reason: "分阶段救助方案待承诺，追加拨付" },
      allocationKey,
    );

    // Assess 1: the older plan committed; the advance still heads the queue (100.00 short) and the
    // younger plan and the small advance, which 800.00 would each cover, wait behind it
    expect(allocated.status, allocated.text).toBe(200);
    expect(allocated.body.outcome).toBe("applied");
    expect(allocated.body.resumedCases).toEqual([older]);
    const queueAfterAllocation = [
      `1:${advance}:A:advance:900.00:false:100.00:100.00`,
      `2:${younger}:B:plan:800.00:false:800.00:900.00`,
      `3:${smallAdvance}:A:advance:600.00:false:600.00:1500.00`,
    ];
    expect(rows(afterAllocation.body)).toEqual(queueAfterAllocation);
    expect(afterAllocation.body.funds[0]).toMatchObject({ availableYuan: "800.00", shortYuan: "1500.00" });
    expect((await world.deps.cases.get(younger)).status).toBe("awaiting-plan-funds");
    expect((await world.deps.cases.get(advance)).status).toBe("awaiting-fund-replenishment");
    expect(await fundHolds()).toEqual({ balance: "3200.00", committed: "2400.00", available: "800.00" });
    expect(replayed.status, replayed.text).toBe(200);
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    expect(await planFundTasks(older)).toEqual(["completed:finance-1"]);

    // Act 2: the older plan's first stage falls due (11 days later) and is paid; the waits behind
    // the advance re-check the fund every two days meanwhile
    await stagePaidWhenDue(older, 1);

    // Assess 2: paid from the commitment; the re-checks took nothing past the head: the queue is as it was
    expect(await fundHolds()).toEqual({ balance: "2800.00", committed: "2000.00", available: "800.00" });
    expect(rows((await (await as("finance-1")).get<WaitingLists>("/fund-waits")).body)).toEqual(
      queueAfterAllocation,
    );
    expect((await planFundTasks(younger)).length).toBeGreaterThan(1);
    expect(entriesOf(await world.entries(XINHUA), smallAdvance)).toEqual([]);

    // Act 3: the allocation retried with its Idempotency-Key after the key's record expired (the
    // request reaches the ledger again and walks the queue again)
    const retried = await (await as("finance-1")).post<TopUp>(
      "/allocations",
      { townshipId: XINHUA, amountYuan: "2700.00", reason: "分阶段救助方案待承诺，追加拨付" },
      allocationKey,
    );

    // Assess 3: nothing allocated, committed or resumed twice
    expect(retried.status, retried.text).toBe(200);
    expect(retried.headers.get("idempotent-replayed")).toBeNull();
    expect(retried.body).toMatchObject({ outcome: "duplicate", resumedCases: [] });
    expect(await fundHolds()).toEqual({ balance: "2800.00", committed: "2000.00", available: "800.00" });
    expect((await world.deps.cases.get(younger)).status).toBe("awaiting-plan-funds");

    // Act 4: a 临时追加 of 1,500.00 by another finance user: 800.00 + 1,500.00 pays the advance,
    // commits the younger plan, pays the small advance
    const extraKey = key("extra");
    const extra = await (await as("finance-2")).post<TopUp>(
      `/funds/${XINHUA}/extra-allocations`,
      { amountYuan: "1500.00", reason: "临时追加：分阶段救助待承诺" },
      extraKey,
    );
    for (const caseId of [advance, smallAdvance]) {
      await world.payOut(`${caseId}.advance`);
      await world.openTask(caseId, "paperwork");
    }
    await world.eventually(
      async () => (await world.deps.cases.get(younger)).status === "stage-waiting",
      "the younger plan committed",
    );
    await world.clock.advanceBy(2 * DAY_MS);
    const extraRetried = await (await as("finance-2")).post<TopUp>(
      `/funds/${XINHUA}/extra-allocations`,
      { amountYuan: "1500.00", reason: "临时追加：分阶段救助待承诺" },
      extraKey,
    );
    await stagePaidWhenDue(younger, 1);

    // Assess 4: the advance, the younger plan, the small advance, in queue order; the retry books and resumes nothing
    expect(extra.status, extra.text).toBe(200);
    expect(extra.body).toMatchObject({ outcome: "applied", resumedCases: [advance, younger, smallAdvance] });
    expect(extraRetried.status, extraRetried.text).toBe(200);
    expect(extraRetried.body).toMatchObject({ outcome: "duplicate", resumedCases: [] });
    const entries = await world.entries(XINHUA);
    expect(entriesOf(entries, older)).toEqual(["commit 2400.00", "draw:stage 400.00"]);
    expect(entriesOf(entries, advance)).toEqual(["draw:advance 900.00"]);
    expect(entriesOf(entries, younger)).toEqual(["commit 800.00", "draw:stage 400.00"]);
    expect(entriesOf(entries, smallAdvance)).toEqual(["draw:advance 600.00"]);
    const sequenceOf = (caseId: string, kind: string) =>
      entries.find((e) => e.reference.caseId === caseId && e.kind === kind)?.sequence ?? -1;
    expect(sequenceOf(older, "commit")).toBeLessThan(sequenceOf(advance, "draw"));
    expect(sequenceOf(advance, "draw")).toBeLessThan(sequenceOf(younger, "commit"));
    expect(sequenceOf(younger, "commit")).toBeLessThan(sequenceOf(smallAdvance, "draw"));
    expect(entries.filter((e) => e.kind === "allocation" || e.kind === "replenishment")).toHaveLength(
      // The demo allocation, this test's allocation and its 临时追加.
      3,
    );
    expect(await fundHolds()).toEqual({ balance: "2400.00", committed: "2400.00", available: "0.00" });
    expect((await (await as("finance-1")).get<WaitingLists>("/fund-waits")).body.funds).toEqual([]);
    // Each plan's execution went on from the commitment the top-up made: no per-case resume. Every
    // earlier wait ended when its re-check found the plan still behind the queue.
    for (const [caseId, resumer] of [
      [older, "finance-1"],
      [younger, "finance-2"],
    ] as const) {
      const states = statesEntered(await world.history("flow-b", caseId));
      const waits = states.filter((s) => s === "AwaitPlanFunds").length;
      expect(states.filter((s) => s === "CommitPlan")).toHaveLength(waits + 1);
      expect(states.slice(states.lastIndexOf("AwaitPlanFunds"))).toContain("PayStage");
      const tasks = await planFundTasks(caseId);
      expect(tasks).toHaveLength(waits);
      expect(tasks.at(-1)).toBe(`completed:${resumer}`);
      expect(tasks.slice(0, -1).every((t) => t === "superseded:undefined")).toBe(true);
    }
  });
});
