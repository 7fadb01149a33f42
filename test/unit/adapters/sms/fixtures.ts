/** A rendered message as the dispatcher hands it to a channel, from the real templates. */

import { TencentSmsChannel } from "#adapters/sms/tencent.ts";
import { type RenderedMessage, renderMessage } from "#core/messages/render.ts";
import { parseSmsSettings } from "#core/messages/smsSettings.ts";
import { DEFAULT_TEMPLATES } from "#core/messages/templates.ts";

export const SIGN_NAME = "示例县民政局";
export const PHONE = "+8613812345678";
export const MESSAGE_ID = "C20261206-0a1b2c3d4e:money-sent:advance";

export function moneySent(): RenderedMessage {
  return renderMessage(
    {
      kind: "money-sent",
      values: { salutation: "张女士", amount: 80_000, bank: "中国农业银行", accountTail: "0123" },
    },
    { templates: DEFAULT_TEMPLATES, signName: SIGN_NAME },
  );
}

/** A Tencent Cloud channel of the county's settings, talking to the local provider server. */
export function tencentChannel(endpoint: string): TencentSmsChannel {
  const settings = parseSmsSettings({
    provider: "tencent",
    signName: SIGN_NAME,
    smsSdkAppId: "1400006666",
    templateIds: { "money-sent": "1110" },
  });
  if (settings.provider !== "tencent") throw new Error("tencent settings expected");
  return new TencentSmsChannel(
    settings,
    { secretId: "AKID-test-id", secretKey: "test-secret-of-sixteen" },
    { endpoint, protocol: "http://", timeoutMs: 5_000 },
  );
}

/** Tencent Cloud's answer to a call it refused as a whole (HTTP 200, `Response.Error`), as recorded. */
export function tencentError(code: string, message: string, requestId: string) {
  return {
    status: 200,
    body: { Response: { Error: { Code: code, Message: message }, RequestId: requestId } },
  };
}

/** The recorded refusals both Tencent Cloud calls answer: the API's rate limit and a timeout inside it. */
export const tencentRefusals = (requestId: string) => ({
  requestLimit: tencentError(
    "RequestLimitExceeded",
    "Your current request times equals to `3000` in a second",
    requestId,
  ),
  internalError: tencentError("InternalError.Timeout", "request timeout", requestId),
});
