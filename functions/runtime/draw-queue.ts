/**
 * The deployment's draw queue (ARCHITECTURE §5.3: one writer per fund), named once for the two
 * runtimes that build it: the CDK app (infra/ledger-queue.ts: the SQS FIFO queue, its dead-letter
 * queue and the writer's event source mapping) and the local Step Functions layer
 * (local/stepfunctions/sqs.ts: the in-process FIFO queue). Plain data.
 */

/** Physical queue name after the deployment prefix; FIFO queue names end in `.fifo`. */
export const DRAW_QUEUE_NAME = "ledger-draws.fifo";
export const DRAW_DEAD_LETTER_QUEUE_NAME = "ledger-draws-dlq.fifo";

/** Messages of one fund per writer invocation: SQS FIFO's largest batch for a Lambda event source. */
export const DRAW_BATCH_SIZE = 10;
/**
 * Invisible while a batch is in the writer (whose timeout is 60 s) and before a failed one is
 * redelivered; AWS asks for at least 6 × the function timeout on a Lambda event source.
 */
export const DRAW_VISIBILITY_TIMEOUT_SECONDS = 360;
/** Deliveries of a message before it goes to the dead-letter queue (the state then times out and sends again). */
export const DRAW_MAX_RECEIVE_COUNT = 5;
/** Writer invocations at once across funds (one per fund at most: FIFO groups). */
export const DRAW_MAX_CONCURRENCY = 20;
/** SQS's deduplication interval. */
export const DRAW_DEDUPLICATION_SECONDS = 300;
