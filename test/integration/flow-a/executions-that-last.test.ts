/**
 * Executions that last, on the real ASL and DynamoDB Local: a case that waits for money through many
 * hourly fund re-checks is handed over to a fresh execution every `roundsBeforeHandOver` rounds
 * (here 2: AIDFLOW_ROUNDS_BEFORE_HAND_OVER), the case always points at the execution that runs, and
 * once the fund is topped up the payment is made exactly once, in the execution of the day.
 */
import { DescribeExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Yuan } from "#core/money/index.ts";
import { executionArnOf } from "#functions/services/executions.ts";
import { caseEntries, type FlowAWorld, fileAndWait, filing, key, startFlowAWorld } from "./world.ts";

let world: FlowAWorld;
const FUND = "230123300";
const HOUR_MS = 3600 * 1000;

beforeAll(async () => {
  world = await startFlowAWorld({ label: "fa-last", env: { AIDFLOW_ROUNDS_BEFORE_HAND_OVER: "2" } });
});

afterAll(async () => {
  await world?.close();
});

async function executionStatus(name: string): Promise<string | undefined> {
  const out = await world.sfn.send(
    new DescribeExecutionCommand({ executionArn: executionArnOf(world.flowAArn, name) }),
  );
  return out.status;
}

describe("a case waiting for money through many hourly re-checks", () => {
  it("hands over to a fresh execution every 2 rounds, keeps pointing at the running one, and is paid exactly once", async () => {
    // Prepare: 新华街道's fund is nearly spent; the approved advance waits for money
    const left = Yuan.parse(await world.balance(FUND));
    await world.ledger.submit({
      entryId: "test-drain-last",
      fundId: FUND,
      kind: "draw",
      drawKind: "advance",
      amountYuan: left.minus(Yuan.parse("100.00")).toString(),
      bookedAt: new Date(world.clock.nowMs()).toISOString(),
      reference: { caseId: "other-cases" },
    });
    const officer = await world.signIn("officer-xinhua-1");
    const caseId = await fileAndWait(
      world,
      officer,
      filing({
        townshipId: FUND,
        hardship: { cause: "flood" },
        applicant: { name: "钱进", document: { type: "passport", number: "753110099", nationality: "RUS" } },
        bankAccount: { holderName: "钱进", bankName: "农村信用社", account: "6217000011114444" },
      }),
    );
    const approver = await world.signIn("approver-xinhua");
    const approved = await approver.post(
      `/cases/${caseId}/advance-decision`,
      { decision: "approve", amountYuan: "600.00" },
      key("approve-last"),
    );
    expect(approved.status, approved.text).toBe(200);
    let waiting = await world.openTask(caseId, "fund-replenishment");

    // Act: five hourly re-checks find no money; each one re-opens the request
    const pointers: string[] = [];
    for (let round = 1; round <= 5; round++) {
      const before = waiting.taskId;
      await world.clock.advanceBy(HOUR_MS + 1000);
      waiting = await world.eventually(async () => {
        const task = await world.deps.tasks.current(caseId, "fund-replenishment");
        return task?.status === "open" && task.taskId !== before ? task : undefined;
      }, `the re-check of hour ${round}`);
      pointers.push((await world.deps.cases.get(caseId)).executionName ?? "");
    }
    // The money arrives; the next re-check pays
    await world.ledger.submit({
      entryId: "test-replenish-last",
      fundId: FUND,
      kind: "replenishment",
      amountYuan: "5000.00",
      bookedAt: new Date(world.clock.nowMs()).toISOString(),
      reference: { actor: "finance-2" },
    });
    await world.clock.advanceBy(HOUR_MS + 1000);
    await world.settleBank(caseId);
    await world.openTask(caseId, "paperwork");

    // Assess: a hand-over at rounds 2, 4 and 6 — the sixth re-check, which pays, runs in the fourth
    expect(pointers).toEqual([`${caseId}-1`, `${caseId}-2`, `${caseId}-2`, `${caseId}-3`, `${caseId}-3`]);
    expect(await executionStatus(`${caseId}-1`)).toBe("SUCCEEDED");
    expect(await executionStatus(`${caseId}-2`)).toBe("SUCCEEDED");
    expect(await executionStatus(`${caseId}-3`)).toBe("SUCCEEDED");
    expect(await executionStatus(`${caseId}-4`)).toBe("RUNNING");
    expect((await world.deps.cases.get(caseId)).executionName).toBe(`${caseId}-4`);
    const first = (
      await world.runtime.stepFunctions.getExecutionHistory({
        executionArn: executionArnOf(world.flowAArn, `${caseId}-1`),
        maxResults: 1000,
      })
    ).events;
    expect(first.map((e) => e.details?.name).filter(Boolean)).toContain("ContinueAsNew");
    expect((await world.deps.cases.get(caseId)).status).toBe("awaiting-paperwork");
    expect((await world.deps.payments.getObligation(`${caseId}.advance`))?.status).toBe("paid");
    expect(
      (await caseEntries(world, FUND, caseId)).map((e) => `${e.kind}:${e.amountYuan.toString()}`),
    ).toEqual(["draw:600.00"]);
  });
});
