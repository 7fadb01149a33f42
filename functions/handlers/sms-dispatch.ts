/**
 * The SMS dispatcher Lambda: fed by the main table's stream, filtered in the event source
 * mapping to new message items (infra/stacks/functions-stack.ts), it sends each message's SMS; a
 * schedule invokes it too, to send what was deferred (quiet hours, rate limit) or is due a retry
 * and to ask Alibaba Cloud and Tencent Cloud for the receipts of what was sent
 * (functions/services/messages/receipts.ts); an EventBridge rule hands it AWS End User Messaging's
 * text status events, each recorded as the receipt of the message its Context names.
 * A stream record that fails is reported in `batchItemFailures` (retried, then the DLQ); the
 * deliveries themselves are idempotent by message id and recipient, so a retried batch sends nothing
 * twice.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { MessageStore } from "#adapters/message-store.ts";
import { receiptOfEvent, SMS_VOICE_EVENT_SOURCE } from "#adapters/sms/aws.ts";
import { smsChannelFor } from "#adapters/sms/index.ts";
import { SmsDeliveryStore } from "#adapters/sms-delivery-store.ts";
import { UserDirectory } from "#adapters/user-directory.ts";
import { nowMs } from "#functions/runtime/clock.ts";
import { config, dynamo } from "#functions/runtime/config.ts";
import { FieldCipher, keyWrapperFor } from "#functions/runtime/field-encryption.ts";
import { logger } from "#functions/runtime/logger.ts";
import { DirectoryPhoneBook, SmsDispatcher } from "#functions/services/messages/dispatcher.ts";
import { ReceiptPoller, type ReceiptRun } from "#functions/services/messages/receipts.ts";

let built: { dispatcher: SmsDispatcher; receipts: ReceiptPoller } | undefined;

function dispatcher(): SmsDispatcher {
  return services().dispatcher;
}

function services(): { dispatcher: SmsDispatcher; receipts: ReceiptPoller } {
  if (built) return built;
  const { tables, identityHashKey, sms, accountKey } = config();
  const db = dynamo();
  // The applicant's phone is stored sealed under the field key (sealed at filing).
  const deliveries = new SmsDeliveryStore(
    db,
    tables.main,
    identityHashKey,
    new FieldCipher(keyWrapperFor(accountKey)),
  );
  const deps = {
    messages: new MessageStore(db, tables.main),
    deliveries,
    phones: new DirectoryPhoneBook(new UserDirectory(db, tables.main), deliveries),
    // A county that stored no SMS settings sends no SMS (its inbox still gets every message).
    channelFor: (countyId: string, settings: Parameters<typeof smsChannelFor>[1] | undefined) =>
      settings ? smsChannelFor(countyId, settings, sms.credentials) : undefined,
    nowMs,
    random: Math.random,
  };
  const sender = new SmsDispatcher(deps);
  built = { dispatcher: sender, receipts: new ReceiptPoller(deps, sender) };
  return built;
}

function isStreamEvent(event: unknown): event is DynamoDBStreamEvent {
  return Array.isArray((event as { Records?: unknown })?.Records);
}

function isScheduledEvent(event: unknown): boolean {
  return (event as { source?: unknown })?.source === "aws.events";
}

function isSmsVoiceEvent(event: unknown): event is { detail?: unknown } {
  return (event as { source?: unknown })?.source === SMS_VOICE_EVENT_SOURCE;
}

/**
 * An End User Messaging text status event: the receipt it carries, recorded once. An intermediate
 * status is ignored; a receipt for a message AidFlow does not know is logged and ignored. A failure
 * to record throws: EventBridge retries, then the dead-letter queue.
 */
async function recordSmsVoiceEvent(
  detail: unknown,
): Promise<{ receipt: "recorded" | "ignored" | "unknown" }> {
  const receipt = receiptOfEvent(detail);
  if (!receipt) return { receipt: "ignored" };
  const delivery = await dispatcher().recordReceipt(receipt);
  if (!delivery) {
    logger.warn("sms receipt for an unknown message", {
      messageId: receipt.messageId,
      providerMessageId: receipt.providerMessageId,
      code: receipt.code,
    });
    return { receipt: "unknown" };
  }
  return { receipt: "recorded" };
}

/** The message a stream record announces (the filter lets only new message items through). */
function messageOf(
  record: DynamoDBStreamEvent["Records"][number],
): { countyId: string; messageId: string } | undefined {
  const image = record.dynamodb?.NewImage;
  const countyId = image?.countyId?.S;
  const messageId = image?.messageId?.S;
  return image?.type?.S === "message" && countyId && messageId ? { countyId, messageId } : undefined;
}

export async function handler(
  event: unknown,
): Promise<DynamoDBBatchResponse | { due: number; receipts: ReceiptRun } | { receipt: string }> {
  if (isScheduledEvent(event)) {
    const due = await dispatcher().runDue();
    const receipts = await services().receipts.pollDue();
    // Unanswered questions are asked again later; many of them in a row point at keys or an outage.
    if (receipts.errors > 0)
      logger.warn("sms receipts: questions the providers did not answer", { ...receipts });
    return { due, receipts };
  }
  if (isSmsVoiceEvent(event)) return recordSmsVoiceEvent(event.detail);
  if (!isStreamEvent(event)) {
    throw new TypeError(
      "SmsDispatch takes a DynamoDB stream batch, a scheduled event or an End User Messaging event",
    );
  }
  const batchItemFailures: DynamoDBBatchResponse["batchItemFailures"] = [];
  for (const record of event.Records) {
    const message = messageOf(record);
    if (!message) continue;
    try {
      await dispatcher().dispatchMessage(message.countyId, message.messageId);
    } catch (error) {
      logger.error("sms dispatch failed", { messageId: message.messageId, error: String(error) });
      batchItemFailures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? "" });
    }
  }
  return { batchItemFailures };
}
