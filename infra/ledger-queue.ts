/**
 * The deployment's draw queue (ARCHITECTURE §5.3: one writer per fund; functions/runtime/draw-queue.ts
 * names its settings for the CDK app and the local runtime alike). Flow A's `DrawAid` state sends
 * each bank draw here with `sqs:sendMessage.waitForTaskToken`, message group = the township fund; the
 * catalog's function with the `drawQueue` trigger (the ledger writer, functions/handlers/ledger-writer.ts)
 * consumes it and answers each task token.
 *
 * - SQS FIFO, deduplication by content (the body holds the task token of the attempt, see the
 *   `DrawAid` comment in workflows/flow-a.asl.json), per message group, throughput per group;
 * - SSE (SQS-managed keys: the bodies hold case ids and a task token, no personal data), TLS only;
 * - a FIFO dead-letter queue after `DRAW_MAX_RECEIVE_COUNT` receives; the state then times out and
 *   sends the draw again;
 * - the event source mapping: batches of one group, partial batch responses, at most
 *   `DRAW_MAX_CONCURRENCY` writers at once;
 * - two alarms' metrics: messages in the dead-letter queue, and the age of the oldest message (draws
 *   waiting: the writer is failing or throttled).
 */
import { Duration, type Stack, Validations } from "aws-cdk-lib";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { FunctionDefinition } from "#functions/catalog.ts";
import {
  DRAW_BATCH_SIZE,
  DRAW_DEAD_LETTER_QUEUE_NAME,
  DRAW_MAX_CONCURRENCY,
  DRAW_MAX_RECEIVE_COUNT,
  DRAW_QUEUE_NAME,
  DRAW_VISIBILITY_TIMEOUT_SECONDS,
} from "#functions/runtime/draw-queue.ts";
import { queueMetric } from "./metrics.ts";

export { DRAW_QUEUE_SUBSTITUTION } from "#workflows/substitutions.ts";

const DEAD_LETTER_RETENTION_DAYS = 14;
/** A draw is answered within seconds; one waiting this long means the writer is not taking its group. */
export const DRAW_OLDEST_MESSAGE_ALARM_SECONDS = 600;

export function drawQueueName(prefix: string): string {
  return `${prefix}${DRAW_QUEUE_NAME}`;
}

export function drawDeadLetterQueueName(prefix: string): string {
  return `${prefix}${DRAW_DEAD_LETTER_QUEUE_NAME}`;
}

/**
 * The queue and its dead-letter queue, consumed by `fn` — only for the catalog entry that declares the
 * `drawQueue` trigger (undefined for any other).
 */
export function wireDrawQueue(
  scope: Stack,
  definition: FunctionDefinition,
  fn: lambda.Function,
  options: { prefix: string },
): sqs.Queue | undefined {
  if (!definition.triggers?.drawQueue) return undefined;
  if ((definition.timeoutSeconds ?? 0) * 6 > DRAW_VISIBILITY_TIMEOUT_SECONDS) {
    // Lambda's poller needs the messages invisible for longer than the function may run.
    throw new Error(
      `${definition.id}: a timeout of ${definition.timeoutSeconds} s needs a draw queue visibility timeout of at least 6 × that`,
    );
  }
  const deadLetters = new sqs.Queue(scope, `${definition.id}DrawDeadLetters`, {
    queueName: drawDeadLetterQueueName(options.prefix),
    fifo: true,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(DEAD_LETTER_RETENTION_DAYS),
  });
  Validations.of(deadLetters).acknowledge({
    id: "AwsSolutions-SQS3",
    reason: "This queue is itself the dead-letter queue of the ledger's draw queue.",
  });
  const queue = new sqs.Queue(scope, `${definition.id}DrawQueue`, {
    queueName: drawQueueName(options.prefix),
    fifo: true,
    contentBasedDeduplication: true,
    deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
    fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
    visibilityTimeout: Duration.seconds(DRAW_VISIBILITY_TIMEOUT_SECONDS),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: DRAW_MAX_RECEIVE_COUNT },
  });
  // Grants the function exactly the consumer's actions on this queue.
  fn.addEventSource(
    new SqsEventSource(queue, {
      batchSize: DRAW_BATCH_SIZE,
      reportBatchItemFailures: true,
      maxConcurrency: DRAW_MAX_CONCURRENCY,
    }),
  );
  return queue;
}

/** Messages in the draw queue's dead-letter queue: draws no writer could answer. */
export function drawDeadLetterMetric(prefix: string, period: Duration): cloudwatch.Metric {
  return queueMetric(drawDeadLetterQueueName(prefix), "ApproximateNumberOfMessagesVisible", period);
}

/** Seconds the oldest draw has waited in the queue. */
export function drawOldestMessageMetric(prefix: string, period: Duration): cloudwatch.Metric {
  return queueMetric(drawQueueName(prefix), "ApproximateAgeOfOldestMessage", period);
}
