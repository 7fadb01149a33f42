/**
 * Tencent Cloud SMS (短信, API 2021-01-11) behind the SMS channel port: SendSms with the county's
 * SmsSdkAppId, approved SignName, the event's TemplateId and TemplateParamSet — the rendered
 * variables in the order they appear in the template ({1}, {2}…); SessionContext carries AidFlow's
 * message id. A request-level error throws (`code`); a per-number error comes back in
 * SendStatusSet[0].Code. Both are mapped by code.
 *
 * Receipts are asked for (`pollReceipt`): PullSmsSendStatusByPhoneNumber over the number's sends
 * since this one (at most 7 days back), the one whose SerialNo is the send's, ReportStatus SUCCESS
 * or FAIL with the operator's Description. Chosen over PullSmsSendStatus (the app's queue of
 * receipts, each answered once: a dispatcher that failed after pulling would lose them) and over the
 * receipt callback (a public endpoint per deployment): asking by number is repeatable.
 */
import * as tencentcloud from "tencentcloud-sdk-nodejs-sms";
import type { TencentSmsSettings } from "#core/messages/smsSettings.ts";
import type {
  SmsReceiptPoll,
  SmsReceiptQuery,
  SmsSendRequest,
} from "#functions/services/messages/sms-channel.ts";
import type { TencentCredentials } from "./credentials.ts";
import { type ProviderAnswer, type ProviderCodes, TemplatedSmsChannel } from "./templated.ts";

/** 腾讯云《错误码》(短信 API 3.0 发送错误码): "later", "the text" or "the number"; else a failure. */
const CODES: ProviderCodes = {
  RequestLimitExceeded: "throttled",
  "LimitExceeded.DeliveryFrequencyLimit": "throttled",
  "LimitExceeded.PhoneNumberDailyLimit": "throttled",
  "LimitExceeded.PhoneNumberOneHourLimit": "throttled",
  "LimitExceeded.PhoneNumberThirtySecondLimit": "throttled",
  "LimitExceeded.PhoneNumberSameContentDailyLimit": "throttled",
  "LimitExceeded.DailyLimit": "throttled",
  "LimitExceeded.AppDailyLimit": "throttled",
  "FailedOperation.TemplateIncorrectOrUnapproved": "rejected-template",
  "FailedOperation.SignatureIncorrectOrUnapproved": "rejected-template",
  "FailedOperation.ContainSensitiveWord": "rejected-template",
  "FailedOperation.MissingSignature": "rejected-template",
  "FailedOperation.MissingTemplateToModify": "rejected-template",
  "InvalidParameterValue.TemplateParameterFormatError": "rejected-template",
  "InvalidParameterValue.TemplateParameterLengthLimit": "rejected-template",
  "InvalidParameterValue.ContentLengthLimit": "rejected-template",
  "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter": "rejected-template",
  "InvalidParameterValue.IncorrectPhoneNumber": "invalid-number",
  "FailedOperation.PhoneNumberInBlacklist": "invalid-number",
  "FailedOperation.PhoneNumberParseFail": "invalid-number",
  "UnsupportedOperation.UnsupportedRegion": "invalid-number",
};

export interface TencentSmsOptions {
  /** Overrides the API's host[:port]; tests point it at a local server. */
  endpoint?: string;
  /** "https://" (the default) or "http://". */
  protocol?: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const MS_PER_SECOND = 1000;
/**
 * Statuses one pull reads (the API's most): the number's sends since this one. The rate limit
 * (core/messages/delivery.ts: 5 a day) keeps far fewer than that within the receipt window.
 */
const PULL_LIMIT = 100;
/** Begins the range a little before the send: the provider stamps it with its own clock. */
const PULL_SLACK_SECONDS = 60;

type Client = InstanceType<typeof tencentcloud.sms.v20210111.Client>;

export class TencentSmsChannel extends TemplatedSmsChannel<TencentSmsSettings> {
  private readonly client: Client;

  constructor(
    settings: TencentSmsSettings,
    credentials: TencentCredentials,
    options: TencentSmsOptions = {},
  ) {
    super(settings);
    this.client = new tencentcloud.sms.v20210111.Client({
      credential: { secretId: credentials.secretId, secretKey: credentials.secretKey },
      region: settings.region,
      profile: {
        httpProfile: {
          ...(options.endpoint ? { endpoint: options.endpoint } : {}),
          ...(options.protocol ? { protocol: options.protocol } : {}),
          reqTimeout: Math.ceil((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / MS_PER_SECOND),
        },
      },
    });
  }

  protected async sendTemplate(templateId: string, request: SmsSendRequest): Promise<ProviderAnswer> {
    const { params, paramOrder } = request.message;
    const response = await this.client.SendSms({
      PhoneNumberSet: [request.phoneNumber],
      SmsSdkAppId: this.settings.smsSdkAppId,
      SignName: this.settings.signName,
      TemplateId: templateId,
      TemplateParamSet: paramOrder.map((name) => params[name] ?? ""),
      SessionContext: request.messageId,
    });
    const status = response.SendStatusSet?.[0];
    if (status?.Code === "Ok" && status.SerialNo) return { providerMessageId: status.SerialNo };
    return { code: status?.Code ?? "NO_STATUS", detail: status?.Message ?? `request ${response.RequestId}` };
  }

  protected async queryReceipt(query: SmsReceiptQuery): Promise<SmsReceiptPoll> {
    const response = await this.client.PullSmsSendStatusByPhoneNumber({
      BeginTime: Math.floor(query.sentAtMs / MS_PER_SECOND) - PULL_SLACK_SECONDS,
      EndTime: Math.ceil(query.nowMs / MS_PER_SECOND),
      Offset: 0,
      Limit: PULL_LIMIT,
      PhoneNumber: query.phoneNumber,
      SmsSdkAppId: this.settings.smsSdkAppId,
    });
    const report = (response.PullSmsSendStatusSet ?? []).find((s) => s.SerialNo === query.providerMessageId);
    if (report?.ReportStatus === "SUCCESS") {
      return { status: "delivered", code: "SUCCESS", detail: report.Description ?? "" };
    }
    if (report?.ReportStatus === "FAIL") {
      return { status: "failed", code: "FAIL", detail: report.Description ?? "" };
    }
    return { status: "pending" };
  }

  protected statusOf(code: string) {
    // Sub-codes of a throttling family (RequestLimitExceeded.IPLimitExceeded…) are throttling too.
    return CODES[code] ?? (code.startsWith("RequestLimitExceeded") ? "throttled" : "failed");
  }
}
