/**
 * The SMS channel port: one call sends one rendered message to one phone through the
 * county's provider and answers with one of five outcomes, whatever the provider said. The dispatcher
 * decides from the outcome alone: `sent` records the provider's message id (receipts are matched on
 * it); `throttled` and `failed` are tried again later with backoff; `rejected-template` and
 * `invalid-number` are not (the text or the number must change first). An adapter never retries by
 * itself and never throws for a provider's answer: a throw is a programmer error.
 */
import type { RenderedMessage } from "#core/messages/render.ts";
import type { SmsProvider } from "#core/messages/smsSettings.ts";

export interface SmsSendRequest {
  /** AidFlow's message id: passed to the provider (OutId, SessionContext, Context) for receipts. */
  messageId: string;
  /** E.164, e.g. +8613812345678 (`toE164` turns a mainland 11-digit number into it). */
  phoneNumber: string;
  message: RenderedMessage;
}

export type SmsSendResult =
  | { status: "sent"; provider: SmsProvider; providerMessageId: string }
  | { status: "throttled"; provider: SmsProvider; code: string; detail: string }
  | { status: "rejected-template"; provider: SmsProvider; code: string; detail: string }
  | { status: "invalid-number"; provider: SmsProvider; code: string; detail: string }
  | { status: "failed"; provider: SmsProvider; code: string; detail: string };

export type SmsSendStatus = SmsSendResult["status"];

export interface SmsChannel {
  readonly provider: SmsProvider;
  send(request: SmsSendRequest): Promise<SmsSendResult>;
  /**
   * Asks the provider what became of one sent message (Alibaba Cloud QuerySendDetails, Tencent Cloud
   * PullSmsSendStatusByPhoneNumber). Absent where the provider pushes its receipts instead (AWS End
   * User Messaging's events, the local simulator). Never throws for a provider's answer.
   */
  pollReceipt?(query: SmsReceiptQuery): Promise<SmsReceiptPoll>;
}

/** A provider's report on one sent message (a status callback, an event or a poll). */
export interface SmsReceipt {
  /** AidFlow's message id, as the provider echoes it (OutId, SessionContext, Context). */
  messageId: string;
  /** The number it went to (E.164 or mainland 11 digits), when the receipt names it. */
  phone?: string;
  providerMessageId?: string;
  delivered: boolean;
  code?: string;
  detail?: string;
}

/** One sent message to ask a provider about. */
export interface SmsReceiptQuery {
  messageId: string;
  /** The provider's id of the send (BizId, SerialNo). */
  providerMessageId: string;
  /** E.164. */
  phoneNumber: string;
  /** When it was sent: the day or the time range the provider is asked about. */
  sentAtMs: number;
  nowMs: number;
}

/**
 * What a poll found: the handset's receipt (`delivered` / `failed`, the operator's code and words),
 * no receipt yet (`pending`), or no answer (`error`; `throttled` when the provider said "later").
 */
export type SmsReceiptPoll =
  | { status: "delivered" | "failed"; code: string; detail: string }
  | { status: "pending" }
  | { status: "error"; throttled: boolean; code: string; detail: string };

/** Whether sending the same message again later may succeed. */
export function isRetryable(result: SmsSendResult): boolean {
  return result.status === "throttled" || result.status === "failed";
}

const E164 = /^\+[1-9]\d{6,14}$/;
const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/** "13812345678" / "+86 138-1234-5678" → "+8613812345678"; other numbers must already be E.164. */
export function toE164(phone: string): string | undefined {
  const compact = phone.replace(/[\s-]/g, "");
  if (MAINLAND_MOBILE.test(compact)) return `+86${compact}`;
  return E164.test(compact) ? compact : undefined;
}

/** The outcome for a request whose number no provider could take: nothing is sent. */
export function invalidNumber(provider: SmsProvider): SmsSendResult {
  return { status: "invalid-number", provider, code: "E164", detail: "not an E.164 phone number" };
}

/** The outcome for an event the county registered no template code for: SMS cannot carry it. */
export function noTemplate(provider: SmsProvider, event: string): SmsSendResult {
  return {
    status: "rejected-template",
    provider,
    code: "NO_TEMPLATE_CODE",
    detail: `the county has no ${provider} template code for ${event}`,
  };
}
