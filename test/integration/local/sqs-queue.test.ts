/**
 * The local layer's in-process SQS FIFO queue (local/stepfunctions/sqs.ts), what Flow A's `DrawAid`
 * sends to: per message group in order and one batch of a group at a time, groups side by side;
 * deduplication within SQS's five minutes; a partial batch response redelivers the named messages
 * after the visibility timeout, holding back the group's later messages; at the receive limit a
 * message goes to the dead-letter list. The consumer is a real catalog-shaped function loaded by
 * `LocalFunctions`, on the manual clock.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { FunctionDefinition } from "#functions/catalog.ts";
import { createManualClock, type ManualClock } from "../../../local/clock.ts";
import { localFunctionName } from "../../../local/stepfunctions/arn.ts";
import { StatesError } from "../../../local/stepfunctions/errors.ts";
import { LocalFunctions } from "../../../local/stepfunctions/functions.ts";
import { LocalFifoQueue, type LocalQueueOptions } from "../../../local/stepfunctions/sqs.ts";
import { type ReceivedBatch, receivedBatches } from "../../fixtures/handlers/queue-consumer.ts";
import { PROJECT_ROOT } from "../../infra/support.ts";

const CONSUMER: FunctionDefinition = {
  id: "QueueConsumer",
  entry: "test/fixtures/handlers/queue-consumer.ts",
  handler: "consume",
  description: "Records the batches of the local FIFO queue",
  access: {},
};

const VISIBILITY_SECONDS = 60;
const OPTIONS: LocalQueueOptions = {
  name: "test-draws.fifo",
  consumer: localFunctionName(CONSUMER.id),
  batchSize: 3,
  visibilityTimeoutSeconds: VISIBILITY_SECONDS,
  maxReceiveCount: 3,
  maxConcurrency: 4,
  deduplicationSeconds: 300,
  contentBasedDeduplication: true,
};

let queue: LocalFifoQueue | undefined;
afterEach(() => {
  queue?.close();
  queue = undefined;
  receivedBatches().length = 0;
});

function setUp(): { clock: ManualClock; queue: LocalFifoQueue; errors: string[] } {
  const clock = createManualClock(Date.UTC(2026, 11, 7, 2, 0, 0));
  const errors: string[] = [];
  queue = new LocalFifoQueue(OPTIONS, clock, new LocalFunctions([CONSUMER], PROJECT_ROOT), (message) =>
    errors.push(message),
  );
  return { clock, queue, errors };
}

function send(q: LocalFifoQueue, group: string, body: Record<string, string | number>) {
  return q.send({ QueueUrl: q.url, MessageGroupId: group, MessageBody: body });
}

/** Waits until the consumer has received `count` batches and nothing is in flight. */
async function batches(count: number): Promise<ReceivedBatch[]> {
  for (let turn = 0; turn < 2_000; turn += 1) {
    if (receivedBatches().length >= count) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return receivedBatches().slice();
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`the consumer received ${receivedBatches().length} batches, not ${count}`);
}

const bodies = (batch: ReceivedBatch | undefined) =>
  (batch?.bodies ?? []).map((body) => (JSON.parse(body) as { n: string }).n);

describe("local SQS FIFO queue", () => {
  it("delivers each group in send order, a batch of one group at a time, groups side by side", async () => {
    // Prepare
    const { queue: q } = setUp();
    // Act: one turn of sends, as a surge's executions send theirs
    for (const [group, n] of [
      ["fund-a", "a1"],
      ["fund-a", "a2"],
      ["fund-b", "b1"],
      ["fund-a", "a3"],
      ["fund-a", "a4"],
    ] as const) {
      send(q, group, { n });
    }
    const delivered = await batches(3);
    // Assess: batches of at most 3 of one group, in order; fund-a's second batch after its first
    const byGroup = (group: string) => delivered.filter((batch) => batch.groupId === group).map(bodies);
    expect(byGroup("fund-a")).toEqual([["a1", "a2", "a3"], ["a4"]]);
    expect(byGroup("fund-b")).toEqual([["b1"]]);
    expect(delivered.every((batch) => batch.receiveCounts.every((count) => count === 1))).toBe(true);
    expect(q.busy).toBe(0);
  });

  it("a send of the same content within five minutes is the same message, delivered once; later it is new", async () => {
    // Prepare
    const { clock, queue: q } = setUp();
    // Act
    const first = send(q, "fund-a", { n: "same" });
    const again = send(q, "fund-a", { n: "same" });
    await batches(1);
    await clock.advanceBy(301_000);
    const later = send(q, "fund-a", { n: "same" });
    const delivered = await batches(2);
    // Assess
    expect((again as { MessageId: string }).MessageId).toBe((first as { MessageId: string }).MessageId);
    expect((later as { MessageId: string }).MessageId).not.toBe((first as { MessageId: string }).MessageId);
    expect(delivered.map(bodies)).toEqual([["same"], ["same"]]);
  });

  it("redelivers the failed messages after the visibility timeout, in order, and holds the group's later ones", async () => {
    // Prepare
    const { clock, queue: q } = setUp();
    send(q, "fund-a", { n: "a1" });
    send(q, "fund-a", { n: "a2", failReceives: 1 });
    send(q, "fund-a", { n: "a3" });
    await batches(1);
    // Act: a later message of the group and one of another group, while a2 and a3 wait
    send(q, "fund-a", { n: "a4" });
    send(q, "fund-b", { n: "b1" });
    const whileWaiting = await batches(2);
    await clock.advanceBy(VISIBILITY_SECONDS * 1000);
    const delivered = await batches(3);
    // Assess
    expect(whileWaiting.map(bodies)).toEqual([["a1", "a2", "a3"], ["b1"]]);
    expect(bodies(delivered[2])).toEqual(["a2", "a3", "a4"]);
    expect(delivered[2]?.receiveCounts).toEqual([2, 2, 1]);
  });

  it("moves messages to the dead-letter list at the receive limit, and the group goes on", async () => {
    // Prepare
    const { clock, queue: q, errors } = setUp();
    send(q, "fund-a", { n: "poison", failReceives: 99 });
    send(q, "fund-a", { n: "next" });
    // Act
    await batches(1);
    await clock.advanceBy(VISIBILITY_SECONDS * 1000);
    await batches(2);
    await clock.advanceBy(VISIBILITY_SECONDS * 1000);
    await batches(3);
    send(q, "fund-a", { n: "after" });
    const delivered = await batches(4);
    // Assess: three receives of the batch the poison message fails (the consumer fails the rest of a
    // FIFO batch with it), both dead-lettered, then the group's next message alone
    expect(delivered.map(bodies)).toEqual([
      ["poison", "next"],
      ["poison", "next"],
      ["poison", "next"],
      ["after"],
    ]);
    expect(q.deadLetters.map((m) => JSON.parse(m.body).n)).toEqual(["poison", "next"]);
    expect(errors.filter((e) => e.includes("dead-letter queue after 3 receives"))).toHaveLength(2);
    expect(q.busy).toBe(0);
  });

  it("refuses a send without a message group, as SQS does for a FIFO queue", () => {
    const { queue: q } = setUp();
    expect(() => q.send({ QueueUrl: q.url, MessageBody: { n: "x" } })).toThrow(StatesError);
    expect(receivedBatches()).toEqual([]);
  });
});
