/**
 * The SMS dispatcher Lambda: fed by the main table's stream, filtered in the event source
 * mapping to new message items (infra/stacks/functions-stack.ts), it sends each message's SMS; a
 * schedule invokes it too, to send what was deferred (quiet hours, rate limit) or is due a retry.
 * A stream record that fails is reported in `batchItemFailures` (retried, then the DLQ); the
 * deliveries themselves are idempotent by message id and recipient, so a retried batch sends nothing
 * twice.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { MessageStore } from "#adapters/message-store.ts";
import { smsChannelFor } from "#adapters/sms/index.ts";
import { SmsDeliveryStore } from "#adapters/sms-delivery-store.ts";
import { UserDirectory } from "#adapters/user-directory.ts";
import { nowMs } from "#functions/runtime/clock.ts";
import { config, dynamo } from "#functions/runtime/config.ts";
import { FieldCipher, keyWrapperFor } from "#functions/runtime/field-encryption.ts";
import { logger } from "#functions/runtime/logger.ts";
import { DirectoryPhoneBook, SmsDispatcher } from "#functions/services/messages/dispatcher.ts";

let built: SmsDispatcher | undefined;

function dispatcher(): SmsDispatcher {
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
  built = new SmsDispatcher({
    messages: new MessageStore(db, tables.main),
    deliveries,
    phones: new DirectoryPhoneBook(new UserDirectory(db, tables.main), deliveries),
    // A county that stored no SMS settings sends no SMS (its inbox still gets every message).
    channelFor: (countyId, settings) =>
      settings ? smsChannelFor(countyId, settings, sms.credentials) : undefined,
    nowMs,
    random: Math.random,
  });
  return built;
}

function isStreamEvent(event: unknown): event is DynamoDBStreamEvent {
  return Array.isArray((event as { Records?: unknown })?.Records);
}

function isScheduledEvent(event: unknown): boolean {
  return (event as { source?: unknown })?.source === "aws.events";
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

export async function handler(event: unknown): Promise<DynamoDBBatchResponse | { due: number }> {
  if (isScheduledEvent(event)) return { due: await dispatcher().runDue() };
  if (!isStreamEvent(event)) {
    throw new TypeError("SmsDispatch takes a DynamoDB stream batch or a scheduled event");
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
