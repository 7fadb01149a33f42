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
}

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
