/**
 * Tencent Cloud SMS adapter (issue 24): the official SDK (tencentcloud-sdk-nodejs-sms, API
 * 2021-01-11) sends its real TC3-signed SendSms request to a local server standing for
 * sms.tencentcloudapi.com, which answers with the responses documented by Tencent Cloud (SendSms
 * output, 错误码): per-number statuses in SendStatusSet, request errors in Response.Error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TencentSmsChannel } from "#adapters/sms/tencent.ts";
import { isRetryable } from "#functions/services/messages/sms-channel.ts";
import { MESSAGE_ID, moneySent, PHONE, SIGN_NAME, tencentChannel, tencentRefusals } from "./fixtures.ts";
import { type ProviderServer, startProviderServer } from "./provider-server.ts";

const REQUEST_ID = "a0aabda6-cf91-4f3e-a81f-9198114a2279";

function status(code: string, message: string, serialNo = "", fee = 0) {
  return {
    status: 200,
    body: {
      Response: {
        SendStatusSet: [
          {
            SerialNo: serialNo,
            PhoneNumber: PHONE,
            Fee: fee,
            SessionContext: MESSAGE_ID,
            Code: code,
            Message: message,
            IsoCode: "CN",
          },
        ],
        RequestId: REQUEST_ID,
      },
    },
  };
}

const RECORDED = {
  success: status("Ok", "send success", "5000:1045710669157053657849499619", 1),
  throttled: status(
    "LimitExceeded.PhoneNumberThirtySecondLimit",
    "the number of sms messages sent from a single mobile number within 30 seconds exceeds the upper limit",
  ),
  badTemplate: {
    status: 200,
    body: {
      Response: {
        Error: {
          Code: "FailedOperation.TemplateIncorrectOrUnapproved",
          Message: "template is not approved or request content does not match the approved template content",
        },
        RequestId: REQUEST_ID,
      },
    },
  },
  invalidNumber: status("InvalidParameterValue.IncorrectPhoneNumber", "incorrect number format"),
  ...tencentRefusals(REQUEST_ID),
};

let server: ProviderServer;
let channel: TencentSmsChannel;

beforeAll(async () => {
  server = await startProviderServer();
  channel = tencentChannel(server.endpoint);
});
afterAll(() => server.close());

const send = () => channel.send({ messageId: MESSAGE_ID, phoneNumber: PHONE, message: moneySent() });

describe("Tencent Cloud SendSms", () => {
  it("success: SmsSdkAppId, SignName, TemplateId and the parameters in template order go out; the SerialNo comes back", async () => {
    server.answer(RECORDED.success);
    const result = await send();
    expect(result).toEqual({
      status: "sent",
      provider: "tencent",
      providerMessageId: "5000:1045710669157053657849499619",
    });
    const request = server.requests.at(-1)!;
    expect(request.headers["x-tc-action"]).toBe("SendSms");
    expect(request.headers["x-tc-version"]).toBe("2021-01-11");
    expect(String(request.headers.authorization)).toMatch(/^TC3-HMAC-SHA256 Credential=AKID-test-id\//);
    expect(JSON.parse(request.body)).toEqual({
      PhoneNumberSet: [PHONE],
      SmsSdkAppId: "1400006666",
      SignName: SIGN_NAME,
      TemplateId: "1110",
      // {1} salutation, {2} amount, {3} account tail, {4} bank — as they appear in the text.
      TemplateParamSet: ["张女士", "800.00", "0123", "中国农业银行"],
      SessionContext: MESSAGE_ID,
    });
  });

  it("throttled (LimitExceeded.PhoneNumberThirtySecondLimit in SendStatusSet): retried later", async () => {
    server.answer(RECORDED.throttled);
    const result = await send();
    expect(result).toMatchObject({ status: "throttled", code: "LimitExceeded.PhoneNumberThirtySecondLimit" });
    expect(isRetryable(result)).toBe(true);
  });

  it("throttled (RequestLimitExceeded thrown by the SDK): retried later", async () => {
    server.answer(RECORDED.requestLimit);
    expect(await send()).toMatchObject({ status: "throttled", code: "RequestLimitExceeded" });
  });

  it("bad template (FailedOperation.TemplateIncorrectOrUnapproved): rejected, not retried", async () => {
    server.answer(RECORDED.badTemplate);
    const result = await send();
    expect(result).toMatchObject({
      status: "rejected-template",
      code: "FailedOperation.TemplateIncorrectOrUnapproved",
    });
    expect(isRetryable(result)).toBe(false);
  });

  it("invalid number (InvalidParameterValue.IncorrectPhoneNumber): not retried", async () => {
    server.answer(RECORDED.invalidNumber);
    const result = await send();
    expect(result).toMatchObject({
      status: "invalid-number",
      code: "InvalidParameterValue.IncorrectPhoneNumber",
    });
    expect(isRetryable(result)).toBe(false);
  });

  it("a provider error (InternalError.Timeout) or an HTTP 502 is a failure, retried", async () => {
    server.answer(RECORDED.internalError);
    expect(await send()).toMatchObject({ status: "failed", code: "InternalError.Timeout" });
    server.answer({ status: 502, body: { message: "bad gateway" } });
    const result = await send();
    expect(result.status).toBe("failed");
    expect(isRetryable(result)).toBe(true);
  });
});
