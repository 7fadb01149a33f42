/**
 * AWS End User Messaging receipts (issue 24): the service pushes each text's status change to
 * EventBridge ("Text Message Delivery Status Updated", source aws.sms-voice; the detail as in
 * "Example event data" of the End User Messaging SMS guide). `receiptOfEvent` reads a recorded
 * event: delivered, failed for good, an intermediate status, a text AidFlow did not send.
 */
import { describe, expect, it } from "vitest";
import { receiptOfEvent, SMS_VOICE_EVENT_SOURCE, TEXT_STATUS_DETAIL_TYPE } from "#adapters/sms/aws.ts";
import { MESSAGE_ID, PHONE } from "./fixtures.ts";

const PROVIDER_ID = "862a8790-60c0-4430-9b2b-658bdexample";

function event(eventType: string, isFinal: boolean, description: string, context?: Record<string, string>) {
  return {
    version: "0",
    id: "5c0fa4f8-e4ba-ed02-6101-c795472fccd0",
    "detail-type": TEXT_STATUS_DETAIL_TYPE,
    source: SMS_VOICE_EVENT_SOURCE,
    account: "111122223333",
    time: "2026-12-07T02:00:07Z",
    region: "eu-west-1",
    resources: [],
    detail: {
      eventType,
      eventVersion: "1.0",
      eventTimestamp: 1_796_090_407_000,
      isFinal,
      originationPhoneNumber: "+447700900123",
      destinationPhoneNumber: PHONE,
      isoCountryCode: "CN",
      isInternationalSend: true,
      messageId: PROVIDER_ID,
      messageRequestTimestamp: 1_796_090_400_000,
      messageEncoding: "UCS2",
      messageType: "TRANSACTIONAL",
      messageStatus: eventType.replace(/^TEXT_/, ""),
      messageStatusDescription: description,
      ...(context ? { context } : {}),
      totalMessageParts: 1,
      totalMessagePrice: 0.04,
      totalCarrierFee: 0,
    },
  };
}

const ours = { messageId: MESSAGE_ID, event: "money-sent" };

describe("End User Messaging text status events", () => {
  it("TEXT_DELIVERED: a delivered receipt of the message its Context names", () => {
    expect(
      receiptOfEvent(event("TEXT_DELIVERED", true, "Message has been accepted by phone", ours).detail),
    ).toEqual({
      messageId: MESSAGE_ID,
      delivered: true,
      code: "TEXT_DELIVERED",
      phone: PHONE,
      providerMessageId: PROVIDER_ID,
      detail: "Message has been accepted by phone",
    });
  });

  it("TEXT_SUCCESSFUL (the carrier took it, where no handset receipt exists): delivered", () => {
    expect(
      receiptOfEvent(
        event("TEXT_SUCCESSFUL", true, "Message has been accepted by phone carrier", ours).detail,
      ),
    ).toMatchObject({
      delivered: true,
      code: "TEXT_SUCCESSFUL",
    });
  });

  it("a final failure (TEXT_BLOCKED, TEXT_UNKNOWN after 72 h): failed", () => {
    for (const type of ["TEXT_BLOCKED", "TEXT_UNKNOWN", "TEXT_TTL_EXPIRED"]) {
      expect(
        receiptOfEvent(event(type, true, "Blocked as spam by phone carrier", ours).detail),
      ).toMatchObject({
        messageId: MESSAGE_ID,
        delivered: false,
        code: type,
      });
    }
  });

  it("none yet: an intermediate status, or a failure that is not final, carries no receipt", () => {
    for (const [type, isFinal] of [
      ["TEXT_QUEUED", false],
      ["TEXT_PENDING", false],
      ["TEXT_SENT", false],
      ["TEXT_CARRIER_UNREACHABLE", false],
    ] as const) {
      expect(receiptOfEvent(event(type, isFinal, "", ours).detail)).toBeUndefined();
    }
  });

  it("a text AidFlow did not send (no Context message id) or a malformed detail carries none", () => {
    expect(receiptOfEvent(event("TEXT_DELIVERED", true, "", { account: "bar" }).detail)).toBeUndefined();
    expect(receiptOfEvent(event("TEXT_DELIVERED", true, "").detail)).toBeUndefined();
    expect(receiptOfEvent(undefined)).toBeUndefined();
    expect(receiptOfEvent("TEXT_DELIVERED")).toBeUndefined();
  });
});
