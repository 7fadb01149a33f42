/**
 * The send and poll skeleton of the providers whose texts are registered templates (Alibaba Cloud,
 * Tencent Cloud): the county's template code for the event, an E.164 number, one provider call, and
 * the provider's answer — its message id, or a code mapped to one of the port's outcomes. What each
 * provider asks and answers stays in its adapter; how an answer becomes an outcome lives here once.
 */
import {
  type AliyunSmsSettings,
  type TencentSmsSettings,
  templateCodeOf,
} from "#core/messages/smsSettings.ts";
import {
  invalidNumber,
  noTemplate,
  type SmsChannel,
  type SmsReceiptPoll,
  type SmsReceiptQuery,
  type SmsSendRequest,
  type SmsSendResult,
  type SmsSendStatus,
} from "#functions/services/messages/sms-channel.ts";

/** What a provider answered a send: its id of the message when it took it, else its code and words. */
export type ProviderAnswer = { providerMessageId: string } | { code: string; detail: string };

/** A provider's documented codes that say "later", "the text" or "the number". */
export type ProviderCodes = Readonly<Record<string, Exclude<SmsSendStatus, "sent" | "failed">>>;

const E164 = /^\+[1-9]\d{6,14}$/;

export abstract class TemplatedSmsChannel<Settings extends AliyunSmsSettings | TencentSmsSettings>
  implements SmsChannel
{
  constructor(protected readonly settings: Settings) {}

  get provider(): Settings["provider"] {
    return this.settings.provider;
  }

  /**
   * No provider call without a template code for the event or without an E.164 number; a thrown
   * provider error is an answer like any other (the port never throws for one).
   */
  async send(request: SmsSendRequest): Promise<SmsSendResult> {
    const templateCode = templateCodeOf(this.settings, request.message.event);
    if (!templateCode) return noTemplate(this.provider, request.message.event);
    if (!E164.test(request.phoneNumber)) return invalidNumber(this.provider);
    let answer: ProviderAnswer;
    try {
      answer = await this.sendTemplate(templateCode, request);
    } catch (error) {
      answer = thrownAnswer(error);
    }
    if ("providerMessageId" in answer) {
      return { status: "sent", provider: this.provider, providerMessageId: answer.providerMessageId };
    }
    const { code, detail } = answer;
    return { status: this.statusOf(code), provider: this.provider, code, detail };
  }

  /** A thrown provider error becomes an `error` poll. */
  async pollReceipt(query: SmsReceiptQuery): Promise<SmsReceiptPoll> {
    try {
      return await this.queryReceipt(query);
    } catch (error) {
      const { code, detail } = thrownAnswer(error);
      return this.pollError(code, detail);
    }
  }

  /** The `error` poll for a provider's refusal: throttled when its code says "later". */
  protected pollError(code: string, detail: string): SmsReceiptPoll {
    return { status: "error", throttled: this.statusOf(code) === "throttled", code, detail };
  }

  /** The port's outcome for one of the provider's codes (one it does not document is a failure). */
  protected abstract statusOf(code: string): Exclude<SmsSendStatus, "sent">;

  /** The provider's send of the template to `request.phoneNumber`. */
  protected abstract sendTemplate(templateCode: string, request: SmsSendRequest): Promise<ProviderAnswer>;

  /** The provider's record of one send: pending until the operator's receipt is in. */
  protected abstract queryReceipt(query: SmsReceiptQuery): Promise<SmsReceiptPoll>;
}

/**
 * The code and words of a provider SDK's thrown error. Both SDKs put the provider's code on `code`;
 * Alibaba Cloud's Tea errors stringify a missing one as "undefined".
 */
function thrownAnswer(error: unknown): { code: string; detail: string } {
  const { code, message } = error as { code?: unknown; message?: unknown };
  const known = typeof code === "string" && code !== "" && code !== "undefined";
  return { code: known ? code : "ERROR", detail: String(message) };
}
