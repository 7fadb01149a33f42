/**
 * The SMS dispatcher (issue 24 item 3) on DynamoDB Local with the local SMS simulator as provider:
 * two dispatchers racing on one message send it once; a throttled send is tried again after its
 * backoff; the provider's receipt is recorded on the delivery; a number that fails repeatedly
 * becomes unreachable and the case says so; an opt-out reply stops SMS (not the inbox); the quiet
 * hours hold a notice but not a payment.
 */
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MessageStore, type StoredMessage } from "#adapters/message-store.ts";
import { SimulatorSmsChannel } from "#adapters/sms/simulator.ts";
import { SmsDeliveryStore } from "#adapters/sms-delivery-store.ts";
import { UserDirectory } from "#adapters/user-directory.ts";
import { RETRY, UNREACHABLE_AFTER_FAILURES } from "#core/messages/delivery.ts";
import { DEFAULT_TEMPLATES, type MessageEvent, renderMessage } from "#core/messages/index.ts";
import {
  derivedLocalKey,
  FieldCipher,
  type FieldKeySource,
  keyWrapperFor,
} from "#functions/runtime/field-encryption.ts";
import { DirectoryPhoneBook, SmsDispatcher } from "#functions/services/messages/dispatcher.ts";
import { type LocalSms, startLocalSms } from "#local/sms-simulator/service.ts";
import { createTestTables } from "#test/support/dynamo.ts";

const COUNTY = "990101";
const HASH_KEY = "test-sms-number-hash-key-0123456789";
const FIELD_KEY: FieldKeySource = { kind: "local", key: derivedLocalKey("test-sms-field-key") };
const shanghai = (local: string) => Date.parse(`${local}+08:00`);
const HOUR_MS = 3_600_000;

const clock = { now: shanghai("2026-12-07T10:00:00"), nowMs: () => clock.now };
let db: DynamoDBDocumentClient;
let table: string;
let messages: MessageStore;
let sms: LocalSms;

beforeAll(async () => {
  const tables = await createTestTables("smsdispatch", { demoCounty: false });
  db = DynamoDBDocumentClient.from(tables.client, { marshallOptions: { removeUndefinedValues: true } });
  table = tables.names.main;
  messages = new MessageStore(db, table);
  sms = await startLocalSms({
    dynamo: tables.client,
    tables: { main: table },
    clock,
    hashKey: HASH_KEY,
    fieldKey: FIELD_KEY,
    pollMs: 0,
    knobs: { delayScale: 0 },
  });
});

afterAll(async () => {
  await sms?.stop();
});

function received(caseId: string): MessageEvent {
  return {
    kind: "application-received",
    values: { salutation: "张女士", caseNumber: caseId, township: "东城街道", decideBy: "2026-12-09" },
  };
}

function moneySent(): MessageEvent {
  return {
    kind: "money-sent",
    values: { salutation: "张女士", amount: 80_000, bank: "农业银行", accountTail: "1234" },
  };
}

/** Stores an applicant message of `caseId` and the phone the case is texted on. */
async function applicantMessage(
  caseId: string,
  phone: string,
  event: MessageEvent,
  n = 1,
): Promise<StoredMessage> {
  const message: StoredMessage = {
    messageId: `${caseId}:${event.kind}:${n}`,
    countyId: COUNTY,
    caseId,
    recipient: { kind: "applicant", caseId },
    event,
    rendered: renderMessage(event, { templates: DEFAULT_TEMPLATES, signName: "临时救助" }),
    createdAt: new Date(clock.now).toISOString(),
  };
  await messages.record(message);
  await sms.deliveries.putApplicantPhone(COUNTY, caseId, phone, new Date(clock.now));
  return message;
}

/** Another dispatcher on the same table, provider and clock (a second Lambda instance). */
function secondDispatcher(): SmsDispatcher {
  const deliveries = new SmsDeliveryStore(db, table, HASH_KEY, new FieldCipher(keyWrapperFor(FIELD_KEY)));
  return new SmsDispatcher({
    messages,
    deliveries,
    phones: new DirectoryPhoneBook(new UserDirectory(db, table), deliveries),
    channelFor: (_county, settings) => new SimulatorSmsChannel(sms.url, settings),
    nowMs: clock.nowMs,
    random: () => 0.5,
  });
}

const requestsFor = (messageId: string) =>
  sms.simulator.messages().filter((m) => m.request.messageId === messageId);

describe("SMS dispatcher with the simulator", () => {
  it("the applicant's phone is stored sealed, written once, and read back whole", async () => {
    const caseId = "C20261207-0000000099";
    await sms.deliveries.putApplicantPhone(COUNTY, caseId, "+8613800000099", new Date(clock.now));
    await sms.deliveries.putApplicantPhone(COUNTY, caseId, "+8613900000098", new Date(clock.now));
    const stored = await db.send(
      new GetCommand({ TableName: table, Key: { pk: `SMSCONTACT#${COUNTY}#${caseId}`, sk: "APPLICANT" } }),
    );
    expect(JSON.stringify(stored.Item)).not.toContain("13800000099");
    expect(stored.Item?.phoneSealed).toMatch(/^v1\./);
    expect(stored.Item?.phoneMasked).toBe("138****0099");
    expect(await sms.deliveries.applicantPhone(COUNTY, caseId)).toBe("+8613800000099");
  });

  it("two dispatchers racing on one message send it once, and the receipt marks it delivered", async () => {
    const message = await applicantMessage(
      "C20261207-0000000001",
      "13800000001",
      received("C20261207-0000000001"),
    );
    const [a, b] = await Promise.all([
      sms.dispatcher.dispatchMessage(COUNTY, message.messageId),
      secondDispatcher().dispatchMessage(COUNTY, message.messageId),
    ]);
    expect([...(a ?? []), ...(b ?? [])].every((d) => ["sending", "sent"].includes(d.status))).toBe(true);
    expect(requestsFor(message.messageId)).toHaveLength(1);
    const [sent] = await sms.deliveries.ofMessage(message.messageId);
    expect(sent?.status).toBe("sent");
    expect(sent?.providerMessageId).toMatch(/^SIM/);

    expect(await sms.simulator.flush()).toBeGreaterThanOrEqual(1);
    const [delivered] = await sms.deliveries.ofMessage(message.messageId);
    expect(delivered?.status).toBe("delivered");
    expect(delivered?.deliveredAt).toBeDefined();
    expect(delivered?.phoneMasked).not.toContain("13800000001");
    // A second dispatch of the same message (a redelivered stream record) sends nothing.
    await sms.dispatcher.dispatchMessage(COUNTY, message.messageId);
    expect(requestsFor(message.messageId)).toHaveLength(1);
  });

  it("a throttled send is deferred with backoff and sent when its time comes", async () => {
    sms.simulator.setKnobs({ throttleRate: 1 });
    const message = await applicantMessage(
      "C20261207-0000000002",
      "13800000002",
      received("C20261207-0000000002"),
    );
    await sms.dispatcher.dispatchMessage(COUNTY, message.messageId);
    const [deferred] = await sms.deliveries.ofMessage(message.messageId);
    expect(deferred).toMatchObject({
      status: "deferred",
      reason: "retry",
      attempts: 1,
      lastCode: "BUSINESS_LIMIT_CONTROL",
    });
    const waitMs = (deferred?.nextAttemptAtMs as number) - clock.now;
    expect(waitMs).toBeGreaterThanOrEqual(RETRY.baseDelayMs / 2);
    expect(waitMs).toBeLessThanOrEqual(RETRY.baseDelayMs);

    sms.simulator.setKnobs({ throttleRate: 0 });
    await sms.dispatcher.runDue();
    expect(requestsFor(message.messageId)).toHaveLength(1); // not due yet
    clock.now += waitMs;
    await sms.dispatcher.runDue();
    const [sent] = await sms.deliveries.ofMessage(message.messageId);
    expect(sent).toMatchObject({ status: "sent", attempts: 2 });
    expect(requestsFor(message.messageId).map((r) => r.status)).toEqual(["accepted", "throttled"]);
  });

  it(`a number whose messages fail ${UNREACHABLE_AFTER_FAILURES} times is unreachable: the case says to phone`, async () => {
    const caseId = "C20261207-0000000003";
    const phone = "13800000003";
    sms.simulator.setKnobs({ failingNumbers: ["+8613800000003"] });
    for (let n = 1; n <= UNREACHABLE_AFTER_FAILURES; n++) {
      const message = await applicantMessage(caseId, phone, received(caseId), n);
      await sms.dispatcher.dispatchMessage(COUNTY, message.messageId);
      await sms.simulator.flush();
      const [failed] = await sms.deliveries.ofMessage(message.messageId);
      expect(failed).toMatchObject({ status: "failed", lastCode: "UNDELIV" });
      expect((await sms.deliveries.reachability(COUNTY, caseId)).unreachable).toBe(
        n === UNREACHABLE_AFTER_FAILURES,
      );
      clock.now += HOUR_MS; // past the hourly rate limit
    }
    const after = await applicantMessage(caseId, phone, received(caseId), 99);
    await sms.dispatcher.dispatchMessage(COUNTY, after.messageId);
    expect((await sms.deliveries.ofMessage(after.messageId))[0]).toMatchObject({
      status: "suppressed",
      reason: "unreachable",
    });
    expect(requestsFor(after.messageId)).toHaveLength(0);
  });

  it("a number the provider calls invalid is unreachable at once", async () => {
    const caseId = "C20261207-0000000004";
    sms.simulator.setKnobs({ invalidNumbers: ["+8613800000004"] });
    const message = await applicantMessage(caseId, "13800000004", received(caseId));
    await sms.dispatcher.dispatchMessage(COUNTY, message.messageId);
    expect((await sms.deliveries.ofMessage(message.messageId))[0]).toMatchObject({ status: "failed" });
    expect((await sms.deliveries.reachability(COUNTY, caseId)).unreachable).toBe(true);
  });

  it("TD from the phone opts the number out: recorded with when and how, no more SMS, the message still stored", async () => {
    const caseId = "C20261207-0000000005";
    const phone = "13800000005";
    expect(await sms.dispatcher.recordReply(phone, " 退订 ")).toBe(true);
    const state = await sms.deliveries.numberState(sms.deliveries.phoneKey("+8613800000005"));
    expect(state.optedOut).toMatchObject({ via: "sms-reply", at: new Date(clock.now).toISOString() });
    const message = await applicantMessage(caseId, phone, moneySent());
    await sms.dispatcher.dispatchMessage(COUNTY, message.messageId);
    expect((await sms.deliveries.ofMessage(message.messageId))[0]).toMatchObject({
      status: "suppressed",
      reason: "opted-out",
    });
    expect(requestsFor(message.messageId)).toHaveLength(0);
    expect(await messages.get(COUNTY, message.messageId)).toBeDefined();
    expect(await sms.dispatcher.recordReply(phone, "谢谢")).toBe(false);
  });

  it("at 23:00 a notice waits for 07:00 while money news goes at once", async () => {
    clock.now = shanghai("2026-12-08T23:00:00");
    const caseId = "C20261207-0000000006";
    const notice = await applicantMessage(caseId, "13800000006", received(caseId));
    const money = await applicantMessage(caseId, "13800000006", moneySent());
    await sms.dispatcher.dispatchMessage(COUNTY, notice.messageId);
    await sms.dispatcher.dispatchMessage(COUNTY, money.messageId);
    expect((await sms.deliveries.ofMessage(notice.messageId))[0]).toMatchObject({
      status: "deferred",
      reason: "quiet-hours",
      nextAttemptAtMs: shanghai("2026-12-09T07:00:00"),
    });
    expect((await sms.deliveries.ofMessage(money.messageId))[0]?.status).toBe("sent");
    clock.now = shanghai("2026-12-09T07:00:00");
    await sms.poll();
    expect((await sms.deliveries.ofMessage(notice.messageId))[0]?.status).toBe("sent");
  });

  it("an applicant without a phone on record gets no SMS, recorded as such", async () => {
    const caseId = "C20261207-0000000007";
    const event = received(caseId);
    const message: StoredMessage = {
      messageId: `${caseId}:${event.kind}:1`,
      countyId: COUNTY,
      caseId,
      recipient: { kind: "applicant", caseId },
      event,
      rendered: renderMessage(event, { templates: DEFAULT_TEMPLATES, signName: "临时救助" }),
      createdAt: new Date(clock.now).toISOString(),
    };
    await messages.record(message);
    await sms.poll();
    expect((await sms.deliveries.ofMessage(message.messageId))[0]).toMatchObject({
      status: "suppressed",
      reason: "no-phone",
    });
  });

  it("the poll runs the scheduled scan once per interval of the business clock", async () => {
    // Prepare: a second local service whose scan counts its runs
    const runs: number[] = [];
    const tables = await createTestTables("smsscan", { demoCounty: false });
    const scanning = await startLocalSms({
      dynamo: tables.client,
      tables: { main: tables.names.main },
      clock,
      hashKey: HASH_KEY,
      fieldKey: FIELD_KEY,
      pollMs: 0,
      scheduled: { run: async () => runs.push(clock.now), scanEveryMs: HOUR_MS },
    });
    const start = clock.now;

    // Act
    await scanning.poll();
    await scanning.poll();
    clock.now = start + HOUR_MS - 1;
    await scanning.poll();
    clock.now = start + HOUR_MS;
    await scanning.poll();
    await scanning.stop();

    // Assess
    expect(runs).toEqual([start, start + HOUR_MS]);
  });
});
