/**
 * Alibaba Cloud receipts (issue 24): the official SDK sends its real, signed QuerySendDetails
 * request (number, send day in Beijing time, BizId) to a local server standing for
 * dysmsapi.aliyuncs.com, which answers as documented (QuerySendDetails: SendStatus 1 waiting, 2
 * failed, 3 delivered; API错误码 for errors). Each answer maps to one poll outcome of the port.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AliyunSmsChannel } from "#adapters/sms/aliyun.ts";
import { parseSmsSettings } from "#core/messages/smsSettings.ts";
import type { SmsReceiptQuery } from "#functions/services/messages/sms-channel.ts";
import { MESSAGE_ID, PHONE, SIGN_NAME } from "./fixtures.ts";
import { type ProviderServer, startProviderServer } from "./provider-server.ts";

const REQUEST_ID = "819BE656-D2E0-4858-8B21-B2E477085AAF";
const BIZ_ID = "9006197469364984^0";
// 2026-12-07 23:30 in Beijing is still 2026-12-07 15:30 UTC: the send day is Beijing's.
const SENT_AT_MS = Date.parse("2026-12-07T23:30:00+08:00");
const query: SmsReceiptQuery = {
  messageId: MESSAGE_ID,
  providerMessageId: BIZ_ID,
  phoneNumber: PHONE,
  sentAtMs: SENT_AT_MS,
  nowMs: SENT_AT_MS + 300_000,
};

function details(sendStatus: number, errCode: string) {
  return {
    status: 200,
    body: {
      Code: "OK",
      Message: "OK",
      RequestId: REQUEST_ID,
      TotalCount: 1,
      SmsSendDetailDTOs: {
        SmsSendDetailDTO: [
          {
            SendDate: "2026-12-07 23:30:01",
            SendStatus: sendStatus,
            ReceiveDate: sendStatus === 1 ? "" : "2026-12-07 23:30:07",
            ErrCode: errCode,
            TemplateCode: "SMS_154950909",
            Content: "【示例县民政局】张女士，救助金800.00元已转入您尾号0123的中国农业银行账户，请注意查收。",
            PhoneNum: "13812345678",
            OutId: MESSAGE_ID,
          },
        ],
      },
    },
  };
}

const RECORDED = {
  delivered: details(3, "DELIVERED"),
  failed: details(2, "MK:0001"),
  waiting: details(1, ""),
  noRecord: {
    status: 200,
    body: { Code: "OK", Message: "OK", RequestId: REQUEST_ID, TotalCount: 0, SmsSendDetailDTOs: {} },
  },
  throttled: {
    status: 400,
    body: {
      Code: "Throttling.User",
      Message: "Request was denied due to user flow control.",
      RequestId: REQUEST_ID,
    },
  },
  internalError: {
    status: 500,
    body: { Code: "InternalError", Message: "The request processing has failed.", RequestId: REQUEST_ID },
  },
};

let server: ProviderServer;
let channel: AliyunSmsChannel;

beforeAll(async () => {
  server = await startProviderServer();
  const settings = parseSmsSettings({
    provider: "aliyun",
    signName: SIGN_NAME,
    templateCodes: { "money-sent": "SMS_154950909" },
  });
  if (settings.provider !== "aliyun") throw new Error("aliyun settings expected");
  channel = new AliyunSmsChannel(
    settings,
    { accessKeyId: "LTAI-test-key", accessKeySecret: "test-secret-of-sixteen" },
    { endpoint: server.endpoint, protocol: "HTTP", timeoutMs: 5_000 },
  );
});
afterAll(() => server.close());

function lastRequestParams(): URLSearchParams {
  const request = server.requests.at(-1)!;
  const params = new URL(request.url, "http://local").searchParams;
  for (const [key, value] of new URLSearchParams(request.body)) params.set(key, value);
  return params;
}

describe("Alibaba Cloud QuerySendDetails", () => {
  it("delivered (SendStatus 3): the mainland number as 11 digits, the Beijing send day and the BizId go out", async () => {
    server.answer(RECORDED.delivered);
    expect(await channel.pollReceipt(query)).toEqual({ status: "delivered", code: "DELIVERED", detail: "" });
    const params = lastRequestParams();
    expect(server.requests.at(-1)!.headers["x-acs-action"] ?? params.get("Action")).toBe("QuerySendDetails");
    expect(params.get("PhoneNumber")).toBe("13812345678");
    expect(params.get("SendDate")).toBe("20261207");
    expect(params.get("BizId")).toBe(BIZ_ID);
    expect(params.get("CurrentPage")).toBe("1");
  });

  it("failed (SendStatus 2): the operator's code comes back", async () => {
    server.answer(RECORDED.failed);
    expect(await channel.pollReceipt(query)).toEqual({ status: "failed", code: "MK:0001", detail: "" });
  });

  it("none yet (SendStatus 1, or no record of the send yet): pending", async () => {
    server.answer(RECORDED.waiting);
    expect(await channel.pollReceipt(query)).toEqual({ status: "pending" });
    server.answer(RECORDED.noRecord);
    expect(await channel.pollReceipt(query)).toEqual({ status: "pending" });
  });

  it("a record of another message (its OutId) is not taken for this one", async () => {
    const other = details(3, "DELIVERED");
    other.body.SmsSendDetailDTOs.SmsSendDetailDTO[0]!.OutId = "C20261206-ffffffffff:money-sent:advance";
    server.answer(other);
    expect(await channel.pollReceipt(query)).toEqual({ status: "pending" });
  });

  it("throttled (HTTP 400 Throttling.User): an error that says later", async () => {
    server.answer(RECORDED.throttled);
    expect(await channel.pollReceipt(query)).toMatchObject({
      status: "error",
      throttled: true,
      code: "Throttling.User",
    });
  });

  it("a provider error (HTTP 500 InternalError): an error, not throttling", async () => {
    server.answer(RECORDED.internalError);
    expect(await channel.pollReceipt(query)).toMatchObject({
      status: "error",
      throttled: false,
      code: "InternalError",
    });
  });
});
