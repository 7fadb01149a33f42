/**
 * One writer per fund (issue 23 item 2, ARCHITECTURE §5.3): Flow A's `DrawAid` sends each bank draw
 * to the draw queue (`sqs:sendMessage.waitForTaskToken`, message group = the township fund); the
 * ledger writer draws it and answers the token, and `PayAid` instructs the bank for the entry drawn.
 * On the local runtime (its in-process FIFO queue), DynamoDB Local and the real ASL: a burst of
 * approvals on one township is drawn once each; a redelivered message draws nothing again; an answer
 * that cannot be delivered redelivers that message and the rest of its batch; a body that is not a
 * draw fails its token as `TaskInputError`.
 */
import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { residentIdCheckCharacter } from "#core/identity/residentId.ts";
import { Yuan } from "#core/money/index.ts";
import { drawQueuedBatch, type QueuedDraw } from "#functions/services/ledger-draws.ts";
import type { FlowDeps } from "#functions/services/ports.ts";
import { LOCAL_DRAW_QUEUE_NAME, localQueueUrl } from "#local/stepfunctions/sqs.ts";
import { caseEntries, type FlowAWorld, fileAndWait, filing, key, startFlowAWorld } from "./world.ts";

let world: FlowAWorld;
const TOWNSHIP = "230123100";

beforeAll(async () => {
  world = await startFlowAWorld({ label: "fa-drawq" });
});

afterAll(async () => {
  await world?.close();
});

/** A valid resident id of 1980 for applicant `n` (distinct people: distinct cases). */
function residentId(n: number): string {
  const first17 = `23012319800101${String(100 + n).padStart(3, "0")}`;
  return `${first17}${residentIdCheckCharacter(first17)}`;
}

function drawAidEvents(events: HistoryEvent[]) {
  const scheduled = events.find(
    (e) => e.type === "TaskScheduled" && e.taskScheduledEventDetails?.resourceType === "sqs",
  );
  const succeeded = events.find(
    (e) => e.type === "TaskSucceeded" && e.taskSucceededEventDetails?.resourceType === "sqs",
  );
  return {
    parameters: JSON.parse(scheduled?.taskScheduledEventDetails?.parameters ?? "null"),
    output: JSON.parse(succeeded?.taskSucceededEventDetails?.output ?? "null"),
  };
}

/** The flow's deps with a workflow port that records each answer (and may refuse one). */
function recordingDeps(refuseToken?: string) {
  const answers: Array<{ token: string; kind: "success" | "failure"; body: unknown }> = [];
  const deps: FlowDeps = {
    ...world.deps,
    workflow: {
      ...world.deps.workflow,
      async sendTaskSuccess(token, output) {
        answers.push({ token, kind: "success", body: output });
        if (token === refuseToken)
          throw Object.assign(new Error("throttled"), { name: "ThrottlingException" });
        return world.deps.workflow.sendTaskSuccess(token, output);
      },
      async sendTaskFailure(token, error, cause) {
        answers.push({ token, kind: "failure", body: { error, cause } });
        if (token === refuseToken)
          throw Object.assign(new Error("throttled"), { name: "ThrottlingException" });
        return world.deps.workflow.sendTaskFailure(token, error, cause);
      },
    },
  };
  return { deps, answers };
}

function message(caseId: string, n: number): QueuedDraw {
  return {
    messageId: `msg-${n}`,
    message: {
      taskToken: `stale-token-${n}`,
      caseId,
      correlationId: `corr-${n}`,
      purpose: "advance",
      flow: "A",
    },
  };
}

describe("Flow A's draws through the fund's draw queue", () => {
  const paid: string[] = [];

  it("a burst of approvals on one township: each case drawn once through the queue, its group the fund, then paid", async () => {
    // Prepare: four applicants of 城关镇, each case waiting for its advance decision
    const before = Yuan.parse(await world.balance(TOWNSHIP));
    const approver = await world.signIn("approver-chengguan");
    for (let n = 0; n < 4; n += 1) {
      const applicant = await world.signIn("officer-chengguan-1");
      paid.push(
        await fileAndWait(
          world,
          applicant,
          filing({
            applicant: {
              name: "王芳",
              document: { type: "resident-id", number: residentId(n) },
              phone: "13812345678",
              registration: { countyCode: "230123" },
            },
            bankAccount: { holderName: "王芳", bankName: "农村信用社", account: `621700001234${5670 + n}` },
          }),
        ),
      );
    }

    // Act: approved together, then the bank settles
    const approvals = await Promise.all(
      paid.map((caseId) =>
        approver.post(
          `/cases/${caseId}/advance-decision`,
          { decision: "approve", amountYuan: "500.00" },
          key("approve"),
        ),
      ),
    );
    await world.settleBank(...paid);
    for (const caseId of paid) await world.openTask(caseId, "paperwork");

    // Assess
    expect(approvals.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    for (const caseId of paid) {
      const draws = (await caseEntries(world, TOWNSHIP, caseId)).filter((e) => e.kind === "draw");
      expect(draws, caseId).toHaveLength(1);
      const { parameters, output } = drawAidEvents(await world.history(caseId));
      expect(parameters).toMatchObject({
        QueueUrl: localQueueUrl(LOCAL_DRAW_QUEUE_NAME),
        MessageGroupId: TOWNSHIP,
        MessageBody: { caseId, purpose: "advance", flow: "A" },
      });
      expect(output).toEqual({ outcome: "applied", entryId: draws[0]?.entryId });
    }
    const after = Yuan.parse(await world.balance(TOWNSHIP));
    expect(before.minus(after).toString()).toBe(Yuan.parse("2000").toString());
    const queue = world.runtime.stepFunctions.queues.get(localQueueUrl(LOCAL_DRAW_QUEUE_NAME));
    expect(queue?.deadLetters).toEqual([]);
  });

  it("a message redelivered after its case was paid draws nothing again; its stale token is no failure", async () => {
    // Prepare
    const balance = await world.balance(TOWNSHIP);
    const { deps, answers } = recordingDeps();
    // Act
    const redeliver = await drawQueuedBatch(deps, [
      message(paid[0] as string, 1),
      message(paid[1] as string, 2),
    ]);
    // Assess
    expect(redeliver).toEqual([]);
    expect(answers.map((a) => [a.token, a.kind, a.body])).toEqual([
      ["stale-token-1", "success", { outcome: "already-paid" }],
      ["stale-token-2", "success", { outcome: "already-paid" }],
    ]);
    expect(await world.balance(TOWNSHIP)).toBe(balance);
    for (const caseId of paid.slice(0, 2)) {
      expect((await caseEntries(world, TOWNSHIP, caseId)).filter((e) => e.kind === "draw")).toHaveLength(1);
    }
  });

  it("an answer that cannot be delivered redelivers that message and every later one of the batch, in order", async () => {
    // Prepare: Step Functions throttles the second answer
    const { deps, answers } = recordingDeps("stale-token-2");
    // Act
    const redeliver = await drawQueuedBatch(deps, [
      message(paid[0] as string, 1),
      message(paid[1] as string, 2),
      message(paid[2] as string, 3),
    ]);
    // Assess: the third was not answered out of order
    expect(redeliver).toEqual(["msg-2", "msg-3"]);
    expect(answers.map((a) => a.token)).toEqual(["stale-token-1", "stale-token-2"]);
  });

  it("a body that is not a draw fails its token as TaskInputError, in the cause Lambda would report", async () => {
    // Prepare
    const { deps, answers } = recordingDeps();
    // Act
    const redeliver = await drawQueuedBatch(deps, [
      {
        messageId: "msg-bad",
        message: { invalid: "draw message is not valid: caseId Required", taskToken: "stale-token-9" },
      },
    ]);
    // Assess
    expect(redeliver).toEqual([]);
    expect(answers).toEqual([
      {
        token: "stale-token-9",
        kind: "failure",
        body: {
          error: "TaskInputError",
          cause: JSON.stringify({
            errorType: "TaskInputError",
            errorMessage: "draw message is not valid: caseId Required",
          }),
        },
      },
    ]);
  });
});
