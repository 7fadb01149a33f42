/**
 * The SMS dispatcher: every stored message (functions/adapters/message-store.ts)
 * goes to each recipient's phone through the county's SMS channel at least once, deduplicated by
 * message id and recipient (a conditional claim: two dispatchers never both send it), under the
 * delivery policy of core/messages/delivery.ts (quiet hours, rate limit, opt-out, retries with
 * backoff, unreachable numbers), with the provider's receipts recorded per delivery (pushed:
 * `recordReceipt`; asked for: functions/services/messages/receipts.ts). The inbox does not depend on
 * any of this: it shows the message whatever happens to its SMS.
 *
 * Fed in AWS by the main table's stream (new message items) and a schedule (deferred and retried
 * deliveries), locally by a poll of the store (local/sms-simulator/service.ts).
 */

import type { MessageStore, StoredMessage } from "#adapters/message-store.ts";
import type { SmsDelivery, SmsDeliveryStore } from "#adapters/sms-delivery-store.ts";
import type { StaffUser, UserDirectory } from "#adapters/user-directory.ts";
import { maskPhone } from "#core/identity/masking.ts";
import { deliveryDecision, isOptOutReply, isUnreachable, retryDelayMs } from "#core/messages/delivery.ts";
import type { SmsSettings } from "#core/messages/smsSettings.ts";
import { firstReceiptPollAtMs } from "./receipts.ts";
import { type SmsChannel, type SmsReceipt, type SmsSendResult, toE164 } from "./sms-channel.ts";

export type { SmsReceipt } from "./sms-channel.ts";

/** How long a claim holds a delivery: longer than one provider call with its timeout. */
export const CLAIM_LEASE_MS = 60_000;
const APPLICANT = "applicant";
const userKey = (userId: string) => `user:${userId}`;

/** Who a message goes to by SMS, each with the phone (E.164) to use, if known. */
export interface SmsRecipient {
  key: string;
  phone?: string;
}

/** Resolves a message's recipients to phones at send time (the message stores none). */
export interface PhoneBook {
  recipientsOf(message: StoredMessage): Promise<SmsRecipient[]>;
}

export interface DispatcherDeps {
  messages: Pick<MessageStore, "get" | "countySettings">;
  deliveries: SmsDeliveryStore;
  phones: PhoneBook;
  /** The county's channel, from its stored SMS settings; undefined: the county sends no SMS. */
  channelFor(countyId: string, settings: SmsSettings | undefined): SmsChannel | undefined;
  nowMs(): number;
  /** In [0, 1): the retry jitter. */
  random(): number;
}

/** Phones from the user directory (staff) and the contact the case is texted on (applicant). */
export class DirectoryPhoneBook implements PhoneBook {
  constructor(
    private readonly users: Pick<UserDirectory, "usersOf">,
    private readonly deliveries: Pick<SmsDeliveryStore, "applicantPhone">,
  ) {}

  async recipientsOf(message: StoredMessage): Promise<SmsRecipient[]> {
    const to = message.recipient;
    if (to.kind === "applicant") {
      const phone = await this.deliveries.applicantPhone(message.countyId, to.caseId);
      const e164 = phone ? toE164(phone) : undefined;
      return [{ key: APPLICANT, ...(e164 ? { phone: e164 } : {}) }];
    }
    const staff = await this.users.usersOf(to.countyId);
    return staff
      .filter((user) => addressed(user, to))
      .flatMap((user) => {
        const e164 = user.phone ? toE164(user.phone) : undefined;
        return e164 ? [{ key: userKey(user.userId), phone: e164 }] : [];
      });
  }
}

function addressed(user: StaffUser, to: Extract<StoredMessage["recipient"], { kind: "staff" }>): boolean {
  if (!user.active || !user.roles.includes(to.role)) return false;
  return to.townshipId === undefined || user.townshipId === to.townshipId;
}

export class SmsDispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  /** A new message: one delivery per recipient (created once), each attempted now. */
  async dispatchMessage(countyId: string, messageId: string): Promise<SmsDelivery[]> {
    const message = await this.deps.messages.get(countyId, messageId);
    if (!message) return [];
    const at = new Date(this.deps.nowMs());
    const recipients = await this.deps.phones.recipientsOf(message);
    const results: SmsDelivery[] = [];
    for (const recipient of recipients) {
      await this.deps.deliveries.ensure(
        {
          messageId,
          recipientKey: recipient.key,
          countyId,
          ...(message.caseId ? { caseId: message.caseId } : {}),
          event: message.event.kind,
          ...(recipient.phone
            ? {
                phoneKey: this.deps.deliveries.phoneKey(recipient.phone),
                phoneMasked: maskPhone(recipient.phone),
              }
            : {}),
        },
        at,
      );
      const after = await this.attemptWith(message, recipient);
      if (after) results.push(after);
    }
    return results;
  }

  /** Every delivery due now (deferred to this hour, a retry's time, a lapsed claim). */
  async runDue(): Promise<number> {
    const due = await this.deps.deliveries.due(this.deps.nowMs());
    for (const ref of due) await this.attempt(ref.messageId, ref.recipientKey);
    return due.length;
  }

  /** One delivery, if it is due: decided, claimed and sent, or deferred or suppressed. */
  async attempt(messageId: string, recipientKey: string): Promise<SmsDelivery | undefined> {
    const delivery = await this.deps.deliveries.get(messageId, recipientKey);
    if (!delivery) return undefined;
    const message = await this.deps.messages.get(delivery.countyId, messageId);
    if (!message) return delivery;
    const recipients = await this.deps.phones.recipientsOf(message);
    const recipient = recipients.find((r) => r.key === recipientKey) ?? { key: recipientKey };
    return this.attemptWith(message, recipient);
  }

  private async attemptWith(
    message: StoredMessage,
    recipient: SmsRecipient,
  ): Promise<SmsDelivery | undefined> {
    const { deliveries } = this.deps;
    const nowMs = this.deps.nowMs();
    const at = new Date(nowMs);
    const delivery = await deliveries.get(message.messageId, recipient.key);
    if (!delivery || !isDue(delivery, nowMs)) return delivery;
    const waiting: SmsDelivery["status"][] = ["queued", "deferred", "sending"];
    const settings = (await this.deps.messages.countySettings(message.countyId))?.sms;
    const channel = this.deps.channelFor(message.countyId, settings);
    if (!channel) {
      await deliveries.advance(message.messageId, recipient.key, waiting, {
        status: "suppressed",
        at,
        reason: "no-channel",
      });
      return deliveries.get(message.messageId, recipient.key);
    }
    if (!recipient.phone) {
      await deliveries.advance(message.messageId, recipient.key, waiting, {
        status: "suppressed",
        at,
        reason: "no-phone",
      });
      return deliveries.get(message.messageId, recipient.key);
    }
    const phoneKey = deliveries.phoneKey(recipient.phone);
    const number = await deliveries.numberState(phoneKey);
    const decision = deliveryDecision({
      event: message.event.kind,
      nowMs,
      optedOut: number.optedOut !== undefined,
      unreachable: number.unreachable !== undefined,
      recentSendsMs: number.recentSendsMs,
    });
    if (decision.action === "suppress") {
      await deliveries.advance(message.messageId, recipient.key, waiting, {
        status: "suppressed",
        at,
        reason: decision.reason,
      });
    } else if (decision.action === "defer") {
      await deliveries.advance(message.messageId, recipient.key, waiting, {
        status: "deferred",
        at,
        reason: decision.reason,
        nextAttemptAtMs: decision.untilMs,
      });
    } else if (await deliveries.claim(message.messageId, recipient.key, at, nowMs + CLAIM_LEASE_MS)) {
      const result = await channel.send({
        messageId: message.messageId,
        phoneNumber: recipient.phone,
        message: message.rendered,
      });
      await this.recordOutcome(message, recipient.key, phoneKey, result, channel.pollReceipt !== undefined);
    }
    return deliveries.get(message.messageId, recipient.key);
  }

  /** What the provider answered, recorded by the claim's holder (from `sending` only). */
  private async recordOutcome(
    message: StoredMessage,
    recipientKey: string,
    phoneKey: string,
    result: SmsSendResult,
    /** The channel's receipts are asked for (not pushed): the delivery enters the receipt index. */
    pollsReceipts: boolean,
  ): Promise<void> {
    const { deliveries } = this.deps;
    const nowMs = this.deps.nowMs();
    const at = new Date(nowMs);
    const current = await deliveries.get(message.messageId, recipientKey);
    const attempts = (current?.attempts ?? 0) + 1;
    const base = { at, attempts, provider: result.provider };
    if (result.status === "sent") {
      await deliveries.advance(message.messageId, recipientKey, ["sending"], {
        ...base,
        status: "sent",
        providerMessageId: result.providerMessageId,
        ...(pollsReceipts ? { receiptPollAtMs: firstReceiptPollAtMs(nowMs) } : {}),
      });
      await deliveries.recordSend(phoneKey, nowMs);
      return;
    }
    const failure = { ...base, code: result.code, detail: result.detail };
    if (result.status === "throttled" || result.status === "failed") {
      const delayMs = retryDelayMs(attempts, this.deps.random);
      if (delayMs !== undefined) {
        await deliveries.advance(message.messageId, recipientKey, ["sending"], {
          ...failure,
          status: "deferred",
          reason: "retry",
          nextAttemptAtMs: nowMs + delayMs,
        });
        return;
      }
    }
    if (result.status === "rejected-template" && result.code === "NO_TEMPLATE_CODE") {
      await deliveries.advance(message.messageId, recipientKey, ["sending"], {
        ...failure,
        status: "suppressed",
        reason: "no-template",
      });
      return;
    }
    await deliveries.advance(message.messageId, recipientKey, ["sending"], { ...failure, status: "failed" });
    // A bad template is the county's to fix; it says nothing about the number.
    if (result.status !== "rejected-template") {
      await this.numberFailed(message, phoneKey, result.status === "invalid-number", at);
    }
  }

  /** One more failure for good on a number; unreachable → the case says to phone instead. */
  private async numberFailed(
    message: StoredMessage,
    phoneKey: string,
    invalid: boolean,
    at: Date,
  ): Promise<void> {
    const state = await this.deps.deliveries.updateNumber(phoneKey, (s) => {
      const failures = s.consecutiveFailures + 1;
      const unreachable =
        s.unreachable ??
        (isUnreachable(failures, invalid)
          ? {
              at: at.toISOString(),
              reason: invalid ? ("invalid-number" as const) : ("repeated-failures" as const),
            }
          : undefined);
      return { ...s, consecutiveFailures: failures, ...(unreachable ? { unreachable } : {}) };
    });
    if (state.unreachable && message.recipient.kind === "applicant") {
      await this.deps.deliveries.markUnreachable(message.countyId, message.recipient.caseId, at);
    }
  }

  /**
   * A provider's receipt: the delivery it names becomes `delivered` or `failed`. A receipt for a
   * delivery still `sending` (the dispatcher died before recording the send) records the send too.
   * Idempotent: a repeated or late receipt (the delivery already `delivered` or `failed`) changes
   * nothing. Undefined when no delivery matches (a message AidFlow does not know): nothing changes.
   */
  async recordReceipt(receipt: SmsReceipt): Promise<SmsDelivery | undefined> {
    const { deliveries } = this.deps;
    const at = new Date(this.deps.nowMs());
    const phone = receipt.phone ? toE164(receipt.phone) : undefined;
    const phoneKey = phone ? deliveries.phoneKey(phone) : undefined;
    const all = await deliveries.ofMessage(receipt.messageId);
    const delivery = all.find(
      (d) =>
        (phoneKey !== undefined && d.phoneKey === phoneKey) ||
        (receipt.providerMessageId !== undefined && d.providerMessageId === receipt.providerMessageId),
    );
    if (!delivery) return undefined;
    const moved = await deliveries.advance(delivery.messageId, delivery.recipientKey, ["sending", "sent"], {
      status: receipt.delivered ? "delivered" : "failed",
      at,
      ...(receipt.providerMessageId ? { providerMessageId: receipt.providerMessageId } : {}),
      ...(receipt.code ? { code: receipt.code } : {}),
      ...(receipt.detail ? { detail: receipt.detail } : {}),
      ...(delivery.status === "sending" ? { attempts: delivery.attempts + 1 } : {}),
    });
    if (moved && delivery.status === "sending" && delivery.phoneKey) {
      await deliveries.recordSend(delivery.phoneKey, at.getTime());
    }
    if (moved && receipt.delivered && delivery.phoneKey) await deliveries.recordDelivered(delivery.phoneKey);
    if (moved && !receipt.delivered && delivery.phoneKey) {
      const message = await this.deps.messages.get(delivery.countyId, delivery.messageId);
      if (message) await this.numberFailed(message, delivery.phoneKey, false, at);
    }
    return deliveries.get(delivery.messageId, delivery.recipientKey);
  }

  /** An SMS reply: TD/退订 opts the number out (recorded with when and how); anything else is ignored. */
  async recordReply(phone: string, text: string): Promise<boolean> {
    const e164 = toE164(phone);
    if (!e164 || !isOptOutReply(text)) return false;
    await this.optOut(e164, "sms-reply", "sms-reply");
    return true;
  }

  /** Records an opt-out (the first one is kept): no SMS to the number from now on; the inbox still gets them. */
  async optOut(phoneE164: string, by: string, via: "sms-reply" | "township"): Promise<void> {
    const at = new Date(this.deps.nowMs()).toISOString();
    await this.deps.deliveries.updateNumber(this.deps.deliveries.phoneKey(phoneE164), (s) => ({
      ...s,
      optedOut: s.optedOut ?? { at, by, via },
    }));
  }
}

function isDue(delivery: SmsDelivery, nowMs: number): boolean {
  if (delivery.status === "queued") return true;
  if (delivery.status === "deferred") return (delivery.nextAttemptAtMs ?? 0) <= nowMs;
  if (delivery.status === "sending") return (delivery.claimUntilMs ?? 0) < nowMs;
  return false;
}
