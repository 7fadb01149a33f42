/**
 * Alibaba Cloud SMS (短信服务, dysmsapi 2017-05-25) behind the SMS channel port: SendSms with the
 * county's approved SignName, the event's TemplateCode and TemplateParam as JSON of the rendered
 * variables by name; OutId carries AidFlow's message id. The SDK answers HTTP 200 with `Code` for
 * business errors and throws (with `code`) for HTTP 4xx/5xx; both are mapped by code.
 *
 * Receipts are asked for (`pollReceipt`): QuerySendDetails by the number, the send's day (Beijing
 * time, yyyyMMdd) and its BizId answers the send's SendStatus — 1 waiting for the operator's receipt,
 * 2 failed, 3 delivered — with the operator's ErrCode (DELIVERED, or the failure's code). Polling was
 * chosen over Alibaba Cloud's receipt push (MNS queue or HTTP SmsReport) because a push needs a public
 * endpoint or an MNS queue per deployment, and the dispatcher's schedule already runs every 5 minutes.
 */
import * as dysms from "@alicloud/dysmsapi20170525";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import type { AliyunSmsSettings } from "#core/messages/smsSettings.ts";
import type {
  SmsReceiptPoll,
  SmsReceiptQuery,
  SmsSendRequest,
} from "#functions/services/messages/sms-channel.ts";
import type { AliyunCredentials } from "./credentials.ts";
import { type ProviderAnswer, type ProviderCodes, TemplatedSmsChannel } from "./templated.ts";

/** 阿里云《API错误码》: codes that say "later", "the text" or "the number". Anything else is a failure. */
const CODES: ProviderCodes = {
  "isv.BUSINESS_LIMIT_CONTROL": "throttled",
  "isv.DAY_LIMIT_CONTROL": "throttled",
  "isv.MONTH_LIMIT_CONTROL": "throttled",
  Throttling: "throttled",
  "Throttling.User": "throttled",
  "Throttling.Api": "throttled",
  "isv.SMS_TEMPLATE_ILLEGAL": "rejected-template",
  "isv.SMS_SIGNATURE_ILLEGAL": "rejected-template",
  "isv.SMS_SIGNATURE_SCENE_ILLEGAL": "rejected-template",
  "isv.SMS_SIGN_ILLEGAL": "rejected-template",
  "isv.SIGN_STATE_ILLEGAL": "rejected-template",
  "isv.SMS_CONTENT_ILLEGAL": "rejected-template",
  "isv.TEMPLATE_MISSING_PARAMETERS": "rejected-template",
  "isv.TEMPLATE_PARAMS_ILLEGAL": "rejected-template",
  "isv.INVALID_JSON_PARAM": "rejected-template",
  "isv.PARAM_LENGTH_LIMIT": "rejected-template",
  "isv.PARAM_NOT_SUPPORT_URL": "rejected-template",
  "isv.MOBILE_NUMBER_ILLEGAL": "invalid-number",
  "isv.DOMESTIC_NUMBER_NOT_SUPPORTED": "invalid-number",
  "isv.BLACK_KEY_CONTROL_LIMIT": "rejected-template",
};

export interface AliyunSmsOptions {
  /** Overrides the settings' endpoint (host[:port]); tests point it at a local server. */
  endpoint?: string;
  protocol?: "HTTPS" | "HTTP";
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** QuerySendDetails' SendStatus values (阿里云 QuerySendDetails). */
const SEND_STATUS = { waiting: 1, failed: 2, delivered: 3 } as const;
/** Records of one send asked for: with a BizId there is one (a page of 1–50 is required). */
const DETAILS_PAGE_SIZE = 10;
/** Alibaba Cloud dates a send in Beijing time (UTC+8, no daylight saving). */
const BEIJING_OFFSET_MS = 8 * 3_600_000;

type ClientClass = typeof dysms.default.default;
type Client = InstanceType<ClientClass>;

/**
 * The SDK is CommonJS with `exports.default = Client`: under Node's ESM the default import is the
 * whole module and the class is one level down; a bundler's interop may already have unwrapped it.
 */
function clientClass(): ClientClass {
  const exported = dysms.default as unknown as { default?: ClientClass };
  return exported.default ?? (dysms.default as unknown as ClientClass);
}

export class AliyunSmsChannel extends TemplatedSmsChannel<AliyunSmsSettings> {
  private readonly client: Client;

  constructor(settings: AliyunSmsSettings, credentials: AliyunCredentials, options: AliyunSmsOptions = {}) {
    super(settings);
    const Dysms = clientClass();
    this.client = new Dysms(
      new $OpenApiUtil.Config({
        accessKeyId: credentials.accessKeyId,
        accessKeySecret: credentials.accessKeySecret,
        endpoint: options.endpoint ?? settings.endpoint,
        protocol: options.protocol ?? "HTTPS",
        readTimeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        connectTimeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      }),
    );
  }

  protected async sendTemplate(templateCode: string, request: SmsSendRequest): Promise<ProviderAnswer> {
    const response = await this.client.sendSms(
      new dysms.SendSmsRequest({
        phoneNumbers: request.phoneNumber,
        signName: this.settings.signName,
        templateCode,
        templateParam: JSON.stringify(request.message.params),
        outId: request.messageId,
      }),
    );
    const body = response.body;
    if (body?.code === "OK" && body.bizId) return { providerMessageId: body.bizId };
    return { code: body?.code ?? "NO_CODE", detail: body?.message ?? `HTTP ${response.statusCode}` };
  }

  protected async queryReceipt(query: SmsReceiptQuery): Promise<SmsReceiptPoll> {
    const response = await this.client.querySendDetails(
      new dysms.QuerySendDetailsRequest({
        phoneNumber: queryNumber(query.phoneNumber),
        bizId: query.providerMessageId,
        sendDate: beijingDay(query.sentAtMs),
        pageSize: DETAILS_PAGE_SIZE,
        currentPage: 1,
      }),
    );
    const body = response.body;
    if (body?.code !== "OK") {
      return this.pollError(body?.code ?? "NO_CODE", body?.message ?? `HTTP ${response.statusCode}`);
    }
    const details = body.smsSendDetailDTOs?.smsSendDetailDTO ?? [];
    // The BizId names the send; OutId (AidFlow's message id) confirms it when the record has one.
    const detail = details.find((d) => d.outId === query.messageId) ?? details.find((d) => !d.outId);
    if (!detail || detail.sendStatus === SEND_STATUS.waiting) return { status: "pending" };
    if (detail.sendStatus === SEND_STATUS.delivered) {
      return { status: "delivered", code: detail.errCode || "DELIVERED", detail: "" };
    }
    if (detail.sendStatus === SEND_STATUS.failed) {
      return { status: "failed", code: detail.errCode || "FAILED", detail: "" };
    }
    return { status: "pending" };
  }

  protected statusOf(code: string) {
    return CODES[code] ?? "failed";
  }
}

/** QuerySendDetails takes a mainland number as its 11 digits, any other as country code + number. */
function queryNumber(phoneE164: string): string {
  return phoneE164.startsWith("+86") ? phoneE164.slice(3) : phoneE164.replace(/^\+/, "");
}

/** yyyyMMdd of the instant in Beijing time. */
function beijingDay(atMs: number): string {
  return new Date(atMs + BEIJING_OFFSET_MS).toISOString().slice(0, 10).replaceAll("-", "");
}
