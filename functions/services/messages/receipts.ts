/**
 * Receipts that are asked for: Alibaba Cloud (QuerySendDetails) and Tencent Cloud
 * (PullSmsSendStatusByPhoneNumber) are polled from the dispatcher's schedule (every 5 minutes in
 * AWS, infra/sms-dispatch.ts; locally every poll of the SMS service, where the simulator pushes
 * its receipts and nothing is asked for). AWS End User Messaging pushes its receipts instead
 * (EventBridge → `SmsDispatcher.recordReceipt`).
 *
 * Why polling and not the providers' pushes: Alibaba Cloud pushes receipts to an MNS queue or an
 * HTTP endpoint and Tencent Cloud to a callback URL — each a public, signed endpoint per deployment
 * (API Gateway route, its secret, its abuse surface), for what one scheduled function already does.
 * The cost is a delay of at most one schedule period, and a few provider calls per message.
 *
 * Which deliveries: those `sent` through a channel that answers `pollReceipt`, found through the
 * delivery store's receipt index (`receiptsDue`: earliest first, at most `RECEIPT_POLL.perRunMax` a
 * run). Each is asked at `firstAfterMs` after its send, then after intervals doubling up to
 * `maxIntervalMs`, and no more once `windowMs` (72 h: operators' receipts come within it; after it
 * End User Messaging too reports UNKNOWN) has passed since the send: such a delivery stays `sent`,
 * with a `receipt` step `NO_RECEIPT` in its history. A receipt found is recorded like a pushed one
 * (idempotent: a receipt that came meanwhile wins, nothing changes twice).
 */
import type { SmsDelivery } from "#adapters/sms-delivery-store.ts";
import type { DispatcherDeps, SmsDispatcher } from "./dispatcher.ts";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export const RECEIPT_POLL = {
  /** The first question after the send: receipts mostly come within seconds to minutes. */
  firstAfterMs: 2 * MINUTE_MS,
  /** Intervals double from `firstAfterMs` up to this. */
  maxIntervalMs: 6 * HOUR_MS,
  /** No question after this since the send: the operators' receipt window. */
  windowMs: 72 * HOUR_MS,
  /** Deliveries asked about in one run (a bound on provider calls per schedule period). */
  perRunMax: 100,
} as const;

/** When a delivery sent at `sentAtMs` is first asked about. */
export function firstReceiptPollAtMs(sentAtMs: number): number {
  return sentAtMs + RECEIPT_POLL.firstAfterMs;
}

/**
 * When to ask again after `polls` questions without a receipt (the last at the window's end), or
 * undefined: the window has passed, stop asking.
 */
export function nextReceiptPollAtMs(sentAtMs: number, polls: number, nowMs: number): number | undefined {
  const endMs = sentAtMs + RECEIPT_POLL.windowMs;
  if (nowMs >= endMs) return undefined;
  const intervalMs = Math.min(RECEIPT_POLL.firstAfterMs * 2 ** polls, RECEIPT_POLL.maxIntervalMs);
  return Math.min(nowMs + intervalMs, endMs);
}

export interface ReceiptRun {
  /** Receipts found and recorded (delivered or failed). */
  recorded: number;
  /** Asked, no receipt yet: asked again later. */
  pending: number;
  /** Questions the provider did not answer (errors, throttling): asked again later. */
  errors: number;
  /** Deliveries no longer asked about (window passed; no phone, channel or poll any more). */
  stopped: number;
}

type PollerDeps = Pick<DispatcherDeps, "messages" | "deliveries" | "phones" | "channelFor" | "nowMs">;
type Outcome = { kind: keyof ReceiptRun; throttled?: boolean };

export class ReceiptPoller {
  constructor(
    private readonly deps: PollerDeps,
    private readonly dispatcher: Pick<SmsDispatcher, "recordReceipt">,
  ) {}

  /**
   * Asks about every delivery due (at most `perRunMax`). A provider that answers "throttled" is not
   * asked again in this run for the same county (its deliveries wait for their next time).
   */
  async pollDue(): Promise<ReceiptRun> {
    const run: ReceiptRun = { recorded: 0, pending: 0, errors: 0, stopped: 0 };
    const due = await this.deps.deliveries.receiptsDue(this.deps.nowMs(), RECEIPT_POLL.perRunMax);
    const throttled = new Set<string>();
    for (const ref of due) {
      const delivery = await this.deps.deliveries.get(ref.messageId, ref.recipientKey);
      if (delivery?.status !== "sent" || throttled.has(delivery.countyId)) continue;
      const outcome = await this.pollOne(delivery).catch(async (): Promise<Outcome> => {
        // The county's channel could not be built (its keys removed since the send): asked again
        // later, so that one delivery does not hold up the others of the run.
        await this.askLater(delivery);
        return { kind: "errors" };
      });
      run[outcome.kind]++;
      if (outcome.throttled) throttled.add(delivery.countyId);
    }
    return run;
  }

  private async pollOne(delivery: SmsDelivery): Promise<Outcome> {
    const { deliveries } = this.deps;
    const nowMs = this.deps.nowMs();
    const at = new Date(nowMs);
    const sentAtMs = Date.parse(delivery.sentAt ?? delivery.updatedAt);
    const stop = async (code: string): Promise<Outcome> => {
      await deliveries.rescheduleReceipt(delivery.messageId, delivery.recipientKey, undefined, at, code);
      return { kind: "stopped" };
    };
    const message = await this.deps.messages.get(delivery.countyId, delivery.messageId);
    if (!message || !delivery.providerMessageId) return stop("NO_RECEIPT_QUERY");
    const settings = (await this.deps.messages.countySettings(delivery.countyId))?.sms;
    const channel = this.deps.channelFor(delivery.countyId, settings);
    // The county changed provider since the send: the new one knows nothing of it.
    if (!channel?.pollReceipt || channel.provider !== delivery.provider) return stop("NO_RECEIPT_QUERY");
    const recipients = await this.deps.phones.recipientsOf(message);
    const phone = recipients.find((r) => r.key === delivery.recipientKey)?.phone;
    if (!phone || deliveries.phoneKey(phone) !== delivery.phoneKey) return stop("NO_RECEIPT_QUERY");

    const answer = await channel.pollReceipt({
      messageId: delivery.messageId,
      providerMessageId: delivery.providerMessageId,
      phoneNumber: phone,
      sentAtMs,
      nowMs,
    });
    if (answer.status === "delivered" || answer.status === "failed") {
      await this.dispatcher.recordReceipt({
        messageId: delivery.messageId,
        phone,
        providerMessageId: delivery.providerMessageId,
        delivered: answer.status === "delivered",
        code: answer.code,
        ...(answer.detail ? { detail: answer.detail } : {}),
      });
      return { kind: "recorded" };
    }
    if (!(await this.askLater(delivery))) return { kind: "stopped" };
    return answer.status === "error" ? { kind: "errors", throttled: answer.throttled } : { kind: "pending" };
  }

  /** Asks again at the next time of the schedule, or stops asking once the window has passed. */
  private async askLater(delivery: SmsDelivery): Promise<boolean> {
    const nowMs = this.deps.nowMs();
    const sentAtMs = Date.parse(delivery.sentAt ?? delivery.updatedAt);
    const next = nextReceiptPollAtMs(sentAtMs, (delivery.receiptPolls ?? 0) + 1, nowMs);
    await this.deps.deliveries.rescheduleReceipt(
      delivery.messageId,
      delivery.recipientKey,
      next,
      new Date(nowMs),
      next === undefined ? "NO_RECEIPT" : undefined,
    );
    return next !== undefined;
  }
}
