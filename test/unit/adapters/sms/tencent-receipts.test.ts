/**
 * Tencent Cloud receipts (issue 24): the official SDK sends its real TC3-signed
 * PullSmsSendStatusByPhoneNumber request (the number's sends since this one) to a local server
 * standing for sms.tencentcloudapi.com, which answers as documented (PullSmsSendStatus: ReportStatus
 * SUCCESS / FAIL per SerialNo; Response.Error for errors). Each answer maps to one poll outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TencentSmsChannel } from "#adapters/sms/tencent.ts";
import type { SmsReceiptQuery } from "#functions/services/messages/sms-channel.ts";
import { MESSAGE_ID, PHONE, tencentChannel, tencentRefusals } from "./fixtures.ts";
import { type ProviderServer, startProviderServer } from "./provider-server.ts";

const REQUEST_ID = "b5b4d4a4-3a1f-4f6e-9f0e-3f1a2b3c4d5e";
const SERIAL_NO = "5000:1045710669157053657849499619";
const SENT_AT_MS = Date.parse("2026-12-07T10:00:00+08:00");
const NOW_MS = SENT_AT_MS + 600_000;
const query: SmsReceiptQuery = {
  messageId: MESSAGE_ID,
  providerMessageId: SERIAL_NO,
  phoneNumber: PHONE,
  sentAtMs: SENT_AT_MS,
  nowMs: NOW_MS,
};

function report(serialNo: string, reportStatus: string, description: string) {
  return {
    UserReceiveTime: SENT_AT_MS / 1000 + 6,
    CountryCode: "86",
    SubscriberNumber: "13812345678",
    PhoneNumber: PHONE,
    SerialNo: serialNo,
    ReportStatus: reportStatus,
    Description: description,
    SessionContext: MESSAGE_ID,
  };
}

const pulled = (...set: ReturnType<typeof report>[]) => ({
  status: 200,
  body: { Response: { PullSmsSendStatusSet: set, RequestId: REQUEST_ID } },
});

const RECORDED = {
  delivered: pulled(
    report("5000:0000000000000000000000000001", "FAIL", "UNDELIV"),
    report(SERIAL_NO, "SUCCESS", "用户短信送达成功"),
  ),
  failed: pulled(report(SERIAL_NO, "FAIL", "MK:0001")),
  none: pulled(),
  throttled: tencentRefusals(REQUEST_ID).requestLimit,
  internalError: tencentRefusals(REQUEST_ID).internalError,
};

let server: ProviderServer;
let channel: TencentSmsChannel;

beforeAll(async () => {
  server = await startProviderServer();
  channel = tencentChannel(server.endpoint);
});
afterAll(() => server.close());

describe("Tencent Cloud PullSmsSendStatusByPhoneNumber", () => {
  it("delivered (SUCCESS for the send's SerialNo): the number, the app and the time range since the send go out", async () => {
    server.answer(RECORDED.delivered);
    expect(await channel.pollReceipt(query)).toEqual({
      status: "delivered",
      code: "SUCCESS",
      detail: "用户短信送达成功",
    });
    const request = server.requests.at(-1)!;
    expect(request.headers["x-tc-action"]).toBe("PullSmsSendStatusByPhoneNumber");
    expect(request.headers["x-tc-version"]).toBe("2021-01-11");
    const body = JSON.parse(request.body) as Record<string, unknown>;
    expect(body).toMatchObject({ PhoneNumber: PHONE, SmsSdkAppId: "1400006666", Offset: 0, Limit: 100 });
    expect(body.BeginTime).toBeLessThanOrEqual(SENT_AT_MS / 1000);
    expect(body.BeginTime).toBeGreaterThan(SENT_AT_MS / 1000 - 3600);
    expect(body.EndTime).toBe(NOW_MS / 1000);
  });

  it("failed (FAIL): the operator's words come back", async () => {
    server.answer(RECORDED.failed);
    expect(await channel.pollReceipt(query)).toEqual({ status: "failed", code: "FAIL", detail: "MK:0001" });
  });

  it("none yet (no status for the SerialNo): pending", async () => {
    server.answer(RECORDED.none);
    expect(await channel.pollReceipt(query)).toEqual({ status: "pending" });
  });

  it("throttled (RequestLimitExceeded): an error that says later", async () => {
    server.answer(RECORDED.throttled);
    expect(await channel.pollReceipt(query)).toMatchObject({
      status: "error",
      throttled: true,
      code: "RequestLimitExceeded",
    });
  });

  it("a provider error (InternalError.Timeout): an error, not throttling", async () => {
    server.answer(RECORDED.internalError);
    expect(await channel.pollReceipt(query)).toMatchObject({
      status: "error",
      throttled: false,
      code: "InternalError.Timeout",
    });
  });
});
