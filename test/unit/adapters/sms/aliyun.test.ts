/**
 * Alibaba Cloud SMS adapter (issue 24): the official SDK (@alicloud/dysmsapi20170525) sends its real,
 * signed SendSms request to a local server standing for dysmsapi.aliyuncs.com, which answers with
 * the responses documented by Alibaba Cloud (SendSms, API错误码). Each maps to one outcome of the port.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AliyunSmsChannel } from "#adapters/sms/aliyun.ts";
import { parseSmsSettings } from "#core/messages/smsSettings.ts";
import { isRetryable } from "#functions/services/messages/sms-channel.ts";
import { MESSAGE_ID, moneySent, PHONE, SIGN_NAME } from "./fixtures.ts";
import { type ProviderServer, startProviderServer } from "./provider-server.ts";

const REQUEST_ID = "F655A8D5-B967-440B-8683-DAD6FF8DE990";
const RECORDED = {
  success: {
    status: 200,
    body: { Code: "OK", Message: "OK", BizId: "9006197469364984^0", RequestId: REQUEST_ID },
  },
  throttled: {
    status: 200,
    body: { Code: "isv.BUSINESS_LIMIT_CONTROL", Message: "触发分钟级流控Permits:1", RequestId: REQUEST_ID },
  },
  badTemplate: {
    status: 200,
    body: { Code: "isv.SMS_TEMPLATE_ILLEGAL", Message: "该账号下找不到对应模板", RequestId: REQUEST_ID },
  },
  invalidNumber: {
    status: 200,
    body: { Code: "isv.MOBILE_NUMBER_ILLEGAL", Message: "非法手机号", RequestId: REQUEST_ID },
  },
  userFlowControl: {
    status: 400,
    body: {
      Code: "Throttling.User",
      Message: "Request was denied due to user flow control.",
      RequestId: REQUEST_ID,
    },
  },
  internalError: {
    status: 500,
    body: {
      Code: "InternalError",
      Message: "The request processing has failed due to some unknown error.",
      RequestId: REQUEST_ID,
    },
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

describe("Alibaba Cloud SendSms", () => {
  it("success: SignName, TemplateCode, TemplateParam JSON and OutId go out; the BizId comes back as the provider id", async () => {
    server.answer(RECORDED.success);
    const result = await channel.send({ messageId: MESSAGE_ID, phoneNumber: PHONE, message: moneySent() });
    expect(result).toEqual({ status: "sent", provider: "aliyun", providerMessageId: "9006197469364984^0" });
    const params = lastRequestParams();
    expect(server.requests.at(-1)!.headers["x-acs-action"] ?? params.get("Action")).toBe("SendSms");
    expect(params.get("PhoneNumbers")).toBe(PHONE);
    expect(params.get("SignName")).toBe(SIGN_NAME);
    expect(params.get("TemplateCode")).toBe("SMS_154950909");
    expect(params.get("OutId")).toBe(MESSAGE_ID);
    expect(JSON.parse(params.get("TemplateParam")!)).toEqual({
      salutation: "张女士",
      amount: "800.00",
      accountTail: "0123",
      bank: "中国农业银行",
    });
  });

  it("throttled (isv.BUSINESS_LIMIT_CONTROL): retried later", async () => {
    server.answer(RECORDED.throttled);
    const result = await channel.send({ messageId: MESSAGE_ID, phoneNumber: PHONE, message: moneySent() });
    expect(result).toMatchObject({ status: "throttled", code: "isv.BUSINESS_LIMIT_CONTROL" });
    expect(isRetryable(result)).toBe(true);
  });

  it("throttled at the gateway (HTTP 400 Throttling.User, thrown by the SDK): retried later", async () => {
    server.answer(RECORDED.userFlowControl);
    const result = await channel.send({ messageId: MESSAGE_ID, phoneNumber: PHONE, message: moneySent() });
    expect(result).toMatchObject({ status: "throttled", code: "Throttling.User" });
  });

  it("bad template (isv.SMS_TEMPLATE_ILLEGAL): rejected, not retried", async () => {
    server.answer(RECORDED.badTemplate);
    const result = await channel.send({ messageId: MESSAGE_ID, phoneNumber: PHONE, message: moneySent() });
    expect(result).toMatchObject({ status: "rejected-template", code: "isv.SMS_TEMPLATE_ILLEGAL" });
    expect(isRetryable(result)).toBe(false);
  });

  it("invalid number (isv.MOBILE_NUMBER_ILLEGAL): not retried", async () => {
    server.answer(RECORDED.invalidNumber);
    const result = await channel.send({ messageId: MESSAGE_ID, phoneNumber: PHONE, message: moneySent() });
    expect(result).toMatchObject({ status: "invalid-number", code: "isv.MOBILE_NUMBER_ILLEGAL" });
    expect(isRetryable(result)).toBe(false);
  });

  it("a provider error (HTTP 500 InternalError): failed, retried", async () => {
    server.answer(RECORDED.internalError);
    const result = await channel.send({ messageId: MESSAGE_ID, phoneNumber: PHONE, message: moneySent() });
    expect(result).toMatchObject({ status: "failed", code: "InternalError" });
    expect(isRetryable(result)).toBe(true);
  });

  it("an event with no template code and a number that is not E.164 send nothing", async () => {
    const before = server.requests.length;
    const closed = { ...moneySent(), event: "case-closed" as const };
    expect(await channel.send({ messageId: MESSAGE_ID, phoneNumber: PHONE, message: closed })).toMatchObject({
      status: "rejected-template",
      code: "NO_TEMPLATE_CODE",
    });
    expect(
      await channel.send({ messageId: MESSAGE_ID, phoneNumber: "138-1234", message: moneySent() }),
    ).toMatchObject({
      status: "invalid-number",
    });
    expect(server.requests.length).toBe(before);
  });
});
