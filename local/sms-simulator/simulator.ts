/**
 * The local SMS provider: accepts messages as a provider's send API would, answers `throttled` or
 * `invalid-number` where the knobs say so, and reports each accepted message's fate by receipt after
 * a delay (delivered, or failed for the share `failureRate` and the numbers in `failingNumbers`).
 * Replies (TD/退订) are passed on as a provider's uplink push would. Outcomes are seeded per message
 * and attempt (local/bank-simulator/rng.ts), so a run is reproducible whatever the interleaving.
 */
import { z } from "zod";
import { streamFor } from "../bank-simulator/rng.ts";

const Rate = z.number().min(0).max(1);

export const SmsKnobsSchema = z.object({
  /** Share of accepted messages whose receipt says they were not delivered. */
  failureRate: Rate,
  /** Share of send requests answered "throttled" (try again later). */
  throttleRate: Rate,
  /** Receipt delay, drawn uniformly in [minDelayMs, maxDelayMs] real milliseconds. */
  minDelayMs: z.number().int().min(0),
  maxDelayMs: z.number().int().min(0),
  /** 0 = receipts wait for `flush()` (tests never sleep); 1 = the delays above. */
  delayScale: z.number().min(0),
  /** E.164 numbers the provider refuses as invalid. */
  invalidNumbers: z.array(z.string()),
  /** E.164 numbers whose messages are accepted but never delivered (receipt: failed). */
  failingNumbers: z.array(z.string()),
});
export type SmsKnobs = z.infer<typeof SmsKnobsSchema>;
export const SmsKnobsPatchSchema = SmsKnobsSchema.partial();

export const DEFAULT_SMS_KNOBS: SmsKnobs = {
  failureRate: 0,
  throttleRate: 0,
  minDelayMs: 200,
  maxDelayMs: 2_000,
  delayScale: 1,
  invalidNumbers: [],
  failingNumbers: [],
};

export interface SmsRequest {
  messageId: string;
  phoneNumber: string;
  event: string;
  signName: string;
  text: string;
  signedText: string;
  params: Record<string, string>;
  templateCode?: string;
}

export const SmsRequestSchema = z.object({
  messageId: z.string().min(1).max(200),
  phoneNumber: z.string().min(1).max(20),
  event: z.string().min(1).max(50),
  signName: z.string().min(1).max(20),
  text: z.string().min(1).max(400),
  signedText: z.string().min(1).max(420),
  params: z.record(z.string(), z.string()),
  templateCode: z.string().max(40).optional(),
});

export type SimulatedStatus = "accepted" | "delivered" | "failed" | "throttled" | "invalid-number";

export interface SimulatedSms {
  /** The provider's id of an accepted message; absent for a refused request. */
  smsId?: string;
  request: SmsRequest;
  status: SimulatedStatus;
  receivedAtMs: number;
  reportedAtMs?: number;
  /** The receipt reached AidFlow (false: not yet, or AidFlow answered an error). */
  receiptDelivered: boolean;
  /** Decided on arrival: the receipt will say "not delivered". */
  willFail?: boolean;
}

/** What the simulator tells AidFlow: a receipt per accepted message, a reply per uplink. */
export interface SmsSimulatorCallbacks {
  receipt(receipt: {
    messageId: string;
    phone: string;
    providerMessageId: string;
    delivered: boolean;
    code: string;
  }): Promise<void>;
  reply(reply: { phone: string; text: string }): Promise<void>;
}

export type SendAnswer =
  | { status: 200; smsId: string }
  | { status: 429; code: string; detail: string }
  | { status: 400; body: { status: "invalid-number"; code: string; detail: string } };

/** Requests kept for the page and the tests (a limit on everything). */
const KEPT_MAX = 5_000;

export class SmsSimulator {
  private knobsValue: SmsKnobs;
  private readonly sent: SimulatedSms[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pending = new Set<SimulatedSms>();
  private readonly inFlight = new Set<Promise<void>>();
  private sequence = 0;

  constructor(
    private readonly callbacks: SmsSimulatorCallbacks,
    knobs: Partial<SmsKnobs> = {},
    private readonly seed = 1,
  ) {
    this.knobsValue = SmsKnobsSchema.parse({ ...DEFAULT_SMS_KNOBS, ...knobs });
  }

  get knobs(): SmsKnobs {
    return this.knobsValue;
  }

  setKnobs(patch: Partial<SmsKnobs>): SmsKnobs {
    const next = SmsKnobsSchema.parse({ ...this.knobsValue, ...patch });
    if (next.maxDelayMs < next.minDelayMs) throw new RangeError("maxDelayMs must be ≥ minDelayMs");
    this.knobsValue = next;
    return next;
  }

  /** Every request received, newest first. */
  messages(): readonly SimulatedSms[] {
    return [...this.sent].reverse();
  }

  /** One send request: refused, throttled, or accepted with its receipt scheduled. */
  send(request: SmsRequest): SendAnswer {
    const attempt = this.sent.filter((s) => s.request.messageId === request.messageId).length;
    const random = streamFor(this.seed, `${request.messageId}#${request.phoneNumber}#${attempt}`);
    const record: SimulatedSms = {
      request,
      status: "accepted",
      receivedAtMs: Date.now(),
      receiptDelivered: false,
    };
    this.keep(record);
    if (this.knobsValue.invalidNumbers.includes(request.phoneNumber)) {
      record.status = "invalid-number";
      return {
        status: 400,
        body: { status: "invalid-number", code: "MOBILE_NUMBER_ILLEGAL", detail: "号码无效" },
      };
    }
    if (random() < this.knobsValue.throttleRate) {
      record.status = "throttled";
      return { status: 429, code: "BUSINESS_LIMIT_CONTROL", detail: "触发流控" };
    }
    this.sequence += 1;
    record.smsId = `SIM${String(this.sequence).padStart(8, "0")}`;
    const fails =
      this.knobsValue.failingNumbers.includes(request.phoneNumber) || random() < this.knobsValue.failureRate;
    const { minDelayMs, maxDelayMs, delayScale } = this.knobsValue;
    const delayMs = (minDelayMs + random() * (maxDelayMs - minDelayMs)) * delayScale;
    record.willFail = fails;
    this.pending.add(record);
    if (delayScale > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.track(this.report(record, fails));
      }, delayMs);
      this.timers.add(timer);
    }
    return { status: 200, smsId: record.smsId };
  }

  /** Reports every receipt still pending at once (the manual mode's clock). */
  async flush(): Promise<number> {
    const due = [...this.pending];
    await Promise.all(due.map((record) => this.report(record, record.willFail === true)));
    return due.length;
  }

  /** A reply from a phone, as the provider's uplink push passes it on. */
  async reply(phone: string, text: string): Promise<void> {
    await this.callbacks.reply({ phone, text });
  }

  /** Stops the receipt timers and waits for receipts being reported. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([...this.inFlight]);
  }

  private async report(record: SimulatedSms, fails: boolean): Promise<void> {
    if (!this.pending.delete(record)) return;
    record.status = fails ? "failed" : "delivered";
    record.reportedAtMs = Date.now();
    try {
      await this.callbacks.receipt({
        messageId: record.request.messageId,
        phone: record.request.phoneNumber,
        providerMessageId: record.smsId as string,
        delivered: !fails,
        code: fails ? "UNDELIV" : "DELIVRD",
      });
      record.receiptDelivered = true;
    } catch {
      record.receiptDelivered = false;
    }
  }

  private track(promise: Promise<void>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  private keep(record: SimulatedSms): void {
    this.sent.push(record);
    if (this.sent.length > KEPT_MAX) this.sent.splice(0, this.sent.length - KEPT_MAX);
  }
}
