/**
 * An in-process SQS FIFO queue with a Lambda event source, for `sqs:sendMessage.waitForTaskToken`
 * (Flow A's `DrawAid`): what the deployment's draw queue and its event source mapping do
 * (infra/ledger-queue.ts), on the layer's clock, so the same ASL and the same writer handler run:
 *
 * - FIFO per `MessageGroupId`: a group's messages are delivered in send order, and none of a group
 *   while an earlier one of it is in flight or waiting to be redelivered; groups run side by side,
 *   at most `maxConcurrency` batches at once;
 * - deduplication by `MessageDeduplicationId`, or by the SHA-256 of the body when the queue
 *   deduplicates by content, within SQS's 5 minutes: a duplicate send is answered with the first
 *   message's id and delivers nothing;
 * - batches of up to `batchSize` messages of one group to the consumer function (an `SQSEvent`);
 *   a partial batch response (`batchItemFailures`) or a thrown error makes those messages (all of
 *   them) visible again after the visibility timeout, counted; at `maxReceiveCount` receives a message
 *   goes to the dead-letter list instead (reported through `onError`).
 *
 * In memory only: after a restart the layer sends the message of a waiting state again (the task
 * is re-entered, see execution.ts), and the writer answers a draw already applied as a duplicate.
 */
import { createHash, randomUUID } from "node:crypto";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import {
  DRAW_BATCH_SIZE,
  DRAW_DEDUPLICATION_SECONDS,
  DRAW_MAX_CONCURRENCY,
  DRAW_MAX_RECEIVE_COUNT,
  DRAW_QUEUE_NAME,
  DRAW_VISIBILITY_TIMEOUT_SECONDS,
} from "#functions/runtime/draw-queue.ts";
import type { LocalClock } from "../clock.ts";
import { LOCAL_ACCOUNT, LOCAL_REGION, localFunctionName } from "./arn.ts";
import { isJsonObject, type Json } from "./asl.ts";
import { StatesError } from "./errors.ts";
import type { LocalFunctions } from "./functions.ts";

export interface LocalQueueOptions {
  /** Queue name, `.fifo` at the end. */
  name: string;
  /** The catalog function the event source mapping invokes. */
  consumer: string;
  batchSize: number;
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  maxConcurrency: number;
  deduplicationSeconds: number;
  contentBasedDeduplication: boolean;
}

interface Message {
  messageId: string;
  body: string;
  groupId: string;
  sequenceNumber: string;
  sentMs: number;
  receiveCount: number;
  firstReceiveMs?: number;
  /** Not deliverable before this (a failed delivery's visibility timeout). */
  visibleAtMs: number;
  inFlight: boolean;
}

export function localQueueUrl(name: string): string {
  return `https://sqs.${LOCAL_REGION}.amazonaws.com.cn/${LOCAL_ACCOUNT}/${name}`;
}

export class LocalFifoQueue {
  readonly url: string;
  /** Messages that reached `maxReceiveCount` (the dead-letter queue). */
  readonly deadLetters: Message[] = [];
  private readonly messages: Message[] = [];
  private readonly dedup = new Map<string, { messageId: string; expiresMs: number }>();
  private readonly groupsInFlight = new Set<string>();
  private sequence = 0;
  private batchesInFlight = 0;
  private pumpScheduled = false;
  private closed = false;
  private readonly wakeups = new AbortController();

  constructor(
    private readonly options: LocalQueueOptions,
    private readonly clock: LocalClock,
    private readonly functions: LocalFunctions,
    private readonly onError: (message: string, error: unknown) => void,
  ) {
    if (!options.name.endsWith(".fifo"))
      throw new Error(`queue ${options.name}: a FIFO queue's name ends in .fifo`);
    this.url = localQueueUrl(options.name);
  }

  /** Deliverable or being delivered: work the county is not waiting on the clock for. */
  get busy(): number {
    const nowMs = this.clock.nowMs();
    return this.messages.filter((m) => m.inFlight || m.visibleAtMs <= nowMs).length;
  }

  /** `SendMessage` of the `sqs:sendMessage` integration: its parameters, its response. */
  send(parameters: Json): Json {
    if (this.closed) throw new StatesError("SQS.AmazonSQSException", "the queue is shut down");
    if (!isJsonObject(parameters))
      throw new StatesError("States.Runtime", "sqs:sendMessage needs Parameters");
    const { MessageBody, MessageGroupId, MessageDeduplicationId } = parameters;
    if (typeof MessageGroupId !== "string" || MessageGroupId.length === 0 || MessageGroupId.length > 128) {
      throw new StatesError(
        "SQS.AmazonSQSException",
        "The request must contain the parameter MessageGroupId.",
      );
    }
    if (MessageBody === undefined || MessageBody === null) {
      throw new StatesError("SQS.AmazonSQSException", "The request must contain the parameter MessageBody.");
    }
    // The integration serializes a JSON MessageBody; a string is sent as it is.
    const body = typeof MessageBody === "string" ? MessageBody : JSON.stringify(MessageBody);
    const md5 = createHash("md5").update(body).digest("hex");
    const dedupId =
      typeof MessageDeduplicationId === "string"
        ? MessageDeduplicationId
        : this.options.contentBasedDeduplication
          ? createHash("sha256").update(body).digest("hex")
          : undefined;
    if (dedupId === undefined) {
      throw new StatesError(
        "SQS.AmazonSQSException",
        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
      );
    }
    const nowMs = this.clock.nowMs();
    const seen = this.dedup.get(dedupId);
    if (seen && seen.expiresMs > nowMs) return { MessageId: seen.messageId, MD5OfMessageBody: md5 };
    const message: Message = {
      messageId: randomUUID(),
      body,
      groupId: MessageGroupId,
      sequenceNumber: String(++this.sequence).padStart(20, "0"),
      sentMs: nowMs,
      receiveCount: 0,
      visibleAtMs: nowMs,
      inFlight: false,
    };
    this.dedup.set(dedupId, {
      messageId: message.messageId,
      expiresMs: nowMs + this.options.deduplicationSeconds * 1000,
    });
    this.messages.push(message);
    this.schedulePump();
    return { MessageId: message.messageId, MD5OfMessageBody: md5, SequenceNumber: message.sequenceNumber };
  }

  close(): void {
    this.closed = true;
    this.wakeups.abort();
  }

  /** One macrotask turn first: the sends of this turn (a surge's executions) share a batch. */
  private schedulePump(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    this.forgetExpiredDedup();
    while (!this.closed && this.batchesInFlight < this.options.maxConcurrency) {
      const batch = this.nextBatch();
      if (!batch) break;
      this.batchesInFlight += 1;
      this.groupsInFlight.add(batch[0]?.groupId as string);
      void this.deliver(batch).finally(() => {
        this.batchesInFlight -= 1;
        this.groupsInFlight.delete(batch[0]?.groupId as string);
        this.schedulePump();
      });
    }
  }

  /** The oldest deliverable group's first messages, in order, up to the batch size. */
  private nextBatch(): Message[] | undefined {
    const nowMs = this.clock.nowMs();
    const blocked = new Set(this.groupsInFlight);
    for (const message of this.messages) {
      if (blocked.has(message.groupId)) continue;
      if (message.inFlight || message.visibleAtMs > nowMs) {
        // FIFO: nothing of this group passes a message that is not yet delivered successfully.
        blocked.add(message.groupId);
        continue;
      }
      const batch: Message[] = [];
      for (const next of this.messages) {
        if (next.groupId !== message.groupId) continue;
        if (next.inFlight || next.visibleAtMs > nowMs || batch.length >= this.options.batchSize) break;
        batch.push(next);
      }
      return batch;
    }
    return undefined;
  }

  private async deliver(batch: Message[]): Promise<void> {
    const nowMs = this.clock.nowMs();
    for (const message of batch) {
      message.inFlight = true;
      message.receiveCount += 1;
      message.firstReceiveMs ??= nowMs;
    }
    let failed: Set<string>;
    try {
      const response = await this.functions.invoke(
        this.options.consumer,
        this.event(batch) as unknown as Json,
      );
      failed = failedIds(response, batch);
    } catch (error) {
      this.onError(`queue ${this.options.name}: the consumer failed a batch of ${batch.length}`, error);
      failed = new Set(batch.map((m) => m.messageId));
    }
    const retryAtMs = this.clock.nowMs() + this.options.visibilityTimeoutSeconds * 1000;
    for (const message of batch) {
      message.inFlight = false;
      if (!failed.has(message.messageId)) {
        this.remove(message);
      } else if (message.receiveCount >= this.options.maxReceiveCount) {
        this.remove(message);
        this.deadLetters.push(message);
        this.onError(
          `queue ${this.options.name}: message ${message.messageId} moved to the dead-letter queue after ${message.receiveCount} receives`,
          undefined,
        );
      } else {
        message.visibleAtMs = retryAtMs;
      }
    }
    if (failed.size > 0 && [...failed].some((id) => this.messages.some((m) => m.messageId === id))) {
      this.clock
        .sleepUntil(retryAtMs, this.wakeups.signal)
        .then(() => this.schedulePump())
        .catch(() => undefined);
    }
  }

  private event(batch: Message[]): SQSEvent {
    const arn = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${this.options.name}`;
    return {
      Records: batch.map(
        (message): SQSRecord => ({
          messageId: message.messageId,
          receiptHandle: `${message.messageId}#${message.receiveCount}`,
          body: message.body,
          attributes: {
            ApproximateReceiveCount: String(message.receiveCount),
            SentTimestamp: String(message.sentMs),
            SenderId: LOCAL_ACCOUNT,
            ApproximateFirstReceiveTimestamp: String(message.firstReceiveMs ?? message.sentMs),
            SequenceNumber: message.sequenceNumber,
            MessageGroupId: message.groupId,
          },
          messageAttributes: {},
          md5OfBody: createHash("md5").update(message.body).digest("hex"),
          eventSource: "aws:sqs",
          eventSourceARN: arn,
          awsRegion: LOCAL_REGION,
        }),
      ),
    };
  }

  private remove(message: Message): void {
    const index = this.messages.indexOf(message);
    if (index >= 0) this.messages.splice(index, 1);
  }

  private forgetExpiredDedup(): void {
    const nowMs = this.clock.nowMs();
    for (const [id, seen] of this.dedup) if (seen.expiresMs <= nowMs) this.dedup.delete(id);
  }
}

/** `ReportBatchItemFailures`: the ids named; a malformed response fails the whole batch, as Lambda's poller does. */
function failedIds(response: Json, batch: Message[]): Set<string> {
  const all = new Set(batch.map((m) => m.messageId));
  if (response === null) return new Set();
  if (!isJsonObject(response)) return all;
  const failures = response.batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return all;
  const ids = new Set<string>();
  for (const failure of failures) {
    const id = isJsonObject(failure) ? failure.itemIdentifier : undefined;
    if (typeof id !== "string" || !all.has(id)) return all;
    ids.add(id);
  }
  return ids;
}

/** The draw queue's name in the local runtime (the CDK app prefixes it with the deployment's prefix). */
export const LOCAL_DRAW_QUEUE_NAME = `aidflow-${DRAW_QUEUE_NAME}`;

/**
 * The deployment's draw queue, as infra/ledger-queue.ts builds it, consumed by the catalog's function
 * with the `drawQueue` trigger; none when no function has it (test catalogs).
 */
export function drawQueueOptions(functions: LocalFunctions): LocalQueueOptions | undefined {
  const consumer = functions.definitions.find((definition) => definition.triggers?.drawQueue);
  if (!consumer) return undefined;
  return {
    name: LOCAL_DRAW_QUEUE_NAME,
    consumer: localFunctionName(consumer.id),
    batchSize: DRAW_BATCH_SIZE,
    visibilityTimeoutSeconds: DRAW_VISIBILITY_TIMEOUT_SECONDS,
    maxReceiveCount: DRAW_MAX_RECEIVE_COUNT,
    maxConcurrency: DRAW_MAX_CONCURRENCY,
    deduplicationSeconds: DRAW_DEDUPLICATION_SECONDS,
    contentBasedDeduplication: true,
  };
}
