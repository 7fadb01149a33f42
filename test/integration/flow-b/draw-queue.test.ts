/**
 * One writer per fund for Flow B too (issue 23 §2, ARCHITECTURE §5.3): `DrawStage` sends each stage
 * draw to the draw queue (`sqs:sendMessage.waitForTaskToken`, message group = the township fund,
 * body `flow: "B"` and the stage's purpose); the ledger writer draws the stage from the plan's
 * commitment and answers the token, and `PayStage` instructs the bank for the entry drawn only.
 * On the local runtime (its in-process FIFO queue), DynamoDB Local and the real ASL: a 3-stage plan
 * is paid one draw entry per stage even when nothing of the fund is available beyond commitments; a
 * draw sent again for a stage in flight is answered as a duplicate of the same entry and draws
 * nothing; a message for a paid stage is answered `already-paid`; `PayStage` refuses an entry of
 * another attempt.
 */
import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PaymentStateError } from "#adapters/payments/errors.ts";
import { localDateOf } from "#core/calendar/localDate.ts";
import { residentIdCheckCharacter } from "#core/identity/residentId.ts";
import { Yuan } from "#core/money/index.ts";
import { payStage } from "#functions/services/flow-b/steps.ts";
import { drawQueuedBatch, type QueuedDraw } from "#functions/services/ledger-draws.ts";
import type { FlowDeps } from "#functions/services/ports.ts";
import { LOCAL_DRAW_QUEUE_NAME, localQueueUrl } from "#local/stepfunctions/sqs.ts";
import {
  assessmentBody,
  DAY_MS,
  type FlowBWorld,
  recheckAndPay,
  stagedFiling,
  startFlowBWorld,
} from "./world.ts";

let world: FlowBWorld;
const XINHUA = "230123300";
/** Another plan's commitment on the same fund: it takes everything available (committed, not spent). */
const OTHER_PLAN = "C20260302-otherplan";

beforeAll(async () => {
  world = await startFlowBWorld({ label: "fb-drawq" });
});

afterAll(async () => {
  await world?.close();
});

/** A valid resident id (its check character computed) from its first 17 characters. */
function residentId(first17: string): string {
  return `${first17}${residentIdCheckCharacter(first17)}`;
}

/** The `DrawStage` visits of the history: what each sent to the queue and what the writer answered. */
function drawStageVisits(events: HistoryEvent[]) {
  const scheduled = events.filter(
    (e) => e.type === "TaskScheduled" && e.taskScheduledEventDetails?.resourceType === "sqs",
  );
  const succeeded = events.filter(
    (e) => e.type === "TaskSucceeded" && e.taskSucceededEventDetails?.resourceType === "sqs",
  );
  return {
    sent: scheduled.map((e) => JSON.parse(e.taskScheduledEventDetails?.parameters ?? "null")),
    answered: succeeded.map((e) => JSON.parse(e.taskSucceededEventDetails?.output ?? "null")),
  };
}

/** The flow's deps with a workflow port that records each answer to a token. */
function recordingDeps() {
  const answers: Array<{ token: string; kind: "success" | "failure"; body: unknown }> = [];
  const deps: FlowDeps = {
    ...world.deps,
    workflow: {
      ...world.deps.workflow,
      async sendTaskSuccess(token, output) {
        answers.push({ token, kind: "success", body: output });
        return world.deps.workflow.sendTaskSuccess(token, output);
      },
      async sendTaskFailure(token, error, cause) {
        answers.push({ token, kind: "failure", body: { error, cause } });
        return world.deps.workflow.sendTaskFailure(token, error, cause);
      },
    },
  };
  return { deps, answers };
}

/** The body `DrawStage` sends, with a token nobody waits on (a stale copy of the stage's message). */
function stageMessage(caseId: string, stage: number, n: number): QueuedDraw {
  return {
    messageId: `msg-${n}`,
    message: {
      taskToken: `stale-token-${n}`,
      caseId,
      correlationId: `corr-drawq-${n}`,
      purpose: `stage-${stage}`,
      flow: "B",
    },
  };
}

async function stageDraws(caseId: string) {
  return (await world.entries(XINHUA)).filter(
    (e) => e.reference.caseId === caseId && e.kind === "draw" && e.drawKind === "stage",
  );
}

describe("Flow B's stage draws through the fund's draw queue", () => {
  let caseId = "";

  it("a 3-stage plan: each stage drawn once from its commitment through the queue (group = the fund), then paid", async () => {
    // Prepare: a plan approved and committed (1,200.00: 3 × 400.00)
    const officer = await world.signIn("officer-xinhua-1");
    const approver = await world.signIn("approver-xinhua");
    const filed = await officer.post<{ caseId: string }>(
      "/plans",
      stagedFiling({
        applicant: {
          name: "赵春梅",
          document: { type: "resident-id", number: residentId("23012319780303666") },
          registration: { countyCode: "230123" },
        },
        bankAccount: { holderName: "赵春梅", bankName: "农村信用社", account: "6217000055550005" },
      }),
    );
    expect(filed.status).toBe(201);
    caseId = filed.body.caseId;
    await world.openTask(caseId, "assessment");
    await officer.post(
      `/plans/${caseId}/assessment`,
      assessmentBody({
        expectedDurationMonths: 3,
        firstStageDate: localDateOf(world.clock.nowMs() + 10 * DAY_MS),
      }),
    );
    await world.openTask(caseId, "public-notice");
    await world.clock.advanceBy(7 * DAY_MS + 60_000);
    await world.openTask(caseId, "plan-approval");
    expect((await approver.post(`/plans/${caseId}/approval`, { decision: "approve" })).status).toBe(200);
    await world.eventually(async () => (await world.fund(XINHUA)).committed === "1200.00", "the commitment");
    // Prepare: another plan's commitment takes everything still available — the stages are paid
    // from this plan's own commitment, so nothing waits for a top-up.
    const before = await world.fund(XINHUA);
    expect(Yuan.parse(before.available).isPositive()).toBe(true);
    expect(
      await world.deps.ledger.submit({
        entryId: `commit:${OTHER_PLAN}`,
        townshipId: XINHUA,
        kind: "commit",
        amountYuan: before.available,
        reference: { caseId: OTHER_PLAN, flow: "B", correlationId: "corr-other-plan" },
      }),
    ).toBe("applied");
    expect((await world.fund(XINHUA)).available).toBe("0.00");
    const stages = (
      await officer.get<{ plan: { stages: Array<{ index: number; dueAt: string }> } }>(`/plans/${caseId}`)
    ).body.plan.stages;
    expect(stages).toHaveLength(3);

    // Act: each month re-checked and paid
    for (const stage of stages) await recheckAndPay(world, officer, caseId, stage);
    await world.eventually(
      async () => (await world.executionStatus("flow-b", caseId)) === "SUCCEEDED",
      "the close",
    );

    // Assess: one draw entry per stage, each the one DrawStage was answered with and PayStage paid
    const draws = await stageDraws(caseId);
    expect(draws.map((e) => [e.entryId, e.amountYuan.toString()])).toEqual(
      [1, 2, 3].map((n) => [`draw:${caseId}.stage-${n}:1`, "400.00"]),
    );
    const { sent, answered } = drawStageVisits(await world.history("flow-b", caseId));
    expect(sent).toEqual(
      [1, 2, 3].map((n) => ({
        QueueUrl: localQueueUrl(LOCAL_DRAW_QUEUE_NAME),
        MessageGroupId: XINHUA,
        MessageBody: expect.objectContaining({ caseId, purpose: `stage-${n}`, flow: "B" }),
      })),
    );
    expect(answered).toEqual(draws.map((e) => ({ outcome: "applied", entryId: e.entryId })));
    for (const n of [1, 2, 3]) {
      const obligation = await world.deps.payments.getObligation(`${caseId}.stage-${n}`);
      expect(obligation?.status, `stage ${n}`).toBe("paid");
    }
    // The plan's commitment is spent; the other plan's is untouched; nothing was dead-lettered.
    const after = await world.fund(XINHUA);
    expect(after.committed).toBe(before.available);
    expect(Yuan.parse(before.balance).minus(Yuan.parse(after.balance)).toString()).toBe("1200.00");
    const queue = world.runtime.stepFunctions.queues.get(localQueueUrl(LOCAL_DRAW_QUEUE_NAME));
    expect(queue?.deadLetters).toEqual([]);
    // The other plan's commitment goes back (the next test commits a plan of its own).
    await world.deps.ledger.submit({
      entryId: `release:${OTHER_PLAN}`,
      townshipId: XINHUA,
      kind: "release",
      amountYuan: before.available,
      reference: { caseId: OTHER_PLAN, flow: "B", correlationId: "corr-other-plan" },
    });
    expect((await world.fund(XINHUA)).committed).toBe("0.00");
  });

  it("a message for a stage already paid draws nothing again and is answered already-paid", async () => {
    // Prepare
    const balance = (await world.fund(XINHUA)).balance;
    const { deps, answers } = recordingDeps();
    // Act
    const redeliver = await drawQueuedBatch(deps, [stageMessage(caseId, 1, 1), stageMessage(caseId, 3, 2)]);
    // Assess: a stale token is no failure
    expect(redeliver).toEqual([]);
    expect(answers.map((a) => [a.token, a.kind, a.body])).toEqual([
      ["stale-token-1", "success", { outcome: "already-paid" }],
      ["stale-token-2", "success", { outcome: "already-paid" }],
    ]);
    expect((await world.fund(XINHUA)).balance).toBe(balance);
    expect(await stageDraws(caseId)).toHaveLength(3);
  });
});

describe("a stage in flight", () => {
  let caseId = "";

  it("a retried DrawStage (its draw sent again while the bank has not answered) is answered as a duplicate of the same entry; PayStage refuses an entry of another attempt", async () => {
    // Prepare: a 2-stage plan whose first stage is drawn and instructed, the bank not answering yet
    const officer = await world.signIn("officer-xinhua-1");
    const approver = await world.signIn("approver-xinhua");
    const filed = await officer.post<{ caseId: string }>(
      "/plans",
      stagedFiling({
        applicant: {
          name: "孙桂兰",
          document: { type: "resident-id", number: residentId("23012319691212002") },
          registration: { countyCode: "230123" },
        },
        bankAccount: { holderName: "孙桂兰", bankName: "农村信用社", account: "6217000066660006" },
      }),
    );
    expect(filed.status).toBe(201);
    caseId = filed.body.caseId;
    await world.openTask(caseId, "assessment");
    await officer.post(
      `/plans/${caseId}/assessment`,
      assessmentBody({
        expectedDurationMonths: 2,
        firstStageDate: localDateOf(world.clock.nowMs() + 10 * DAY_MS),
      }),
    );
    await world.openTask(caseId, "public-notice");
    await world.clock.advanceBy(7 * DAY_MS + 60_000);
    await world.openTask(caseId, "plan-approval");
    expect((await approver.post(`/plans/${caseId}/approval`, { decision: "approve" })).status).toBe(200);
    const stages = await world.eventually(async () => {
      const view = await officer.get<{
        plan: { commitment?: unknown; stages: Array<{ index: number; dueAt: string }> };
      }>(`/plans/${caseId}`);
      return view.body.plan.commitment ? view.body.plan.stages : undefined;
    }, "the commitment");
    await world.clock.advanceTo(Date.parse(stages[0]?.dueAt as string));
    await world.openTask(caseId, "stage-recheck");
    await officer.post(`/plans/${caseId}/recheck`, {
      stage: 1,
      checkedOn: localDateOf(world.clock.nowMs()),
      outcome: "still-in-hardship",
      findings: "第1期复核：困难仍在",
    });
    const obligationId = `${caseId}.stage-1`;
    await world.eventually(
      async () => (await world.deps.payments.getObligation(obligationId))?.status === "instructed",
      "stage 1 instructed",
    );
    const fund = await world.fund(XINHUA);
    const { deps, answers } = recordingDeps();

    // Act: the stage's draw comes to the writer again (a retried DrawStage, a redelivered message)
    const redeliver = await drawQueuedBatch(deps, [stageMessage(caseId, 1, 7)]);

    // Assess: the same entry, a duplicate; nothing drawn again
    expect(redeliver).toEqual([]);
    expect(answers.map((a) => [a.token, a.kind, a.body])).toEqual([
      ["stale-token-7", "success", { outcome: "duplicate", entryId: `draw:${obligationId}:1` }],
    ]);
    expect(await world.fund(XINHUA)).toEqual(fund);
    expect((await stageDraws(caseId)).map((e) => e.entryId)).toEqual([`draw:${obligationId}:1`]);

    // Act: the bank step told of another attempt's entry than the one it would instruct
    const refused = payStage(world.deps, {
      caseId,
      correlationId: "corr-drawq-other-attempt",
      purpose: "stage-1",
      taskToken: "stale-token-8",
      draw: { outcome: "applied", entryId: `draw:${obligationId}:2` },
    });

    // Assess: refused before anything is instructed; the attempt in flight is unchanged
    await expect(refused).rejects.toBeInstanceOf(PaymentStateError);
    const obligation = await world.deps.payments.getObligation(obligationId);
    expect([obligation?.status, obligation?.currentAttempt]).toEqual(["instructed", 1]);

    // Act / Assess: the bank answers; the plan goes on with stage 1 paid once
    await world.payOut(obligationId);
    expect((await stageDraws(caseId)).map((e) => e.entryId)).toEqual([`draw:${obligationId}:1`]);
  });
});
