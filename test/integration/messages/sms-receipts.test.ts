/**
 * SMS receipts in AWS (issue 24 item 3), on DynamoDB Local with the accelerated clock:
 * - Alibaba Cloud and Tencent Cloud are asked (the real SDKs against a local server answering as
 *   the providers document): sent → no receipt yet → asked again later → delivered; three messages
 *   failed for good make the number unreachable and the case says to phone, as pushed receipts do;
 *   a delivery without a receipt is asked about within 72 h only and then stays `sent`;
 * - AWS End User Messaging pushes: its EventBridge text status event is recorded as the receipt of
 *   the message its Context names, once; a repeated or late receipt changes nothing; a receipt for
 *   an unknown message changes nothing.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MessageStore, type StoredMessage } from "#adapters/message-store.ts";
import { AliyunSmsChannel } from "#adapters/sms/aliyun.ts";
import { receiptOfEvent, SMS_VOICE_EVENT_SOURCE, TEXT_STATUS_DETAIL_TYPE } from "#adapters/sms/aws.ts";
import { type SmsCredentials, smsChannelFor } from "#adapters/sms/index.ts";
import { TencentSmsChannel } from "#adapters/sms/tencent.ts";
import { SmsDeliveryStore } from "#adapters/sms-delivery-store.ts";
import { UserDirectory } from "#adapters/user-directory.ts";
import { UNREACHABLE_AFTER_FAILURES } from "#core/messages/delivery.ts";
import { DEFAULT_TEMPLATES, type MessageEvent, renderMessage } from "#core/messages/index.ts";
import { parseSmsSettings } from "#core/messages/smsSettings.ts";
import {
  derivedLocalKey,
  FieldCipher,
  type FieldKeySource,
  keyWrapperFor,
} from "#functions/runtime/field-encryption.ts";
import { DirectoryPhoneBook, SmsDispatcher } from "#functions/services/messages/dispatcher.ts";
import { RECEIPT_POLL, ReceiptPoller } from "#functions/services/messages/receipts.ts";
import type { SmsChannel } from "#functions/services/messages/sms-channel.ts";
import { type LocalSms, startLocalSms } from "#local/sms-simulator/service.ts";
import { createTestTables } from "#test/support/dynamo.ts";
import { type ProviderServer, startProviderServer } from "#test/unit/adapters/sms/provider-server.ts";

const ALIYUN_COUNTY = "990201";
const TENCENT_COUNTY = "990202";
const AWS_COUNTY = "990203";
/** A county on Alibaba Cloud whose keys are taken out of the secret after its send. */
const KEYLESS_COUNTY = "990204";
const HASH_KEY = "test-sms-receipt-hash-key-0123456789";
const FIELD_KEY: FieldKeySource = { kind: "local", key: derivedLocalKey("test-sms-receipt-field-key") };
const shanghai = (local: string) => Date.parse(`${local}+08:00`);
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

const clock = { now: shanghai("2026-12-07T10:00:00"), nowMs: () => clock.now };
let table: string;
let messages: MessageStore;
let deliveries: SmsDeliveryStore;
let dispatcher: SmsDispatcher;
let receipts: ReceiptPoller;
let aliyunApi: ProviderServer;
let tencentApi: ProviderServer;
let local: LocalSms;
let keylessCredentials: SmsCredentials = {
  [KEYLESS_COUNTY]: { aliyun: { accessKeyId: "LTAI-test-key", accessKeySecret: "test-secret-of-sixteen" } },
};

function aliyunChannel(endpoint: string): SmsChannel {
  const settings = parseSmsSettings({
    provider: "aliyun",
    signName: "示例县民政局",
    templateCodes: { "application-received": "SMS_154950901" },
  });
  if (settings.provider !== "aliyun") throw new Error("aliyun settings expected");
  return new AliyunSmsChannel(
    settings,
    { accessKeyId: "LTAI-test-key", accessKeySecret: "test-secret-of-sixteen" },
    { endpoint, protocol: "HTTP", timeoutMs: 5_000 },
  );
}

function tencentChannel(endpoint: string): SmsChannel {
  const settings = parseSmsSettings({
    provider: "tencent",
    signName: "示例县民政局",
    smsSdkAppId: "1400006666",
    templateIds: { "application-received": "1101" },
  });
  if (settings.provider !== "tencent") throw new Error("tencent settings expected");
  return new TencentSmsChannel(
    settings,
    { secretId: "AKID-test-id", secretKey: "test-secret-of-sixteen" },
    { endpoint, protocol: "http://", timeoutMs: 5_000 },
  );
}

beforeAll(async () => {
  const tables = await createTestTables("smsreceipts", { demoCounty: false });
  const db = DynamoDBDocumentClient.from(tables.client, { marshallOptions: { removeUndefinedValues: true } });
  table = tables.names.main;
  messages = new MessageStore(db, table);
  deliveries = new SmsDeliveryStore(db, table, HASH_KEY, new FieldCipher(keyWrapperFor(FIELD_KEY)));
  aliyunApi = await startProviderServer();
  tencentApi = await startProviderServer();
  const channels: Record<string, SmsChannel> = {
    [ALIYUN_COUNTY]: aliyunChannel(aliyunApi.endpoint),
    [TENCENT_COUNTY]: tencentChannel(tencentApi.endpoint),
  };
  const keylessSettings = parseSmsSettings({
    provider: "aliyun",
    signName: "示例县民政局",
    templateCodes: { "application-received": "SMS_154950901" },
  });
  const deps = {
    messages,
    deliveries,
    phones: new DirectoryPhoneBook(new UserDirectory(db, table), deliveries),
    channelFor: (countyId: string) =>
      countyId === KEYLESS_COUNTY
        ? smsChannelFor(countyId, keylessSettings, keylessCredentials, {
            aliyun: { endpoint: aliyunApi.endpoint, protocol: "HTTP" },
          })
        : channels[countyId],
    nowMs: clock.nowMs,
    random: () => 0.5,
  };
  dispatcher = new SmsDispatcher(deps);
  receipts = new ReceiptPoller(deps, dispatcher);
  // The county on AWS End User Messaging: the simulator stands where it would, its own receipts
  // held back (delayScale 0) so that the EventBridge event is the first receipt.
  local = await startLocalSms({
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
  await local?.stop();
  await aliyunApi?.close();
  await tencentApi?.close();
});

function received(caseId: string): MessageEvent {
  return {
    kind: "application-received",
    values: { salutation: "张女士", caseNumber: caseId, township: "东城街道", decideBy: "2026-12-09" },
  };
}

async function applicantMessage(
  countyId: string,
  caseId: string,
  phone: string,
  n = 1,
): Promise<StoredMessage> {
  const event = received(caseId);
  const message: StoredMessage = {
    messageId: `${caseId}:${event.kind}:${n}`,
    countyId,
    caseId,
    recipient: { kind: "applicant", caseId },
    event,
    rendered: renderMessage(event, { templates: DEFAULT_TEMPLATES, signName: "临时救助" }),
    createdAt: new Date(clock.now).toISOString(),
  };
  await messages.record(message);
  await deliveries.putApplicantPhone(countyId, caseId, phone, new Date(clock.now));
  return message;
}

const aliyunSent = (bizId: string) => ({
  status: 200,
  body: { Code: "OK", Message: "OK", BizId: bizId, RequestId: "F655A8D5-B967-440B-8683-DAD6FF8DE990" },
});

const aliyunDetails = (sendStatus: number, errCode: string, outId: string) => ({
  status: 200,
  body: {
    Code: "OK",
    Message: "OK",
    RequestId: "819BE656-D2E0-4858-8B21-B2E477085AAF",
    TotalCount: 1,
    SmsSendDetailDTOs: {
      SmsSendDetailDTO: [{ SendStatus: sendStatus, ErrCode: errCode, OutId: outId, PhoneNum: "13800000011" }],
    },
  },
});

const tencentSent = (serialNo: string, phone: string) => ({
  status: 200,
  body: {
    Response: {
      SendStatusSet: [
        { SerialNo: serialNo, PhoneNumber: phone, Fee: 1, Code: "Ok", Message: "send success" },
      ],
      RequestId: "a0aabda6-cf91-4f3e-a81f-9198114a2279",
    },
  },
});

const tencentPulled = (serialNo: string | undefined, reportStatus: string, phone: string) => ({
  status: 200,
  body: {
    Response: {
      PullSmsSendStatusSet: serialNo
        ? [{ SerialNo: serialNo, PhoneNumber: phone, ReportStatus: reportStatus, Description: "UNDELIV" }]
        : [],
      RequestId: "b5b4d4a4-3a1f-4f6e-9f0e-3f1a2b3c4d5e",
    },
  },
});

const actions = (api: ProviderServer, action: string) =>
  api.requests.filter(
    (r) =>
      r.headers["x-acs-action"] === action ||
      r.headers["x-tc-action"] === action ||
      r.url.includes(`Action=${action}`),
  ).length;

describe("receipts asked for: Alibaba Cloud and Tencent Cloud", () => {
  it("Alibaba Cloud: sent → asked after its first interval → no receipt yet → asked again → delivered, and then never asked again", async () => {
    const message = await applicantMessage(ALIYUN_COUNTY, "C20261207-0000000011", "13800000011");
    aliyunApi.answer(aliyunSent("9006197469364984^0"));
    await dispatcher.dispatchMessage(ALIYUN_COUNTY, message.messageId);
    const sentAt = clock.now;
    const [sent] = await deliveries.ofMessage(message.messageId);
    expect(sent).toMatchObject({
      status: "sent",
      providerMessageId: "9006197469364984^0",
      receiptPollAtMs: sentAt + RECEIPT_POLL.firstAfterMs,
    });

    // Not due yet: nothing is asked.
    expect(await receipts.pollDue()).toEqual({ recorded: 0, pending: 0, errors: 0, stopped: 0 });
    expect(actions(aliyunApi, "QuerySendDetails")).toBe(0);

    clock.now = sentAt + RECEIPT_POLL.firstAfterMs;
    aliyunApi.answer(aliyunDetails(1, "", message.messageId));
    expect(await receipts.pollDue()).toMatchObject({ pending: 1 });
    const [waiting] = await deliveries.ofMessage(message.messageId);
    expect(waiting).toMatchObject({ status: "sent", receiptPolls: 1 });
    expect(waiting?.receiptPollAtMs).toBe(clock.now + 2 * RECEIPT_POLL.firstAfterMs);

    clock.now = waiting?.receiptPollAtMs as number;
    aliyunApi.answer(aliyunDetails(3, "DELIVERED", message.messageId));
    expect(await receipts.pollDue()).toMatchObject({ recorded: 1 });
    const [delivered] = await deliveries.ofMessage(message.messageId);
    expect(delivered).toMatchObject({
      status: "delivered",
      lastCode: "DELIVERED",
      deliveredAt: new Date(clock.now).toISOString(),
    });
    expect(delivered?.receiptPollAtMs).toBeUndefined();
    expect(actions(aliyunApi, "QuerySendDetails")).toBe(2);

    clock.now += RECEIPT_POLL.maxIntervalMs;
    expect(await deliveries.receiptsDue(clock.now)).toEqual([]);
    expect(await receipts.pollDue()).toEqual({ recorded: 0, pending: 0, errors: 0, stopped: 0 });
    expect(actions(aliyunApi, "QuerySendDetails")).toBe(2);

    // A repeated or late receipt (a failure after the delivery) changes nothing.
    const again = await dispatcher.recordReceipt({
      messageId: message.messageId,
      phone: "13800000011",
      providerMessageId: "9006197469364984^0",
      delivered: false,
      code: "MK:0001",
    });
    expect(again).toEqual(delivered);
  });

  it(`Tencent Cloud: ${UNREACHABLE_AFTER_FAILURES} messages failed for good make the number unreachable; the case says to phone`, async () => {
    const caseId = "C20261207-0000000012";
    const phone = "+8613800000012";
    for (let n = 1; n <= UNREACHABLE_AFTER_FAILURES; n++) {
      const message = await applicantMessage(TENCENT_COUNTY, caseId, "13800000012", n);
      const serialNo = `5000:10457106691570536578494996${String(n).padStart(2, "0")}`;
      tencentApi.answer(tencentSent(serialNo, phone));
      await dispatcher.dispatchMessage(TENCENT_COUNTY, message.messageId);
      clock.now += RECEIPT_POLL.firstAfterMs;
      // A throttled question first: asked again at its next time, the delivery still `sent`.
      tencentApi.answer({
        status: 200,
        body: { Response: { Error: { Code: "RequestLimitExceeded", Message: "limit" }, RequestId: "r" } },
      });
      expect(await receipts.pollDue()).toMatchObject({ errors: 1 });
      const [asked] = await deliveries.ofMessage(message.messageId);
      expect(asked?.status).toBe("sent");
      clock.now = asked?.receiptPollAtMs as number;
      tencentApi.answer(tencentPulled(serialNo, "FAIL", phone));
      expect(await receipts.pollDue()).toMatchObject({ recorded: 1 });
      expect((await deliveries.ofMessage(message.messageId))[0]).toMatchObject({
        status: "failed",
        lastCode: "FAIL",
      });
      expect((await deliveries.reachability(TENCENT_COUNTY, caseId)).unreachable).toBe(
        n === UNREACHABLE_AFTER_FAILURES,
      );
      clock.now += HOUR_MS; // past the hourly rate limit
    }
    const after = await applicantMessage(TENCENT_COUNTY, caseId, "13800000012", 99);
    const sendsBefore = actions(tencentApi, "SendSms");
    await dispatcher.dispatchMessage(TENCENT_COUNTY, after.messageId);
    expect((await deliveries.ofMessage(after.messageId))[0]).toMatchObject({
      status: "suppressed",
      reason: "unreachable",
    });
    expect(actions(tencentApi, "SendSms")).toBe(sendsBefore);
  });

  it("a delivery whose receipt never comes is asked about within 72 h only, then stays sent", async () => {
    const phone = "+8613800000013";
    const message = await applicantMessage(TENCENT_COUNTY, "C20261207-0000000013", "13800000013");
    tencentApi.answer(tencentSent("5000:1045710669157053657849499699", phone));
    await dispatcher.dispatchMessage(TENCENT_COUNTY, message.messageId);
    const sentAt = clock.now;
    const pullsBefore = actions(tencentApi, "PullSmsSendStatusByPhoneNumber");
    const askedAt: number[] = [];
    for (let round = 0; round < 100; round++) {
      const [delivery] = await deliveries.ofMessage(message.messageId);
      if (delivery?.receiptPollAtMs === undefined) break;
      clock.now = delivery.receiptPollAtMs;
      askedAt.push(clock.now - sentAt);
      tencentApi.answer(tencentPulled(undefined, "", phone));
      await receipts.pollDue();
    }
    const [last] = await deliveries.ofMessage(message.messageId);
    expect(last).toMatchObject({ status: "sent", receiptPolls: askedAt.length });
    expect(last?.history.at(-1)).toMatchObject({ status: "receipt", code: "NO_RECEIPT" });
    expect(actions(tencentApi, "PullSmsSendStatusByPhoneNumber") - pullsBefore).toBe(askedAt.length);
    // Intervals double from the first, at most the longest, and the last question is at 72 h.
    expect(askedAt[0]).toBe(RECEIPT_POLL.firstAfterMs);
    expect(askedAt[1]).toBe(3 * RECEIPT_POLL.firstAfterMs);
    expect(askedAt.at(-1)).toBe(RECEIPT_POLL.windowMs);
    expect(askedAt.length).toBeLessThan(25);
    expect(await deliveries.receiptsDue(clock.now + RECEIPT_POLL.windowMs)).toEqual([]);
  });

  it("a county whose keys were taken out after the send: its delivery is asked about again later, the others of the run go on", async () => {
    const keyless = await applicantMessage(KEYLESS_COUNTY, "C20261207-0000000016", "13800000016");
    aliyunApi.answer(aliyunSent("9006197469364984^6"));
    await dispatcher.dispatchMessage(KEYLESS_COUNTY, keyless.messageId);
    const other = await applicantMessage(ALIYUN_COUNTY, "C20261207-0000000017", "13800000017");
    aliyunApi.answer(aliyunSent("9006197469364984^7"));
    await dispatcher.dispatchMessage(ALIYUN_COUNTY, other.messageId);
    keylessCredentials = {};

    clock.now += RECEIPT_POLL.firstAfterMs;
    aliyunApi.answer(aliyunDetails(3, "DELIVERED", other.messageId));
    expect(await receipts.pollDue()).toEqual({ recorded: 1, pending: 0, errors: 1, stopped: 0 });
    expect((await deliveries.ofMessage(other.messageId))[0]?.status).toBe("delivered");
    const [waiting] = await deliveries.ofMessage(keyless.messageId);
    expect(waiting).toMatchObject({ status: "sent", receiptPolls: 1 });
    expect(waiting?.receiptPollAtMs).toBeGreaterThan(clock.now);
  });
});

describe("receipts pushed: AWS End User Messaging's EventBridge events", () => {
  const textEvent = (messageId: string, providerId: string, eventType: string, phone: string) => ({
    source: SMS_VOICE_EVENT_SOURCE,
    "detail-type": TEXT_STATUS_DETAIL_TYPE,
    detail: {
      eventType,
      eventVersion: "1.0",
      isFinal: true,
      destinationPhoneNumber: phone,
      messageId: providerId,
      messageType: "TRANSACTIONAL",
      messageStatus: eventType.replace(/^TEXT_/, ""),
      messageStatusDescription: "Message has been accepted by phone",
      context: { messageId, event: "application-received" },
    },
  });

  it("sent → the event's receipt → delivered, once; no question is asked of a provider that pushes", async () => {
    const caseId = "C20261207-0000000014";
    const message = await applicantMessage(AWS_COUNTY, caseId, "13800000014");
    await local.dispatcher.dispatchMessage(AWS_COUNTY, message.messageId);
    const [sent] = await local.deliveries.ofMessage(message.messageId);
    expect(sent?.status).toBe("sent");
    expect(sent?.receiptPollAtMs).toBeUndefined();

    const event = textEvent(
      message.messageId,
      sent?.providerMessageId as string,
      "TEXT_DELIVERED",
      "+8613800000014",
    );
    const receipt = receiptOfEvent(event.detail);
    expect(receipt).toBeDefined();
    clock.now += 7_000;
    const delivered = await local.dispatcher.recordReceipt(receipt!);
    expect(delivered).toMatchObject({ status: "delivered", lastCode: "TEXT_DELIVERED" });

    // The same event again, then the simulator's own receipt: nothing changes twice.
    expect(await local.dispatcher.recordReceipt(receipt!)).toEqual(delivered);
    await local.simulator.flush();
    expect((await local.deliveries.ofMessage(message.messageId))[0]).toEqual(delivered);
  });

  it("a receipt for a message AidFlow does not know changes nothing", async () => {
    const event = textEvent(
      "C20261207-9999999999:application-received:1",
      "unknown-provider-id",
      "TEXT_DELIVERED",
      "+8613800000015",
    );
    expect(await local.dispatcher.recordReceipt(receiptOfEvent(event.detail)!)).toBeUndefined();
    expect(await local.deliveries.ofMessage("C20261207-9999999999:application-received:1")).toEqual([]);
  });
});
