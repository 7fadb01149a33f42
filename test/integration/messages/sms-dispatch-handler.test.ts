/**
 * The SmsDispatch Lambda's entry for AWS End User Messaging receipts (issue 24): the EventBridge
 * event as the rule hands it (infra/sms-dispatch.ts) reaches the dispatcher through the handler
 * module, on DynamoDB Local — a receipt is recorded once, an intermediate status is ignored, a
 * receipt for an unknown message changes nothing; an event of no known kind is refused.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SMS_VOICE_EVENT_SOURCE, TEXT_STATUS_DETAIL_TYPE } from "#adapters/sms/aws.ts";
import { SmsDeliveryStore } from "#adapters/sms-delivery-store.ts";
import { type AdminTables, adminTables } from "#test/support/admin-routes.ts";

const MESSAGE_ID = "C20261207-0000000021:money-sent:OBL-1-a1";
const PHONE = "+8613800000021";
const PROVIDER_ID = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";

let env: AdminTables;
let deliveries: SmsDeliveryStore;
let handler: (event: unknown) => Promise<unknown>;

function textEvent(messageId: string, eventType: string, isFinal = true) {
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
      isFinal,
      destinationPhoneNumber: PHONE,
      messageId: PROVIDER_ID,
      messageType: "TRANSACTIONAL",
      messageStatus: eventType.replace(/^TEXT_/, ""),
      messageStatusDescription: "Message has been accepted by phone",
      context: { messageId, event: "money-sent" },
    },
  };
}

beforeAll(async () => {
  env = await adminTables("smshandler");
  process.env.AIDFLOW_SMS_CREDENTIALS = JSON.stringify({ "*": {} });
  const db = DynamoDBDocumentClient.from(env.tables.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  deliveries = new SmsDeliveryStore(db, env.tables.names.main, env.identityHashKey);
  // A delivery sent through End User Messaging, as the dispatcher leaves it.
  const at = new Date();
  await deliveries.ensure(
    {
      messageId: MESSAGE_ID,
      recipientKey: "applicant",
      countyId: "990301",
      caseId: "C20261207-0000000021",
      event: "money-sent",
      phoneKey: deliveries.phoneKey(PHONE),
      phoneMasked: "138****0021",
    },
    at,
  );
  expect(await deliveries.claim(MESSAGE_ID, "applicant", at, at.getTime() + 60_000)).toBe(true);
  await deliveries.advance(MESSAGE_ID, "applicant", ["sending"], {
    status: "sent",
    at,
    attempts: 1,
    provider: "aws",
    providerMessageId: PROVIDER_ID,
  });
  ({ handler } = await import("#functions/handlers/sms-dispatch.ts"));
});

afterAll(async () => {
  await env?.close();
});

describe("SmsDispatch handler: End User Messaging events", () => {
  it("an intermediate status (TEXT_PENDING) is no receipt: nothing changes", async () => {
    expect(await handler(textEvent(MESSAGE_ID, "TEXT_PENDING", false))).toEqual({ receipt: "ignored" });
    expect((await deliveries.get(MESSAGE_ID, "applicant"))?.status).toBe("sent");
  });

  it("TEXT_DELIVERED is recorded on the delivery its Context names; the same event again changes nothing", async () => {
    expect(await handler(textEvent(MESSAGE_ID, "TEXT_DELIVERED"))).toEqual({ receipt: "recorded" });
    const delivered = await deliveries.get(MESSAGE_ID, "applicant");
    expect(delivered).toMatchObject({ status: "delivered", lastCode: "TEXT_DELIVERED" });
    expect(await handler(textEvent(MESSAGE_ID, "TEXT_DELIVERED"))).toEqual({ receipt: "recorded" });
    expect(await handler(textEvent(MESSAGE_ID, "TEXT_BLOCKED"))).toEqual({ receipt: "recorded" });
    expect(await deliveries.get(MESSAGE_ID, "applicant")).toEqual(delivered);
  });

  it("a receipt for a message AidFlow does not know changes nothing", async () => {
    const unknown = "C20261207-9999999999:money-sent:OBL-9-a1";
    expect(await handler(textEvent(unknown, "TEXT_DELIVERED"))).toEqual({ receipt: "unknown" });
    expect(await deliveries.ofMessage(unknown)).toEqual([]);
  });

  it("an event of no known kind is refused", async () => {
    await expect(handler({ source: "aws.s3", detail: {} })).rejects.toThrow(TypeError);
  });
});
