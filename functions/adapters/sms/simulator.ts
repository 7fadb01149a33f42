/**
 * The local SMS simulator (local/sms-simulator/) behind the SMS channel port: the local runtime texts
 * every county through it, whatever provider the county chose — it stands where that provider would
 * and answers as it would (template code required for Alibaba Cloud and Tencent Cloud, throttling,
 * invalid numbers), then reports delivery by receipt. One JSON request per message:
 *
 *   POST <base>/v1/sms {messageId, phoneNumber, event, signName, text, signedText, params, templateCode?}
 *   → 200 {smsId} | 429 {code, detail} (throttled) | 400 {status: "invalid-number"|"rejected-template", code, detail}
 */
import { type SmsSettings, templateCodeOf } from "#core/messages/smsSettings.ts";
import {
  invalidNumber,
  noTemplate,
  type SmsChannel,
  type SmsSendRequest,
  type SmsSendResult,
} from "#functions/services/messages/sms-channel.ts";

const DEFAULT_TIMEOUT_MS = 5_000;
const HTTP_OK = 200;
const HTTP_TOO_MANY = 429;
const HTTP_BAD_REQUEST = 400;

export class SimulatorSmsChannel implements SmsChannel {
  readonly provider: SmsSettings["provider"];

  constructor(
    private readonly baseUrl: string,
    private readonly settings?: SmsSettings,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    // A county without settings is texted as by AWS End User Messaging: the text itself, no template.
    this.provider = settings?.provider ?? "aws";
  }

  async send(request: SmsSendRequest): Promise<SmsSendResult> {
    const templateCode = this.settings ? templateCodeOf(this.settings, request.message.event) : undefined;
    if (this.provider !== "aws" && !templateCode) return noTemplate(this.provider, request.message.event);
    if (!/^\+[1-9]\d{6,14}$/.test(request.phoneNumber)) return invalidNumber(this.provider);
    const m = request.message;
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/v1/sms`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          messageId: request.messageId,
          phoneNumber: request.phoneNumber,
          event: m.event,
          signName: m.signName,
          text: m.text,
          signedText: m.signedText,
          params: m.params,
          ...(templateCode ? { templateCode } : {}),
        }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      return {
        status: "failed",
        provider: this.provider,
        code: "NETWORK",
        detail: String((error as Error).message),
      };
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    return this.outcome(response.status, body);
  }

  private outcome(status: number, body: Record<string, unknown>): SmsSendResult {
    const code = typeof body.code === "string" ? body.code : `HTTP_${status}`;
    const detail = typeof body.detail === "string" ? body.detail : "";
    if (status === HTTP_OK && typeof body.smsId === "string") {
      return { status: "sent", provider: this.provider, providerMessageId: body.smsId };
    }
    if (status === HTTP_TOO_MANY) return { status: "throttled", provider: this.provider, code, detail };
    if (
      status === HTTP_BAD_REQUEST &&
      (body.status === "invalid-number" || body.status === "rejected-template")
    ) {
      return { status: body.status, provider: this.provider, code, detail };
    }
    return { status: "failed", provider: this.provider, code, detail };
  }
}
