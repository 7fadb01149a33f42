/**
 * SMS in the local runtime: the simulator stands where the county's provider would, and the
 * dispatcher (functions/services/messages/dispatcher.ts) runs from the message store — a poll every
 * `pollMs` real milliseconds finds messages stored since the last poll (AWS: the table's stream) and
 * runs the deliveries that fell due (AWS: the schedule). The simulator's receipts and replies go
 * straight to the dispatcher, as the provider's callbacks go to the receipts route in AWS.
 *
 * Every county is texted through the simulator, with the county's settings if it stored any (the
 * template codes Alibaba Cloud and Tencent Cloud need), else as plain text.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { MessageStore } from "#adapters/message-store.ts";
import { SimulatorSmsChannel } from "#adapters/sms/simulator.ts";
import { SmsDeliveryStore } from "#adapters/sms-delivery-store.ts";
import { UserDirectory } from "#adapters/user-directory.ts";
import { FieldCipher, type FieldKeySource, keyWrapperFor } from "#functions/runtime/field-encryption.ts";
import { DirectoryPhoneBook, SmsDispatcher } from "#functions/services/messages/dispatcher.ts";
import type { LocalClock } from "../clock.ts";
import { type RunningSmsSimulator, startSmsSimulator } from "./server.ts";
import type { SmsKnobs } from "./simulator.ts";

export interface LocalSmsOptions {
  dynamo: DynamoDBClient;
  tables: { main: string };
  clock: Pick<LocalClock, "nowMs">;
  /** Key of the numbers' keyed hash (the installation's identity hash key). */
  hashKey: string;
  /** The key the applicant's phone is sealed under at filing (the runtime's field key). */
  fieldKey: FieldKeySource;
  port?: number;
  /**
   * A scheduled scan run by the poll once per `scanEveryMs` of the business clock (AWS: its own
   * schedule): the deadline reminders (services/messages/reminders.ts).
   */
  scheduled?: { run: () => Promise<unknown>; scanEveryMs: number };
  knobs?: Partial<SmsKnobs>;
  seed?: number;
  /** Real milliseconds between polls of the message store; 0 = no poll (tests call `poll()`). */
  pollMs?: number;
  onError?: (error: unknown) => void;
}

export interface LocalSms {
  url: string;
  simulator: RunningSmsSimulator["simulator"];
  dispatcher: SmsDispatcher;
  deliveries: SmsDeliveryStore;
  /** One round: new messages dispatched, due deliveries attempted. */
  poll(): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_POLL_MS = 2_000;
/** Items one scan page reads. */
const SCAN_PAGE_ITEMS = 500;

export async function startLocalSms(options: LocalSmsOptions): Promise<LocalSms> {
  const db = DynamoDBDocumentClient.from(options.dynamo, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const messages = new MessageStore(db, options.tables.main);
  const deliveries = new SmsDeliveryStore(
    db,
    options.tables.main,
    options.hashKey,
    new FieldCipher(keyWrapperFor(options.fieldKey)),
  );
  let url = "";
  const dispatcher = new SmsDispatcher({
    messages,
    deliveries,
    phones: new DirectoryPhoneBook(new UserDirectory(db, options.tables.main), deliveries),
    channelFor: (_countyId, settings) => new SimulatorSmsChannel(url, settings),
    nowMs: () => options.clock.nowMs(),
    random: Math.random,
  });
  const running = await startSmsSimulator({
    ...(options.port ? { port: options.port } : {}),
    ...(options.knobs ? { knobs: options.knobs } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    callbacks: {
      receipt: async (receipt) => {
        await dispatcher.recordReceipt(receipt);
      },
      reply: async (reply) => {
        await dispatcher.recordReply(reply.phone, reply.text);
      },
    },
  });
  url = running.url;
  const seen = new Set<string>();
  let lastScanMs = Number.NEGATIVE_INFINITY;
  const poll = async () => {
    for (const message of await newMessages(db, options.tables.main, seen)) {
      await dispatcher.dispatchMessage(message.countyId, message.messageId);
      seen.add(`${message.countyId}#${message.messageId}`);
    }
    await dispatcher.runDue();
    const scheduled = options.scheduled;
    if (scheduled && options.clock.nowMs() >= lastScanMs + scheduled.scanEveryMs) {
      lastScanMs = options.clock.nowMs();
      await scheduled.run();
    }
  };
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> = Promise.resolve();
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  if (pollMs > 0) {
    const tick = () => {
      polling = poll()
        .catch((error: unknown) => options.onError?.(error))
        .finally(() => {
          if (timer) timer = setTimeout(tick, pollMs);
        });
    };
    timer = setTimeout(tick, pollMs);
  }
  return {
    url,
    simulator: running.simulator,
    dispatcher,
    deliveries,
    poll,
    async stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await polling;
      await running.stop();
    },
  };
}

/** Messages not seen by this process yet (after a restart all are looked at once; deliveries dedupe). */
async function newMessages(
  db: DynamoDBDocumentClient,
  table: string,
  seen: Set<string>,
): Promise<Array<{ countyId: string; messageId: string }>> {
  const found: Array<{ countyId: string; messageId: string }> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: "#type = :message",
        ExpressionAttributeNames: { "#type": "type" },
        ExpressionAttributeValues: { ":message": "message" },
        ProjectionExpression: "countyId, messageId",
        Limit: SCAN_PAGE_ITEMS,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of out.Items ?? []) {
      if (seen.has(`${item.countyId}#${item.messageId}`)) continue;
      found.push({ countyId: String(item.countyId), messageId: String(item.messageId) });
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return found;
}
