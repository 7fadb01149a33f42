/**
 * The ledger writer Lambda: the consumer of the deployment's draw queue (SQS FIFO, one message group
 * per township fund; infra/ledger-queue.ts). Parses each record's body, hands the batch to
 * functions/services/ledger-draws.ts (one page per batch, every task token answered) and reports
 * the records to redeliver as a partial batch response (`ReportBatchItemFailures`).
 */
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { flowDeps } from "#functions/services/deps.ts";
import { DrawMessageSchema, drawQueuedBatch, type QueuedDraw } from "#functions/services/ledger-draws.ts";

function queuedDraw(record: SQSEvent["Records"][number]): QueuedDraw {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return { messageId: record.messageId, message: { invalid: "the message body is not JSON" } };
  }
  const parsed = DrawMessageSchema.safeParse(body);
  if (parsed.success) return { messageId: record.messageId, message: parsed.data };
  const token = (body as { taskToken?: unknown } | null)?.taskToken;
  return {
    messageId: record.messageId,
    message: {
      invalid: `draw message is not valid: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
      ...(typeof token === "string" && token.length > 0 ? { taskToken: token } : {}),
    },
  };
}

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const failed = await drawQueuedBatch(flowDeps(), event.Records.map(queuedDraw));
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
